// Progress display: plain lines, Jupyter display + in-place updates, formatting.
import assert from "node:assert/strict";
import { createProgress, formatDuration, formatProgress } from "../../lib/training/mod.ts";

Deno.test("progress: plain lines every k steps with loss, lr, it/s and ETA", () => {
  const lines: string[] = [];
  const p = createProgress({
    total: 10,
    mode: "lines",
    lineEvery: 5,
    write: (l) => lines.push(l),
    label: "kd",
  });
  for (let i = 1; i <= 10; i++) p.update(i, { loss: 1 / i, lr: 0.01 });
  p.close();
  assert.equal(lines.length, 2);
  assert.match(
    lines[0],
    /^kd step 5\/10 50% \| loss 0\.2000 \| lr 1\.00e-2 \| [\d.]+ it\/s \| ETA /,
  );
  assert.match(lines[1], /step 10\/10 100%.*ETA 0:00/);
});

Deno.test("progress: Jupyter mode sends one display_data, then update_display_data with its id", async () => {
  const sent: [string, Record<string, unknown>][] = [];
  const jupyter = {
    broadcast: (t: string, c: Record<string, unknown>) => {
      sent.push([t, c]);
      return Promise.resolve();
    },
  };
  const p = createProgress({ total: 3, mode: "auto", jupyter, minIntervalMs: 0 });
  assert.equal(p.mode, "jupyter");
  for (let i = 1; i <= 3; i++) p.update(i, { loss: 0.5, lr: 1e-3 });
  p.close();
  await Promise.resolve();
  assert.deepEqual(sent.map((s) => s[0]), [
    "display_data",
    "update_display_data",
    "update_display_data",
  ]);
  const ids = sent.map((s) => (s[1].transient as { display_id: string }).display_id);
  assert.equal(new Set(ids).size, 1);
  assert.match((s0(sent).data as Record<string, string>)["text/plain"], /step 3\/3 100%/);
});

function s0(sent: [string, Record<string, unknown>][]) {
  return sent.at(-1)![1];
}

Deno.test("progress: formatting of durations and status", () => {
  assert.equal(formatDuration(65), "1:05");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(NaN), "?");
  const s = formatProgress(50, 200, { loss: 0.123456, lr: 5e-4, kd: 0.25 }, 10);
  assert.equal(s, "step 50/200 25% | loss 0.1235 | lr 5.00e-4 | kd 0.2500 | 10.00 it/s | ETA 0:15");
});

Deno.test("progress: the cli-progress terminal bar starts, updates and stops", () => {
  const p = createProgress({ total: 2, mode: "bar" });
  assert.equal(p.mode, "bar");
  p.update(1, { loss: 1, lr: 0.1 });
  p.update(2, { loss: 0.5, lr: 0.1 });
  p.close();
});
