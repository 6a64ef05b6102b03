/**
 * The data sets' one door to the file system: existence checks, text lists, and volume reading
 * through `lib/io`, turning missing files into {@link DatasetError}s that name the file.
 * @module
 */
import { readNifti } from "../io/nifti.ts";
import { type NpyArray, readNpy } from "../io/npy.ts";
import { readNpz } from "../io/npz.ts";
import { NpyError } from "../io/errors.ts";
import { readNpyStrings as readNpyStringsIo } from "../io/npy_strings.ts";
import type { Volume } from "../volume/types.ts";
import { DatasetError } from "./types.ts";
import { type Nd, transpose } from "./nd.ts";

/**
 * True if `path` exists (file or folder).
 *
 * @example
 * ```ts ignore
 * if (await exists("data/kits/kits.json")) console.log("found");
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Throw a {@link DatasetError} "missing" unless `path` exists.
 *
 * @example
 * ```ts ignore
 * await requireFile("data/kits/case_00000/imaging.nii.gz", "NIfTI volume");
 * ```
 */
export async function requireFile(path: string, what = "file"): Promise<void> {
  if (!(await exists(path))) throw new DatasetError(path, `missing ${what}`);
}

/**
 * Sorted names of entries in `dir` matching `re` (files or folders as `kind` says).
 *
 * @example
 * ```ts ignore
 * const cases = await listDir("data/kits", /^case_\d+$/, "dir");
 * ```
 */
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

/**
 * Non-empty lines of a text file, trimmed (LF or CRLF; last line may lack a newline).
 *
 * @example
 * ```ts ignore
 * const names = await readLines("data/synapse/lists_Synapse/train.txt");
 * ```
 */
export async function readLines(path: string): Promise<string[]> {
  await requireFile(path, "list file");
  const text = await Deno.readTextFile(path);
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/**
 * Read a NIfTI volume; a missing file becomes a {@link DatasetError}.
 *
 * @example
 * ```ts ignore
 * const v = await readVolume("data/kits/case_00000/imaging.nii.gz");
 * ```
 */
export async function readVolume(path: string): Promise<Volume> {
  await requireFile(path, "NIfTI volume");
  return await readNifti(path);
}

/**
 * A NIfTI volume of file shape `[d0, d1, d2]` (x fastest) as a row-major {@link Nd} in NumPy's
 * index order (`arr[i, j, k]` as nibabel returns it), then axes permuted by `perm`
 * (e.g. LiTS' `(2, 0, 1)`).
 *
 * @example
 * ```ts
 * import { volumeToNd } from "./files.ts";
 * const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * // file order (x fastest) of shape [2, 1, 3]: value = 10·x + z
 * const v = { data: Int16Array.of(0, 10, 1, 11, 2, 12), shape: [2, 1, 3], spacing: [1, 1, 1], affine: I };
 * const a = volumeToNd(v); // NumPy order [2, 1, 3], row-major
 * if (a.data.join() !== "0,1,2,10,11,12") throw new Error(a.data.join());
 * ```
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

/**
 * Check that two volumes share a grid (shape and affine within `tol`), else DatasetError.
 *
 * @example
 * ```ts
 * import { checkSameGrid } from "./files.ts";
 * const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * const a = { data: new Uint8Array(8), shape: [2, 2, 2], spacing: [1, 1, 1], affine: I };
 * checkSameGrid(a, { ...a }, "img.nii", "seg.nii");
 * let threw = false;
 * try { checkSameGrid(a, { ...a, shape: [2, 2, 3] }, "img.nii", "seg.nii"); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
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

/**
 * Throw a {@link DatasetError} if any value of `labels` is outside `allowed`.
 *
 * @example
 * ```ts
 * import { checkLabels } from "./files.ts";
 * checkLabels(Uint8Array.of(0, 1, 2), [0, 1, 2], "seg.nii.gz");
 * let msg = "";
 * try { checkLabels(Uint8Array.of(0, 3), [0, 1, 2], "seg.nii.gz"); } catch (e) { msg = (e as Error).message; }
 * if (!msg.startsWith("seg.nii.gz: unexpected label values 3")) throw new Error(msg);
 * ```
 */
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

/**
 * Read a `.npy` (C order); missing file → {@link DatasetError}.
 *
 * @example
 * ```ts ignore
 * const a = await readNpyFile("data/hcc/hbp/HCC_001_ZS100001_hbp.npy");
 * ```
 */
export async function readNpyFile(path: string): Promise<NpyArray> {
  await requireFile(path, "npy file");
  return await readNpy(path, { cOrder: true });
}

/**
 * Read a `.npz` and check it holds `keys`; missing file or key → {@link DatasetError}.
 *
 * @example
 * ```ts ignore
 * const z = await readNpzFile("data/kits_slices/train/00000_5.npz", ["ct", "mask"]);
 * ```
 */
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

/**
 * A NumPy array's values as float32 (BigInt arrays converted).
 *
 * @example
 * ```ts
 * import { asFloat32 } from "./files.ts";
 * const f = asFloat32({ data: Int8Array.of(-1, 2), shape: [2], dtype: "int8", fortranOrder: false });
 * if (f.join() !== "-1,2") throw new Error();
 * ```
 */
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
 *
 * @example
 * ```ts ignore
 * const files = await readNpyStrings("data/kits_slices/train/kits_tumor_slices.npy");
 * ```
 */
export async function readNpyStrings(path: string): Promise<string[]> {
  await requireFile(path, "list file");
  try {
    return await readNpyStringsIo(path);
  } catch (e) {
    if (e instanceof NpyError) throw new DatasetError(path, e.problem, { cause: e });
    throw e;
  }
}
