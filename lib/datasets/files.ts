/**
 * The data sets' one door to the file system: existence checks, text lists, and volume reading
 * through `lib/io`, turning missing files into {@link DatasetError}s that name the file.
 * @module
 */
import { readNifti } from "../io/nifti.ts";
import { type NpyArray, readNpy } from "../io/npy.ts";
import { readNpz } from "../io/npz.ts";
import type { Volume } from "../volume/types.ts";
import { DatasetError } from "./types.ts";
import { type Nd, transpose } from "./nd.ts";

/** True if `path` exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Throw a {@link DatasetError} "missing" unless `path` exists. */
export async function requireFile(path: string, what = "file"): Promise<void> {
  if (!(await exists(path))) throw new DatasetError(path, `missing ${what}`);
}

/** Sorted names of entries in `dir` matching `re` (files or folders as `kind` says). */
export async function listDir(
  dir: string,
  re: RegExp,
  kind: "file" | "dir" | "any" = "any",
): Promise<string[]> {
  if (!(await exists(dir))) throw new DatasetError(dir, "missing folder");
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!re.test(e.name)) continue;
    if (kind === "file" && !e.isFile) continue;
    if (kind === "dir" && !e.isDirectory) continue;
    out.push(e.name);
  }
  return out.sort();
}

/** Non-empty lines of a text file, trimmed (LF or CRLF; last line may lack a newline). */
export async function readLines(path: string): Promise<string[]> {
  await requireFile(path, "list file");
  const text = await Deno.readTextFile(path);
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** Read a NIfTI volume; a missing file becomes a {@link DatasetError}. */
export async function readVolume(path: string): Promise<Volume> {
  await requireFile(path, "NIfTI volume");
  return await readNifti(path);
}

/**
 * A NIfTI volume of file shape `[d0, d1, d2]` (x fastest) as a row-major {@link Nd} in NumPy's
 * index order (`arr[i, j, k]` as nibabel returns it), then axes permuted by `perm`
 * (e.g. LiTS' `(2, 0, 1)`).
 */
export function volumeToNd(v: Volume, perm: number[] = [0, 1, 2]): Nd {
  if (v.shape.length !== 3) {
    throw new DatasetError("volume", `expected a 3D volume, got shape [${v.shape}]`);
  }
  const data = v.data instanceof Float32Array ? v.data : Float32Array.from(v.data);
  // x-fastest [d0, d1, d2] = row-major [d2, d1, d0]; reversing gives NumPy order.
  const rowMajor: Nd = { data, shape: [v.shape[2], v.shape[1], v.shape[0]] };
  return transpose(rowMajor, perm.map((p) => 2 - p));
}

/** Check that two volumes share a grid (shape and affine within `tol`), else DatasetError. */
export function checkSameGrid(a: Volume, b: Volume, fileA: string, fileB: string, tol = 1e-3) {
  if (a.shape.join() !== b.shape.join()) {
    throw new DatasetError(fileB, `shape [${b.shape}] differs from [${a.shape}] of ${fileA}`);
  }
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 4; j++) {
      if (Math.abs(a.affine[i][j] - b.affine[i][j]) > tol * Math.max(1, Math.abs(a.affine[i][j]))) {
        throw new DatasetError(
          fileB,
          `affine differs from ${fileA} at [${i}][${j}]: ${b.affine[i][j]} vs ${a.affine[i][j]}`,
        );
      }
    }
  }
}

/** Throw a {@link DatasetError} if any value of `labels` is outside `allowed`. */
export function checkLabels(labels: ArrayLike<number>, allowed: readonly number[], file: string) {
  const ok = new Set(allowed);
  const bad = new Set<number>();
  for (let i = 0; i < labels.length; i++) if (!ok.has(labels[i])) bad.add(labels[i]);
  if (bad.size) {
    throw new DatasetError(
      file,
      `unexpected label values ${[...bad].slice(0, 5).join(", ")} (allowed ${allowed.join(", ")})`,
    );
  }
}

/** Read a `.npy` (C order); missing file → {@link DatasetError}. */
export async function readNpyFile(path: string): Promise<NpyArray> {
  await requireFile(path, "npy file");
  return await readNpy(path, { cOrder: true });
}

/** Read a `.npz` and check it holds `keys`; missing file or key → {@link DatasetError}. */
export async function readNpzFile(
  path: string,
  keys: readonly string[],
): Promise<Record<string, NpyArray>> {
  await requireFile(path, "npz file");
  const z = await readNpz(path, { cOrder: true });
  for (const k of keys) {
    if (!(k in z)) {
      throw new DatasetError(path, `no array "${k}" (has ${Object.keys(z).join(", ") || "none"})`);
    }
  }
  return z;
}

/** A NumPy array's values as float32 (BigInt arrays converted). */
export function asFloat32(a: NpyArray): Float32Array {
  const d = a.data;
  if (d instanceof Float32Array) return d;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    return Float32Array.from(d, (x) => Number(x));
  }
  return Float32Array.from(d);
}

/**
 * Strings of a 1-D NumPy unicode array file (`<U{n}`, UTF-32LE), as the slicer's
 * `<dataset>_<task>_slices.npy` list. Only this dtype: `lib/io` reads the numeric ones.
 */
export async function readNpyStrings(path: string): Promise<string[]> {
  await requireFile(path, "list file");
  const b = await Deno.readFile(path);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (b.length < 12 || magic.some((m, i) => b[i] !== m)) {
    throw new DatasetError(path, "not a .npy file (bad magic)");
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hl = b[6] === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const start = (b[6] === 1 ? 10 : 12) + hl;
  const header = new TextDecoder("latin1").decode(b.subarray(start - hl, start));
  const m = /'descr'\s*:\s*'([<>|=])U(\d+)'/.exec(header);
  const shape = /'shape'\s*:\s*\((\d+),?\s*\)/.exec(header);
  if (!m || !shape) {
    throw new DatasetError(path, `expected a 1-D unicode array, header ${header.trim()}`);
  }
  const n = Number(m[2]), count = Number(shape[1]), big = m[1] === ">";
  if (start + count * n * 4 > b.length) throw new DatasetError(path, "truncated data");
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    for (let c = 0; c < n; c++) {
      const cp = v.getUint32(start + (i * n + c) * 4, !big);
      if (cp === 0) break;
      s += String.fromCodePoint(cp);
    }
    out.push(s);
  }
  return out;
}
