/**
 * NIfTI-1/NIfTI-2 reading and NIfTI-1 writing (`.nii`, `.nii.gz`), matching nibabel's view of
 * a file: values after `scl_slope`/`scl_inter`, shape, spacing and affine (sform, else qform,
 * else nibabel's base affine).
 *
 * medkd parses NIfTI itself rather than through `nifti-reader-js`: that package leaves data in
 * file byte order, applies no scaling, gives no sane affine when neither sform nor qform is set,
 * decompresses gzip in JavaScript (slower than `node:zlib`) and allocates from the header's claim.
 * @module
 */

import zlib from "node:zlib";
import { Gunzip } from "fflate";
import type { Volume, VoxelArray } from "../volume/types.ts";
import { NiftiError } from "./errors.ts";
import { checkMemoryBudget } from "./budget.ts";
import { baseAffine, qformToAffine } from "./nifti_affine.ts";
import {
  NIFTI_DATATYPES,
  NIFTI_HEADER_MAX,
  type NiftiHeader,
  parseNiftiHeader,
} from "./nifti_header.ts";
import { type NiftiDtype, writeNiftiBytes, type WriteNiftiOptions } from "./nifti_write.ts";

export type { Volume, VoxelArray };
export type { NiftiDtype, NiftiHeader, WriteNiftiOptions };

type Ctor = {
  new (b: ArrayBuffer, offset: number, length: number): VoxelArray;
  BYTES_PER_ELEMENT: number;
};
const CTORS: Record<number, Ctor> = {
  2: Uint8Array,
  4: Int16Array,
  8: Int32Array,
  16: Float32Array,
  64: Float64Array,
  256: Int8Array,
  512: Uint16Array,
  768: Uint32Array,
};

/** Deflate cannot expand more than ~1032:1; a header claiming more than this is corrupt. */
const MAX_GZIP_RATIO = 1032;

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Decompress only as much of a gzip stream as the first `want` bytes need. */
function gunzipPrefix(gz: Uint8Array, want: number, file: string): Uint8Array {
  for (let n = 4096;; n *= 4) {
    const part = gz.subarray(0, n);
    let out: Uint8Array;
    try {
      out = zlib.gunzipSync(part, {
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        maxOutputLength: Math.max(n * MAX_GZIP_RATIO, want),
      });
    } catch (e) {
      throw new NiftiError(file, `corrupt gzip stream: ${(e as Error).message}`, { cause: e });
    }
    if (out.length >= want || part.length === gz.length) return out.subarray(0, want);
  }
}

/**
 * Decompress exactly `total` bytes (header + voxels) or report how many there were. Streams and
 * stops early when the file has bytes after the voxel data.
 */
function gunzipExact(gz: Uint8Array, total: number, file: string): Uint8Array {
  try {
    return zlib.gunzipSync(gz, { maxOutputLength: total });
  } catch {
    // trailing data past the voxels, a truncated stream or corrupt data: stream to find out
  }
  const out = new Uint8Array(total);
  let got = 0;
  const g = new Gunzip((chunk) => {
    const take = Math.min(chunk.length, total - got);
    out.set(chunk.subarray(0, take), got);
    got += take;
  });
  try {
    for (let i = 0; i < gz.length && got < total; i += 1 << 16) {
      g.push(gz.subarray(i, i + (1 << 16)));
    }
  } catch (e) {
    if (got < total) {
      throw new NiftiError(file, `corrupt gzip stream: ${(e as Error).message}`, { cause: e });
    }
  }
  return got === total ? out : out.subarray(0, got);
}

async function readPrefix(path: string, n: number): Promise<{ bytes: Uint8Array; size: number }> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(path);
  } catch (e) {
    throw new NiftiError(path, `cannot open: ${(e as Error).message}`, { cause: e });
  }
  try {
    const size = (await f.stat()).size;
    const bytes = new Uint8Array(Math.min(n, size));
    let got = 0;
    while (got < bytes.length) {
      const k = await f.read(bytes.subarray(got));
      if (k === null) break;
      got += k;
    }
    return { bytes: bytes.subarray(0, got), size };
  } finally {
    f.close();
  }
}

/**
 * Read only a NIfTI file's header (the first bytes; for `.nii.gz`, only the compressed prefix
 * that holds them). Cheap enough to scan a whole dataset.
 *
 * @example
 * ```ts
 * import { readNiftiHeader, writeNifti } from "./nifti.ts";
 * const path = await Deno.makeTempFile({ suffix: ".nii.gz" });
 * const affine = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * await writeNifti(path, { data: new Int16Array(24), shape: [2, 3, 4], spacing: [1, 1, 1], affine });
 * const h = await readNiftiHeader(path);
 * if (h.shape.join() !== "2,3,4" || h.datatype !== 4) throw new Error();
 * await Deno.remove(path);
 * ```
 */
export async function readNiftiHeader(path: string): Promise<NiftiHeader> {
  const { bytes } = await readPrefix(path, 1 << 16);
  if (!isGzip(bytes)) return parseNiftiHeader(bytes.subarray(0, NIFTI_HEADER_MAX), path);
  // 64 KiB of gzip hold the header unless the gzip header itself is huge (FEXTRA/FNAME)
  return parseNiftiHeader(gunzipPrefix(bytes, NIFTI_HEADER_MAX, path), path);
}

async function readAll(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw new NiftiError(path, `cannot read: ${(e as Error).message}`, { cause: e });
  }
}

function voxelBytes(h: NiftiHeader, path: string): { ctor: Ctor; count: number; nbytes: number } {
  const ctor = CTORS[h.datatype];
  if (!ctor) {
    const name = NIFTI_DATATYPES[h.datatype]?.name ?? "unknown";
    throw new NiftiError(
      path,
      `unsupported datatype ${h.datatype} (${name}); expected uint8, int8, int16, uint16, ` +
        "int32, uint32, float32 or float64",
    );
  }
  const count = h.shape.reduce((a, b) => a * b, 1);
  const nbytes = count * ctor.BYTES_PER_ELEMENT;
  if (!Number.isSafeInteger(nbytes)) {
    throw new NiftiError(path, `dims [${h.shape}] give ${nbytes} bytes, beyond 2^53`);
  }
  return { ctor, count, nbytes };
}

/** Bytes of the extra float array that scaling (a valid slope other than 1, 0) allocates. */
function scaledBytes(h: NiftiHeader, nbytes: number): number {
  const s = h.sclSlope;
  if (s === 0 || !Number.isFinite(s) || (s === 1 && h.sclInter === 0)) return 0;
  const count = nbytes / (CTORS[h.datatype]?.BYTES_PER_ELEMENT ?? 1);
  return count * (h.datatype === 64 ? 8 : 4);
}

function truncated(path: string, nbytes: number, found: number): NiftiError {
  return new NiftiError(
    path,
    `truncated: expected ${nbytes} bytes of voxel data, found ${Math.max(0, found)}`,
  );
}

/**
 * Read a `.nii` / `.nii.gz` (gzip is detected from the bytes, not the name). Values come back
 * after scaling: with a valid `scl_slope` (not 0, finite) other than (1, 0), data is a
 * Float32Array (Float64Array for float64 files) of `raw·slope + inter`; otherwise the file's
 * own type. nibabel returns float64 in the scaled case; medkd uses float32 to halve memory.
 * `spacing` is pixdim[1..ndim] (absolute values for the three spatial axes, as nibabel fixes).
 * For `.nii.gz`, unscaled `data` may be a view into the decompressed file (`byteOffset` =
 * vox_offset): use `byteOffset`/`byteLength` when touching `data.buffer`.
 *
 * @example
 * ```ts
 * import { readNifti, writeNifti } from "./nifti.ts";
 * const path = await Deno.makeTempFile({ suffix: ".nii" });
 * const affine = [[2, 0, 0, -10], [0, 2, 0, 0], [0, 0, 3, 5], [0, 0, 0, 1]];
 * const data = Int16Array.from({ length: 24 }, (_, i) => i);
 * await writeNifti(path, { data, shape: [2, 3, 4], spacing: [2, 2, 3], affine }, { slope: 0.5 });
 * const v = await readNifti(path);
 * if (v.data[5] !== 5 || v.spacing.join() !== "2,2,3" || v.affine[0][3] !== -10) throw new Error();
 * await Deno.remove(path);
 * ```
 */
export async function readNifti(path: string): Promise<Volume & { header: NiftiHeader }> {
  const pre = await readPrefix(path, NIFTI_HEADER_MAX);
  let h: NiftiHeader;
  let raw: Uint8Array;
  if (isGzip(pre.bytes)) {
    const gz = await readAll(path);
    h = parseNiftiHeader(gunzipPrefix(gz, NIFTI_HEADER_MAX, path), path);
    const { nbytes } = voxelBytes(h, path);
    const total = h.voxOffset + nbytes;
    if (total > gz.length * MAX_GZIP_RATIO + 4096) {
      throw new NiftiError(
        path,
        `header claims ${nbytes} bytes of voxel data, more than a ${gz.length}-byte gzip ` +
          "stream can hold",
      );
    }
    checkMemoryBudget(total + scaledBytes(h, nbytes), path);
    const all = gunzipExact(gz, total, path);
    if (all.length < total) throw truncated(path, nbytes, all.length - h.voxOffset);
    // keep the voxels in gunzip's own buffer (no 2nd allocation + copy) when it is ours alone
    // and aligned; data is then a view starting at vox_offset
    const own = all.byteOffset === 0 && all.buffer.byteLength === all.length;
    const aligned = h.voxOffset % (CTORS[h.datatype]?.BYTES_PER_ELEMENT ?? 1) === 0;
    // (a Node Buffer's slice() is a view, so copy through the Uint8Array constructor)
    raw = own && aligned
      ? all.subarray(h.voxOffset, total)
      : new Uint8Array(all.subarray(h.voxOffset, total));
  } else {
    h = parseNiftiHeader(pre.bytes, path);
    const { nbytes } = voxelBytes(h, path);
    if (h.voxOffset + nbytes > pre.size) throw truncated(path, nbytes, pre.size - h.voxOffset);
    checkMemoryBudget(nbytes + scaledBytes(h, nbytes), path);
    raw = new Uint8Array(nbytes);
    const f = await Deno.open(path);
    try {
      await f.seek(h.voxOffset, Deno.SeekMode.Start);
      let got = 0;
      while (got < nbytes) {
        const k = await f.read(raw.subarray(got));
        if (k === null) throw truncated(path, nbytes, got);
        got += k;
      }
    } finally {
      f.close();
    }
  }
  return { ...toVolume(h, raw, path), header: h };
}

function toVolume(h: NiftiHeader, raw: Uint8Array, path: string): Volume {
  const { ctor } = voxelBytes(h, path);
  const size = ctor.BYTES_PER_ELEMENT;
  if (!h.littleEndian && size > 1) swapBytes(raw, size);
  let data: VoxelArray = new ctor(raw.buffer as ArrayBuffer, raw.byteOffset, raw.length / size);
  const slope = h.sclSlope;
  if (slope !== 0 && Number.isFinite(slope)) {
    if (!Number.isFinite(h.sclInter)) {
      throw new NiftiError(path, `scl_inter = ${h.sclInter} with a valid scl_slope`);
    }
    if (slope !== 1 || h.sclInter !== 0) data = scale(data, slope, h.sclInter);
  }
  const nd = h.shape.length;
  const spacing = h.pixdim.slice(1, nd + 1).map((p, i) => (i < 3 ? Math.abs(p) : p));
  let affine: number[][];
  if (h.sformCode > 0) affine = [...h.srow.map((r) => r.slice()), [0, 0, 0, 1]];
  else if (h.qformCode > 0) {
    const z = [1, 2, 3].map((i) => h.pixdim[i]) as [number, number, number];
    affine = qformToAffine({ quatern: h.quatern, qoffset: h.qoffset, zooms: z, qfac: h.pixdim[0] });
  } else affine = baseAffine(h.shape, spacing);
  return { data, shape: h.shape.slice(), spacing, affine };
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

function scale(x: VoxelArray, slope: number, inter: number): Float32Array | Float64Array {
  const out = x instanceof Float64Array ? new Float64Array(x.length) : new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * slope + inter;
  return out;
}

/**
 * Write a single-file NIfTI-1 (gzip when the name ends in `.gz`). The affine goes to both sform
 * and qform (codes 1 by default), pixdim[1..3] are the affine's column norms, pixdim[4..] come
 * from `spacing`. The datatype follows the typed array unless `opts.dtype` says otherwise;
 * with `slope`/`inter`, `vol.data` holds scaled values and the stored ones are
 * `(v − inter)/slope` (rounded and clipped for integer types).
 *
 * @example
 * ```ts
 * import { readNifti, writeNifti } from "./nifti.ts";
 * const path = await Deno.makeTempFile({ suffix: ".nii.gz" });
 * const affine = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * await writeNifti(path, { data: new Uint8Array([1, 2, 3, 4]), shape: [2, 2], spacing: [1, 1], affine });
 * const v = await readNifti(path);
 * if (!(v.data instanceof Uint8Array) || v.data[3] !== 4) throw new Error();
 * await Deno.remove(path);
 * ```
 */
export async function writeNifti(
  path: string,
  vol: Volume,
  opts: WriteNiftiOptions = {},
): Promise<void> {
  let bytes = writeNiftiBytes(path, vol, opts);
  if (path.endsWith(".gz")) bytes = zlib.gzipSync(bytes, { level: opts.gzipLevel ?? 1 });
  await Deno.writeFile(path, bytes);
}
