/**
 * Typed errors of the volume operations.
 * @module
 */

/** A volume operation got an argument it cannot use (shape, axis, box, orientation …). */
export class VolumeError extends Error {
  /**
   * @example
   * ```ts
   * import { VolumeError } from "./errors.ts";
   * const e = new VolumeError("resize: shape has 2 axes, outShape 3");
   * if (e.name !== "VolumeError") throw new Error(e.name);
   * ```
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Number of voxels of `shape`; throws when an extent is not a non-negative integer. */
export function voxelCount(shape: readonly number[], what = "shape"): number {
  let n = 1;
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new VolumeError(`${what}: extents must be non-negative integers, got [${shape}]`);
    }
    n *= s;
  }
  return n;
}

/** Throws unless `data.length` equals the voxel count of `shape`. */
export function checkShape(data: ArrayLike<number>, shape: readonly number[], fn: string): number {
  const n = voxelCount(shape, `${fn}: shape`);
  if (data.length !== n) {
    throw new VolumeError(`${fn}: data has ${data.length} values, shape [${shape}] needs ${n}`);
  }
  return n;
}

/** Strides of an x-fastest (Fortran / NIfTI order) array: stride[0] = 1. */
export function stridesOf(shape: readonly number[]): number[] {
  const st: number[] = [];
  let s = 1;
  for (const e of shape) {
    st.push(s);
    s *= e;
  }
  return st;
}
