import assert from "node:assert/strict";
import {
  auroc,
  bootstrapCi,
  delongTest,
  pairedTTest,
  wilcoxonSignedRank,
} from "../../lib/metrics/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

const script = await Deno.readTextFile(
  new URL("../../scripts/reference/metrics_classification.py", import.meta.url),
);

Deno.test("paired t-test and Wilcoxon signed-rank equal scipy 1.10", async () => {
  const py = refPython(["scipy"]);
  if (!py) return;
  const rng = createRng(11);
  const paired: { a: number[]; b: number[] }[] = [];
  for (const n of [6, 12, 20, 49, 60, 120]) {
    const a = Array.from({ length: n }, () => rng.uniform(0.5, 0.9));
    const b = a.map((v) => v - 0.02 + rng.normal(0, 0.05));
    paired.push({ a, b });
  }
  // zero differences and ties force the normal approximation
  paired.push({ a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], b: [1, 1, 1, 2, 2, 3, 9, 5, 6, 6, 3] });
  const ref = await runPythonJson<{ paired: { t: number; t_p: number; w: number; w_p: number }[] }>(
    py,
    script,
    { paired },
  );
  paired.forEach(({ a, b }, k) => {
    const r = ref.paired[k];
    const t = pairedTTest(a, b), w = wilcoxonSignedRank(a, b);
    assert.ok(Math.abs(t.statistic - r.t) <= 1e-9 * Math.abs(r.t), `case ${k} t`);
    assert.ok(Math.abs(t.p - r.t_p) <= 1e-9, `case ${k} t p ${t.p} vs ${r.t_p}`);
    assert.equal(w.statistic, r.w, `case ${k} W`);
    assert.ok(Math.abs(w.p - r.w_p) <= 1e-9, `case ${k} W p ${w.p} vs ${r.w_p}`);
  });
});

/** DeLong from its definition: placement values by O(m·n) comparisons. */
function delongBrute(s1: number[], s2: number[], y: number[]) {
  const pos = y.flatMap((v, i) => (v ? [i] : [])), neg = y.flatMap((v, i) => (v ? [] : [i]));
  const psi = (x: number, z: number) => (x > z ? 1 : x === z ? 0.5 : 0);
  const comps = (s: number[]) => ({
    v10: pos.map((i) => neg.reduce((a, j) => a + psi(s[i], s[j]), 0) / neg.length),
    v01: neg.map((j) => pos.reduce((a, i) => a + psi(s[i], s[j]), 0) / pos.length),
  });
  const c1 = comps(s1), c2 = comps(s2);
  const cov = (a: number[], b: number[]) => {
    const ma = a.reduce((x, v) => x + v, 0) / a.length,
      mb = b.reduce((x, v) => x + v, 0) / b.length;
    return a.reduce((x, v, i) => x + (v - ma) * (b[i] - mb), 0) / (a.length - 1);
  };
  const s = (a: typeof c1, b: typeof c1) =>
    cov(a.v10, b.v10) / pos.length + cov(a.v01, b.v01) / neg.length;
  return { s11: s(c1, c1), s12: s(c1, c2), s22: s(c2, c2) };
}

Deno.test("DeLong: fast midrank form equals the definition; AUCs equal auroc", () => {
  const rng = createRng(3);
  for (let k = 0; k < 5; k++) {
    const n = 40 + 13 * k;
    const y = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const s1 = y.map((v) => Math.round(rng.normal(v, 1) * 4) / 4);
    const s2 = y.map((v, i) => Math.round((s1[i] * 0.5 + rng.normal(v * 0.5, 1)) * 4) / 4);
    const r = delongTest(s1, s2, y), b = delongBrute(s1, s2, y);
    assert.ok(Math.abs(r.auc1 - auroc(s1, y)) < 1e-12);
    assert.ok(Math.abs(r.auc2 - auroc(s2, y)) < 1e-12);
    assert.ok(Math.abs(r.variance[0][0] - b.s11) < 1e-12);
    assert.ok(Math.abs(r.variance[0][1] - b.s12) < 1e-12);
    assert.ok(Math.abs(r.variance[1][1] - b.s22) < 1e-12);
    assert.ok(r.p > 0 && r.p <= 1);
  }
  const same = delongTest([0.1, 0.9, 0.2, 0.8], [0.1, 0.9, 0.2, 0.8], [0, 1, 0, 1]);
  assert.equal(same.p, 1);
  assert.throws(() => delongTest([0.1, 0.2], [0.1, 0.2], [0, 1]), /needs ≥ 2 positives/);
});

Deno.test("bootstrap CI: seeded, brackets the estimate, drops NaN replicates", () => {
  const rng = createRng(9);
  const x = Array.from({ length: 60 }, () => rng.normal(1, 2));
  const meanOf = (idx: Int32Array) => idx.reduce((s, i) => s + x[i], 0) / idx.length;
  const a = bootstrapCi(x.length, meanOf, { seed: 4, resamples: 500 });
  const b = bootstrapCi(x.length, meanOf, { seed: 4, resamples: 500 });
  const c = bootstrapCi(x.length, meanOf, { seed: 5, resamples: 500 });
  assert.deepEqual(a, b);
  assert.notEqual(a.lower, c.lower);
  assert.ok(a.lower < a.estimate && a.estimate < a.upper);
  // half-width near 1.96·sd/√n
  const sd = Math.sqrt(x.reduce((s, v) => s + (v - a.estimate) ** 2, 0) / x.length);
  const half = (a.upper - a.lower) / 2, expect = 1.96 * sd / Math.sqrt(x.length);
  assert.ok(Math.abs(half - expect) < 0.2 * expect, `${half} vs ${expect}`);
  // AUROC with a rare positive: some resamples have one class → NaN, dropped
  const y = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], s = [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.95];
  const ci = bootstrapCi(10, (idx) => auroc([...idx].map((i) => s[i]), [...idx].map((i) => y[i])), {
    seed: 1,
    resamples: 200,
  });
  assert.ok(ci.valid < 200 && ci.valid > 100, `valid ${ci.valid}`);
});
