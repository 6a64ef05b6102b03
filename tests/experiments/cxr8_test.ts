import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { writePhantom } from "../../lib/phantoms/mod.ts";
import { cxr8Experiment } from "../../lib/experiments/cxr8.ts";
import { getExperiment } from "../../lib/experiments/registry.ts";
import { cxr8KdDistiller } from "../../lib/experiments/cxr8_train.ts";
import { prepareData } from "../../lib/experiments/cxr8_data.ts";

Deno.test("cxr8: smoke preset end to end, then resume reuses finished stages", async () => {
  await initBackend("cpu", { quiet: true });
  const root = await Deno.makeTempDir({ prefix: "cxr8_" });
  try {
    const dataDir = `${root}/data`, outDir = `${root}/out`;
    await writePhantom("chestxray14", dataDir, { cases: 40, seed: 3 });
    const exp = await getExperiment("cxr8");
    assert.equal(exp.id, "cxr8");
    const preset = cxr8Experiment.presets.smoke;
    const n0 = tf.memory().numTensors;
    const r = await cxr8Experiment.run(preset, { dataDir, outDir, seed: 0, verbose: false });
    assert.equal(tf.memory().numTensors, n0, "models and tensors freed");
    const json = JSON.parse(await Deno.readTextFile(`${outDir}/metrics.json`));
    assert.ok((await Deno.stat(`${outDir}/report.html`)).size > 1000);
    const names = json.methods.map((m: { method: string }) => m.method);
    assert.deepEqual(names, [
      "teacher kd3: plain w16 (teacher)",
      "student baseline: plain w8 (student)",
      "faithful kd1 ← plain w8 (student) (self)",
      "faithful kd3 ← plain w16 (teacher)",
      "corrected kd3 ← plain w16 (teacher)",
      "corrected control (no KD)",
    ]);
    for (const m of json.methods) {
      for (const k of ["auroc", "auroc_rawavg", "auroc_probavg"]) {
        const v = m.metrics[k];
        assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `${m.method} ${k} = ${v}`);
      }
      assert.equal(Object.keys(m.perClass).length, 14);
      assert.ok(m.trainSeconds > 0, `${m.method} trained`);
    }
    assert.equal(json.paper.rows.length, 21);
    assert.equal(r.tables[1].rows.length, 15);
    assert.ok(r.figures.length >= 4);
    // re-run: every stage is loaded from outDir, and gives the same test scores
    const r2 = await cxr8Experiment.run(preset, { dataDir, outDir, seed: 0, verbose: false });
    for (const [i, m] of r2.methods.entries()) {
      assert.equal(m.trainSeconds, 0, `${m.method} reused`);
      assert.equal(m.metrics.auroc, r.methods[i].metrics.auroc);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cxr8: leakage guard rejects a test patient that is also in training", async () => {
  const root = await Deno.makeTempDir({ prefix: "cxr8_leak_" });
  try {
    const row = (n: string) => `${n} ${Array(14).fill(0).join(" ")}`;
    await Deno.mkdir(`${root}/labels`);
    await Deno.writeTextFile(`${root}/labels/train_list_224.txt`, row("00000001_000.png"));
    await Deno.writeTextFile(`${root}/labels/val_list.txt`, row("00000002_000.png"));
    await Deno.writeTextFile(`${root}/labels/test_list_224.txt`, row("00000001_001.png"));
    const cfg = { imageDir: "images-224", resize: 32, crop: 28, minArea: 0.08, cacheImages: true };
    await assert.rejects(() => prepareData(root, cfg), /patient/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cxr8: KD term — faithful softmax on σ of a Sigmoid-headed teacher, corrected on its logits", () => {
  const zs = tf.tensor2d([[0.3, -1.2, 2]]), zt = tf.tensor2d([[1, 0, -2]]);
  const ctx = { step: 0, rng: null as never };
  const out = (d: ReturnType<typeof cxr8KdDistiller>) =>
    d.loss({ logits: zs, taps: {} }, { logits: zt, taps: {} }, { x: zs, y: zs }, ctx).kd
      .dataSync()[0];
  // hand computation: T = 2, softmax over 3 labels
  const sm = (v: number[]) => {
    const e = v.map(Math.exp), s = e.reduce((a, b) => a + b);
    return e.map((x) => x / s);
  };
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const ps = sm([0.15, -0.6, 1]), pt = sm([1, 0, -2].map((v) => sig(v) / 2));
  const faithful = 4 * ps.reduce((a, p, i) => a + (p - pt[i]) ** 2, 0) / 3;
  const f = cxr8KdDistiller({ mode: "softmax-raw", temperature: 2, teacherSigmoidHead: true });
  assert.ok(Math.abs(out(f) - faithful) < 1e-6);
  // corrected: T²·mean BCE(σ(zs/T), σ(zt/T)), teacher logits recovered from σ
  const bce = [0.3, -1.2, 2].map((a, i) => {
    const q = sig([1, 0, -2][i] / 2), p = sig(a / 2);
    return -(q * Math.log(p) + (1 - q) * Math.log(1 - p));
  });
  const corrected = 4 * bce.reduce((a, b) => a + b) / 3;
  const c = cxr8KdDistiller({ mode: "sigmoid", temperature: 2, teacherSigmoidHead: true });
  assert.ok(Math.abs(out(c) - corrected) < 1e-5);
  tf.dispose([zs, zt]);
});
