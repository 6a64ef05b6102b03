/**
 * Processing one case: read its files, slice, write every output atomically (temporary file in
 * the same folder, then rename) and finally a done-marker holding the case's list entries.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { readNifti } from "../io/nifti.ts";
import { sliceBratsCase } from "./brats.ts";
import { fileExists } from "./discover.ts";
import { sliceKitsCase } from "./kits.ts";
import { sliceSynapseCase } from "./synapse.ts";
import type { CaseJob, CaseResult, Emit, SliceOptions } from "./types.ts";

/** Folder the run writes slices into: `<outpath>/<mode>` for kits/lits, else `<outpath>`. */
export function outputDir(o: SliceOptions): string {
  return o.dataset === "kits" || o.dataset === "lits" ? join(o.outpath, o.mode) : o.outpath;
}

/** Done-marker of a case: `<outputDir>/.slicemaker/<dataset>_<task>/<id>.json`. */
export function markerPath(o: SliceOptions, id: string): string {
  return join(outputDir(o), ".slicemaker", `${o.dataset}_${o.task}`, `${id}.json`);
}

let tmpCounter = 0;
/** Name pattern of temporary files (so a later run can remove leftovers of a killed one). */
export const TMP_PATTERN = /^\..+\.tmp-\d+-\d+$/;

/**
 * Write a file atomically: the content goes to `.<name>.tmp-<pid>-<n>` next to it, then is
 * renamed over `path`; on failure the temporary file is removed.
 *
 * @example
 * ```ts
 * import { writeAtomic } from "./case.ts";
 * const dir = await Deno.makeTempDir();
 * await writeAtomic(`${dir}/a.txt`, new TextEncoder().encode("hi"));
 * if (await Deno.readTextFile(`${dir}/a.txt`) !== "hi") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeAtomic(
  path: string,
  content: Uint8Array | ((tmpPath: string) => Promise<void>),
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${Deno.pid}-${tmpCounter++}`);
  try {
    if (content instanceof Uint8Array) await Deno.writeFile(tmp, content);
    else await content(tmp);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Process one case (never throws: a failure is reported in the result). Removes the case's old
 * done-marker first and writes the new one last, so an interrupted case is redone next time.
 * `onFile` is called after each output file (for live progress).
 */
export async function processCase(
  job: CaseJob,
  o: SliceOptions,
  onFile?: () => void,
): Promise<CaseResult> {
  const t0 = performance.now();
  const out = outputDir(o);
  const marker = markerPath(o, job.id);
  let written = 0;
  const made = new Set<string>();
  const emit: Emit = async (rel, content) => {
    const path = join(out, rel);
    const dir = dirname(path);
    if (!made.has(dir)) (await Deno.mkdir(dir, { recursive: true }), made.add(dir));
    await writeAtomic(path, content);
    written++;
    onFile?.();
  };
  const result = (
    status: CaseResult["status"],
    listed: string[] = [],
    error?: string,
  ): CaseResult => ({ id: job.id, status, written, listed, error, ms: performance.now() - t0 });
  try {
    await Deno.remove(marker).catch(() => {});
    const label = job.files.label;
    const hasLabel = await fileExists(label);
    let listed: string[];
    if (o.dataset === "kits" || o.dataset === "lits") {
      if (!hasLabel) return result("skipped", [], `no segmentation (${label})`);
      const ct = await readNifti(job.files.image);
      const seg = await readNifti(label);
      listed = await sliceKitsCase(ct, seg, {
        dataset: o.dataset,
        task: o.task,
        caseId: job.id,
        sliceSize: o.sliceSize,
        compress: o.compress,
      }, emit);
    } else if (o.dataset === "synapse") {
      if (!hasLabel) return result("skipped", [], `no label (${label})`);
      const img = await readNifti(job.files.image);
      const lab = await readNifti(label);
      listed = await sliceSynapseCase(img, lab, {
        task: o.task,
        caseId: job.id,
        compress: o.compress,
      }, emit);
    } else {
      const mods = [];
      for (const m of ["flair", "t1", "t1ce", "t2"]) mods.push(await readNifti(job.files[m]));
      const seg = hasLabel ? await readNifti(label) : undefined;
      listed = await sliceBratsCase(mods, seg, {
        caseId: job.id,
        histThreshold: o.histThreshold,
        compress: o.compress,
      }, emit);
    }
    await Deno.mkdir(dirname(marker), { recursive: true });
    await writeAtomic(
      marker,
      new TextEncoder().encode(JSON.stringify({ id: job.id, written, listed })),
    );
    return result("done", listed);
  } catch (e) {
    return result("failed", [], e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
}

/** The list entries recorded by a case's done-marker, or null when it has none (or it is bad). */
export async function readMarker(o: SliceOptions, id: string): Promise<string[] | null> {
  try {
    const m = JSON.parse(await Deno.readTextFile(markerPath(o, id)));
    return m && m.id === id && Array.isArray(m.listed) ? m.listed as string[] : null;
  } catch {
    return null;
  }
}
