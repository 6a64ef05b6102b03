/**
 * Statistics for result tables: seeded percentile-bootstrap confidence intervals, the DeLong test
 * for two correlated AUROCs (fast O(n log n) midrank form of Sun & Xu 2014), and paired tests
 * across cases (paired t-test, Wilcoxon signed-rank as scipy 1.10 computes them).
 *
 * @module
 */
import { mean, sampleStandardDeviation } from "simple-statistics";
import { createRng, type Rng } from "../random/mod.ts";
import { ClassificationError } from "./classification.ts";
import { percentile } from "./percentile.ts";
import { normalSf, tTwoSidedP } from "./special.ts";

/** A point estimate with a two-sided confidence interval. */
export type Interval = {
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  valid: number;
};

/**
 * Percentile bootstrap: `stat` is evaluated on `resamples` index sets drawn with replacement from
 * 0..n−1 (seeded); the interval is the (1−level)/2 and (1+level)/2 percentiles (numpy linear) of
 * the finite replicates (`valid` counts them; NaN replicates, e.g. a one-class AUROC resample,
 * are dropped).
 *
 * @example
 * ```ts
 * import { bootstrapCi } from "./stats.ts";
 * const x = [1, 2, 3, 4, 5, 6, 7, 8];
 * const ci = bootstrapCi(x.length, (idx) => idx.reduce((s, i) => s + x[i], 0) / idx.length, {
 *   seed: 1, resamples: 200,
 * });
 * if (!(ci.lower < 4.5 && 4.5 < ci.upper && ci.estimate === 4.5)) throw new Error();
 * ```
 */
export function bootstrapCi(
  n: number,
  stat: (idx: Int32Array) => number,
  opts: { resamples?: number; level?: number; seed?: number | string; rng?: Rng } = {},
): Interval {
  const rng = opts.rng ?? createRng(opts.seed ?? 0);
  const level = opts.level ?? 0.95;
  const B = opts.resamples ?? 1000;
  const ident = Int32Array.from({ length: n }, (_, i) => i);
  const reps: number[] = [];
  const idx = new Int32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(0, n);
    const v = stat(idx);
    if (Number.isFinite(v)) reps.push(v);
  }
  const a = (1 - level) / 2;
  return {
    estimate: stat(ident),
    lower: percentile(reps, 100 * a),
    upper: percentile(reps, 100 * (1 - a)),
    level,
    valid: reps.length,
  };
}

/** Midranks (1-based, ties averaged) of `x`. */
export function midranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((
    a,
    b,
  ) => (x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : 0));
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const m = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = m;
    i = j + 1;
  }
  return r;
}

/** Result of {@link delongTest}. */
export type DelongResult = {
  auc1: number;
  auc2: number;
  diff: number;
  z: number;
  p: number;
  variance: number[][];
};

function structural(scores: ArrayLike<number>, pos: number[], neg: number[]) {
  const m = pos.length, n = neg.length;
  const xs = pos.map((i) => scores[i]), ys = neg.map((i) => scores[i]);
  const tx = midranks(xs), ty = midranks(ys), tz = midranks([...xs, ...ys]);
  const v01 = new Float64Array(m), v10 = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < m; i++) {
    v01[i] = (tz[i] - tx[i]) / n;
    s += tz[i];
  }
  for (let j = 0; j < n; j++) v10[j] = 1 - (tz[m + j] - ty[j]) / m;
  return { auc: (s - (m * (m + 1)) / 2) / (m * n), v01, v10 };
}

function cov(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (n - 1);
}

/**
 * DeLong test of two correlated AUROCs on the same cases: z = (A1 − A2)/√Var, two-sided normal p.
 * `variance` is the 2×2 DeLong covariance of (A1, A2). Needs ≥ 2 positives and ≥ 2 negatives.
 *
 * @example
 * ```ts
 * import { delongTest } from "./stats.ts";
 * const y = [0, 0, 0, 1, 1, 1, 0, 1];
 * const r = delongTest([0.1, 0.3, 0.2, 0.8, 0.7, 0.4, 0.6, 0.9], [0.5, 0.1, 0.6, 0.7, 0.2, 0.9, 0.3, 0.4], y);
 * if (!(r.auc1 === 0.9375 && r.p > 0 && r.p < 1)) throw new Error(JSON.stringify(r));
 * ```
 */
export function delongTest(
  scores1: ArrayLike<number>,
  scores2: ArrayLike<number>,
  labels: ArrayLike<number>,
): DelongResult {
  if (scores1.length !== labels.length || scores2.length !== labels.length) {
    throw new ClassificationError("delongTest: scores1, scores2 and labels differ in length");
  }
  const pos: number[] = [], neg: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] ? pos : neg).push(i);
  if (pos.length < 2 || neg.length < 2) {
    throw new ClassificationError(
      `delongTest: needs ≥ 2 positives and negatives, got ${pos.length} and ${neg.length}`,
    );
  }
  const a = structural(scores1, pos, neg), b = structural(scores2, pos, neg);
  const m = pos.length, n = neg.length;
  const s11 = cov(a.v01, a.v01) / m + cov(a.v10, a.v10) / n;
  const s22 = cov(b.v01, b.v01) / m + cov(b.v10, b.v10) / n;
  const s12 = cov(a.v01, b.v01) / m + cov(a.v10, b.v10) / n;
  const v = s11 + s22 - 2 * s12;
  const diff = a.auc - b.auc;
  const z = v > 0 ? diff / Math.sqrt(v) : diff === 0 ? 0 : Math.sign(diff) * Infinity;
  return {
    auc1: a.auc,
    auc2: b.auc,
    diff,
    z,
    p: v > 0 ? 2 * normalSf(Math.abs(z)) : diff === 0 ? 1 : 0,
    variance: [[s11, s12], [s12, s22]],
  };
}

/** Statistic and two-sided p-value of a test. */
export type TestResult = { statistic: number; p: number; n: number };

function pairedDiffs(a: ArrayLike<number>, b: ArrayLike<number>, fn: string): number[] {
  if (a.length !== b.length) throw new RangeError(`${fn}: ${a.length} vs ${b.length} values`);
  return Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}

/**
 * Paired t-test of a − b (scipy `ttest_rel`, two-sided); `n` = number of pairs.
 *
 * @example
 * ```ts
 * import { pairedTTest } from "./stats.ts";
 * const r = pairedTTest([0.8, 0.9, 0.85, 0.7], [0.75, 0.8, 0.86, 0.6]);
 * if (!(r.statistic > 0 && r.p > 0.05 && r.p < 0.2)) throw new Error(JSON.stringify(r));
 * ```
 */
export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const d = pairedDiffs(a, b, "pairedTTest");
  const n = d.length;
  if (n < 2) return { statistic: NaN, p: NaN, n };
  const t = mean(d) / (sampleStandardDeviation(d) / Math.sqrt(n));
  return { statistic: t, p: tTwoSidedP(t, n - 1), n };
}

/**
 * Wilcoxon signed-rank test of a − b, two-sided, as scipy 1.10 `wilcoxon(a, b)`: zero
 * differences dropped (zero_method "wilcox"); statistic T = min(R+, R−); exact null distribution
 * when there are ≤ 50 pairs and no zero difference (R+ truncated to an integer, as scipy does,
 * when ties make it fractional), otherwise the normal approximation with tie correction and no
 * continuity correction. `n` = non-zero differences used.
 *
 * @example
 * ```ts
 * import { wilcoxonSignedRank } from "./stats.ts";
 * const r = wilcoxonSignedRank([1, 2, 3, 4, 5], [0, 0, 0, 0, 0]);
 * if (r.statistic !== 0 || r.p !== 0.0625) throw new Error(JSON.stringify(r));
 * ```
 */
export function wilcoxonSignedRank(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const all = pairedDiffs(a, b, "wilcoxonSignedRank");
  if (all.length === 0) return { statistic: NaN, p: NaN, n: 0 };
  const exact = all.length <= 50 && !all.includes(0);
  const d = all.filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) throw new RangeError("wilcoxonSignedRank: every difference is zero");
  const r = midranks(d.map(Math.abs));
  let rp = 0, rm = 0;
  d.forEach((x, i) => (x > 0 ? (rp += r[i]) : (rm += r[i])));
  const T = Math.min(rp, rm);
  if (exact) {
    // counts of subsets of {1..n} with each rank sum
    const max = (n * (n + 1)) / 2;
    const cnt = new Float64Array(max + 1);
    cnt[0] = 1;
    for (let k = 1; k <= n; k++) for (let s = max; s >= k; s--) cnt[s] += cnt[s - k];
    const total = 2 ** n;
    const rpi = Math.trunc(rp);
    if (rpi === max / 2) return { statistic: T, p: 1, n };
    let less = 0, greater = 0;
    for (let s = 0; s <= max; s++) {
      if (s <= rpi) less += cnt[s];
      if (s >= rpi) greater += cnt[s];
    }
    return { statistic: T, p: Math.min(1, (2 * Math.min(less, greater)) / total), n };
  }
  const mn = (n * (n + 1)) / 4;
  let se = n * (n + 1) * (2 * n + 1);
  const ties = new Map<number, number>();
  for (const v of r) ties.set(v, (ties.get(v) ?? 0) + 1);
  for (const c of ties.values()) if (c > 1) se -= 0.5 * c * (c * c - 1);
  se = Math.sqrt(se / 24);
  const z = (T - mn) / se;
  return { statistic: T, p: 2 * normalSf(Math.abs(z)), n };
}
