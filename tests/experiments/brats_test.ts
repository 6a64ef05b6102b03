import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { BRATS_PRESETS, bratsExperiment } from "../../lib/experiments/brats.ts";
import { bratsLoss, drawPresent } from "../../lib/experiments/brats_train.ts";
import { labelsFromChannels, slidingLogits, tileStarts } from "../../lib/experiments/brats_eval.ts";
import { getExperiment } from "../../lib/experiments/registry.ts";

await initBackend("cpu", { quiet: true });

Deno.test("brats loss: Dice (mean over channels) + BCE (sum over channels), hand-computed", () => {
  // logits 0 → p = 0.5 everywhere; 8 voxels, channel c has c + 1 foreground voxels
  const y = new Float32Array(8 * 3);
  for (let v = 0; v < 8; v++) for (let c = 0; c < 3; c++) y[3 * v + c] = v <= c ? 1 : 0;
  const t = bratsLoss(tf.zeros([1, 2, 2, 2, 3]), tf.tensor5d(y, [1, 2, 2, 2, 3]));
  const d = [1, 2, 3].map((k) => 1 - k / (4 + k + 1));
  assert.ok(Math.abs(t.dice.dataSync()[0] - (d[0] + d[1] + d[2]) / 3) < 1e-6);
  assert.ok(Math.abs(t.bce.dataSync()[0] - 3 * Math.LN2) < 1e-5);
  tf.dispose([t.dice, t.bce]);
});

Deno.test("brats random subsets: k ∈ {1,2,3} uniform, never the full set, reproducible", () => {
  const counts = [0, 0, 0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[drawPresent("t", 0, i, true).length]++;
  assert.equal(counts[4], 0);
  for (const k of [1, 2, 3]) assert.ok(Math.abs(counts[k] / 3000 - 1 / 3) < 0.04, `${counts}`);
  assert.deepEqual(drawPresent("t", 2, 5, true), drawPresent("t", 2, 5, true));
});

Deno.test("brats sliding window: spec §6 tile starts, averaging, label composition", () => {
  assert.deepEqual(tileStarts(155, 80, 1 / 3), [0, 54, 75]);
  assert.deepEqual(tileStarts(32, 16, 1 / 3), [0, 11, 16]);
  assert.deepEqual(tileStarts(48, 32, 0), [0, 16]);
  // ET → 4, TC → 1, WT → 2 (ET overrides TC overrides WT); exactly 0.5 is background
  const lab = labelsFromChannels(
    Float32Array.of(0.9, 0.9, 0.9, 0.1, 0.9, 0.9, 0.1, 0.9, 0.1, 0.5, 0.5, 0.5),
  );
  assert.deepEqual([...lab], [4, 1, 2, 0]);
  // an identity-like model (logits = first image channel) averages back to the image
  const inp = tf.input({ shape: [2, 2, 2, 4] }), pres = tf.input({ shape: [4] });
  const out = tf.layers.dense({ units: 3, useBias: false, kernelInitializer: "ones" }).apply(inp);
  const m = tf.model({ inputs: [inp, pres], outputs: [out as tf.SymbolicTensor] });
  const img = Float32Array.from({ length: 4 * 4 * 4 * 4 }, (_, i) => (i % 4 === 0 ? i / 4 : 0));
  const [r] = slidingLogits(m, img, [[1, 1, 1, 1]], [2, 2, 2], 0.5, { shape: [4, 4, 4] });
  for (let v = 0; v < 64; v++) assert.ok(Math.abs(r[3 * v] - v) < 1e-4);
  m.dispose();
});

Deno.test("brats smoke preset end to end, then resume reuses the trained stages", async () => {
  assert.equal(await getExperiment("brats"), bratsExperiment);
  const root = await Deno.makeTempDir();
  try {
    const opts = { dataDir: `${root}/data`, outDir: `${root}/out`, seed: 0, verbose: false };
    const r = await bratsExperiment.run(BRATS_PRESETS.smoke, opts);
    const m = JSON.parse(await Deno.readTextFile(`${root}/out/metrics.json`));
    assert.ok((await Deno.stat(`${root}/out/report.html`)).size > 1000);
    assert.deepEqual(m.methods.map((x: { role: string }) => x.role), ["student", "distilled"]);
    for (const x of m.methods) {
      for (const k of ["diceET", "diceTC", "diceWT", "diceMean"]) {
        assert.ok(x.metrics[k] >= 0 && x.metrics[k] <= 1, `${k}=${x.metrics[k]}`);
      }
      assert.ok(x.trainSeconds > 0);
    }
    assert.equal(m.tables[0].rows.length, 16);
    assert.ok(r.figures.length >= 4);
    // smoke: separate warm-ups; LCKD's has all modalities and teacher flair → KD > 0
    const w = JSON.parse(await Deno.readTextFile(`${root}/out/warmup_lckd/phase.json`));
    assert.ok(w.kd.every((v: number) => v > 0), "KD term active in the warm-up");
    const w0 = JSON.parse(await Deno.readTextFile(`${root}/out/warmup_baseline/phase.json`));
    assert.ok(w0.kd.every((v: number) => v === 0), "no KD in the baseline");
    const kd = JSON.parse(await Deno.readTextFile(`${root}/out/lckd/phase.json`));
    assert.ok(kd.elections.length >= 1, "an election in phase 2");
    assert.equal(kd.elections[0].step, 2);
    const again = await bratsExperiment.run(BRATS_PRESETS.smoke, opts);
    assert.ok(again.methods.every((x) => x.trainSeconds === 0), "stages reloaded");
    assert.deepEqual(again.methods.map((x) => x.metrics), r.methods.map((x) => x.metrics));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
