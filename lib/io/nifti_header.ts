/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) header parsing and NIfTI-1 encoding, both
 * endiannesses. Layouts follow `nifti1.h` / `nifti2.h`.
 * @module
 */

import { NiftiError } from "./errors.ts";

/** A parsed NIfTI header (field names follow `nifti1.h`, camel-cased). */
export type NiftiHeader = {
  version: 1 | 2;
  littleEndian: boolean;
  /** `dim[0..7]`: dim[0] is the number of dimensions. */
  dim: number[];
  /** `dim[1..dim[0]]`. */
  shape: number[];
  datatype: number;
  bitpix: number;
  /** `pixdim[0..7]`; pixdim[0] is qfac. */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z. */
  srow: number[][];
  intentCode: number;
  intentName: string;
  descrip: string;
  auxFile: string;
  xyztUnits: number;
  calMin: number;
  calMax: number;
  magic: string;
};

/** Bytes needed to tell the version and parse either header (NIfTI-2 size). */
export const NIFTI_HEADER_MAX = 540;

/** Name and size of every NIfTI datatype code (supported or not), for messages. */
export const NIFTI_DATATYPES: Record<number, { name: string; bytes: number }> = {
  1: { name: "binary", bytes: 0 },
  2: { name: "uint8", bytes: 1 },
  4: { name: "int16", bytes: 2 },
  8: { name: "int32", bytes: 4 },
  16: { name: "float32", bytes: 4 },
  32: { name: "complex64", bytes: 8 },
  64: { name: "float64", bytes: 8 },
  128: { name: "rgb24", bytes: 3 },
  256: { name: "int8", bytes: 1 },
  512: { name: "uint16", bytes: 2 },
  768: { name: "uint32", bytes: 4 },
  1024: { name: "int64", bytes: 8 },
  1280: { name: "uint64", bytes: 8 },
  1536: { name: "float128", bytes: 16 },
  1792: { name: "complex128", bytes: 16 },
  2048: { name: "complex256", bytes: 32 },
  2304: { name: "rgba32", bytes: 4 },
};

function text(b: Uint8Array, at: number, len: number): string {
  const s = b.subarray(at, at + len);
  const end = s.indexOf(0);
  return new TextDecoder("latin1").decode(end < 0 ? s : s.subarray(0, end));
}

/**
 * Parse and validate a NIfTI-1 or NIfTI-2 header from the file's first bytes (at least 348, or
 * 540 for NIfTI-2). Throws {@link NiftiError} naming `file` for a bad size/magic, dim[0] outside
 * 1..7, a zero/negative/unsafe dim, or NaN/Inf in a field the reader needs.
 *
 * @example
 * ```ts
 * import { encodeNifti1Header, parseNiftiHeader } from "./nifti_header.ts";
 * const bytes = encodeNifti1Header({ shape: [2, 3], datatype: 2, pixdim: [1, 0.5, 0.5] });
 * const h = parseNiftiHeader(bytes, "mem.nii");
 * if (h.version !== 1 || h.shape.join() !== "2,3" || h.voxOffset !== 352) throw new Error();
 * ```
 */
export function parseNiftiHeader(bytes: Uint8Array, file: string): NiftiHeader {
  if (bytes.length === 0) throw new NiftiError(file, "empty file");
  if (bytes.length < 348) {
    throw new NiftiError(
      file,
      `truncated header: expected at least 348 bytes, found ${bytes.length}`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = v.getInt32(0, true);
  const be = v.getInt32(0, false);
  const size = le === 348 || le === 540 ? le : be === 348 || be === 540 ? be : -1;
  if (size < 0) {
    throw new NiftiError(
      file,
      `bad header: sizeof_hdr is ${le}, expected 348 (NIfTI-1) or 540 (NIfTI-2)`,
    );
  }
  const lit = le === size;
  if (bytes.length < size) {
    throw new NiftiError(file, `truncated header: expected ${size} bytes, found ${bytes.length}`);
  }
  const h = size === 348 ? parse1(bytes, v, lit, file) : parse2(bytes, v, lit, file);
  validate(h, file);
  return h;
}

function parse1(b: Uint8Array, v: DataView, lit: boolean, file: string): NiftiHeader {
  const magic = text(b, 344, 4);
  if (magic !== "n+1") {
    const why = magic === "ni1"
      ? "two-file NIfTI-1 (.hdr/.img) is not supported; convert to a single .nii"
      : `bad magic "${magic}", expected "n+1" (single-file NIfTI-1)`;
    throw new NiftiError(file, why);
  }
  const i16 = (o: number) => v.getInt16(o, lit);
  const f32 = (o: number) => v.getFloat32(o, lit);
  const dim = Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i));
  return {
    version: 1,
    littleEndian: lit,
    dim,
    shape: [],
    intentCode: i16(68),
    datatype: i16(70),
    bitpix: i16(72),
    pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: b[123],
    calMax: f32(124),
    calMin: f32(128),
    descrip: text(b, 148, 80),
    auxFile: text(b, 228, 24),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f32(280 + 16 * r + 4 * c))),
    intentName: text(b, 328, 16),
    magic,
  };
}

function parse2(b: Uint8Array, v: DataView, lit: boolean, file: string): NiftiHeader {
  const magic = text(b, 4, 8);
  const sig = [...b.subarray(4, 12)].join(",");
  if (magic !== "n+2" || sig !== "110,43,50,0,13,10,26,10") {
    throw new NiftiError(file, `bad magic "${magic}", expected "n+2\\0\\r\\n\\x1a\\n" (NIfTI-2)`);
  }
  const i64 = (o: number, field: string) => {
    const x = v.getBigInt64(o, lit);
    if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new NiftiError(file, `${field} = ${x} is beyond 2^53`);
    }
    return Number(x);
  };
  const f64 = (o: number) => v.getFloat64(o, lit);
  const i32 = (o: number) => v.getInt32(o, lit);
  return {
    version: 2,
    littleEndian: lit,
    datatype: v.getInt16(12, lit),
    bitpix: v.getInt16(14, lit),
    dim: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i, `dim[${i}]`)),
    shape: [],
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: i64(168, "vox_offset"),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    descrip: text(b, 240, 80),
    auxFile: text(b, 320, 24),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f64(400 + 32 * r + 8 * c))),
    xyztUnits: i32(500),
    intentCode: i32(504),
    intentName: text(b, 508, 16),
    magic,
  };
}

function validate(h: NiftiHeader, file: string): void {
  const nd = h.dim[0];
  if (!(nd >= 1 && nd <= 7)) throw new NiftiError(file, `dim[0] = ${nd}, expected 1..7`);
  h.shape = h.dim.slice(1, nd + 1);
  h.shape.forEach((d, i) => {
    if (!(d >= 1)) throw new NiftiError(file, `dim[${i + 1}] = ${d}, expected a positive size`);
  });
  const bad = (name: string, x: number[]) => {
    const i = x.findIndex((y) => !Number.isFinite(y));
    if (i >= 0) throw new NiftiError(file, `${name}[${i}] = ${x[i]}, expected a finite number`);
  };
  // the qform uses pixdim[0..3] whatever the number of dimensions
  bad("pixdim", h.pixdim.slice(0, Math.max(nd, h.qformCode > 0 ? 3 : 0) + 1));
  bad("vox_offset", [h.voxOffset]);
  if (h.sformCode > 0) h.srow.forEach((r, i) => bad(`srow_${"xyz"[i]}`, r));
  if (h.qformCode > 0) bad("quatern_b,c,d,qoffset_x,y,z", [...h.quatern, ...h.qoffset]);
  const hdrEnd = h.version === 1 ? 352 : 544;
  if (h.voxOffset === 0) h.voxOffset = hdrEnd;
  if (h.voxOffset < (h.version === 1 ? 348 : 540)) {
    throw new NiftiError(file, `vox_offset = ${h.voxOffset}, expected ≥ ${hdrEnd}`);
  }
  if (!Number.isInteger(h.voxOffset)) {
    throw new NiftiError(file, `vox_offset = ${h.voxOffset}, expected a whole number`);
  }
}

/** Fields {@link encodeNifti1Header} writes; the rest get NIfTI defaults. */
export type Nifti1HeaderFields = {
  shape: number[];
  datatype: number;
  /** pixdim[0..]: pixdim[0] is qfac. */
  pixdim: number[];
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  srow?: number[][];
  xyztUnits?: number;
  descrip?: string;
};

/**
 * The 352 bytes (348-byte NIfTI-1 header + 4-byte empty extension flag) that start a
 * little-endian single-file `.nii`, with vox_offset = 352.
 *
 * @example
 * ```ts
 * import { encodeNifti1Header } from "./nifti_header.ts";
 * const b = encodeNifti1Header({ shape: [4, 4, 4], datatype: 16, pixdim: [1, 1, 1, 1] });
 * if (b.length !== 352 || b[344] !== 0x6e || b[345] !== 0x2b) throw new Error(); // "n+"
 * ```
 */
export function encodeNifti1Header(f: Nifti1HeaderFields): Uint8Array {
  const b = new Uint8Array(352);
  const v = new DataView(b.buffer);
  const bytes = NIFTI_DATATYPES[f.datatype]?.bytes ?? 0;
  v.setInt32(0, 348, true);
  b[38] = "r".charCodeAt(0); // regular, as nibabel writes
  v.setInt16(40, f.shape.length, true);
  for (let i = 0; i < 7; i++) v.setInt16(42 + 2 * i, f.shape[i] ?? 1, true);
  v.setInt16(70, f.datatype, true);
  v.setInt16(72, bytes * 8, true);
  for (let i = 0; i < 8; i++) v.setFloat32(76 + 4 * i, f.pixdim[i] ?? 1, true);
  v.setFloat32(108, 352, true);
  v.setFloat32(112, f.sclSlope ?? 1, true);
  v.setFloat32(116, f.sclInter ?? 0, true);
  b[123] = f.xyztUnits ?? 0;
  new TextEncoder().encodeInto((f.descrip ?? "").slice(0, 79), b.subarray(148, 227));
  v.setInt16(252, f.qformCode ?? 0, true);
  v.setInt16(254, f.sformCode ?? 0, true);
  (f.quatern ?? [0, 0, 0]).forEach((x, i) => v.setFloat32(256 + 4 * i, x, true));
  (f.qoffset ?? [0, 0, 0]).forEach((x, i) => v.setFloat32(268 + 4 * i, x, true));
  const srow = f.srow ?? [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) v.setFloat32(280 + 16 * r + 4 * c, srow[r][c], true);
  }
  b.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  return b;
}
