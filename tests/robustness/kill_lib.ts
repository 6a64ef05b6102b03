/**
 * SIGKILL experiments on real child processes (`train_child.ts`), shared by the kill tests and
 * `scripts/reliability.ts`:
 * - {@link killResumeExperiment}: kill the tiny training run at N seeded random points (after the
 *   log shows step k, plus a random 0–40 ms), resume each time until done, compare the final
 *   weights with an uninterrupted run byte for byte;
 * - {@link checkpointWriteKills}: kill a process that rewrites a checkpoint in a loop; the latest
 *   checkpoint must load and be internally consistent every time.
 * @module
 */
import { fileURLToPath } from "node:url";
import * as tf from "../../lib/tf/tf.ts";
import { createRng } from "../../lib/random/mod.ts";
import { resolveCheckpointDir } from "../../lib/io/checkpoint.ts";
import { loadRunState, Optimizer } from "../../lib/training/mod.ts";
import { tinyRun } from "./_tiny_run.ts";

const CHILD = fileURLToPath(new URL("./train_child.ts", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function size(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

/** Highest step of the "step" records appended to `log` after byte `from`. */
async function lastStep(log: string, from: number): Promise<number> {
  let text: string;
  try {
    text = await Deno.readTextFile(log);
  } catch {
    return 0;
  }
  let best = 0;
  for (const line of text.slice(from).split("\n")) {
    const m = /"event":"step","step":(\d+)/.exec(line);
    if (m) best = Math.max(best, Number(m[1]));
  }
  return best;
}

/** Files of a run's final checkpoint that must match bit for bit. */
async function finalBytes(runDir: string): Promise<Uint8Array[]> {
  const d = `${runDir}/checkpoints/last`;
  return [
    await Deno.readFile(`${d}/student/weights.bin`),
    await Deno.readFile(`${d}/optimizer.bin`),
  ];
}

/** Temp and `.old` leftovers next to the run's `last` checkpoint. */
async function leftovers(runDir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${runDir}/checkpoints`)) {
    if (e.name !== "last" && e.name !== "best") out.push(e.name);
  }
  return out;
}

export type KillResumeResult = {
  steps: number;
  kills: { target: number; killedAfterStep: number; delayMs: number; midWrite: boolean }[];
  finishedEarly: number;
  runs: number;
  identical: boolean;
  leftovers: string[];
  seconds: number;
};

/**
 * Run the uninterrupted reference, then the interrupted run (`kills` SIGKILLs at seeded random
 * steps, each followed by a resume), and compare final weights and optimiser slots.
 */
export async function killResumeExperiment(
  o: { kills?: number; steps?: number; seed?: number } = {},
): Promise<KillResumeResult> {
  const t0 = performance.now();
  const steps = o.steps ?? 40, n = o.kills ?? 10;
  const rng = createRng(o.seed ?? 2026);
  const root = await Deno.makeTempDir({ prefix: "medkd_kill_" });
  try {
    const ref = await spawn(["train", `${root}/ref`, String(steps)]).output();
    if (!ref.success) {
      throw new Error(`reference run failed: ${new TextDecoder().decode(ref.stderr)}`);
    }
    // n distinct kill steps in [2, steps − 2], in order
    const targets = rng.permutation(steps - 3).slice(0, n).map((k) => k + 2).sort((a, b) => a - b);
    const run = `${root}/killed`, log = `${run}/log.jsonl`;
    const kills: KillResumeResult["kills"] = [];
    let finishedEarly = 0, runs = 0;
    for (const target of targets) {
      const from = await size(log);
      const before = await leftovers(run).catch(() => [] as string[]);
      const child = spawn(["train", run, String(steps)]);
      runs++;
      let done = false;
      const status = child.status.then((s) => {
        done = true;
        return s;
      });
      let seen = 0;
      while (!done && (seen = await lastStep(log, from)) < target) await sleep(2);
      const delayMs = rng.uniform(0, 40);
      if (!done) await sleep(delayMs);
      if (done) {
        finishedEarly++;
      } else {
        child.kill("SIGKILL");
        await status;
        const names = await leftovers(run).catch(() => []);
        const midWrite = names.some((x) => x.includes(".tmp-") && !before.includes(x)) ||
          (await resolveCheckpointDir(`${run}/checkpoints/last`))?.endsWith(".old") === true;
        kills.push({
          target,
          killedAfterStep: await lastStep(log, from) || seen,
          delayMs,
          midWrite,
        });
      }
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
    }
    const last = await spawn(["train", run, String(steps)]).output();
    runs++;
    if (!last.success) {
      throw new Error(`final resume failed: ${new TextDecoder().decode(last.stderr)}`);
    }
    const [a, b] = [await finalBytes(`${root}/ref`), await finalBytes(run)];
    const identical = a.every((x, i) =>
      x.length === b[i].length && x.every((v, j) => v === b[i][j])
    );
    return {
      steps,
      kills,
      finishedEarly,
      runs,
      identical,
      leftovers: await leftovers(run),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

export type CheckpointKillResult = {
  kills: number;
  loaded: number;
  consistent: number;
  steps: number[];
  seconds: number;
};

/**
 * `kills` times: start a process that rewrites `last` in a loop, SIGKILL it after a seeded random
 * 0–300 ms, then load the latest checkpoint into fresh parts and check every weight equals the
 * checkpoint's own step (no mix of two writes).
 */
export async function checkpointWriteKills(o: { kills?: number; seed?: number } = {}) {
  const t0 = performance.now();
  const rng = createRng(o.seed ?? 7);
  const root = await Deno.makeTempDir({ prefix: "medkd_ckkill_" });
  const res: CheckpointKillResult = { kills: 0, loaded: 0, consistent: 0, steps: [], seconds: 0 };
  try {
    for (let i = 0; i < (o.kills ?? 10); i++) {
      const child = spawn(["ckloop", root]);
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes("ready")) {
        const r = await reader.read();
        if (r.done) break;
        out += r.value;
      }
      await sleep(rng.uniform(0, 300));
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
      res.kills++;
      const { student } = tinyRun();
      const optimizer = new Optimizer({ kind: "sgd" });
      try {
        const st = await loadRunState(`${root}/last`, {
          student,
          connectors: [],
          extras: [],
          optimizer,
        });
        if (st) {
          res.loaded++;
          const step = st.step as number;
          res.steps.push(step);
          const ok = student.getWeights().every((w) =>
            tf.tidy(() => tf.all(tf.equal(w, step)).dataSync()[0] === 1)
          );
          if (ok) res.consistent++;
        }
      } catch {
        // counted as not loaded
      } finally {
        student.dispose();
        optimizer.dispose();
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  res.seconds = (performance.now() - t0) / 1000;
  return res;
}
