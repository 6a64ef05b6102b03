/**
 * A whole SliceMaker run: find cases, skip finished ones (done-markers) unless `force`, process
 * the rest on N Web Workers (one case in memory per worker; 1 = the calling thread), write the
 * index list, and summarise. A failing case never aborts the run.
 * @module
 */
import { join } from "node:path";
import { kitsListName } from "./kits.ts";
import { synapseListName } from "./synapse.ts";
import { discoverCases } from "./discover.ts";
import { outputDir, processCase, readMarker, TMP_PATTERN, writeAtomic } from "./case.ts";
import { encodeNpyStrings } from "../io/npy_strings.ts";
import {
  type CaseJob,
  type CaseResult,
  SliceError,
  type SliceOptions,
  type SliceSummary,
} from "./types.ts";

/** Defaults of the options a caller may omit. */
export const SLICE_DEFAULTS = {
  mode: "train",
  sliceSize: 512,
  force: false,
  workers: 1,
  compress: true,
  histThreshold: 50,
} as const;

/** Callbacks for progress reporting. */
export type SliceHooks = {
  /** Called once cases are known: total cases and how many need processing. */
  onStart?(total: number, todo: number): void;
  /** Called after each processed (or failed / skipped) case. */
  onResult?(r: CaseResult): void;
  /** Called after each output file written (live progress inside long cases). */
  onFile?(): void;
};

async function removeStaleTemps(dir: string, depth = 1): Promise<void> {
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && TMP_PATTERN.test(e.name)) await Deno.remove(join(dir, e.name));
      else if (e.isDirectory && depth > 0) await removeStaleTemps(join(dir, e.name), depth - 1);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

function spawn(): Worker {
  return new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
}

function inWorker(
  w: Worker,
  job: CaseJob,
  opts: SliceOptions,
  onFile?: () => void,
): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent<{ result?: CaseResult }>) => {
      if (e.data.result) resolve(e.data.result);
      else onFile?.();
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      reject(new Error(`worker crashed: ${e.message}`));
    };
    w.postMessage({ job, opts });
  });
}

async function runPool(
  jobs: CaseJob[],
  opts: SliceOptions,
  onResult: (r: CaseResult) => void,
  onFile?: () => void,
): Promise<void> {
  if (opts.workers <= 1) {
    for (const j of jobs) onResult(await processCase(j, opts, onFile));
    return;
  }
  const queue = [...jobs];
  const lane = async () => {
    let w = spawn();
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const t0 = performance.now();
        const r = await inWorker(w, job, opts, onFile).catch((e: Error): CaseResult => {
          w.terminate();
          w = spawn();
          return {
            id: job!.id,
            status: "failed",
            written: 0,
            listed: [],
            error: e.message,
            ms: performance.now() - t0,
          };
        });
        onResult(r);
      }
    } finally {
      w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.workers, jobs.length) }, lane));
}

/**
 * Run SliceMaker. Throws {@link SliceError} only for run-level problems (bad options, missing
 * input folder); per-case problems end up in the summary's `failed` list.
 *
 * @example
 * ```ts
 * import { runSliceMaker } from "./run.ts";
 * const dir = await Deno.makeTempDir();
 * const s = await runSliceMaker({ inpath: dir, outpath: `${dir}/out`, dataset: "kits", task: "tumor" });
 * if (s.cases !== 0 || s.failed.length !== 0) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runSliceMaker(
  partial: Partial<SliceOptions> & Pick<SliceOptions, "inpath" | "outpath" | "dataset" | "task">,
  hooks: SliceHooks = {},
): Promise<SliceSummary> {
  const t0 = performance.now();
  const opts: SliceOptions = { ...SLICE_DEFAULTS, ...partial };
  const tasks: Record<string, string[]> = {
    kits: ["tumor", "organ"],
    lits: ["tumor", "organ"],
    synapse: ["train", "test"],
    brats: ["volumes"],
  };
  if (!tasks[opts.dataset]) {
    throw new SliceError(`--dataset must be kits, lits, synapse or brats, got "${opts.dataset}"`);
  }
  if (!tasks[opts.dataset].includes(opts.task)) {
    throw new SliceError(
      `--task for ${opts.dataset} must be ${tasks[opts.dataset].join(" or ")}, got "${opts.task}"`,
    );
  }
  if (!(Number.isInteger(opts.sliceSize) && opts.sliceSize > 0)) {
    throw new SliceError(`--slice-size must be a positive integer, got ${opts.sliceSize}`);
  }
  const jobs = await discoverCases(opts.inpath, opts.dataset);
  const out = outputDir(opts);
  await Deno.mkdir(out, { recursive: true });
  await removeStaleTemps(out);
  const results = new Map<string, CaseResult>();
  const todo: CaseJob[] = [];
  for (const j of jobs) {
    const listed = opts.force ? null : await readMarker(opts, j.id);
    if (listed) results.set(j.id, { id: j.id, status: "cached", written: 0, listed, ms: 0 });
    else todo.push(j);
  }
  hooks.onStart?.(jobs.length, todo.length);
  await runPool(todo, opts, (r) => {
    results.set(r.id, r);
    hooks.onResult?.(r);
  }, hooks.onFile);
  const ordered = jobs.map((j) => results.get(j.id)!);
  const listed = ordered.flatMap((r) => r.listed);
  const lists: string[] = [];
  if (jobs.length > 0) {
    let path: string, bytes: Uint8Array;
    if (opts.dataset === "kits" || opts.dataset === "lits") {
      path = join(out, kitsListName(opts.dataset, opts.task));
      bytes = encodeNpyStrings(listed);
    } else {
      path = join(
        out,
        opts.dataset === "synapse" ? synapseListName(opts.task) : "brats_cases.txt",
      );
      bytes = new TextEncoder().encode(listed.map((s) => `${s}\n`).join(""));
      await Deno.mkdir(join(path, ".."), { recursive: true });
    }
    await writeAtomic(path, bytes);
    lists.push(path);
  }
  const count = (s: CaseResult["status"]) => ordered.filter((r) => r.status === s).length;
  return {
    cases: jobs.length,
    done: count("done"),
    cached: count("cached"),
    skipped: count("skipped"),
    failed: ordered.filter((r) => r.status === "failed").map((r) => ({
      id: r.id,
      error: r.error ?? "unknown error",
    })),
    written: ordered.reduce((s, r) => s + r.written, 0),
    listed: listed.length,
    lists,
    ms: performance.now() - t0,
  };
}
