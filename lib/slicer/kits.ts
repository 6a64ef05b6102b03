/**
 * HLFD's `scripts/SliceMaker.py` for KiTS19 and LiTS (spec 02 §2.2): every axial slice is written
 * as `<case>_<i>.npz` holding `ct` (float64 raw HU, bilinearly resized to size², OpenCV
 * INTER_LINEAR = half-pixel centres; identity at 512) and `mask` (int8, labels 0/1/2); slices
 * with tumour (task `tumor`: a value > 1) or any foreground (task `organ`: > 0) are listed.
 * Deviation D2: a mask whose in-plane size is not size² is resized with OpenCV's nearest rule
 * (the original leaves it unresized, which misaligns it).
 * @module
 */
import { resize } from "../volume/resample.ts";
import { extractSlices, type Slice2D } from "../volume/slice.ts";
import type { Volume } from "../volume/types.ts";
import { encodeNpz } from "../io/npz.ts";
import { type Emit, SliceError } from "./types.ts";

/** Slices gathered per pass (bounds memory: 32 × 2 MiB float64 at 512²). */
const CHUNK = 32;

/** Options of {@link sliceKitsCase}. */
export type KitsSliceOptions = {
  dataset: "kits" | "lits";
  task: string;
  caseId: string;
  sliceSize: number;
  compress: boolean;
};

/**
 * Slice one case (CT and segmentation as read from disk) and emit its `.npz` files; returns the
 * listed file names, in slice order.
 *
 * KiTS volumes are stored (slices, 512, 512): slice i = `vol[i]` (axis 0). LiTS volumes are
 * stored (512, 512, slices) and transposed (2, 0, 1): slice i = `vol[:, :, i]` (axis 2).
 *
 * @example
 * ```ts
 * import { sliceKitsCase } from "./kits.ts";
 * const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * const ct = { data: new Int16Array(2 * 2 * 2), shape: [2, 2, 2], spacing: [1, 1, 1], affine: eye };
 * const seg = { ...ct, data: Uint8Array.of(0, 2, 0, 0, 0, 0, 0, 0) };
 * const names: string[] = [];
 * const listed = await sliceKitsCase(ct, seg, { dataset: "kits", task: "tumor", caseId: "00007",
 *   sliceSize: 2, compress: false }, async (p) => { names.push(p); });
 * if (names.join() !== "00007_0.npz,00007_1.npz" || listed.join() !== "00007_1.npz") throw new Error();
 * ```
 */
export async function sliceKitsCase(
  ct: Volume,
  seg: Volume,
  o: KitsSliceOptions,
  emit: Emit,
): Promise<string[]> {
  if (ct.shape.length !== 3 || seg.shape.join() !== ct.shape.join()) {
    throw new SliceError(
      `case ${o.caseId}: imaging shape [${ct.shape}] and segmentation shape [${seg.shape}] ` +
        "must be equal and 3D",
    );
  }
  if (o.task !== "tumor" && o.task !== "organ") {
    throw new SliceError(`--task must be tumor or organ for ${o.dataset}, got "${o.task}"`);
  }
  const axis = o.dataset === "kits" ? 0 : 2;
  const thr = o.task === "tumor" ? 1 : 0;
  const size = o.sliceSize;
  const listed: string[] = [];
  const n = ct.shape[axis];
  // float64 HU (get_fdata) and int8 mask (astype), converted while gathering, CHUNK slices at a time
  let cts: Slice2D<Float64Array>[] = [], masks: Slice2D<Int8Array>[] = [];
  for (let i = 0; i < n; i++) {
    if (i % CHUNK === 0) {
      const count = Math.min(CHUNK, n - i);
      cts = extractSlices(ct.data, ct.shape, axis, i, count, (p) => new Float64Array(p));
      masks = extractSlices(seg.data, seg.shape, axis, i, count, (p) => new Int8Array(p));
    }
    const c = cts[i % CHUNK], m = masks[i % CHUNK];
    let ctOut: Float64Array;
    if (c.rows === size && c.cols === size) ctOut = c.data;
    else {
      ctOut = resize(c.data, [c.cols, c.rows], [size, size], {
        order: 1,
        align: "half_pixel",
        dtype: "float64",
      }) as Float64Array;
    }
    let mask: Int8Array = m.data;
    let mShape = [m.rows, m.cols];
    if (m.rows !== size || m.cols !== size) {
      mask = resize(mask, [m.cols, m.rows], [size, size], {
        order: 0,
        align: "asymmetric",
      }) as Int8Array;
      mShape = [size, size];
    }
    const name = `${o.caseId}_${i}.npz`;
    await emit(
      name,
      encodeNpz({ ct: { data: ctOut, shape: [size, size] }, mask: { data: mask, shape: mShape } }, {
        compress: o.compress,
      }),
    );
    let keep = false;
    for (let q = 0; q < mask.length; q++) {
      if (mask[q] > thr) {
        keep = true;
        break;
      }
    }
    if (keep) listed.push(name);
  }
  return listed;
}

/** Name of the index list the original writes: `<dataset>_<task>_slices.npy`. */
export function kitsListName(dataset: string, task: string): string {
  return `${dataset}_${task}_slices.npy`;
}
