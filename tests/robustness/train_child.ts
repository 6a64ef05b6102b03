// Child process of the kill tests (run with `deno run -A`):
//   train  RUN_DIR STEPS  — the tiny run, checkpoint every step, resuming from RUN_DIR if possible
//   ckloop RUN_DIR        — write checkpoints of known content in a loop until killed
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { Optimizer, saveRunState, train } from "../../lib/training/mod.ts";
import { tinyRun } from "./_tiny_run.ts";

await initBackend("cpu", { quiet: true });
const [mode, runDir, steps] = Deno.args;
if (mode === "train") {
  const { opts } = tinyRun();
  const r = await train({
    ...opts,
    steps: Number(steps),
    runDir,
    resume: true,
    checkpointEvery: 1,
  });
  console.log(JSON.stringify({ step: r.step, resumedFrom: r.resumedFrom }));
} else if (mode === "ckloop") {
  const { student } = tinyRun();
  const optimizer = new Optimizer({ kind: "sgd" });
  const parts = { student, connectors: [], extras: [], optimizer };
  for (let n = 1;; n++) {
    // every weight of checkpoint n holds the value n: a mix of two writes is detectable
    for (const w of student.weights) w.write(tf.fill(w.shape as number[], n));
    await saveRunState(`${runDir}/last`, parts, { step: n });
    if (n === 1) console.log("ready");
  }
} else {
  console.error("usage: train_child.ts train RUN_DIR STEPS | ckloop RUN_DIR");
  Deno.exit(2);
}
