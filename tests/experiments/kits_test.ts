// Study 02 (HLFD) end to end on a tiny KiTS phantom: slicer → SliceDataset → teacher → no-KD
// student → SKD + HLFD students → per-case Dice; metrics.json / report.html written; a re-run
// reuses every finished stage. Plus hand-computed checks of the loss and the case metric.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { writeKits } from "../../lib/phantoms/kits.ts";
import { writeLits } from "../../lib/phantoms/lits.ts";
import {
  addSlice,
  type CaseCounts,
  caseScores,
  hlfdSegTerms,
  KITS_PRESETS,
  kitsExperiment,
  prepareData,
} from "../../lib/experiments/kits.ts";
import { getExperiment } from "../../lib/experiments/registry.ts";

await initBackend("cpu", { quiet: true });

Deno.test("kits: segmentation loss matches hand-computed focal + batch Dice", () => {
  // logits: pixel 0 favours fg (p1 = σ(2)), pixel 1 favours bg (p1 = σ(−2)); truth fg, fg
  const logits = tf.tensor4d([0, 2, 2, 0], [1, 1, 2, 2]);
  const y = tf.tensor4d([0, 1, 0, 1], [1, 1, 2, 2]);
  const t = hlfdSegTerms(logits, y);
  const s = (z: number) => 1 / (1 + Math.exp(-z));
  const p0 = s(2), p1 = s(-2);
  const focal = (-((1 - p0) ** 2) * Math.log(p0) - (1 - p1) ** 2 * Math.log(p1)) / 2;
  const dice = 1 - (2 * (p0 + p1) + 1) / (p0 + p1 + 2 + 1);
  assert.ok(Math.abs(t.focal.dataSync()[0] - focal) < 1e-6);
  assert.ok(Math.abs(t.dice.dataSync()[0] - dice) < 1e-6);
  tf.dispose([logits, y, t.focal, t.dice]);
});

Deno.test("kits: case counts pool slices; Dice/VOE*/RVD* as the original", () => {
  const acc: Record<string, CaseCounts> = {};
  addSlice(acc, "a", [0.5, 0.41, 0.4, 0], [1, 1, 1, 0], 0.4); // P 2, G 3, I 2
  addSlice(acc, "a", [0.9, 0, 0, 0], [0, 0, 0, 0], 0.4); // P 1, G 0, I 0
  assert.deepEqual(acc.a, { p: 3, g: 3, i: 2, slices: 2 });
  const s = caseScores(acc.a);
  assert.equal(s.dice, 5 / 7);
  assert.ok(Math.abs(s.voe - 2 / 6) < 1e-6);
  assert.ok(Math.abs(s.rvd) < 1e-6);
});

Deno.test("kits: smoke preset end to end, then resume reuses every stage", async () => {
  const dir = await Deno.makeTempDir({ prefix: "medkd_kits_" });
  try {
    const data = `${dir}/data`;
    await writeKits(data, {
      cases: 3,
      seed: 0,
      grid: { slices: 12, rows: 32, cols: 32, spacing: [3, 0.8, 0.8] },
    });
    assert.equal((await getExperiment("kits")).id, "kits");
    const preset = KITS_PRESETS.smoke;
    const out = `${dir}/out`;
    const r = await kitsExperiment.run(preset, {
      dataDir: data,
      outDir: out,
      seed: 0,
      verbose: false,
    });
    const names = r.methods.map((m) => m.method);
    assert.deepEqual(names, [
      "teacher (kits_unet)",
      "student w/o KD",
      "SKD (wo_feedback)",
      "HLFD",
    ]);
    for (const m of r.methods) {
      for (const k of ["dice", "voe", "rvd"]) assert.ok(Number.isFinite(m.metrics[k]), `${k}`);
      assert.ok(m.metrics.dice > 0 && m.metrics.dice <= 1, `${m.method} dice ${m.metrics.dice}`);
      assert.ok(m.trainSeconds > 0);
      // the phantom's test split is its last case
      assert.deepEqual(Object.keys(m.perCase!), ["00002"]);
    }
    const json = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
    assert.equal(json.methods.length, 4);
    assert.equal(json.study, "kits");
    const html = await Deno.readTextFile(`${out}/report.html`);
    assert.ok(html.includes("HLFD") && html.includes("Published"));
    assert.ok(r.figures.length >= 4);

    const r2 = await kitsExperiment.run(preset, {
      dataDir: data,
      outDir: out,
      seed: 0,
      verbose: false,
    });
    r2.methods.forEach((m, i) => {
      assert.equal(m.trainSeconds, 0, `${m.method} retrained`);
      assert.equal(m.metrics.dice, r.methods[i].metrics.dice);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kits: lits preset slices the flat LiTS layout; seeded split without case folders", async () => {
  const dir = await Deno.makeTempDir({ prefix: "medkd_lits_" });
  try {
    await writeLits(`${dir}/data`, {
      cases: 3,
      seed: 0,
      grid: { slices: 12, rows: 40, cols: 40, spacing: [0.8, 0.8, 3] },
    });
    const preset = { ...KITS_PRESETS.lits, sliceSize: 40, crop: { row0: 4, col0: 5, size: 32 } };
    const d = await prepareData(preset, `${dir}/data`, `${dir}/out`, 0);
    assert.deepEqual(d.testCases, ["2"]); // LiTS ids are unpadded ("volume-2.nii")
    assert.ok(d.train.length > 0 && d.test.length > 0);
    const s = await d.test.get(0, null as never);
    assert.deepEqual(s.shape, [32, 32, 1]);
    assert.deepEqual(s.labelShape, [32, 32, 2]);
    // without train_cases/test_cases folders: a seeded split, recorded on disk
    await Deno.remove(`${dir}/data/train_cases`, { recursive: true });
    await Deno.remove(`${dir}/data/test_cases`, { recursive: true });
    const d2 = await prepareData({ ...preset, testCases: 1 }, `${dir}/data`, `${dir}/out2`, 0);
    const split = JSON.parse(await Deno.readTextFile(`${dir}/out2/split.json`));
    assert.equal(split.test.length, 1);
    assert.equal(split.train.length, 2);
    assert.deepEqual(d2.testCases, split.test);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
