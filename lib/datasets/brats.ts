/**
 * BraTS2018 for LCKD (spec 05 §2): datalists, per-case loading with the original's histogram
 * truncation + foreground z-score, labels → [ET, WT, TC] targets, channels-last `[D, H, W, C]`
 * with D = NIfTI z, and the training patch sampler (random scale, foreground-centred or margin
 * crop, eight-way flip), optionally followed by the batchgenerators augmentation.
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import {
  asFloat32,
  checkLabels,
  checkSameGrid,
  exists,
  readLines,
  readNpzFile,
  readVolume,
  volumeToNd,
} from "./files.ts";
import { type Nd, stackLast, transpose } from "./nd.ts";
import { DatasetError } from "./types.ts";

/** Modalities in the original's channel order. */
export const BRATS_MODALITIES = ["flair", "t1", "t1ce", "t2"] as const;

/**
 * Case folders of a datalist (spec 05 §2.2): first whitespace token per line, header token
 * `BraTS_2020_subject_ID` skipped. Relative lines resolve against `baseDir` if given, else the
 * working directory (as the original) or, failing that, the nearest ancestor of the list file
 * where the folder exists.
 *
 * @example
 * ```ts ignore
 * const dirs = await readBratsDatalist("data/brats/datalist/BraTS18/BraTS18_train.csv");
 * ```
 */
export async function readBratsDatalist(
  listPath: string,
  opts: { baseDir?: string } = {},
): Promise<string[]> {
  const lines = (await readLines(listPath)).map((l) => l.split(/\s+/)[0]);
  const rel = lines.filter((t) => t !== "BraTS_2020_subject_ID");
  const out: string[] = [];
  for (const [i, r] of rel.entries()) {
    if (isAbsolute(r)) {
      out.push(r);
      continue;
    }
    if (opts.baseDir) {
      out.push(join(opts.baseDir, r));
      continue;
    }
    const bases = [Deno.cwd()];
    for (let d = dirname(resolve(listPath)), k = 0; k < 4; k++, d = dirname(d)) bases.push(d);
    let found: string | undefined;
    for (const b of bases) {
      if (await exists(join(b, r))) {
        found = join(b, r);
        break;
      }
    }
    if (!found) throw new DatasetError(listPath, `line ${i + 1}: case folder ${r} not found`);
    out.push(found);
  }
  return out;
}

/**
 * The original's per-modality normalisation (spec 05 §2.4) in place on file-order voxels:
 * histogram with int(max) bins over [min, max], clip at the index of the last bin with
 * ≥ `countThreshold` voxels, then z-score the voxels that differ from voxel [0, 0, 0]
 * (population std) and set the others to 0. std = 0 gives zeros (guard, §8 item 7).
 *
 * @example
 * ```ts
 * import { bratsNormalize } from "./brats.ts";
 * // background 0 stays 0; foreground (1, 3) → z-scores (−1, 1)
 * const y = bratsNormalize(Float32Array.of(0, 1, 3, 0), 1);
 * if (y.join() !== "0,-1,1,0") throw new Error(y.join());
 * ```
 */
export function bratsNormalize(data: Float32Array, countThreshold = 50): Float32Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const bins = Math.trunc(hi);
  if (bins >= 1 && hi > lo) {
    const hist = new Float64Array(bins);
    const w = (hi - lo) / bins;
    for (const v of data) hist[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
    let t = -1;
    for (let i = bins - 1; i >= 0; i--) {
      if (hist[i] >= countThreshold) {
        t = i;
        break;
      }
    }
    if (t >= 0) { for (let i = 0; i < data.length; i++) if (data[i] >= t) data[i] = t; }
  }
  const b = data[0];
  let n = 0, s = 0;
  for (const v of data) if (v !== b) (n++, s += v);
  const m = n ? s / n : 0;
  let q = 0;
  for (const v of data) if (v !== b) q += (v - m) * (v - m);
  const sd = n ? Math.sqrt(q / n) : 0;
  for (let i = 0; i < data.length; i++) {
    data[i] = data[i] === b || sd === 0 ? 0 : (data[i] - m) / sd;
  }
  return data;
}

/**
 * Targets [ET, WT, TC] from BraTS labels (spec 05 §2.3), appended as the last axis.
 *
 * @example
 * ```ts
 * import { bratsTargets } from "./brats.ts";
 * const t = bratsTargets({ data: Float32Array.of(4, 2), shape: [2] });
 * if (t.data.join() !== "1,1,1,0,1,0") throw new Error();
 * ```
 */
export function bratsTargets(labels: Nd): Nd {
  const n = labels.data.length;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const l = labels.data[i];
    out[3 * i] = l === 4 ? 1 : 0;
    out[3 * i + 1] = l >= 1 ? 1 : 0;
    out[3 * i + 2] = l === 1 || l === 4 ? 1 : 0;
  }
  return { data: out, shape: [...labels.shape, 3] };
}

/** A loaded case: image `[D, H, W, 4]` (normalised), targets `[D, H, W, 3]` when labelled. */
export type BratsCase = { id: string; image: Nd; label?: Nd; affine: number[][] };

/**
 * Load `<dir>/<id>_{flair,t1,t1ce,t2}.nii` (+ `_seg.nii` when present, or required with
 * `label: true`); `.nii.gz` accepted when `.nii` is absent. Errors: missing files, grid mismatch
 * between modalities/seg, seg values outside {0, 1, 2, 4}.
 *
 * @example
 * ```ts ignore
 * const c = await loadBratsCase("data/brats/MICCAI_BraTS_2018_Data_Training/HGG/Brats18_SYN_0001_1");
 * // c.image.shape = [32, 48, 48, 4]; c.label.shape = [32, 48, 48, 3]
 * ```
 */
export async function loadBratsCase(
  dir: string,
  opts: { countThreshold?: number; label?: boolean } = {},
): Promise<BratsCase> {
  const id = dir.replace(/[\\/]+$/, "").split(/[\\/]/).pop()!;
  const path = async (m: string) => {
    const p = join(dir, `${id}_${m}.nii`);
    return (await exists(p)) || !(await exists(p + ".gz")) ? p : p + ".gz";
  };
  const vols = [];
  const files: string[] = [];
  for (const m of BRATS_MODALITIES) {
    const p = await path(m);
    files.push(p);
    vols.push(await readVolume(p));
    if (vols.length > 1) checkSameGrid(vols[0], vols[vols.length - 1], files[0], p);
  }
  // normalisation is voxel-order independent (voxel [0,0,0] stays first), so it runs on the
  // permuted copy that volumeToNd allocates
  const chans = vols.map((v) => {
    const nd = volumeToNd(v, [2, 0, 1]);
    bratsNormalize(nd.data, opts.countThreshold);
    return nd;
  });
  const image = stackLast(chans);
  const segPath = await path("seg");
  let label: Nd | undefined;
  if (opts.label === true || (opts.label !== false && await exists(segPath))) {
    const seg = await readVolume(segPath);
    checkSameGrid(vols[0], seg, files[0], segPath);
    checkLabels(seg.data, [0, 1, 2, 4], segPath);
    label = bratsTargets(volumeToNd(seg, [2, 0, 1]));
  }
  return { id, image, label, affine: vols[0].affine };
}

/**
 * Load a case cached by SliceMaker (`--dataset brats`): `<ID>.npz` with `image` float32
 * (4, D, H, W), already normalised, and optional `label` uint8 (D, H, W) with raw values.
 *
 * @example
 * ```ts ignore
 * const c = await loadBratsNpz("data/brats_npz/Brats18_SYN_0001_1.npz");
 * ```
 */
export async function loadBratsNpz(path: string): Promise<BratsCase> {
  const z = await readNpzFile(path, ["image"]);
  const sh = z.image.shape;
  if (sh.length !== 4 || sh[0] !== 4) {
    throw new DatasetError(path, `image shape [${sh}], expected (4, D, H, W)`);
  }
  const image = transpose({ data: asFloat32(z.image), shape: sh }, [1, 2, 3, 0]);
  let label: Nd | undefined;
  if (z.label) {
    if (z.label.shape.join() !== sh.slice(1).join()) {
      throw new DatasetError(
        path,
        `label shape [${z.label.shape}] differs from image [${sh.slice(1)}]`,
      );
    }
    checkLabels(z.label.data as ArrayLike<number>, [0, 1, 2, 4], path);
    label = bratsTargets({ data: asFloat32(z.label), shape: z.label.shape });
  }
  const id = path.split(/[\\/]/).pop()!.replace(/\.npz$/, "");
  const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  return { id, image, label, affine: I };
}

/**
 * Load a case from a folder of NIfTI files or a SliceMaker `.npz` cache file.
 *
 * @example
 * ```ts ignore
 * const c = await loadBratsAny("data/brats_npz/Brats18_SYN_0001_1.npz");
 * ```
 */
export function loadBratsAny(
  path: string,
  opts: { countThreshold?: number; label?: boolean } = {},
): Promise<BratsCase> {
  return path.endsWith(".npz") ? loadBratsNpz(path) : loadBratsCase(path, opts);
}

/**
 * The `.npz` caches SliceMaker listed in `<dir>/brats_cases.txt`, as paths.
 *
 * @example
 * ```ts ignore
 * const paths = await listBratsNpz("data/brats_npz");
 * ```
 */
export async function listBratsNpz(dir: string): Promise<string[]> {
  return (await readLines(join(dir, "brats_cases.txt"))).map((id) => join(dir, `${id}.npz`));
}
