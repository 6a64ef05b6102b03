/**
 * `deno task demo-table [study ...] [--seeds 0,1,2] [--jobs N] [--reuse]`: the README's demo
 * results table. Runs `deno task reproduce <study> --seed N` for every study and seed (each in its
 * own process, default output folder `runs/<study>/demo-seed<N>`), then prints the mean ± sd over
 * seeds of each model's headline metric as a Markdown table and writes it, with the per-seed values,
 * to `runs/demo_table.md` and `runs/demo_table.json`.
 *
 * Without `--reuse` every seed runs from scratch: an existing output folder (whose checkpoints
 * `reproduce` would resume from, giving old models and wrong wall times) is first renamed to
 * `<folder>.previous-<time>`, never deleted.
 * `--reuse` reads a seed's existing `metrics.json` instead of re-running it; `--jobs 2` runs two
 * reproductions at once (each with one BLAS thread; wall times are then not idle-machine times).
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { mean, sampleStandardDeviation } from "simple-statistics";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const STUDIES = ["hcc", "kits", "synapse", "cxr8", "brats"] as const;
type Study = (typeof STUDIES)[number];

/** The headline metric of each study's `metrics.json`, its label and displayed digits. */
export const HEADLINE: Record<
  Study,
  { key: string; label: string; digits: number }
> = {
  hcc: { key: "auc", label: "AUC (5-fold CV, mean over folds)", digits: 3 },
  kits: { key: "dice", label: "tumour Dice (test slices)", digits: 3 },
  synapse: { key: "dice", label: "mean Dice over 8 organs (%, 3D cases)", digits: 1 },
  cxr8: { key: "auroc", label: "mean AUROC over 14 labels (ten-crop)", digits: 3 },
  brats: {
    key: "diceMean",
    label: "mean Dice (ET/TC/WT over the 15 subsets)",

    digits: 3,
  },
};

type Metrics = {
  study: Study;
  seed: number;
  wallSeconds: number;
  methods: { method: string; role: string; metrics: Record<string, number> }[];
};

/** One row of the table: a model of a study, its per-seed values and their mean ± sd. */
export type DemoRow = {
  study: Study;
  method: string;
  role: string;
  values: number[];
  mean: number;
  sd: number;
};

/** Mean ± sd over seeds of each model's headline metric (models in the first seed's order). */
export function summarise(study: Study, runs: Metrics[]): DemoRow[] {
  const key = HEADLINE[study].key;
  const order = runs[0]?.methods.map((m) => m.method) ?? [];
  return order.map((method) => {
    const values = runs.map((r) => {
      const m = r.methods.find((x) => x.method === method);
      return m ? m.metrics[key] : NaN;
    });
    const ok = values.filter(Number.isFinite);
    return {
      study,
      method,
      role: runs[0].methods.find((m) => m.method === method)!.role,
      values,
      mean: ok.length ? mean(ok) : NaN,
      sd: ok.length > 1 ? sampleStandardDeviation(ok) : NaN,
    };
  });
}

/** The Markdown table of all rows (one block of rows per study). */
export function markdownTable(rows: DemoRow[], walls: Record<string, number[]>): string {
  const lines = [
    "| study | model / method | headline metric | mean ± sd | per seed | wall (s, per seed) |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  let last = "";
  for (const r of rows) {
    const h = HEADLINE[r.study];
    const f = (v: number) => (Number.isFinite(v) ? v.toFixed(h.digits) : "—");
    const first = r.study !== last;
    last = r.study;
    const label = r.method.includes(`(${r.role})`) ? r.method : `${r.method} (${r.role})`;
    lines.push(
      `| ${first ? r.study : ""} | ${label} | ${first ? h.label : ""} | ` +
        `${f(r.mean)} ± ${f(r.sd)} | ${r.values.map(f).join(" / ")} | ` +
        `${first ? walls[r.study].map((w) => w.toFixed(0)).join(" / ") : ""} |`,
    );
  }
  return lines.join("\n");
}

async function reproduce(study: Study, seed: number, threads?: number): Promise<void> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  if (threads) env.MEDKD_THREADS = String(threads);
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "scripts", "reproduce.ts"), study, "--seed", String(seed)],
    cwd: ROOT,
    env,
    stdout: "null",
    stderr: "piped",
  });
  const r = await cmd.output();
  if (!r.success) {
    const err = new TextDecoder().decode(r.stderr).split("\n").slice(-30).join("\n");
    throw new Error(`reproduce ${study} --seed ${seed} failed:\n${err}`);
  }
}

const runDir = (study: Study, seed: number) => join(ROOT, "runs", study, `demo-seed${seed}`);
const metricsPath = (study: Study, seed: number) => join(runDir(study, seed), "metrics.json");

/**
 * Rename `dir` to `<dir>.previous-<stamp>` if it exists, so that a run into `dir` starts from
 * scratch without losing the earlier one; returns the new name, or null when there was nothing.
 */
export async function setAside(dir: string, now = new Date()): Promise<string | null> {
  try {
    await Deno.stat(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  let target = `${dir}.previous-${stamp}`;
  for (let i = 1; await Deno.stat(target).then(() => true, () => false); i++) {
    target = `${dir}.previous-${stamp}-${i}`;
  }
  await Deno.rename(dir, target);
  return target;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      seeds: { type: "string", default: "0,1,2" },
      jobs: { type: "string", default: "1" },
      reuse: { type: "boolean", default: false },
    },
  });
  const studies = (positionals.length ? positionals : [...STUDIES]) as Study[];
  for (const s of studies) {
    if (!STUDIES.includes(s)) throw new Error(`unknown study "${s}" (have ${STUDIES.join(", ")})`);
  }
  const seeds = values.seeds!.split(",").map(Number);
  const jobs = Math.max(1, Number(values.jobs));
  const todo: { study: Study; seed: number }[] = [];
  for (const study of studies) {
    for (const seed of seeds) {
      const have = await Deno.stat(metricsPath(study, seed)).then(() => true, () => false);
      if (!(values.reuse && have)) todo.push({ study, seed });
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const { study, seed } = todo[next++];
      const t0 = performance.now();
      const moved = await setAside(runDir(study, seed));
      if (moved) console.error(`demo-table: earlier run kept as ${moved}`);
      console.error(`demo-table: ${study} seed ${seed} …`);
      await reproduce(study, seed, jobs > 1 ? 1 : undefined);
      console.error(
        `demo-table: ${study} seed ${seed} done in ${
          ((performance.now() - t0) / 1000).toFixed(0)
        } s`,
      );
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));

  const rows: DemoRow[] = [];
  const walls: Record<string, number[]> = {};
  for (const study of studies) {
    const runs: Metrics[] = [];
    for (const seed of seeds) {
      runs.push(JSON.parse(await Deno.readTextFile(metricsPath(study, seed))));
    }
    walls[study] = runs.map((r) => r.wallSeconds);
    rows.push(...summarise(study, runs));
  }
  const md = markdownTable(rows, walls);
  await Deno.mkdir(join(ROOT, "runs"), { recursive: true });
  await Deno.writeTextFile(join(ROOT, "runs", "demo_table.md"), md + "\n");
  await Deno.writeTextFile(
    join(ROOT, "runs", "demo_table.json"),
    JSON.stringify({ seeds, rows, walls }, null, 2),
  );
  console.log(md);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
