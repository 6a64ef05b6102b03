/**
 * Building blocks of the study checkers: existence, NIfTI grids from headers (cheap), label values
 * and empty masks, every failure recorded in a {@link Collector} naming the file.
 * @module
 */
import { readNifti, readNiftiHeader } from "../io/nifti.ts";
import { baseAffine, qformToAffine } from "../io/nifti_affine.ts";
import type { NiftiHeader } from "../io/nifti_header.ts";
import { IoError } from "../io/errors.ts";
import { DatasetError } from "../datasets/types.ts";
import type { Collector } from "./report.ts";

/**
 * True if `path` exists; otherwise records "missing `what`" (an error, or a warning when
 * `level` says so).
 */
export async function present(
  c: Collector,
  path: string,
  what: string,
  level: "error" | "warning" = "error",
): Promise<boolean> {
  c.files++;
  try {
    await Deno.stat(path);
    return true;
  } catch {
    if (level === "error") c.error(path, `missing ${what}`);
    else c.warn(path, `missing ${what}`);
    return false;
  }
}

/** First existing path among `candidates`, or null. */
export async function firstExisting(candidates: string[]): Promise<string | null> {
  for (const p of candidates) {
    try {
      await Deno.stat(p);
      return p;
    } catch {
      // try the next one
    }
  }
  return null;
}

/**
 * Run `fn`; a typed reader or data set error becomes an error record naming its file, and the
 * result is null. Other exceptions propagate (they are bugs, not bad data).
 */
export async function guarded<T>(c: Collector, file: string, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof IoError || e instanceof DatasetError) c.error(e.file, e.problem);
    else if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied) {
      c.error(file, (e as Error).message);
    } else throw e;
    return null;
  }
}

/**
 * The voxel → world affine a reader would return for this header (sform, else qform, else the
 * base affine of the pixdims).
 *
 * @example
 * ```ts
 * import { headerAffine } from "./checks.ts";
 * const h = { sformCode: 1, srow: [[2, 0, 0, 1], [0, 2, 0, 2], [0, 0, 2, 3]] };
 * // deno-lint-ignore no-explicit-any
 * if (headerAffine(h as any)[2][3] !== 3) throw new Error();
 * ```
 */
export function headerAffine(h: NiftiHeader): number[][] {
  if (h.sformCode > 0) return [...h.srow.map((r) => r.slice()), [0, 0, 0, 1]];
  if (h.qformCode > 0) {
    const z = [1, 2, 3].map((i) => h.pixdim[i]) as [number, number, number];
    return qformToAffine({ quatern: h.quatern, qoffset: h.qoffset, zooms: z, qfac: h.pixdim[0] });
  }
  const nd = h.shape.length;
  return baseAffine(h.shape, h.pixdim.slice(1, nd + 1).map(Math.abs));
}

/**
 * Read the headers of `files` (the first is the reference) and record a shape or affine
 * mismatch (tolerance `tol`, relative above 1) against the reference, naming the other file.
 * Missing files must be filtered out by the caller. Returns false if any header failed.
 */
export async function sameGrid(c: Collector, files: string[], tol = 1e-3): Promise<boolean> {
  const hs: (NiftiHeader | null)[] = [];
  for (const f of files) hs.push(await guarded(c, f, () => readNiftiHeader(f)));
  const ref = hs[0];
  if (!ref || hs.some((h) => !h)) return false;
  const a0 = headerAffine(ref);
  for (let k = 1; k < files.length; k++) {
    const h = hs[k]!;
    if (h.shape.slice(0, 3).join() !== ref.shape.slice(0, 3).join()) {
      c.error(files[k], `shape [${h.shape}] differs from [${ref.shape}] of ${files[0]}`);
      continue;
    }
    const a = headerAffine(h);
    bad: for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) {
        if (Math.abs(a[i][j] - a0[i][j]) > tol * Math.max(1, Math.abs(a0[i][j]))) {
          c.error(
            files[k],
            `affine differs from ${files[0]} at [${i}][${j}]: ${a[i][j]} vs ${a0[i][j]}`,
          );
          break bad;
        }
      }
    }
  }
  return true;
}

/**
 * Record label values outside `allowed` (error, listing up to 5 of them) and an all-background
 * mask (warning "empty mask") in `values`, which came from `file`.
 *
 * @example
 * ```ts
 * import { Collector } from "./report.ts";
 * import { checkValues } from "./checks.ts";
 * const c = new Collector();
 * checkValues(c, "seg.nii", Uint8Array.of(0, 1, 3), [0, 1, 2]);
 * checkValues(c, "empty.nii", new Uint8Array(4), [0, 1, 2]);
 * if (c.errors[0].file !== "seg.nii" || c.warnings[0].problem !== "empty mask") throw new Error();
 * ```
 */
export function checkValues(
  c: Collector,
  file: string,
  values: ArrayLike<number | bigint>,
  allowed: readonly number[],
  opts: { emptyWarning?: boolean } = {},
): void {
  const ok = new Set(allowed);
  const bad = new Set<number>();
  let fg = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!ok.has(v) && bad.size < 5) bad.add(v);
    if (v !== 0) fg++;
  }
  if (bad.size > 0) {
    c.error(file, `label values ${[...bad].join(", ")} outside {${allowed.join(", ")}}`);
  }
  if (fg === 0 && values.length > 0 && (opts.emptyWarning ?? true)) c.warn(file, "empty mask");
}

/** Read a NIfTI label volume and {@link checkValues} it (a read failure is an error). */
export async function checkLabelVolume(
  c: Collector,
  file: string,
  allowed: readonly number[],
): Promise<void> {
  const v = await guarded(c, file, () => readNifti(file));
  if (v) checkValues(c, file, v.data, allowed);
}

/**
 * Record every key of `ids` seen more than once as a "duplicate case id" error naming the
 * files (or list lines) it came from.
 */
export function duplicates(c: Collector, ids: { id: string; file: string }[]): void {
  const seen = new Map<string, string>();
  for (const { id, file } of ids) {
    const first = seen.get(id);
    if (first !== undefined) c.error(file, `duplicate case id ${id} (also ${first})`);
    else seen.set(id, file);
  }
}

/** Sorted entry names of `dir` matching `re` (none if the folder is missing). */
export async function entries(dir: string, re: RegExp, kind: "file" | "dir"): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!re.test(e.name)) continue;
      if (kind === "dir" ? e.isDirectory || e.isSymlink : e.isFile || e.isSymlink) out.push(e.name);
    }
  } catch {
    return [];
  }
  return out.sort();
}
