/**
 * Encoding a {@link Volume} as single-file NIfTI-1 bytes (used by `writeNifti`).
 * @module
 */

import type { Volume, VoxelArray } from "../volume/types.ts";
import { NiftiError } from "./errors.ts";
import { affineToQform } from "./nifti_affine.ts";
import { encodeNifti1Header } from "./nifti_header.ts";

/** Voxel types medkd reads and writes. */
export type NiftiDtype =
  | "uint8"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "float32"
  | "float64";

/** Options of `writeNifti`. */
export type WriteNiftiOptions = {
  /** Stored voxel type; default: the type of `vol.data`. */
  dtype?: NiftiDtype;
  /** scl_slope (default 1): stored = (value − inter) / slope. */
  slope?: number;
  /** scl_inter (default 0). */
  inter?: number;
  /** qform_code (default 1, scanner). 0 writes no qform. */
  qformCode?: number;
  /** sform_code (default 1, scanner). 0 writes no sform. */
  sformCode?: number;
  /** Header `descrip` (at most 79 characters). */
  description?: string;
  /** gzip level for `.gz` names (default 1, as nibabel). */
  gzipLevel?: number;
};

type Ctor = { new (n: number): VoxelArray };
const TYPES: Record<
  NiftiDtype,
  { code: number; ctor: Ctor; int: boolean; min: number; max: number }
> = {
  uint8: { code: 2, ctor: Uint8Array, int: true, min: 0, max: 255 },
  int8: { code: 256, ctor: Int8Array, int: true, min: -128, max: 127 },
  int16: { code: 4, ctor: Int16Array, int: true, min: -32768, max: 32767 },
  uint16: { code: 512, ctor: Uint16Array, int: true, min: 0, max: 65535 },
  int32: { code: 8, ctor: Int32Array, int: true, min: -(2 ** 31), max: 2 ** 31 - 1 },
  uint32: { code: 768, ctor: Uint32Array, int: true, min: 0, max: 2 ** 32 - 1 },
  float32: { code: 16, ctor: Float32Array, int: false, min: -Infinity, max: Infinity },
  float64: { code: 64, ctor: Float64Array, int: false, min: -Infinity, max: Infinity },
};

/** The medkd dtype name of a typed array. */
export function dtypeOf(a: VoxelArray): NiftiDtype {
  const name = a.constructor.name.replace("Array", "").toLowerCase();
  if (name in TYPES) return name as NiftiDtype;
  throw new Error(`unsupported array type ${a.constructor.name}`);
}

/**
 * Header + voxel bytes of a single-file NIfTI-1 (uncompressed, little-endian).
 *
 * @example
 * ```ts
 * import { writeNiftiBytes } from "./nifti_write.ts";
 * const affine = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * const b = writeNiftiBytes("x.nii", { data: new Float32Array(8), shape: [2, 2, 2], spacing: [1, 1, 1], affine });
 * if (b.length !== 352 + 32) throw new Error();
 * ```
 */
export function writeNiftiBytes(
  path: string,
  vol: Volume,
  opts: WriteNiftiOptions = {},
): Uint8Array {
  const nd = vol.shape.length;
  if (nd < 1 || nd > 7) throw new NiftiError(path, `shape [${vol.shape}]: expected 1..7 axes`);
  if (vol.shape.some((d) => !Number.isInteger(d) || d < 1 || d > 32767)) {
    throw new NiftiError(path, `shape [${vol.shape}]: NIfTI-1 sizes must be 1..32767`);
  }
  const count = vol.shape.reduce((a, b) => a * b, 1);
  if (count !== vol.data.length) {
    throw new NiftiError(
      path,
      `shape [${vol.shape}] holds ${count} voxels, data has ${vol.data.length}`,
    );
  }
  const a = vol.affine;
  if (
    a.length < 3 || a.slice(0, 3).some((r) => r.length < 4 || r.some((x) => !Number.isFinite(x)))
  ) {
    throw new NiftiError(path, "affine: expected a finite 4×4 (or 3×4) matrix");
  }
  const dtype = opts.dtype ?? dtypeOf(vol.data);
  const t = TYPES[dtype];
  if (!t) throw new NiftiError(path, `dtype "${dtype}": expected one of ${Object.keys(TYPES)}`);
  const slope = opts.slope ?? 1;
  const inter = opts.inter ?? 0;
  if (!Number.isFinite(slope) || slope === 0 || !Number.isFinite(inter)) {
    throw new NiftiError(path, `slope ${slope} / inter ${inter}: expected finite, slope ≠ 0`);
  }
  const q = affineToQform(a);
  const pixdim = [q.qfac, ...q.zooms];
  for (let i = 3; i < nd; i++) pixdim.push(vol.spacing[i] ?? 1);
  const qCode = opts.qformCode ?? 1;
  const sCode = opts.sformCode ?? 1;
  const header = encodeNifti1Header({
    shape: vol.shape,
    datatype: t.code,
    pixdim,
    sclSlope: slope,
    sclInter: inter,
    qformCode: qCode,
    sformCode: sCode,
    quatern: q.quatern,
    qoffset: q.qoffset,
    srow: a.slice(0, 3),
    xyztUnits: nd > 3 ? 10 : 2, // mm (+ s)
    descrip: opts.description,
  });
  const data = encodeData(vol.data, t, slope, inter);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

function encodeData(
  x: VoxelArray,
  t: { ctor: Ctor; int: boolean; min: number; max: number },
  slope: number,
  inter: number,
): VoxelArray {
  if (slope === 1 && inter === 0 && x instanceof t.ctor) return x;
  const out = new t.ctor(x.length);
  for (let i = 0; i < x.length; i++) {
    let v = (x[i] - inter) / slope;
    if (t.int) v = Number.isNaN(v) ? 0 : Math.min(t.max, Math.max(t.min, Math.round(v)));
    out[i] = v;
  }
  return out;
}
