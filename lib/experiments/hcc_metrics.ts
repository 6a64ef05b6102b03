/**
 * HCC-MVI evaluation (spec 01 §6): macro one-vs-rest AUC of softmax probabilities (what
 * scikit-learn computes for the original's 2-D indicator target; it fails when a class is absent),
 * argmax accuracy, and per-class sensitivity / specificity / F1 from the argmax confusion matrix,
 * macro-averaged over the three classes; seeded percentile-bootstrap intervals over cases.
 *
 * @module
 */
import {
  accuracy,
  argmaxRows,
  auroc,
  binaryScores,
  bootstrapCi,
  confusionMatrix,
  type Interval,
} from "../metrics/mod.ts";

const CLASSES = 3;

/** A class missing from an evaluation set (the macro OvR AUC is undefined). */
export class HccMetricError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HccMetricError";
  }
}

/**
 * Per-class one-vs-rest AUCs of N×3 probabilities; NaN for a class with no positive or no negative.
 *
 * @example
 * ```ts
 * import { perClassAuc } from "./hcc_metrics.ts";
 * const a = perClassAuc([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]], [0, 1, 2]);
 * if (a.join() !== "1,1,1") throw new Error(a.join());
 * ```
 */
export function perClassAuc(probs: number[][], labels: ArrayLike<number>): number[] {
  return Array.from(
    { length: CLASSES },
    (_, k) => auroc(probs.map((r) => r[k]), Array.from(labels, (l) => (l === k ? 1 : 0))),
  );
}

/**
 * Macro OvR AUC (mean of the three per-class AUCs). Throws {@link HccMetricError} naming `where`
 * when a class is absent, as the original's scikit-learn call does (spec 01 §8 item 19).
 *
 * @example
 * ```ts
 * import { macroAuc } from "./hcc_metrics.ts";
 * const auc = macroAuc([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.5, 0.2, 0.3]], [0, 1, 2, 1]);
 * if (Math.abs(auc - (1 + 0.5 + 1) / 3) > 1e-12) throw new Error(String(auc));
 * ```
 */
export function macroAuc(
  probs: number[][],
  labels: ArrayLike<number>,
  where = "evaluation",
): number {
  const a = perClassAuc(probs, labels);
  const bad = a.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new HccMetricError(
      `${where}: class ${bad} absent (or the only class); macro AUC undefined`,
    );
  }
  return (a[0] + a[1] + a[2]) / 3;
}

/**
 * Argmax accuracy of N×3 probabilities.
 *
 * @example
 * ```ts
 * import { accuracyOf } from "./hcc_metrics.ts";
 * if (accuracyOf([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1]], [0, 1]) !== 0.5) throw new Error();
 * ```
 */
export function accuracyOf(probs: number[][], labels: ArrayLike<number>): number {
  return accuracy(argmaxRows(probs.flat(), CLASSES), labels);
}

/** Headline scores of one set of predictions. */
export type HccScores = { auc: number; acc: number; sen: number; spe: number; f1: number };

/**
 * AUC (macro OvR), accuracy and macro per-class sensitivity, specificity and F1 (argmax, one class
 * against the rest). NaN (never a throw) when a class is absent, so bootstrap resamples without a
 * class are dropped.
 *
 * @example
 * ```ts
 * import { hccScores } from "./hcc_metrics.ts";
 * // predictions 0,1,1 for truth 0,1,2: class 2 never predicted
 * const s = hccScores([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.5, 0.3]], [0, 1, 2]);
 * if (Math.abs(s.sen - 2 / 3) > 1e-12 || Math.abs(s.spe - (1 + 0.5 + 1) / 3) > 1e-12) throw new Error();
 * if (Math.abs(s.f1 - (1 + 2 / 3 + 0) / 3) > 1e-12 || s.auc !== 1) throw new Error(JSON.stringify(s));
 * ```
 */
export function hccScores(probs: number[][], labels: ArrayLike<number>): HccScores {
  const pred = argmaxRows(probs.flat(), CLASSES);
  const m = confusionMatrix(pred, labels, CLASSES); // rows = truth
  const n = labels.length;
  const per = Array.from({ length: CLASSES }, (_, k) => {
    const tp = m[k][k];
    const fn = m[k].reduce((a, b) => a + b, 0) - tp;
    const fp = m.reduce((a, r) => a + r[k], 0) - tp;
    return binaryScores({ tp, fp, fn, tn: n - tp - fn - fp });
  });
  const mean = (f: (s: (typeof per)[number]) => number) => {
    const v = per.map(f);
    return v.some((x) => !Number.isFinite(x)) ? NaN : (v[0] + v[1] + v[2]) / 3;
  };
  const a = perClassAuc(probs, labels);
  return {
    auc: a.every(Number.isFinite) ? (a[0] + a[1] + a[2]) / 3 : NaN,
    acc: accuracy(pred, labels),
    sen: mean((s) => s.sensitivity),
    spe: mean((s) => s.specificity),
    f1: mean((s) => s.f1), // 2tp / (2tp + fp + fn): finite whenever the class is present
  };
}

/**
 * Seeded percentile-bootstrap intervals (cases resampled with replacement; the same resamples for
 * every field) of every
 * {@link HccScores} field.
 *
 * @example
 * ```ts
 * import { hccBootstrap } from "./hcc_metrics.ts";
 * const p = [[0.7, 0.2, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]];
 * const ci = hccBootstrap(p, [0, 1, 2, 0, 2, 1], { seed: 1, resamples: 50 });
 * if (!(ci.auc.lower <= ci.auc.estimate && ci.auc.estimate <= ci.auc.upper)) throw new Error();
 * ```
 */
export function hccBootstrap(
  probs: number[][],
  labels: ArrayLike<number>,
  o: { seed: number | string; resamples?: number; level?: number },
): Record<keyof HccScores, Interval> {
  const keys: (keyof HccScores)[] = ["auc", "acc", "sen", "spe", "f1"];
  const out = {} as Record<keyof HccScores, Interval>;
  for (const k of keys) {
    out[k] = bootstrapCi(
      labels.length,
      (idx) => hccScores(Array.from(idx, (i) => probs[i]), Array.from(idx, (i) => labels[i]))[k],
      { seed: o.seed, resamples: o.resamples ?? 1000, level: o.level ?? 0.95 },
    );
  }
  return out;
}
