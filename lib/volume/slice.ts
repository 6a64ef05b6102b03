/**
 * 2D slice extraction along any axis of a 3D x-fastest array.
 * @module
 */
import { checkShape, stridesOf, VolumeError } from "./errors.ts";
import type { Volume, VoxelArray } from "./types.ts";

/** A 2D image in row-major order (columns fastest), as NumPy / PNG / NPY store it. */
export type Slice2D<T extends VoxelArray = VoxelArray> = { data: T; rows: number; cols: number };

/**
 * Slice `index` along `axis` of a 3D array in x-fastest order, returned row-major with NumPy's
 * `np.take(arr, index, axis)` convention for an array of that shape: rows = the first remaining
 * axis, columns = the second. So KiTS' `vol[i]` (axis 0) has rows = y, cols = z, and a LiTS /
 * BTCV axial slice `vol[:, :, k]` (axis 2) has rows = x, cols = y. `transpose: true` swaps rows
 * and columns (e.g. rows = y, cols = x for axis 2: the contiguous plane as stored). The array
 * type is kept.
 *
 * @example
 * ```ts
 * import { extractSlice } from "./slice.ts";
 * // shape [2, 3, 1]: value = x + 10 y
 * const d = Int16Array.of(0, 1, 10, 11, 20, 21);
 * const s = extractSlice(d, [2, 3, 1], 2, 0);
 * if (s.rows !== 2 || s.cols !== 3 || s.data.join() !== "0,10,20,1,11,21") throw new Error();
 * const t = extractSlice(d, [2, 3, 1], 2, 0, { transpose: true });
 * if (t.rows !== 3 || t.data.join() !== "0,1,10,11,20,21") throw new Error();
 * ```
 */
export function extractSlice<T extends VoxelArray>(
  data: T,
  shape: number[],
  axis: number,
  index: number,
  opts: { transpose?: boolean } = {},
): Slice2D<T> {
  checkShape(data, shape, "extractSlice");
  if (shape.length !== 3) throw new VolumeError(`extractSlice: needs a 3D shape, got [${shape}]`);
  if (!(axis >= 0 && axis < 3 && Number.isInteger(axis))) {
    throw new VolumeError(`extractSlice: axis must be 0, 1 or 2, got ${axis}`);
  }
  if (!(Number.isInteger(index) && index >= 0 && index < shape[axis])) {
    throw new VolumeError(`extractSlice: index ${index} outside 0…${shape[axis] - 1}`);
  }
  const st = stridesOf(shape);
  let [ra, ca] = [0, 1, 2].filter((a) => a !== axis);
  if (opts.transpose) [ra, ca] = [ca, ra];
  const rows = shape[ra], cols = shape[ca], rs = st[ra], cs = st[ca];
  const base = index * st[axis];
  const ctor = data.constructor as new (n: number) => T;
  const out = new ctor(rows * cols);
  if (cs === 1) {
    for (let r = 0; r < rows; r++) {
      out.set(data.subarray(base + r * rs, base + r * rs + cols) as never, r * cols);
    }
  } else {
    for (let r = 0; r < rows; r++) {
      let s = base + r * rs;
      const o = r * cols;
      for (let c = 0; c < cols; c++, s += cs) out[o + c] = data[s];
    }
  }
  return { data: out, rows, cols };
}

/**
 * {@link extractSlice} of a 3D {@link Volume}.
 *
 * @example
 * ```ts
 * import { sliceVolume } from "./slice.ts";
 * const v = { data: Uint8Array.of(1, 2, 3, 4), shape: [2, 2, 1], spacing: [1, 1, 1],
 *   affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] };
 * if (sliceVolume(v, 0, 1).data.join() !== "2,4") throw new Error();
 * ```
 */
export function sliceVolume<T extends VoxelArray>(
  vol: Volume & { data: T },
  axis: number,
  index: number,
  opts: { transpose?: boolean } = {},
): Slice2D<T> {
  return extractSlice(vol.data, vol.shape, axis, index, opts);
}
