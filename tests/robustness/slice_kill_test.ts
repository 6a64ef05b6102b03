// SliceMaker under a real SIGKILL: `deno task slice` (scripts/slice.ts) on an 8-case KiTS phantom
// is killed three times mid-run (after 1, 3 and 5 cases have their done-markers, plus a seeded
// 0–20 ms), then re-run: the re-run finishes only the rest, the output equals an uninterrupted
// run's byte for byte, and no temp or half-written slice file remains.
import assert from "node:assert/strict";
import { sliceKillExperiment } from "./slice_kill_lib.ts";

Deno.test("slice kill: SIGKILL mid-run ×3, the re-run finishes the rest; output identical, no temp files", async () => {
  const r = await sliceKillExperiment({ seed: 31 });
  assert.equal(r.finishedEarly, 0, "a run finished before its kill");
  assert.ok(r.doneAtKill[2] < r.cases, `killed runs completed every case (${r.doneAtKill})`);
  assert.equal(r.rerunCode, 0, r.summary);
  assert.equal(r.alreadyDone, r.doneAtKill[2], "the re-run redid finished cases");
  assert.equal(r.processed + r.alreadyDone, r.cases, r.summary);
  assert.deepEqual(r.tempFiles, []);
  assert.ok(r.identical, "output differs from the uninterrupted run");
});
