/**
 * Finding the cases of each data set's raw layout.
 * @module
 */
import { join } from "node:path";
import { type CaseJob, type Dataset, SliceError } from "./types.ts";

async function list(dir: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** First existing path among `names` in `dir` (e.g. `.nii` or `.nii.gz`), else the first. */
async function pick(dir: string, names: string[]): Promise<string> {
  for (const n of names) if (await exists(join(dir, n))) return join(dir, n);
  return join(dir, names[0]);
}

const NII = /\.nii(\.gz)?$/;

/**
 * The cases under `inpath`, sorted by id. A case whose label file is missing still appears (its
 * `label` path does not exist) so the run can report it as skipped.
 *
 * - kits: `case_*\/imaging*.nii.gz` (+ `segmentation.nii.gz`); id = last 5 characters of the
 *   folder name.
 * - lits: flat `volume-<n>.nii[.gz]` (+ `segmentation-<n>…`; id `<n>`), or the re-homed
 *   `case_*\/volume*.nii[.gz]` (+ `segmentation.nii[.gz]`; id = last 5 characters).
 * - synapse: BTCV `img/img<NNNN>.nii[.gz]` (+ `label/label<NNNN>…`), id `case<NNNN>`; also looks
 *   under `Training/` and `RawData/Training/`.
 * - brats: every folder (any depth ≤ 3) holding `<ID>_flair.nii[.gz]`; id = folder name.
 *
 * @example
 * ```ts
 * import { discoverCases } from "./discover.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/case_00003`);
 * await Deno.writeFile(`${dir}/case_00003/imaging.nii.gz`, new Uint8Array(1));
 * const jobs = await discoverCases(dir, "kits");
 * if (jobs.length !== 1 || jobs[0].id !== "00003") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function discoverCases(inpath: string, dataset: Dataset): Promise<CaseJob[]> {
  try {
    if (!(await Deno.stat(inpath)).isDirectory) throw new Error();
  } catch {
    throw new SliceError(`--inpath ${inpath}: not a directory`);
  }
  const jobs: CaseJob[] = [];
  if (dataset === "kits") {
    for (const d of await list(inpath)) {
      if (!d.isDirectory || !d.name.startsWith("case_")) continue;
      const dir = join(inpath, d.name);
      for (const f of await list(dir)) {
        if (!f.name.startsWith("imaging") || !f.name.endsWith(".nii.gz")) continue;
        jobs.push({
          id: d.name.slice(-5),
          files: { image: join(dir, f.name), label: join(dir, "segmentation.nii.gz") },
        });
      }
    }
  } else if (dataset === "lits") {
    for (const e of await list(inpath)) {
      if (e.isFile && e.name.startsWith("volume-") && NII.test(e.name)) {
        const id = e.name.slice(e.name.lastIndexOf("-") + 1, e.name.indexOf("."));
        const ext = e.name.slice(e.name.indexOf("."));
        jobs.push({
          id,
          files: {
            image: join(inpath, e.name),
            label: join(inpath, `segmentation-${id}${ext}`),
          },
        });
      } else if (e.isDirectory && e.name.startsWith("case_")) {
        const dir = join(inpath, e.name);
        for (const f of await list(dir)) {
          if (!f.name.startsWith("volume") || !NII.test(f.name)) continue;
          jobs.push({
            id: e.name.slice(-5),
            files: {
              image: join(dir, f.name),
              label: await pick(dir, ["segmentation.nii", "segmentation.nii.gz"]),
            },
          });
        }
      }
    }
  } else if (dataset === "synapse") {
    for (const root of [inpath, join(inpath, "Training"), join(inpath, "RawData", "Training")]) {
      for (const f of await list(join(root, "img"))) {
        const m = /^img(\d+)(\.nii(\.gz)?)$/.exec(f.name);
        if (!m) continue;
        jobs.push({
          id: `case${m[1]}`,
          files: {
            image: join(root, "img", f.name),
            label: await pick(join(root, "label"), [`label${m[1]}${m[2]}`, `label${m[1]}.nii`]),
          },
        });
      }
      if (jobs.length) break;
    }
  } else if (dataset === "brats") {
    const walk = async (dir: string, depth: number) => {
      for (const e of await list(dir)) {
        if (!e.isDirectory) continue;
        const sub = join(dir, e.name);
        const flair = await pick(sub, [`${e.name}_flair.nii`, `${e.name}_flair.nii.gz`]);
        if (await exists(flair)) {
          const ext = flair.endsWith(".gz") ? ".nii.gz" : ".nii";
          const f = (m: string) => join(sub, `${e.name}_${m}${ext}`);
          jobs.push({
            id: e.name,
            files: { flair, t1: f("t1"), t1ce: f("t1ce"), t2: f("t2"), label: f("seg") },
          });
        } else if (depth < 3) await walk(sub, depth + 1);
      }
    };
    await walk(inpath, 0);
  } else {
    throw new SliceError(`--dataset must be kits, lits, synapse or brats, got "${dataset}"`);
  }
  jobs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const seen = new Set<string>();
  for (const j of jobs) {
    if (seen.has(j.id)) throw new SliceError(`${inpath}: two cases share the id "${j.id}"`);
    seen.add(j.id);
  }
  return jobs;
}

/** Whether a file exists (for required-input checks). */
export { exists as fileExists };
