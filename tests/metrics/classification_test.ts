import assert from "node:assert/strict";
import {
  auroc,
  averagePrecision,
  binaryCounts,
  binaryScores,
  confusionMatrix,
  multiLabelAuroc,
  prCurve,
  rocCurve,
  youdenThreshold,
} from "../../lib/metrics/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

const script = await Deno.readTextFile(
  new URL("../../scripts/reference/metrics_classification.py", import.meta.url),
);

type Curve = Record<string, (number | null)[]>;
type Ref = { auroc: number; ap: number; roc_drop: Curve; roc_full: Curve; pr: Curve };

function near(a: number[], b: (number | null)[], tol: number, msg: string) {
  assert.equal(a.length, b.length, `${msg}: length ${a.length} vs ${b.length}`);
  a.forEach((v, i) => {
    const r = b[i] ?? NaN;
    assert.ok(Math.abs(v - r) <= tol, `${msg}[${i}]: ${v} vs ${r}`);
  });
}

Deno.test("auroc, roc, pr curve and AP equal scikit-learn on random tied, imbalanced inputs", async () => {
  const py = refPython(["sklearn"]);
  if (!py) return;
  const rng = createRng(5);
  const cases: { scores: number[]; labels: number[] }[] = [];
  for (let k = 0; k < 30; k++) {
    const n = rng.int(10, 400);
    const prev = [0.02, 0.1, 0.3, 0.5, 0.8][k % 5];
    const levels = [3, 10, 50, 1e6][k % 4]; // few levels → many ties
    const labels = Array.from({ length: n }, () => (rng.random() < prev ? 1 : 0));
    labels[0] = 1;
    labels[1] = 0;
    const scores = labels.map((y) => Math.round((rng.normal(y * 0.8, 1)) * levels) / levels);
    cases.push({ scores, labels });
  }
  const ref = await runPythonJson<{ binary: Ref[] }>(py, script, { binary: cases });
  cases.forEach(({ scores, labels }, k) => {
    const r = ref.binary[k];
    assert.ok(Math.abs(auroc(scores, labels) - r.auroc) <= 1e-9, `case ${k} auroc`);
    assert.ok(Math.abs(averagePrecision(scores, labels) - r.ap) <= 1e-9, `case ${k} ap`);
    for (const [drop, rr] of [[true, r.roc_drop], [false, r.roc_full]] as const) {
      const c = rocCurve(scores, labels, { dropIntermediate: drop });
      near(c.fpr, rr.fpr, 1e-12, `case ${k} fpr drop=${drop}`);
      near(c.tpr, rr.tpr, 1e-12, `case ${k} tpr drop=${drop}`);
      // sklearn 1.2 puts max+1 first; medkd uses +Infinity (sklearn >= 1.3)
      assert.equal(c.thresholds[0], Infinity);
      near(c.thresholds.slice(1), rr.thresholds.slice(1), 0, `case ${k} thresholds`);
    }
    const p = prCurve(scores, labels);
    near(p.precision, r.pr.precision, 1e-12, `case ${k} precision`);
    near(p.recall, r.pr.recall, 1e-12, `case ${k} recall`);
    near(p.thresholds, r.pr.thresholds, 0, `case ${k} pr thresholds`);
  });
});

Deno.test("auroc: hand cases, one class → NaN, ties count one half", () => {
  assert.equal(auroc([1, 1, 1, 1], [0, 1, 0, 1]), 0.5);
  assert.equal(auroc([0.2, 0.8], [0, 1]), 1);
  assert.equal(auroc([-Infinity, Infinity, Infinity, 0], [0, 1, 0, 1]), 0.625);
  assert.equal(auroc([0.8, 0.2], [0, 1]), 0);
  assert.ok(Number.isNaN(auroc([0.1, 0.5], [0, 0])));
  assert.ok(Number.isNaN(averagePrecision([0.1, 0.5], [0, 0])));
  assert.throws(() => auroc([0.1, NaN], [0, 1]), /score 1 is NaN/);
  assert.throws(() => auroc([0.1], [0, 1]), /1 scores but 2 labels/);
});

Deno.test("thresholded scores, Youden, confusion matrix, multi-label AUROC", () => {
  const s = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1], y = [1, 1, 0, 1, 0, 0, 1, 0];
  const c = binaryCounts(s, y, 0.5);
  assert.deepEqual(c, { tp: 3, fp: 1, fn: 1, tn: 3 });
  const sc = binaryScores(c);
  assert.equal(sc.accuracy, 0.75);
  assert.equal(sc.sensitivity, 0.75);
  assert.equal(sc.specificity, 0.75);
  assert.equal(sc.f1, 0.75);
  assert.equal(sc.balancedAccuracy, 0.75);
  assert.ok(Number.isNaN(binaryScores({ tp: 0, fp: 0, fn: 0, tn: 4 }).sensitivity));
  const yt = youdenThreshold(s, y);
  assert.equal(yt.threshold, 0.8); // first of the two J = 0.5 points (0.8 and 0.6)
  assert.equal(yt.j, 0.5);
  assert.deepEqual(confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3), [[1, 0, 0], [0, 1, 0], [
    0,
    1,
    1,
  ]]);
  assert.throws(() => confusionMatrix([3], [0], 3), /not in 0..2/);
  const ml = multiLabelAuroc([0.9, 0.1, 0.2, 0.8, 0.7, 0.6, 0.3, 0.9], [1, 0, 0, 1, 1, 0, 0, 0], 2);
  assert.equal(ml.perClass[0], 1);
  assert.equal(ml.perClass[1], 2 / 3);
  assert.equal(ml.mean, (1 + 2 / 3) / 2);
  const one = multiLabelAuroc([[0.1, 0.2], [0.3, 0.4]], [[0, 1], [1, 1]]);
  assert.ok(Number.isNaN(one.perClass[1]));
  assert.equal(one.mean, 1);
});
