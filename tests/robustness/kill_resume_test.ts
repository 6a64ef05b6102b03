// A demo-size training run (tests/robustness/train_child.ts: the tiny net, 40 steps, a checkpoint
// every step) is SIGKILLed at 10 seeded random points — after the log shows step k, plus 0–40 ms,
// which lands in a step or in a checkpoint write — and resumed each time until done; the final
// weights and optimiser slots equal an uninterrupted run's bit for bit (10/10).
// (A NaN loss stops with the step number and keeps the last good checkpoint:
// tests/training/loop_test.ts, "NaN guard".)
import assert from "node:assert/strict";
import { killResumeExperiment } from "./kill_lib.ts";

Deno.test("kill/resume: 10 SIGKILLs at random points, resumed runs end bit-identical", async () => {
  const r = await killResumeExperiment({ kills: 10, steps: 40, seed: 2026 });
  console.log(
    `  ${r.kills.length} kills (${r.kills.filter((k) => k.midWrite).length} during a checkpoint ` +
      `write) at steps ${r.kills.map((k) => k.killedAfterStep).join(", ")}; ${r.runs} runs in ` +
      `${r.seconds.toFixed(1)} s`,
  );
  assert.equal(r.finishedEarly, 0);
  assert.equal(r.kills.length, 10);
  assert.equal(r.identical, true, "final weights differ from the uninterrupted run");
  assert.deepEqual(r.leftovers, [], "temp checkpoint folders left behind");
});
