/**
 * HLFD's `SliceDataset` (spec 02 §2.3, §3) over SliceMaker's KiTS/LiTS output folder
 * `<out>/<mode>/`: the index list `<dataset>_<task>_slices.npy` and one `<case>_<i>.npz` per
 * slice (`ct` raw HU, `mask` labels 0/1/2).
 *
 * Per sample, in the original's order: binarise the label (tumour: 2 → 1, 1 → 0; organ: > 0),
 * window HU to [lo, hi] and scale to [−1, 1], (train) random flip + rot90, two-channel one-hot
 * target, fixed crop (paper rows 50…433, cols 60…443). Output: image `[S, S, 1]`, label
 * `[S, S, 2]` (channel 0 = background), group = case key (text before the first `_`).
 * @module
 */
import { join } from "node:path";
import type { Rng } from "../random/mod.ts";
import { randomFlipRot90 } from "./augment.ts";
import { asFloat32, checkLabels, readNpyStrings, readNpzFile } from "./files.ts";
import { crop, type Nd } from "./nd.ts";
import { DatasetError, type Sample } from "./types.ts";

/** HU windows of the original (KiTS −200…300, LiTS −40…160). */
export const HLFD_WINDOWS: Record<"kits" | "lits", [number, number]> = {
  kits: [-200, 300],
  lits: [-40, 160],
};

/** Options of {@link openHlfdSlices}. */
export type HlfdSliceOptions = {
  dataset: "kits" | "lits";
  task: "tumor" | "organ";
  /** Training set: apply the flip/rot90 augmentation. */
  train: boolean;
  /** Fixed crop `(row0, col0, size)`: paper (50, 60, 384), demo (12, 15, 96). */
  crop?: { row0: number; col0: number; size: number };
  /** Override the HU window. */
  window?: [number, number];
};

/**
 * Open a sliced folder (`<out_path>/<mode>`) as a {@link Dataset}; reads the index list now and
 * each `.npz` on demand.
 *
 * @example
 * ```ts ignore
 * const ds = await openHlfdSlices("data/kits_slices/train", { dataset: "kits", task: "tumor", train: true,
 *   crop: { row0: 12, col0: 15, size: 96 } });
 * const s = await ds.get(0, createRng(0)); // s.shape = [96, 96, 1], s.labelShape = [96, 96, 2]
 * ```
 */
export async function openHlfdSlices(
  dir: string,
  o: HlfdSliceOptions,
): Promise<{ files: string[]; length: number; get(i: number, rng: Rng): Promise<Sample> }> {
  const files = await readNpyStrings(join(dir, `${o.dataset}_${o.task}_slices.npy`));
  return {
    files,
    length: files.length,
    async get(i: number, rng: Rng): Promise<Sample> {
      const path = join(dir, files[i]);
      const z = await readNpzFile(path, ["ct", "mask"]);
      const slice = { name: files[i], ct: asFloat32(z.ct), mask: asFloat32(z.mask) };
      return hlfdSample(
        { ...slice, ctShape: z.ct.shape, maskShape: z.mask.shape, file: path },
        o,
        rng,
      );
    },
  };
}

/** One slice in memory: file name (`<case>_<i>.npz`), `ct` (HU) and `mask` (0/1/2), H×W. */
export type HlfdSlice = {
  name: string;
  ct: Float32Array;
  ctShape: number[];
  mask: Float32Array;
  maskShape: number[];
  /** Path used in error messages (default `name`). */
  file?: string;
};

/**
 * The per-slice pipeline of {@link openHlfdSlices} on arrays already in memory.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { hlfdSample } from "./hlfd_slices.ts";
 * const s = hlfdSample({ name: "00001_3.npz", ct: Float32Array.of(-200, 50, 300, 1000),
 *   ctShape: [2, 2], mask: Float32Array.of(0, 1, 2, 2), maskShape: [2, 2] },
 *   { dataset: "kits", task: "tumor", train: false, crop: { row0: 0, col0: 0, size: 2 } }, createRng(0));
 * if (s.image.join() !== "-1,0,1,1" || s.label.join() !== "1,0,1,0,0,1,0,1" || s.group !== "00001") {
 *   throw new Error();
 * }
 * ```
 */
export function hlfdSample(sl: HlfdSlice, o: HlfdSliceOptions, rng: Rng): Sample {
  const { name, ctShape, ct, mask, maskShape } = sl;
  const file = sl.file ?? name;
  if (ctShape.length !== 2 || ctShape.join() !== maskShape.join()) {
    throw new DatasetError(
      file,
      `ct [${ctShape}] and mask [${maskShape}] must be the same 2D shape`,
    );
  }
  checkLabels(mask, [0, 1, 2], file);
  const lab = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    lab[i] = o.task === "organ" ? (mask[i] > 0 ? 1 : 0) : (mask[i] >> 1) > 0 ? 1 : 0;
  }
  const [lo, hi] = o.window ?? HLFD_WINDOWS[o.dataset];
  const img = new Float32Array(ct.length);
  for (let i = 0; i < ct.length; i++) {
    const v = Math.min(hi, Math.max(lo, ct[i]));
    img[i] = (2 * (v - lo)) / (hi - lo) - 1;
  }
  let pair = {
    image: { data: img, shape: [...ctShape, 1] } as Nd,
    label: { data: lab, shape: [...ctShape, 1] } as Nd,
  };
  if (o.train) pair = randomFlipRot90(pair, rng);
  const onehot = new Float32Array(lab.length * 2);
  for (let i = 0; i < lab.length; i++) {
    onehot[2 * i] = pair.label.data[i] === 0 ? 1 : 0;
    onehot[2 * i + 1] = pair.label.data[i];
  }
  let image = pair.image;
  let label: Nd = { data: onehot, shape: [...pair.label.shape.slice(0, 2), 2] };
  const c = o.crop ?? { row0: 50, col0: 60, size: 384 };
  if (c.row0 + c.size > image.shape[0] || c.col0 + c.size > image.shape[1]) {
    throw new DatasetError(
      file,
      `crop rows ${c.row0}+${c.size}, cols ${c.col0}+${c.size} exceeds slice [${
        image.shape.slice(0, 2)
      }]`,
    );
  }
  image = crop(image, [c.row0, c.col0], [c.size, c.size]);
  label = crop(label, [c.row0, c.col0], [c.size, c.size]);
  const stem = name.replace(/\.npz$/, "");
  return {
    id: stem,
    group: stem.slice(0, stem.indexOf("_") < 0 ? stem.length : stem.indexOf("_")),
    image: image.data,
    shape: image.shape,
    label: label.data,
    labelShape: label.shape,
  };
}
