import assert from "node:assert/strict";
import { initBackend } from "../../lib/tf/backend.ts";
import * as tf from "../../lib/tf/tf.ts";
import { writeHcc } from "../../lib/phantoms/mod.ts";
import {
  hccBootstrap,
  hccExperiment,
  HccMetricError,
  hccPresets,
  hccScores,
  macroAuc,
} from "../../lib/experiments/hcc.ts";
import { getExperiment } from "../../lib/experiments/registry.ts";

await initBackend("cpu", { quiet: true });

Deno.test("hcc metrics: hand-computed macro AUC, scores, missing class", () => {
  // class 0: scores [.6,.2,.3,.5] pos {0} → 1; class 1: pos {.5,.2} vs neg {.3,.3} → 2/4;
  // class 2: pos {.4} above every negative → 1
  const p = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.5, 0.2, 0.3]];
  assert.ok(Math.abs(macroAuc(p, [0, 1, 2, 1]) - 2.5 / 3) < 1e-12);
  assert.throws(() => macroAuc(p, [0, 1, 1, 1], "fold 3"), HccMetricError);
  // argmax 0,1,2,0 vs truth 0,1,2,1: class 1 sen 1/2, class 0 spe 2/3; F1 (2/3 + 2/3 + 1)/3
  const s = hccScores(p, [0, 1, 2, 1]);
  assert.equal(s.acc, 0.75);
  assert.ok(Math.abs(s.sen - (1 + 0.5 + 1) / 3) < 1e-12);
  assert.ok(Math.abs(s.spe - (2 / 3 + 1 + 1) / 3) < 1e-12);
  assert.ok(Math.abs(s.f1 - (2 / 3 + 2 / 3 + 1) / 3) < 1e-12);
  assert.ok(Number.isNaN(hccScores(p, [0, 1, 1, 1]).auc));
  // argmax 0,0,0,1 vs truth 0,1,2,1 (class 2 never predicted): sen (1 + 1/2 + 0)/3,
  // spe (1/3 + 1 + 1)/3, F1 (1/2 + 2/3 + 0)/3
  const q = [[0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.1, 0.8, 0.1]];
  const t = hccScores(q, [0, 1, 2, 1]);
  assert.ok(Math.abs(t.sen - 0.5) < 1e-12 && Math.abs(t.spe - 7 / 9) < 1e-12, JSON.stringify(t));
  assert.ok(Math.abs(t.f1 - 7 / 18) < 1e-12 && t.acc === 0.5, JSON.stringify(t));
  const a = hccBootstrap(p, [0, 1, 2, 1], { seed: 3, resamples: 200 });
  const b = hccBootstrap(p, [0, 1, 2, 1], { seed: 3, resamples: 200 });
  assert.deepEqual(a, b, "seeded");
  assert.ok(a.acc.lower <= 0.75 && 0.75 <= a.acc.upper);
});

Deno.test("hcc smoke preset end to end on a tiny phantom; resume reuses the stages", async () => {
  const dir = await Deno.makeTempDir({ prefix: "medkd_hcc_" });
  try {
    // 20 lesions in 2 folds: 10 per fold, classes 4/3/3 each
    await writeHcc(`${dir}/data`, { cases: 20, folds: 2 });
    assert.equal((await getExperiment("hcc")).id, "hcc");
    const out = `${dir}/out`;
    const n0 = tf.memory().numTensors;
    const r = await hccExperiment.run(hccPresets.smoke, {
      dataDir: `${dir}/data`,
      outDir: out,
      seed: 0,
      verbose: false,
    });
    assert.equal(tf.memory().numTensors, n0, "no tensor leak");
    const m = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
    assert.ok((await Deno.readTextFile(`${out}/report.html`)).includes("MD-Net"));
    assert.deepEqual(m.methods.map((x: { role: string }) => x.role), [
      "teacher",
      "student",
      "distilled",
    ]);
    for (const x of m.methods) {
      for (const k of ["auc", "auc_pooled", "acc", "sen", "spe", "f1"]) {
        const v = x.metrics[k];
        assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `${x.method} ${k} = ${v}`);
      }
      assert.ok(
        x.metrics.auc_lo <= x.metrics.auc_pooled && x.metrics.auc_pooled <= x.metrics.auc_hi,
      );
      assert.ok(x.trainSeconds > 0);
    }
    assert.equal(m.paper.rows[0][1], "not reported");
    const stage = JSON.parse(await Deno.readTextFile(`${out}/fold0/mdnet/stage.json`));
    assert.equal(stage.student.history.length, 2, "validated after each of 2 epochs");
    for (const k of ["task", "teacher", "mdnet.kl_logits", "mdnet.kl_pre", "mdnet.kl_hbp"]) {
      assert.ok(stage.curves[k]?.every(Number.isFinite), k);
    }
    await Deno.stat(`${out}/fold0/mdnet/checkpoints/best`);
    const r2 = await hccExperiment.run(hccPresets.smoke, {
      dataDir: `${dir}/data`,
      outDir: out,
      seed: 0,
      verbose: false,
    });
    assert.ok(r2.methods.every((x) => x.trainSeconds === 0), "teacher and students reused");
    assert.deepEqual(r2.methods.map((x) => x.metrics.auc), r.methods.map((x) => x.metrics.auc));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
