/**
 * Thresholded classification metrics: confusion matrices, accuracy, sensitivity, specificity,
 * F1, balanced accuracy and the Youden-optimal threshold.
 *
 * Binary predictions are `score >= threshold` (sklearn's convention for curve thresholds). A
 * metric whose denominator is 0 is NaN (sklearn's `zero_division="warn"` returns 0 instead).
 *
 * @module
 */
import { ClassificationError, rocCurve } from "./classification.ts";

/** Binary confusion counts. */
export type BinaryCounts = { tp: number; fp: number; fn: number; tn: number };

/**
 * Counts of `score >= threshold` against labels (non-zero = positive).
 *
 * @example
 * ```ts
 * import { binaryCounts } from "./confusion.ts";
 * const c = binaryCounts([0.2, 0.6, 0.7, 0.1], [0, 1, 0, 1], 0.5);
 * if (c.tp !== 1 || c.fp !== 1 || c.fn !== 1 || c.tn !== 1) throw new Error();
 * ```
 */
export function binaryCounts(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold = 0.5,
): BinaryCounts {
  if (scores.length !== labels.length) {
    throw new ClassificationError(`binaryCounts: ${scores.length} scores, ${labels.length} labels`);
  }
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] >= threshold, t = !!labels[i];
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn };
}

const div = (a: number, b: number) => (b === 0 ? NaN : a / b);

/** Thresholded summary of binary counts. */
export type BinaryScores = {
  accuracy: number;
  sensitivity: number;
  specificity: number;
  precision: number;
  f1: number;
  balancedAccuracy: number;
};

/**
 * Accuracy, sensitivity (recall), specificity, precision, F1 and balanced accuracy of counts.
 *
 * @example
 * ```ts
 * import { binaryScores } from "./confusion.ts";
 * const s = binaryScores({ tp: 3, fp: 1, fn: 1, tn: 5 });
 * if (s.accuracy !== 0.8 || s.f1 !== 0.75 || s.specificity !== 5 / 6) throw new Error();
 * ```
 */
export function binaryScores(c: BinaryCounts): BinaryScores {
  const sensitivity = div(c.tp, c.tp + c.fn);
  const specificity = div(c.tn, c.tn + c.fp);
  return {
    accuracy: div(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn),
    sensitivity,
    specificity,
    precision: div(c.tp, c.tp + c.fp),
    f1: div(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    balancedAccuracy: (sensitivity + specificity) / 2,
  };
}

/**
 * Threshold maximising Youden's J = sensitivity + specificity − 1 over the ROC thresholds (the
 * highest such threshold when several tie, i.e. numpy `argmax` over sklearn's curve).
 *
 * @example
 * ```ts
 * import { youdenThreshold } from "./confusion.ts";
 * const y = youdenThreshold([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * if (y.threshold !== 0.8 || y.j !== 0.5) throw new Error(JSON.stringify(y));
 * ```
 */
export function youdenThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { threshold: number; j: number; sensitivity: number; specificity: number } {
  const r = rocCurve(scores, labels, { dropIntermediate: false });
  let best = 0;
  for (let i = 1; i < r.fpr.length; i++) {
    if (r.tpr[i] - r.fpr[i] > r.tpr[best] - r.fpr[best]) best = i;
  }
  return {
    threshold: r.thresholds[best],
    j: r.tpr[best] - r.fpr[best],
    sensitivity: r.tpr[best],
    specificity: 1 - r.fpr[best],
  };
}

/**
 * Multi-class confusion matrix, rows = true class, columns = predicted class (sklearn's
 * convention; study 01's printout is the transpose).
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "./confusion.ts";
 * const m = confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3);
 * if (JSON.stringify(m) !== "[[1,0,0],[0,0,1],[0,1,1]]") throw new Error(JSON.stringify(m));
 * ```
 */
export function confusionMatrix(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  classes: number,
): number[][] {
  if (pred.length !== truth.length) {
    throw new ClassificationError(
      `confusionMatrix: ${pred.length} predictions, ${truth.length} labels`,
    );
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < pred.length; i++) {
    const t = truth[i], p = pred[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes) || t % 1 || p % 1) {
      throw new ClassificationError(
        `confusionMatrix: item ${i} (true ${t}, pred ${p}) not in 0..${classes - 1}`,
      );
    }
    m[t][p]++;
  }
  return m;
}

/**
 * Accuracy of class predictions.
 *
 * @example
 * ```ts
 * import { accuracy } from "./confusion.ts";
 * if (accuracy([0, 1, 2, 2], [0, 2, 2, 1]) !== 0.5) throw new Error();
 * ```
 */
export function accuracy(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (pred.length !== truth.length) {
    throw new ClassificationError(`accuracy: ${pred.length} predictions, ${truth.length} labels`);
  }
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) ok++;
  return div(ok, pred.length);
}

/**
 * Index of the largest value of each row of a row-major N×C score array.
 *
 * @example
 * ```ts
 * import { argmaxRows } from "./confusion.ts";
 * if (argmaxRows([0.1, 0.9, 0.8, 0.2], 2).join() !== "1,0") throw new Error();
 * ```
 */
export function argmaxRows(scores: ArrayLike<number>, classes: number): Int32Array {
  const n = Math.floor(scores.length / classes);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let c = 1; c < classes; c++) if (scores[i * classes + c] > scores[i * classes + b]) b = c;
    out[i] = b;
  }
  return out;
}
