import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import { writeSynapse } from "../../lib/phantoms/synapse.ts";
import {
  distillConfig,
  pixelCrossEntropy,
  pooledDice,
  scoreCases,
  softDiceLoss,
  SYNAPSE_ORGANS,
  SYNAPSE_PRESETS,
  synapseDistiller,
  synapseExperiment,
  synapseTaskLoss,
} from "../../lib/experiments/synapse.ts";
import { getExperiment } from "../../lib/experiments/registry.ts";

await initBackend("cpu", { quiet: true });

/** Spec 03 §9.4 inputs (N 2, C 9, H = W = 4), written channels-last. */
function goldenInputs() {
  const zs = new Float32Array(2 * 4 * 4 * 9), lab = new Float32Array(2 * 4 * 4);
  for (let n = 0; n < 2; n++) {
    for (let h = 0; h < 4; h++) {
      for (let w = 0; w < 4; w++) {
        lab[(n * 4 + h) * 4 + w] = (n + h + 2 * w) % 9;
        for (let c = 0; c < 9; c++) {
          zs[((n * 4 + h) * 4 + w) * 9 + c] = 3 *
            Math.sin(0.3 * (n + 1) * (c + 1) + 0.1 * h - 0.2 * w);
        }
      }
    }
  }
  return { zs: tf.tensor4d(zs, [2, 4, 4, 9]), lab: tf.tensor3d(lab, [2, 4, 4]) };
}

Deno.test("synapse task loss: CE and SoftDice match the spec's golden values (§9.4)", async () => {
  const { zs, lab } = goldenInputs();
  await assertNoLeak(() => {
    const ce = pixelCrossEntropy(zs, lab), sd = softDiceLoss(zs, lab);
    assert.ok(Math.abs(ce.dataSync()[0] - 3.2005904) < 1e-5, `CE ${ce.dataSync()[0]}`);
    assert.ok(Math.abs(sd.dataSync()[0] + 0.1117505) < 1e-5, `SoftDice ${sd.dataSync()[0]}`);
    const t = synapseTaskLoss({ logits: zs, taps: {} }, { x: zs, y: lab });
    assert.ok(Math.abs(t.ce.dataSync()[0] - 3.2005904) < 1e-5);
    tf.dispose([ce, sd, t.ce, t.dice]);
  });
  tf.dispose([zs, lab]);
});

Deno.test("synapse distillers: §4.2 taps and weights; KD golden through the wrapper", () => {
  const cfg = distillConfig(512, 512);
  assert.equal(cfg.dkd.weight, 1e-5);
  assert.ok(Math.abs(distillConfig(64, 128).dkd.weight - 6.4e-4) < 1e-12);
  const rk = synapseDistiller("reviewkd", cfg);
  assert.deepEqual(rk.distiller.taps.student, ["s4_pre", "s3_pre", "s2_pre", "s1_pre"]);
  assert.equal(synapseDistiller("cwd", cfg).weight, 3);
  // KD τ 2 golden 0.1345960 (w = 1): z_t = 3·cos(0.2(c+1) + 0.15(n+1)h + 0.05w)
  const zt = new Float32Array(2 * 4 * 4 * 9);
  for (let n = 0; n < 2; n++) {
    for (let h = 0; h < 4; h++) {
      for (let w = 0; w < 4; w++) {
        for (let c = 0; c < 9; c++) {
          zt[((n * 4 + h) * 4 + w) * 9 + c] = 3 *
            Math.cos(0.2 * (c + 1) + 0.15 * (n + 1) * h + 0.05 * w);
        }
      }
    }
  }
  const { zs, lab } = goldenInputs();
  const t = tf.tensor4d(zt, [2, 4, 4, 9]);
  const kd = synapseDistiller("kd", cfg);
  const terms = kd.distiller.loss({ logits: zs, taps: {} }, { logits: t, taps: {} }, {
    x: zs,
    y: lab,
  }, { step: 0, rng: undefined as never });
  assert.equal(kd.weight, 10);
  assert.ok(Math.abs(terms.kd.dataSync()[0] - 0.134596) < 1e-5, `KD ${terms.kd.dataSync()[0]}`);
  tf.dispose([zs, lab, t, terms.kd]);
});

Deno.test("synapse evaluation: pooled Dice and MONAI empty-mask rules, hand computed", () => {
  // 2 slices of 4×4: liver (5) = slice 0 rows 0-1; aorta (1) = one voxel, missed by pred;
  // gallbladder (2) predicted where truth has none (ignored: truth empty).
  const label = new Uint8Array(32);
  label.fill(5, 0, 8);
  label[20] = 1;
  const pred = label.slice();
  pred[20] = 0;
  pred.fill(5, 8, 12); // liver over-segmented by one row: Dice = 2·8/(12 + 8) = 0.8
  pred[30] = 2;
  const c = {
    name: "case0001",
    shape: [2, 4, 4] as [number, number, number],
    image: new Float32Array(32),
    label,
  };
  const s = scoreCases([pred], [c]);
  assert.equal(s.perClassDice.liver, 80);
  assert.equal(s.perClassDice.aorta, 0);
  assert.ok(Number.isNaN(s.perClassDice.gallbladder));
  assert.equal(s.perClassHd95.liver, 1); // extra row is 1 voxel from the truth surface
  assert.ok(Number.isNaN(s.perClassHd95.aorta));
  assert.equal(s.missed, 1);
  assert.equal(s.dice, 40);
  assert.equal(s.hd95, 1);
  // pooled: liver 0.8, aorta 0, gallbladder 2·0/(1+0) = 0 → mean 26.67
  assert.equal(pooledDice([pred], [label]), 26.67);
  assert.equal(SYNAPSE_ORGANS.length, 8);
});

Deno.test({
  name: "synapse smoke preset end to end, then resume reuses the teacher",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      const p = SYNAPSE_PRESETS.smoke;
      await writeSynapse(`${root}/data`, { ...p.phantomOptions, seed: 0 });
      const exp = await getExperiment("synapse");
      assert.equal(exp.id, "synapse");
      const opts = { dataDir: `${root}/data`, outDir: `${root}/out`, seed: 0, verbose: false };
      const r = await synapseExperiment.run(p, opts);
      const metrics = JSON.parse(await Deno.readTextFile(`${root}/out/metrics.json`));
      const html = await Deno.readTextFile(`${root}/out/report.html`);
      assert.ok(html.includes("Dice (%) per organ"));
      assert.deepEqual(metrics.methods.map((m: { method: string }) => m.method), [
        "teacher (FCN-R50)",
        "student baseline (FCN-R18)",
        "KD",
        "AT",
        "DKD",
        "DIST",
        "CWD",
        "ReviewKD",
      ]);
      for (const m of r.methods) {
        assert.ok(
          m.metrics.dice >= 0 && m.metrics.dice <= 100,
          `${m.method} dice ${m.metrics.dice}`,
        );
        assert.ok(m.metrics.pooledDice >= 0 && m.metrics.pooledDice <= 100);
        assert.ok(Number.isNaN(m.metrics.hd95) || m.metrics.hd95 >= 0);
        assert.equal(Object.keys(m.perClass!).length, 8);
      }
      assert.ok(r.methods[0].trainSeconds > 0);
      assert.ok(r.paper && r.paper.rows.length >= 5);
      assert.ok(r.figures.length >= 6);
      const again = await synapseExperiment.run(p, { ...opts, resume: true });
      assert.equal(again.methods[0].trainSeconds, 0);
      assert.equal(again.methods[0].metrics.dice, r.methods[0].metrics.dice);
      assert.deepEqual(again.methods[2].perClass, r.methods[2].perClass);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
