import assert from "node:assert/strict";
import {
  bratsMetrics,
  bratsRegions,
  CaseAccumulator,
  caseMetrics,
  composeBratsLabels,
  dice,
  iou,
  multiclassDice,
  precision,
  recall,
  summarize,
} from "../../lib/metrics/mod.ts";

Deno.test("dice / iou / precision / recall by hand, 2D and 3D, empty masks", () => {
  const p = new Uint8Array([1, 1, 1, 0, 0, 0]), t = [true, true, false, true, false, false];
  assert.equal(dice(p, t), 4 / 6);
  assert.equal(iou(p, t), 2 / 4);
  assert.equal(precision(p, t), 2 / 3);
  assert.equal(recall(p, t), 2 / 3);
  assert.equal(dice([0, 0], [0, 0]), 1);
  assert.ok(Number.isNaN(dice([0, 0], [0, 0], { empty: NaN })));
  assert.equal(dice([1, 0], [0, 0]), 0);
  assert.equal(iou([0, 0], [0, 0]), 1);
  assert.ok(Number.isNaN(precision([0, 0], [1, 0])));
  assert.equal(recall([0, 0], [1, 0]), 0);
  // 3D: 2×2×2 cube vs its shift by one along the fastest axis inside 3×2×2
  const a = new Float32Array(12), b = new Float32Array(12);
  for (let z = 0; z < 2; z++) {
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 2; x++) {
        a[x + 3 * (y + 2 * z)] = 1;
        b[x + 1 + 3 * (y + 2 * z)] = 1;
      }
    }
  }
  assert.equal(dice(a, b), 0.5);
  assert.equal(iou(a, b), 1 / 3);
  assert.throws(() => dice([1], [1, 0]), /1 voxels, truth 2/);
  assert.deepEqual(multiclassDice([0, 1, 2, 2], [0, 1, 1, 2], [1, 2, 3]), {
    1: 2 / 3,
    2: 2 / 3,
    3: 1,
  });
});

Deno.test("BraTS regions, label composition and empty rules", () => {
  const truth = [0, 1, 2, 4, 4, 2, 0, 0];
  const r = bratsRegions(truth);
  assert.deepEqual([...r.ET], [0, 0, 0, 1, 1, 0, 0, 0]);
  assert.deepEqual([...r.TC], [0, 1, 0, 1, 1, 0, 0, 0]);
  assert.deepEqual([...r.WT], [0, 1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual([...composeBratsLabels(r)], truth);
  const noEt = [0, 1, 2, 1, 1, 2, 0, 0];
  const s = bratsMetrics(noEt, truth, { shape: [8], spacing: [2] });
  assert.equal(s.ET.dice, 0);
  assert.equal(s.ET.hd95, 373.13);
  assert.equal(s.TC.dice, 1);
  assert.equal(s.TC.hd95, 0);
  assert.equal(s.WT.dice, 1);
  const both = bratsMetrics([0, 2, 0], [0, 2, 0], { shape: [3] });
  assert.equal(both.ET.dice, 1);
  assert.equal(both.ET.hd95, 0);
  assert.equal(bratsMetrics(noEt, truth).ET.hd95, undefined);
});

Deno.test("Synapse golden vector (03 §6): MONAI protocol per class", () => {
  // D×H×W = 4×16×16 row-major, inclusive index ranges
  const [D, H, W] = [4, 16, 16];
  const truth = new Uint8Array(D * H * W), pred = new Uint8Array(D * H * W);
  const box = (m: Uint8Array, c: number, z: number[], y: number[], x: number[]) => {
    for (let k = z[0]; k <= z[1]; k++) {
      for (let j = y[0]; j <= y[1]; j++) {
        for (let i = x[0]; i <= x[1]; i++) m[(k * H + j) * W + i] = c;
      }
    }
  };
  box(truth, 1, [1, 2], [4, 9], [4, 9]);
  box(pred, 1, [1, 2], [5, 10], [4, 9]);
  box(truth, 2, [0, 0], [0, 2], [0, 2]);
  box(pred, 3, [3, 3], [12, 14], [12, 14]);
  const s = caseMetrics(pred, truth, { classes: [1, 2, 3], shape: [D, H, W], order: "C" });
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;
  assert.ok(near(s[1].dice, 0.833333) && s[2].dice === 0 && Number.isNaN(s[3].dice));
  assert.ok(s[1].hd95 === 1 && Number.isNaN(s[2].hd95) && Number.isNaN(s[3].hd95));
  assert.ok(near(s[1].asd, 0.166667) && s[2].asd === Infinity && s[3].asd === Infinity);
  assert.ok(near(s[1].iou, 0.714286) && s[2].iou === 0 && Number.isNaN(s[3].iou));
  const legacy = caseMetrics(pred, truth, {
    classes: [1, 2, 3],
    shape: [D, H, W],
    order: "C",
    protocol: "medpy-pooled",
  });
  assert.deepEqual([legacy[2].dice, legacy[2].hd95, legacy[3].dice, legacy[3].hd95], [0, 0, 1, 0]);
});

Deno.test("CaseAccumulator: NaN ignored, inf propagates, table", () => {
  const acc = new CaseAccumulator(["a", "b"]);
  acc.add("c1", { dice: [0.5, NaN], asd: { a: 1, b: Infinity } });
  acc.add("c2", { dice: [0.7, 0.9] });
  acc.add("c3", { dice: new Float32Array([0.9, 0.5]), asd: [3, 2] });
  const agg = acc.aggregate();
  assert.ok(Math.abs(agg.dice.a.mean - 0.7) < 1e-7); // 0.9 went through float32
  assert.ok(Math.abs(agg.dice.a.median - 0.7) < 1e-7);
  assert.equal(agg.dice.b.nan, 1);
  assert.equal(agg.dice.b.n, 2);
  assert.equal(agg.asd.a.mean, 2); // c2 has no asd → NaN, ignored
  assert.equal(agg.asd.b.mean, Infinity);
  assert.equal(acc.caseMeans("dice").c1, 0.5);
  assert.throws(() => acc.add("c1", { dice: [1, 1] }), /added twice/);
  assert.throws(() => acc.add("c4", { dice: [1] }), /1 values for 2 classes/);
  const md = acc.toMarkdown(2);
  assert.match(md, /^\| class \| dice \| asd \|/);
  assert.match(md, /\| a \| 0\.70 ± 0\.16 \|/);
  assert.equal(acc.rows().length, 6);
  assert.ok(Number.isNaN(summarize([NaN]).mean));
});
