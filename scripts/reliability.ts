/**
 * `deno task reliability [--kills 10] [--fuzz 2000] [--seed S]`: the reliability experiments of
 * medkd in one run, printed as ONE markdown table (inputs tried, faults injected, outcomes) for the
 * README:
 * - kill/resume: the tiny training run SIGKILLed at `--kills` seeded random points, resumed until
 *   done, final weights compared bit for bit with an uninterrupted run;
 * - checkpoint-write kills: a process rewriting a checkpoint in a loop, SIGKILLed `--kills` times;
 * - SliceMaker: `deno task slice` SIGKILLed three times mid-run, then re-run;
 * - preflight: unwritable output folder, full disk (a 64 KiB tmpfs when mountable, else injected);
 * - NaN loss: a poisoned batch stops the run with its step number, last good checkpoint kept;
 * - memory: tensor count and RSS over 200 steps; a volume over MEDKD_MEMORY_BUDGET;
 * - validate: clean phantoms of six studies and ten injected data set faults;
 * - fuzz: `--fuzz` mutated inputs through every reader (tests/robustness/fuzz_lib.ts).
 *
 * Exits 1 if any check fails.
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "../lib/tf/tf.ts";
import { initBackend } from "../lib/tf/backend.ts";
import { writeNifti } from "../lib/io/nifti.ts";
import { NonFiniteLossError, PreflightError, train } from "../lib/training/mod.ts";
import { checkpointWriteKills, killResumeExperiment } from "../tests/robustness/kill_lib.ts";
import { runValidateFaults } from "../tests/robustness/validate_faults.ts";
import { sliceKillExperiment } from "../tests/robustness/slice_kill_lib.ts";
import { buildCorpus, FAILURES, runCorpus } from "../tests/robustness/fuzz_lib.ts";
import { tinyRun } from "../tests/robustness/_tiny_run.ts";
import { phantomSource, segBatch } from "../tests/training/_tiny.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    kills: { type: "string", default: "10" },
    fuzz: { type: "string", default: "2000" },
    seed: { type: "string", default: "2026" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("usage: deno task reliability [--kills 10] [--fuzz 2000] [--seed 2026]");
  Deno.exit(0);
}
const kills = Number(values.kills), nFuzz = Number(values.fuzz), seed = Number(values.seed);
await initBackend("cpu", { quiet: true });

type Row = { check: string; inputs: string; faults: string; outcome: string; pass: boolean };
const rows: Row[] = [];
const t00 = performance.now();
const log = (m: string) => console.error(`reliability: ${m}`);

async function section(name: string, fn: () => Promise<Row | Row[]>) {
  const t0 = performance.now();
  log(`${name} …`);
  try {
    const r = await fn();
    rows.push(...[r].flat());
  } catch (e) {
    rows.push({ check: name, inputs: "—", faults: "—", outcome: `crashed: ${e}`, pass: false });
  }
  log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

await section("Training: SIGKILL + resume", async () => {
  const r = await killResumeExperiment({ kills, steps: 40, seed });
  const mid = r.kills.filter((k) => k.midWrite).length;
  return {
    check: "Training: SIGKILL + resume",
    inputs: `tiny seg run, ${r.steps} steps, checkpoint every step; ${r.runs} processes`,
    faults: `${r.kills.length} SIGKILLs at seeded random points (steps ${
      r.kills.map((k) => k.killedAfterStep).join(", ")
    }; ${mid} during a checkpoint write)`,
    outcome: `${r.identical ? r.kills.length : 0}/${r.kills.length} resumed to the end; ` +
      `final weights + optimiser slots ${r.identical ? "bit-identical" : "DIFFER"} to an ` +
      `uninterrupted run; ${r.leftovers.length} temp folders left`,
    pass: r.identical && r.kills.length === kills && r.leftovers.length === 0,
  };
});

await section("Training: kill during checkpoint write", async () => {
  const r = await checkpointWriteKills({ kills, seed });
  return {
    check: "Training: kill during checkpoint write",
    inputs: "process rewriting `checkpoints/last` in a loop (weights = write number)",
    faults: `${r.kills} SIGKILLs after 0–300 ms (seeded)`,
    outcome: `${r.loaded}/${r.kills} latest checkpoint loaded, ${r.consistent}/${r.kills} ` +
      "consistent (no mix of two writes)",
    pass: r.loaded === r.kills && r.consistent === r.kills,
  };
});

await section("SliceMaker: SIGKILL + re-run", async () => {
  const r = await sliceKillExperiment({ seed });
  return {
    check: "SliceMaker: SIGKILL + re-run",
    inputs: `\`deno task slice\` on a ${r.cases}-case KiTS phantom`,
    faults: `3 SIGKILLs mid-run (after ${r.doneAtKill.join(", ")} cases were done)`,
    outcome: `re-run: ${r.processed} processed, ${r.alreadyDone} already done; output ` +
      `${r.identical ? "byte-identical to" : "DIFFERS from"} an uninterrupted run; ` +
      `${r.tempFiles.length} temp files left`,
    pass: r.identical && r.rerunCode === 0 && r.tempFiles.length === 0 && r.finishedEarly === 0 &&
      r.alreadyDone === r.doneAtKill.at(-1),
  };
});

async function trainErr(runDir: string, extra: Record<string, unknown> = {}, poison?: number) {
  const { student, opts } = tinyRun();
  let steps = 0;
  const data = poison ? phantomSource(segBatch, 6, 5, poison) : opts.data;
  const err = await train({ ...opts, data, steps: 6, runDir, onStep: () => steps++, ...extra })
    .then(() => null, (e) => e as Error);
  student.dispose();
  return { err, steps };
}

async function mountTmpfs(): Promise<string | null> {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return null;
  const dir = await Deno.makeTempDir();
  const o = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => null);
  if (o?.success) return dir;
  await Deno.remove(dir);
  return null;
}

await section("Training: preflight", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(`${root}/file`, "x");
  const a = await trainErr(`${root}/file/run`);
  const b = await trainErr(`${root}/run`, {
    preflight: { freeBytes: () => Promise.resolve(1000) },
  });
  const mnt = await mountTmpfs();
  let c: Awaited<ReturnType<typeof trainErr>> | null = null;
  if (mnt) {
    try {
      c = await trainErr(`${mnt}/run`);
    } finally {
      await new Deno.Command("umount", { args: [mnt] }).output();
      await Deno.remove(mnt);
    }
  }
  await Deno.remove(root, { recursive: true });
  const ok = (x: typeof a | null) => x !== null && x.err instanceof PreflightError && x.steps === 0;
  const tried = [a, b, ...(c ? [c] : [])];
  return {
    check: "Training: preflight",
    inputs: "tiny run with an output folder that cannot take it",
    faults: "unwritable folder (parent is a file); full disk via injected free space" +
      (c ? "; real full disk (64 KiB tmpfs)" : " (no tmpfs: not root)"),
    outcome: `${tried.filter(ok).length}/${tried.length} stopped with PreflightError before step 1`,
    pass: tried.every(ok),
  };
});

await section("Training: NaN loss", async () => {
  const root = await Deno.makeTempDir();
  const r = await trainErr(`${root}/run`, { checkpointEvery: 1 }, 4);
  const st = JSON.parse(await Deno.readTextFile(`${root}/run/checkpoints/last/state.json`));
  await Deno.remove(root, { recursive: true });
  const ok = r.err instanceof NonFiniteLossError && r.err.step === 4 && st.step === 3;
  return {
    check: "Training: NaN loss",
    inputs: "tiny run, checkpoint every step",
    faults: "NaN batch at step 4",
    outcome: `${r.err?.name} at step ${(r.err as NonFiniteLossError)?.step}; last checkpoint ` +
      `kept at step ${st.step}`,
    pass: ok,
  };
});

await section("Memory", async () => {
  const { student, opts } = tinyRun(3);
  const n: number[] = [], rss: number[] = [];
  await train({
    ...opts,
    steps: 200,
    onStep: (s) => {
      n[s.step] = tf.memory().numTensors;
      if (s.step === 50 || s.step === 200) rss[s.step] = Deno.memoryUsage().rss;
    },
  });
  student.dispose();
  const flat = n.slice(10).every((x) => x === n[10]);
  const dir = await Deno.makeTempDir();
  const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  await writeNifti(`${dir}/v.nii.gz`, {
    data: new Int16Array(32 * 32 * 8),
    shape: [32, 32, 8],
    spacing: [1, 1, 1],
    affine: I,
  });
  const o = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { readNifti } from "./lib/io/nifti.ts";
      await readNifti("${dir}/v.nii.gz").then(() => console.log("loaded"), (e) => console.log(e.name));`,
    ],
    env: { MEDKD_MEMORY_BUDGET: "10000" },
    stdout: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  const refused = new TextDecoder().decode(o.stdout).trim() === "MemoryBudgetError";
  const growth = (rss[200] - rss[50]) / 2 ** 20;
  return {
    check: "Memory",
    inputs: "200 training steps; a 16 KiB NIfTI",
    faults: "long run; MEDKD_MEMORY_BUDGET=10000 bytes",
    outcome: `numTensors ${flat ? `constant (${n[10]})` : "GREW"} after warm-up; RSS step 50→200 ` +
      `+${growth.toFixed(1)} MiB; over-budget volume ${
        refused ? "refused (MemoryBudgetError)" : "LOADED"
      }`,
    pass: flat && growth < 48 && refused,
  };
});

await section("Data set validation", async () => {
  const root = await Deno.makeTempDir();
  const { clean, results } = await runValidateFaults(root);
  await Deno.remove(root, { recursive: true });
  const cleanOk = clean.filter((r) => r.ok && r.warnings.length === 0).length;
  const found = results.filter((r) => r.detected).length;
  return {
    check: "Data set validation (`deno task validate`)",
    inputs: `phantoms of ${clean.map((r) => r.study).join(", ")}`,
    faults: results.map((r) => r.fault.name).join("; "),
    outcome: `${cleanOk}/${clean.length} clean data sets pass; ${found}/${results.length} faults ` +
      "reported naming the file",
    pass: cleanOk === clean.length && found === results.length,
  };
});

await section("Reader fuzz", async () => {
  const dir = await Deno.makeTempDir({ prefix: "medkd_fuzz_" });
  const results = await runCorpus(await buildCorpus(nFuzz, seed), { dir })
    .finally(() => Deno.remove(dir, { recursive: true }).catch(() => {}));
  const formats = [...new Set(results.map((r) => r.format))];
  return formats.map((f) => {
    const rs = results.filter((r) => r.format === f);
    const count = (o: string) => rs.filter((r) => r.outcome === o).length;
    const bad = rs.filter((r) => FAILURES.has(r.outcome)).length;
    return {
      check: `Reader fuzz: ${f}`,
      inputs: `${rs.length} mutated files (seed ${seed})`,
      faults: [...new Set(rs.map((r) => r.mutation))].sort().join(", "),
      outcome: `${count("loaded")} loaded consistently, ${count("typed-error")} typed errors ` +
        `naming the file; ${bad} untyped/hang/inconsistent/over-allocation`,
      pass: bad === 0,
    };
  });
});

const esc = (s: string) => s.replaceAll("|", "\\|");
console.log(
  `medkd reliability (deno task reliability --kills ${kills} --fuzz ${nFuzz} --seed ${seed}; ` +
    `${((performance.now() - t00) / 1000).toFixed(0)} s)\n`,
);
console.log("| check | inputs tried | faults injected | outcome | pass |");
console.log("|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${esc(r.check)} | ${esc(r.inputs)} | ${esc(r.faults)} | ${esc(r.outcome)} | ${
      r.pass ? "✓" : "✗"
    } |`,
  );
}
Deno.exit(rows.every((r) => r.pass) ? 0 : 1);
