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
  return extractSliceInto(data, shape, axis, index, undefined, opts) as Slice2D<T>;
}

/**
 * {@link extractSlice} writing into `out` (any typed array of rows·cols values, e.g. a
 * `Float64Array` to convert while copying); a new array of the input's type when omitted.
 *
 * @example
 * ```ts
 * import { extractSliceInto } from "./slice.ts";
 * const s = extractSliceInto(Int16Array.of(1, 2, 3, 4), [2, 2, 1], 1, 0, new Float64Array(2));
 * if (!(s.data instanceof Float64Array) || s.data.join() !== "1,2") throw new Error();
 * ```
 */
export function extractSliceInto<O extends VoxelArray>(
  data: VoxelArray,
  shape: number[],
  axis: number,
  index: number,
  out: O | undefined,
  opts: { transpose?: boolean } = {},
): Slice2D<O> {
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
  if (!out) out = new (data.constructor as new (n: number) => O)(rows * cols);
  else if (out.length !== rows * cols) {
    throw new VolumeError(`extractSlice: out has ${out.length} values, slice needs ${rows * cols}`);
  }
  if (cs === 1) {
    for (let r = 0; r < rows; r++) {
      out.set(data.subarray(base + r * rs, base + r * rs + cols) as never, r * cols);
    }
  } else {
    // Blocks of 16 columns: the reads walk `rows` nearby streams, the writes stay in cache.
    for (let c0 = 0; c0 < cols; c0 += 16) {
      const c1 = Math.min(cols, c0 + 16);
      for (let r = 0; r < rows; r++) {
        const o = r * cols, sr = base + r * rs;
        for (let c = c0; c < c1; c++) out[o + c] = data[sr + c * cs];
      }
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

/**
 * Slices `start … start+count−1` along `axis`, each as {@link extractSlice} would return it but
 * written into arrays made by `make(n)` (e.g. `(n) => new Float64Array(n)` to convert on the
 * way). Along axis 0 (strided in x-fastest data) the slab is gathered in one cache-friendly pass
 * instead of one strided pass per slice.
 *
 * @example
 * ```ts
 * import { extractSlices } from "./slice.ts";
 * // shape [2, 2, 1]: vol[0] = [1, 3], vol[1] = [2, 4] (rows = y)
 * const s = extractSlices(Uint8Array.of(1, 2, 3, 4), [2, 2, 1], 0, 0, 2, (n) => new Float32Array(n));
 * if (s.map((x) => x.data.join()).join("|") !== "1,3|2,4") throw new Error();
 * ```
 */
export function extractSlices<O extends VoxelArray>(
  data: VoxelArray,
  shape: number[],
  axis: number,
  start: number,
  count: number,
  make: (n: number) => O,
): Slice2D<O>[] {
  checkShape(data, shape, "extractSlices");
  if (shape.length !== 3) throw new VolumeError(`extractSlices: needs a 3D shape, got [${shape}]`);
  if (!(start >= 0 && count >= 0 && start + count <= shape[axis])) {
    throw new VolumeError(`extractSlices: ${start}+${count} outside axis ${axis} of [${shape}]`);
  }
  if (axis !== 0) {
    return Array.from(
      { length: count },
      (_, n) => extractSliceInto(data, shape, axis, start + n, make(slicePlane(shape, axis))),
    );
  }
  const [X, Y, Z] = shape, XY = X * Y;
  const outs = Array.from({ length: count }, () => make(Y * Z));
  for (let k0 = 0; k0 < Z; k0 += 8) {
    const k1 = Math.min(Z, k0 + 8);
    for (let j = 0; j < Y; j++) {
      for (let k = k0; k < k1; k++) {
        const s = X * j + XY * k + start, o = j * Z + k;
        for (let n = 0; n < count; n++) outs[n][o] = data[s + n];
      }
    }
  }
  return outs.map((d) => ({ data: d, rows: Y, cols: Z }));
}

function slicePlane(shape: number[], axis: number): number {
  return shape.reduce((p, n, a) => (a === axis ? p : p * n), 1);
}
