/**
 * Crop / pad to a shape (centred or at a box) and the bounding box of non-zero voxels.
 * Arrays are x-fastest with a shape; boxes are `{ start, end }` with `end` exclusive.
 * @module
 */
import { checkShape, stridesOf, VolumeError, voxelCount } from "./errors.ts";
import type { Volume, VoxelArray } from "./types.ts";

/** A box of voxel indices per axis: start inclusive, end exclusive. */
export type Box = { start: number[]; end: number[] };

/**
 * Offset of a centred crop/pad (MONAI convention): crop starts at ⌊(n − m)/2⌋; padding puts
 * ⌊(m − n)/2⌋ before and the rest after, i.e. offset −⌊(m − n)/2⌋.
 *
 * @example
 * ```ts
 * import { centreOffset } from "./crop.ts";
 * if (centreOffset([5, 5], [2, 8]).join() !== "1,-1") throw new Error();
 * ```
 */
export function centreOffset(shape: number[], target: number[]): number[] {
  return shape.map((n, a) => {
    const m = target[a];
    return n >= m ? Math.floor((n - m) / 2) : -Math.floor((m - n) / 2);
  });
}

/**
 * Crop and/or pad an x-fastest array to `target`: output voxel o takes input voxel
 * `o + offset` (per axis), or `padValue` outside the input. `offset` defaults to the centred
 * {@link centreOffset}; negative offsets pad before. The array type is kept.
 *
 * @example
 * ```ts
 * import { cropOrPad } from "./crop.ts";
 * // 4×1 → 2×1 centred crop, then 2×1 → 4×1 pad with -1
 * const c = cropOrPad(Int16Array.of(1, 2, 3, 4), [4, 1], [2, 1]);
 * if (c.join() !== "2,3") throw new Error();
 * const p = cropOrPad(c, [2, 1], [4, 1], { padValue: -1 });
 * if (p.join() !== "-1,2,3,-1") throw new Error(p.join());
 * ```
 */
export function cropOrPad<T extends VoxelArray>(
  data: T,
  shape: number[],
  target: number[],
  opts: { offset?: number[]; padValue?: number } = {},
): T {
  checkShape(data, shape, "cropOrPad");
  const n = voxelCount(target, "cropOrPad: target");
  if (target.length !== shape.length) {
    throw new VolumeError(`cropOrPad: shape [${shape}] and target [${target}] differ in rank`);
  }
  const off = opts.offset ?? centreOffset(shape, target);
  if (off.length !== shape.length || off.some((o) => !Number.isInteger(o))) {
    throw new VolumeError(`cropOrPad: offset [${off}] must be ${shape.length} integers`);
  }
  const ctor = data.constructor as new (n: number) => T;
  const out = new ctor(n);
  if (opts.padValue) out.fill(opts.padValue);
  const nd = shape.length, st = stridesOf(shape);
  // Valid output range per axis.
  const lo = target.map((_, a) => Math.min(target[a], Math.max(0, -off[a])));
  const hi = target.map((m, a) => Math.max(lo[a], Math.min(m, shape[a] - off[a])));
  if (lo.some((l, a) => l >= hi[a])) return out;
  // Copy contiguous runs along axis 0 for every index of the other axes.
  const run = hi[0] - lo[0];
  const idx = lo.slice();
  const ost = stridesOf(target);
  for (;;) {
    let s = 0, d = 0;
    for (let a = 0; a < nd; a++) {
      s += (idx[a] + off[a]) * st[a];
      d += idx[a] * ost[a];
    }
    out.set(data.subarray(s, s + run) as never, d);
    let a = 1;
    for (; a < nd; a++) {
      if (++idx[a] < hi[a]) break;
      idx[a] = lo[a];
    }
    if (a >= nd) break;
  }
  return out;
}

/**
 * Bounding box of the voxels > `threshold` (default: ≠ 0), grown by `margin` voxels per side
 * (a number or one per axis) and clipped to the array; `null` when no voxel qualifies.
 *
 * @example
 * ```ts
 * import { boundingBox } from "./crop.ts";
 * // 4×3 array (x fastest) with one voxel at x=2, y=1
 * const b = boundingBox(Uint8Array.of(0,0,0,0, 0,0,5,0, 0,0,0,0), [4, 3], { margin: 1 });
 * if (JSON.stringify(b) !== '{"start":[1,0],"end":[4,3]}') throw new Error(JSON.stringify(b));
 * ```
 */
export function boundingBox(
  data: ArrayLike<number>,
  shape: number[],
  opts: { margin?: number | number[]; threshold?: number } = {},
): Box | null {
  checkShape(data, shape, "boundingBox");
  const nd = shape.length;
  const start = new Array<number>(nd).fill(Infinity), end = new Array<number>(nd).fill(-1);
  const idx = new Array<number>(nd).fill(0);
  const thr = opts.threshold;
  for (let q = 0; q < data.length; q++) {
    const v = data[q];
    if (thr === undefined ? v !== 0 : v > thr) {
      for (let a = 0; a < nd; a++) {
        if (idx[a] < start[a]) start[a] = idx[a];
        if (idx[a] > end[a]) end[a] = idx[a];
      }
    }
    for (let a = 0; a < nd && ++idx[a] === shape[a]; a++) idx[a] = 0;
  }
  if (end[0] < 0) return null;
  const m = opts.margin ?? 0;
  const mg = typeof m === "number" ? shape.map(() => m) : m;
  return {
    start: start.map((s, a) => Math.max(0, s - mg[a])),
    end: end.map((e, a) => Math.min(shape[a], e + 1 + mg[a])),
  };
}

/**
 * Crop a {@link Volume}'s spatial axes to `box` (or crop/pad to `target` with `offset`), keeping
 * a 4th axis and moving the affine's origin so world coordinates are preserved.
 *
 * @example
 * ```ts
 * import { cropVolume } from "./crop.ts";
 * const v = { data: Float32Array.from({ length: 8 }, (_, i) => i), shape: [2, 2, 2],
 *   spacing: [1, 1, 1], affine: [[2, 0, 0, 10], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] };
 * const c = cropVolume(v, { start: [1, 0, 0], end: [2, 2, 2] });
 * if (c.data.join() !== "1,3,5,7" || c.affine[0][3] !== 12) throw new Error();
 * ```
 */
export function cropVolume(
  vol: Volume,
  box: Box | { target: number[]; offset?: number[]; padValue?: number },
): Volume {
  const sr = Math.min(vol.shape.length, 3);
  const extra = vol.shape.slice(sr);
  const [target, offset, padValue] = "start" in box
    ? [box.end.map((e, a) => e - box.start[a]), box.start, 0]
    : [box.target, box.offset ?? centreOffset(vol.shape.slice(0, sr), box.target), box.padValue];
  if (target.length !== sr) {
    throw new VolumeError(`cropVolume: box must have ${sr} spatial axes, got ${target.length}`);
  }
  const data = cropOrPad(vol.data, vol.shape, [...target, ...extra], {
    offset: [...offset, ...extra.map(() => 0)],
    padValue,
  });
  const affine = vol.affine.map((r) => [...r]);
  for (let i = 0; i < 4; i++) {
    for (let a = 0; a < sr; a++) affine[i][3] += vol.affine[i][a] * offset[a];
  }
  return { ...vol, data, shape: [...target, ...extra], affine, header: undefined };
}
