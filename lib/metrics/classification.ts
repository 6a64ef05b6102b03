/**
 * Ranking metrics of binary scores, computed as scikit-learn does: the curve has one point per
 * distinct score (ties move together), AUROC is the trapezoidal area (= Mann–Whitney U with ties
 * counted ½), average precision is Σ (R_k − R_{k−1}) P_k (no interpolation).
 *
 * Labels: any array-like; non-zero = positive.
 *
 * @module
 */

/** Thrown for malformed score/label arrays. */
export class ClassificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClassificationError";
  }
}

/** Cumulative counts at each distinct threshold, highest threshold first. */
export type ClfCurve = { fps: number[]; tps: number[]; thresholds: number[] };

function check(scores: ArrayLike<number>, labels: ArrayLike<number>, fn: string) {
  if (scores.length !== labels.length) {
    throw new ClassificationError(
      `${fn}: ${scores.length} scores but ${labels.length} labels`,
    );
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new ClassificationError(`${fn}: score ${i} is NaN`);
  }
}

/**
 * sklearn `_binary_clf_curve`: false/true positive counts when predicting positive for
 * score ≥ threshold, one entry per distinct score, descending.
 *
 * @example
 * ```ts
 * import { binaryClfCurve } from "./classification.ts";
 * const c = binaryClfCurve([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1]);
 * if (c.tps.join() !== "1,2,2" || c.fps.join() !== "0,1,2") throw new Error();
 * ```
 */
export function binaryClfCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): ClfCurve {
  check(scores, labels, "binaryClfCurve");
  const n = scores.length;
  // comparisons rather than subtraction: safe for ±Infinity
  const desc = (
    a: number,
    b: number,
  ) => (scores[a] < scores[b] ? 1 : scores[a] > scores[b] ? -1 : 0);
  const idx = Array.from({ length: n }, (_, i) => i).sort(desc);
  const fps: number[] = [], tps: number[] = [], thresholds: number[] = [];
  let tp = 0, fp = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    if (labels[i]) tp++;
    else fp++;
    if (k === n - 1 || scores[idx[k + 1]] !== scores[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(scores[i]);
    }
  }
  return { fps, tps, thresholds };
}

/** ROC curve points. */
export type RocCurve = { fpr: number[]; tpr: number[]; thresholds: number[] };

/**
 * ROC curve as sklearn `roc_curve`: starts at (0, 0) with threshold +Infinity (sklearn ≥ 1.3;
 * sklearn ≤ 1.2 used max score + 1 there), then one point per distinct score. With
 * `dropIntermediate` (default true, as sklearn) collinear points are dropped by sklearn's
 * second-difference rule. fpr (tpr) is all NaN when there is no negative (positive).
 *
 * @example
 * ```ts
 * import { rocCurve } from "./classification.ts";
 * const r = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * if (r.fpr.join() !== "0,0,0.5,0.5,1" || r.tpr.join() !== "0,0.5,0.5,1,1") throw new Error();
 * ```
 */
export function rocCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { dropIntermediate?: boolean } = {},
): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(scores, labels);
  if ((opts.dropIntermediate ?? true) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1];
      const d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]);
    tps = keep.map((i) => tps[i]);
    thresholds = keep.map((i) => thresholds[i]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  const nf = fps[fps.length - 1], np = tps[tps.length - 1];
  return {
    fpr: fps.map((f) => (nf > 0 ? f / nf : NaN)),
    tpr: tps.map((t) => (np > 0 ? t / np : NaN)),
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * Area under the ROC curve (sklearn `roc_auc_score` for binary labels); NaN when only one class
 * is present (sklearn raises there).
 *
 * @example
 * ```ts
 * import { auroc } from "./classification.ts";
 * if (auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) !== 0.75) throw new Error();
 * if (!Number.isNaN(auroc([0.1, 0.2], [1, 1]))) throw new Error();
 * ```
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { fps, tps } = binaryClfCurve(scores, labels);
  const nf = fps[fps.length - 1] ?? 0, np = tps[tps.length - 1] ?? 0;
  if (nf === 0 || np === 0) return NaN;
  let area = 0, f0 = 0, t0 = 0;
  for (let i = 0; i < fps.length; i++) {
    area += (fps[i] - f0) * (tps[i] + t0);
    f0 = fps[i];
    t0 = tps[i];
  }
  return area / (2 * nf * np);
}

/** Precision-recall curve points. */
export type PrCurve = { precision: number[]; recall: number[]; thresholds: number[] };

/**
 * Precision-recall curve as sklearn 1.2+ `precision_recall_curve`: thresholds ascending, one per
 * distinct score; precision/recall have one extra final point (1, 0). No positive → recall 1.
 *
 * @example
 * ```ts
 * import { prCurve } from "./classification.ts";
 * const c = prCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * if (c.recall.join() !== "1,1,0.5,0.5,0" || c.thresholds.join() !== "0.1,0.35,0.4,0.8") {
 *   throw new Error();
 * }
 * ```
 */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): PrCurve {
  const { fps, tps, thresholds } = binaryClfCurve(scores, labels);
  const np = tps[tps.length - 1] ?? 0;
  const precision = tps.map((t, i) => (t + fps[i] === 0 ? 0 : t / (t + fps[i])));
  const recall = tps.map((t) => (np === 0 ? 1 : t / np));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: thresholds.reverse(),
  };
}

/**
 * Average precision as sklearn `average_precision_score`: −Σ (R_{k+1} − R_k) P_k over the curve.
 * NaN when there is no positive (sklearn warns and returns a meaningless value there).
 *
 * @example
 * ```ts
 * import { averagePrecision } from "./classification.ts";
 * const ap = averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * if (Math.abs(ap - 0.8333333333333333) > 1e-15) throw new Error(String(ap));
 * ```
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { precision, recall } = prCurve(scores, labels);
  let hasPos = false;
  for (let i = 0; i < labels.length && !hasPos; i++) if (labels[i]) hasPos = true;
  if (!hasPos) return NaN;
  let s = 0;
  for (let i = 0; i < recall.length - 1; i++) s -= (recall[i + 1] - recall[i]) * precision[i];
  return s;
}

/** Per-class and unweighted mean AUROC of a multi-label problem. */
export type MultiLabelAuroc = { perClass: number[]; mean: number };

/**
 * Per-class AUROC of N×C scores/labels (rows, or flat row-major with `classes`), and the mean over
 * classes with a defined AUROC (a class with one label value is NaN and left out of the mean;
 * sklearn's macro average raises there instead).
 *
 * @example
 * ```ts
 * import { multiLabelAuroc } from "./classification.ts";
 * const r = multiLabelAuroc([[0.9, 0.1], [0.2, 0.8], [0.7, 0.6]], [[1, 0], [0, 1], [1, 0]]);
 * if (r.perClass[0] !== 1 || r.perClass[1] !== 1 || r.mean !== 1) throw new Error();
 * ```
 */
export function multiLabelAuroc(
  scores: ArrayLike<number>[] | ArrayLike<number>,
  labels: ArrayLike<number>[] | ArrayLike<number>,
  classes?: number,
): MultiLabelAuroc {
  const rows = (a: ArrayLike<number>[] | ArrayLike<number>): ArrayLike<number>[] => {
    if (typeof (a as ArrayLike<number>)[0] !== "number") return a as ArrayLike<number>[];
    if (!classes) throw new ClassificationError("multiLabelAuroc: flat input needs `classes`");
    const flat = a as ArrayLike<number>, out: number[][] = [];
    for (let i = 0; i < flat.length; i += classes) {
      out.push(Array.from({ length: classes }, (_, c) => flat[i + c]));
    }
    return out;
  };
  const s = rows(scores), l = rows(labels);
  const C = s[0]?.length ?? 0;
  const perClass: number[] = [];
  for (let c = 0; c < C; c++) perClass.push(auroc(s.map((r) => r[c]), l.map((r) => r[c])));
  const ok = perClass.filter((v) => !Number.isNaN(v));
  return { perClass, mean: ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN };
}
