/**
 * Study 02 data stage: case-level split (the data's own `train_cases/` + `test_cases/` folders,
 * else a seeded split written to `split.json`), SliceMaker (`--mode train` / `--mode test`) and
 * the HLFD SliceDatasets (spec 02 §2–§3).
 * @module
 */
import { dirname, join, relative } from "node:path";
import { createRng } from "../random/mod.ts";
import { discoverCases, runSliceMaker } from "../slicer/mod.ts";
import { openHlfdSlices } from "../datasets/hlfd_slices.ts";
import type { Sample } from "../datasets/types.ts";
import type { Rng } from "../random/mod.ts";
import type { KitsPreset } from "./kits_presets.ts";

/** A sliced split, opened. */
export type KitsSliceSet = {
  files: string[];
  length: number;
  get(i: number, rng: Rng): Promise<Sample>;
};

/** What {@link prepareData} returns. */
export type KitsData = {
  /** Slice folders (`<outDir>/slices/{train,test}`). */
  trainDir: string;
  testDir: string;
  train: KitsSliceSet;
  /** Test set, unaugmented (also the per-epoch "validation" set, as in the original). */
  test: KitsSliceSet;
  trainCases: string[];
  testCases: string[];
};

async function isDir(p: string): Promise<boolean> {
  try {
    return (await Deno.stat(p)).isDirectory;
  } catch {
    return false;
  }
}

/** Hard-link (or copy) every input file of `jobs` under `dest`, keeping paths relative to `root`. */
async function linkCases(
  root: string,
  dest: string,
  jobs: { files: Record<string, string> }[],
): Promise<void> {
  for (const j of jobs) {
    for (const f of Object.values(j.files)) {
      const to = join(dest, relative(root, f));
      await Deno.mkdir(dirname(to), { recursive: true });
      await Deno.remove(to).catch(() => {});
      // hard links (SliceMaker's discovery skips symlinks), else a copy
      await Deno.link(await Deno.realPath(f), to).catch(async () => await Deno.copyFile(f, to));
    }
  }
}

/**
 * The train and test case folders: `<dataDir>/train_cases` + `test_cases` when both exist (the
 * original's folder moves, and the phantom's layout); otherwise a seeded case-level split of the
 * cases in `dataDir` (`preset.testCases` to test), materialised as hard links (or copies) under
 * `<outDir>/split/` and recorded in `<outDir>/split.json`.
 */
export async function splitCases(
  preset: KitsPreset,
  dataDir: string,
  outDir: string,
  seed: number,
): Promise<{ train: string; test: string }> {
  const train = join(dataDir, "train_cases"), test = join(dataDir, "test_cases");
  if (await isDir(train) && await isDir(test)) return { train, test };
  const jobs = (await discoverCases(dataDir, preset.dataset)).filter((j) =>
    Object.values(j.files).length > 0
  );
  if (jobs.length < 2) {
    throw new Error(`kits: ${dataDir}: found ${jobs.length} ${preset.dataset} cases, need ≥ 2`);
  }
  const order = createRng(seed).fork("kits-split").permutation(jobs.length);
  const nTest = Math.min(preset.testCases, jobs.length - 1);
  const testJobs = order.slice(0, nTest).map((i) => jobs[i]);
  const trainJobs = order.slice(nTest).map((i) => jobs[i]);
  const base = join(outDir, "split");
  await Deno.remove(base, { recursive: true }).catch(() => {});
  await linkCases(dataDir, join(base, "train"), trainJobs);
  await linkCases(dataDir, join(base, "test"), testJobs);
  const ids = (js: typeof jobs) => js.map((j) => j.id).sort();
  await Deno.writeTextFile(
    join(outDir, "split.json"),
    JSON.stringify({ seed, train: ids(trainJobs), test: ids(testJobs) }, null, 2) + "\n",
  );
  return { train: join(base, "train"), test: join(base, "test") };
}

/**
 * Split, slice (SliceMaker, resumable through its done-markers) and open both sets.
 *
 * @example
 * ```ts ignore
 * const d = await prepareData(KITS_PRESETS.demo, "data/phantoms/kits", "runs/kits/demo", 0);
 * console.log(d.train.length, "training slices");
 * ```
 */
export async function prepareData(
  preset: KitsPreset,
  dataDir: string,
  outDir: string,
  seed: number,
  log: (s: string) => void = () => {},
): Promise<KitsData> {
  await Deno.mkdir(outDir, { recursive: true });
  const split = await splitCases(preset, dataDir, outDir, seed);
  const slices = join(outDir, "slices");
  const dirs: Record<string, string> = {};
  for (const [mode, inpath] of [["train", split.train], ["test", split.test]]) {
    const s = await runSliceMaker({
      inpath,
      outpath: slices,
      dataset: preset.dataset,
      task: preset.task,
      mode,
      sliceSize: preset.sliceSize,
    });
    if (s.failed.length) {
      throw new Error(`kits: slicing ${inpath} failed for ${JSON.stringify(s.failed)}`);
    }
    log(`slices/${mode}: ${s.cases} cases, ${s.listed} listed slices (${s.cached} cached)`);
    dirs[mode] = join(slices, mode);
  }
  const o = { dataset: preset.dataset, task: preset.task, crop: preset.crop };
  const train = await openHlfdSlices(dirs.train, { ...o, train: true });
  const test = await openHlfdSlices(dirs.test, { ...o, train: false });
  if (train.length === 0 || test.length === 0) {
    throw new Error(`kits: no ${preset.task} slices (train ${train.length}, test ${test.length})`);
  }
  const caseOf = (f: string) => f.slice(0, f.indexOf("_"));
  return {
    trainDir: dirs.train,
    testDir: dirs.test,
    train,
    test,
    trainCases: [...new Set(train.files.map(caseOf))],
    testCases: [...new Set(test.files.map(caseOf))],
  };
}
