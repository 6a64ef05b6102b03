/**
 * The in-memory volume every reader returns and every volume operation takes.
 * @module
 */

/** Typed arrays a volume's voxels may live in. */
export type VoxelArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/**
 * A 2D/3D/4D image in file voxel order (x fastest, as NIfTI stores it).
 *
 * `data` holds values after `scl_slope`/`scl_inter`; `affine` maps voxel indices (i, j, k, 1)
 * to world millimetres (RAS+ as NIfTI defines it).
 */
export type Volume = {
  data: VoxelArray;
  /** [x, y, z] or [x, y, z, t] (or [x, y] for 2D). */
  shape: number[];
  /** Millimetres per axis (pixdim), one per spatial axis of `shape`. */
  spacing: number[];
  /** 4×4 voxel → world matrix. */
  affine: number[][];
  /** Format-specific header, when read from a file. */
  header?: unknown;
};
