/**
 * Synapse multi-organ CT for the KD library (spec 03 §2): `train_npz/<case>_sliceNNN.npz`
 * (`image`, `label`) listed in `lists_Synapse/train.txt`, and `test_vol_h5/<case>.npy.h5`
 * (`image`, `label`, D×H×W) listed in `lists_Synapse/test_vol.txt`, sliced along axis 0 with case
 * grouping and slice order kept.
 *
 * Per slice (order matters): [optional 8-bit quantisation] → Normalize (z-score with population
 * std + 1e-8, then minus the minimum) → Resize to `size`² keeping aspect (bilinear; label
 * nearest) → (train) RandomRotFlip → image `[S, S, 1]`, label `[S, S]` with ids 0..8.
 * @module
 */
import { join } from "node:path";
import { readH5 } from "../io/h5.ts";
import type { Rng } from "../random/mod.ts";
import { randomRotFlip, type RotFlipOptions } from "./augment.ts";
import { asFloat32, checkLabels, readLines, readNpzFile, requireFile } from "./files.ts";
import { type Nd, resize } from "./nd.ts";
import { DatasetError, type Sample } from "./types.ts";

/** Organ ids 0..8 (0 background, 1 aorta … 8 stomach). */
export const SYNAPSE_LABELS = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;

/** Options of the Synapse data sets. */
export type SynapseOptions = {
  /** Target slice size (default: the stored size, i.e. Resize is the identity). */
  size?: number;
  /** Round image×255 to uint8 first, as the original's JPEG pipeline (default false). */
  quantize8bit?: boolean;
  /** RandomRotFlip settings (train only). */
  rotFlip?: RotFlipOptions;
  /** Folder of the list files (default `<root>/lists_Synapse`). */
  listDir?: string;
};

/**
 * Normalize as the library does: (x − mean)/(std + 1e-8), then x − min (min becomes 0).
 *
 * @example
 * ```ts
 * import { synapseNormalize } from "./synapse.ts";
 * const y = synapseNormalize(Float32Array.of(1, 3));
 * if (Math.abs(y[0]) > 1e-6 || Math.abs(y[1] - 2) > 1e-6) throw new Error(y.join());
 * ```
 */
export function synapseNormalize(x: Float32Array): Float32Array {
  let s = 0;
  for (const v of x) s += v;
  const m = s / x.length;
  let q = 0;
  for (const v of x) q += (v - m) * (v - m);
  const sd = Math.sqrt(q / x.length) + 1e-8;
  const out = x.map((v) => (v - m) / sd);
  let lo = Infinity;
  for (const v of out) if (v < lo) lo = v;
  for (let i = 0; i < out.length; i++) out[i] -= lo;
  return out;
}

/** One H×W slice in memory (`image` float, `label` ids 0..8), with its ids. */
export type SynapseSlice = {
  id: string;
  group: string;
  image: Float32Array;
  label: Float32Array;
  hw: [number, number];
  /** Path used in error messages (default `id`). */
  file?: string;
};

/**
 * The per-slice pipeline (`rng` only used when `train`).
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { synapseSample } from "./synapse.ts";
 * const s = synapseSample({ id: "case0001_slice000", group: "case0001", image: Float32Array.of(0, 1, 2, 3),
 *   label: Float32Array.of(0, 5, 5, 8), hw: [2, 2] }, false, createRng(0), { size: 4 });
 * if (s.shape.join() !== "4,4,1" || s.labelShape.join() !== "4,4" || s.label[15] !== 8) throw new Error();
 * ```
 */
export function synapseSample(
  sl: SynapseSlice,
  train: boolean,
  rng: Rng,
  o: SynapseOptions = {},
): Sample {
  const { id, group, image, label, hw } = sl;
  const file = sl.file ?? id;
  checkLabels(label, SYNAPSE_LABELS, file);
  let x = image;
  if (o.quantize8bit) x = x.map((v) => Math.min(255, Math.max(0, Math.round(v * 255))));
  x = synapseNormalize(x);
  let img: Nd = { data: x, shape: [hw[0], hw[1], 1] };
  let lab: Nd = { data: label, shape: [hw[0], hw[1], 1] };
  if (o.size && (hw[0] !== o.size || hw[1] !== o.size)) {
    const sc = Math.min(o.size / hw[0], o.size / hw[1]);
    const out = [Math.round(hw[0] * sc), Math.round(hw[1] * sc)];
    img = resize(img, out, "linear");
    lab = resize(lab, out, "nearest");
  }
  if (train) {
    ({ image: img, label: lab } = randomRotFlip({ image: img, label: lab }, rng, o.rotFlip));
  }
  return {
    id,
    group,
    image: img.data,
    shape: img.shape,
    label: lab.data,
    labelShape: lab.shape.slice(0, 2),
  };
}

/**
 * Training slices (`train.txt` → `train_npz/<name>.npz`), with RandomRotFlip.
 *
 * @example
 * ```ts ignore
 * const ds = await openSynapseTrain("data/synapse");
 * const s = await ds.get(0, createRng(0)); // s.shape = [96, 96, 1], s.labelShape = [96, 96]
 * ```
 */
export async function openSynapseTrain(root: string, o: SynapseOptions = {}) {
  const names = await readLines(join(o.listDir ?? join(root, "lists_Synapse"), "train.txt"));
  return {
    names,
    length: names.length,
    async get(i: number, rng: Rng): Promise<Sample> {
      const path = join(root, "train_npz", `${names[i]}.npz`);
      const z = await readNpzFile(path, ["image", "label"]);
      const sh = z.image.shape;
      if (sh.length !== 2 || sh.join() !== z.label.shape.join()) {
        throw new DatasetError(
          path,
          `image [${sh}] and label [${z.label.shape}] must be one 2D shape`,
        );
      }
      const group = names[i].replace(/_slice\d+$/, "");
      const img = asFloat32(z.image), lab = asFloat32(z.label);
      const hw: [number, number] = [sh[0], sh[1]];
      return synapseSample(
        { id: names[i], group, image: img, label: lab, hw, file: path },
        true,
        rng,
        o,
      );
    },
  };
}

/** A test volume: image and label D×H×W (row-major, axis 0 = slice). */
export type SynapseVolume = {
  name: string;
  image: Float32Array;
  label: Float32Array;
  shape: number[];
};

/**
 * Read `test_vol_h5/<name>.npy.h5`; errors name the file (missing, missing dataset, shapes).
 *
 * @example
 * ```ts ignore
 * const v = await loadSynapseVolume("data/synapse", "case0001"); // v.shape = [D, H, W]
 * ```
 */
export async function loadSynapseVolume(root: string, name: string): Promise<SynapseVolume> {
  const path = join(root, "test_vol_h5", `${name}.npy.h5`);
  await requireFile(path, "h5 volume");
  const h = await readH5(path);
  for (const k of ["image", "label"]) {
    if (!h[k]) throw new DatasetError(path, `no dataset "${k}"`);
  }
  if (h.image.shape.length !== 3 || h.image.shape.join() !== h.label.shape.join()) {
    throw new DatasetError(
      path,
      `image [${h.image.shape}] and label [${h.label.shape}] must be one D×H×W shape`,
    );
  }
  const label = Float32Array.from(h.label.data as ArrayLike<number>);
  checkLabels(label, SYNAPSE_LABELS, path);
  return {
    name,
    image: Float32Array.from(h.image.data as ArrayLike<number>),
    label,
    shape: h.image.shape,
  };
}

/**
 * Test slices of every case in `test_vol.txt`, in case order then slice order (use an
 * unshuffled loader); `group` = case name, `cases` gives each case's slice count so per-case
 * 3D metrics can be rebuilt. The last volume read is cached.
 *
 * @example
 * ```ts ignore
 * const te = await openSynapseTest("data/synapse"); // use an unshuffled DataLoader
 * ```
 */
export async function openSynapseTest(root: string, o: SynapseOptions = {}) {
  const names = await readLines(join(o.listDir ?? join(root, "lists_Synapse"), "test_vol.txt"));
  const cases: { name: string; depth: number; start: number }[] = [];
  let start = 0;
  for (const name of names) {
    const v = await loadSynapseVolume(root, name);
    cases.push({ name, depth: v.shape[0], start });
    start += v.shape[0];
  }
  let cached: SynapseVolume | undefined;
  return {
    cases,
    length: start,
    async get(i: number, rng: Rng): Promise<Sample> {
      const c = cases.find((c) => i >= c.start && i < c.start + c.depth);
      if (!c) throw new RangeError(`slice ${i} outside [0, ${start})`);
      if (cached?.name !== c.name) cached = await loadSynapseVolume(root, c.name);
      const [, h, w] = cached.shape, k = i - c.start, px = h * w;
      const img = cached.image.slice(k * px, (k + 1) * px),
        lab = cached.label.slice(k * px, (k + 1) * px);
      const id = `${c.name}_slice${String(k).padStart(3, "0")}`;
      return synapseSample(
        { id, group: c.name, image: img, label: lab, hw: [h, w] },
        false,
        rng,
        o,
      );
    },
  };
}
