/**
 * KiTS19 raw layout (spec 02 §2.1): `case_XXXXX/imaging.nii.gz` + `segmentation.nii.gz`
 * (0 background, 1 kidney, 2 tumour), HU intensities, slice axis first as nibabel returns it.
 * Also the seeded case-level split the rewrite uses instead of the original's unseeded folder
 * moves (spec 02 §3, §9 D6).
 * @module
 */
import { join } from "node:path";
import { createRng } from "../random/mod.ts";
import type { Volume } from "../volume/types.ts";
import { checkLabels, checkSameGrid, exists, listDir, readVolume, volumeToNd } from "./files.ts";
import { DatasetError } from "./types.ts";

/** One CT case in NumPy order `[slices, rows, cols]` (row-major): HU image and integer labels. */
export type CtCase = {
  /** Case key as the slicer names it (KiTS: `"00042"`, LiTS: `"42"`). */
  id: string;
  /** HU values, row-major over `shape`. */
  image: Float32Array;
  /** Labels 0/1/2, row-major over `shape`; absent for unlabelled cases. */
  label?: Uint8Array;
  /** `[slices, rows, cols]`. */
  shape: [number, number, number];
  /** Spacing (mm) in the same axis order. */
  spacing: number[];
  /** 4×4 voxel → world of the file's (unpermuted) axes. */
  affine: number[][];
};

/**
 * Sorted `case_*` folders of a KiTS root that hold `imaging*.nii.gz`. With `labelled: true` (the
 * default) folders without `segmentation.nii.gz` are left out (spec 02 §9 D3).
 *
 * @example
 * ```ts ignore
 * const cases = await listKitsCases("data/kits/train_cases"); // ["case_00000", …]
 * ```
 */
export async function listKitsCases(root: string, opts: { labelled?: boolean } = {}) {
  const dirs = await listDir(root, /^case_\d+$/, "dir");
  const out: string[] = [];
  for (const d of dirs) {
    if (!(await exists(join(root, d, "imaging.nii.gz")))) continue;
    if (opts.labelled !== false && !(await exists(join(root, d, "segmentation.nii.gz")))) continue;
    out.push(d);
  }
  return out;
}

/**
 * Turn an image volume (+ optional label volume) into a {@link CtCase} with NumPy order.
 *
 * @example
 * ```ts
 * import { ctCase } from "./kits.ts";
 * const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * const img = { data: Int16Array.of(1, 2), shape: [2, 1, 1], spacing: [3, 1, 1], affine: I };
 * const c = ctCase("00001", img, { ...img, data: Uint8Array.of(0, 2) }, { image: "i", label: "s" });
 * if (c.shape.join() !== "2,1,1" || c.label!.join() !== "0,2") throw new Error();
 * ```
 */
export function ctCase(
  id: string,
  img: Volume,
  seg: Volume | undefined,
  files: { image: string; label?: string },
  perm: number[] = [0, 1, 2],
): CtCase {
  if (img.shape.length !== 3) {
    throw new DatasetError(files.image, `expected a 3D volume, got shape [${img.shape}]`);
  }
  const image = volumeToNd(img, perm);
  let label: Uint8Array | undefined;
  if (seg) {
    checkSameGrid(img, seg, files.image, files.label!);
    checkLabels(seg.data, [0, 1, 2], files.label!);
    label = Uint8Array.from(volumeToNd(seg, perm).data);
  }
  return {
    id,
    image: image.data,
    label,
    shape: image.shape as [number, number, number],
    spacing: perm.map((p) => img.spacing[p]),
    affine: img.affine,
  };
}

/**
 * Load KiTS case folder `caseDir` (e.g. `…/case_00042`); id = last 5 characters of its name.
 * Errors: missing files, image/label grid mismatch, labels outside {0, 1, 2}.
 *
 * @example
 * ```ts ignore
 * const c = await loadKitsCase("data/kits/case_00000");
 * console.log(c.id, c.shape); // "00000" [24, 128, 128]
 * ```
 */
export async function loadKitsCase(caseDir: string, opts: { label?: boolean } = {}) {
  const name = caseDir.replace(/\/+$/, "").split(/[\\/]/).pop()!;
  const imgPath = join(caseDir, "imaging.nii.gz");
  const segPath = join(caseDir, "segmentation.nii.gz");
  const img = await readVolume(imgPath);
  const seg = opts.label === false ? undefined : await readVolume(segPath);
  return ctCase(name.slice(-5), img, seg, { image: imgPath, label: segPath });
}

/** A case-level train/test split. */
export type CaseSplit = { train: string[]; test: string[] };

/**
 * Seeded case-level split (spec 02 §3 rewrite choice: KiTS 168/42, LiTS 61/70): shuffle the
 * sorted ids with `seed`, the first `nTest` go to test; both lists come back sorted.
 *
 * @example
 * ```ts
 * import { splitCases } from "./kits.ts";
 * const s = splitCases(["a", "b", "c", "d", "e"], 2, 42);
 * if (s.test.length !== 2 || s.train.length !== 3) throw new Error();
 * ```
 */
export function splitCases(ids: readonly string[], nTest: number, seed: number | string) {
  if (nTest < 0 || nTest > ids.length) {
    throw new RangeError(`splitCases: nTest ${nTest} outside [0, ${ids.length}]`);
  }
  const order = createRng(seed).fork("case-split").shuffle([...ids].sort());
  return { test: order.slice(0, nTest).sort(), train: order.slice(nTest).sort() } as CaseSplit;
}

/**
 * Write a split as JSON (so it is reproducible and inspectable).
 *
 * @example
 * ```ts ignore
 * await writeSplit("runs/kits_split.json", splitCases(await listKitsCases("data/kits"), 2, 42));
 * ```
 */
export async function writeSplit(path: string, split: CaseSplit): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(split, null, 2) + "\n");
}

/**
 * Read a split written by {@link writeSplit}.
 *
 * @example
 * ```ts ignore
 * const split = await readSplit("runs/kits_split.json");
 * ```
 */
export async function readSplit(path: string): Promise<CaseSplit> {
  if (!(await exists(path))) throw new DatasetError(path, "missing split file");
  const j = JSON.parse(await Deno.readTextFile(path));
  if (!Array.isArray(j.train) || !Array.isArray(j.test)) {
    throw new DatasetError(path, "expected {train: string[], test: string[]}");
  }
  return { train: j.train.map(String), test: j.test.map(String) };
}
