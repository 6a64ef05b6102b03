/**
 * Overlap metrics on binary masks (any array-like of 0/1; non-zero counts as foreground) and
 * per-label helpers for label maps.
 *
 * Empty sets: `dice` and `iou` return `opts.empty` (default 1) when both masks are empty, as
 * BraTS does; MONAI returns NaN there (`{ empty: NaN }`), the Synapse legacy evaluator 0.
 * `precision` (no predicted voxel) and `recall` (no true voxel) return `opts.empty`, default NaN.
 *
 * @module
 */
import type { Mask } from "./edt.ts";

/** True/false positives and negatives of a binary prediction. */
export type Counts = { tp: number; fp: number; fn: number; tn: number };

/** Value to return when the metric's denominator is 0. */
export type EmptyOption = { empty?: number };

/**
 * Confusion counts of two binary masks.
 *
 * @example
 * ```ts
 * import { overlapCounts } from "./overlap.ts";
 * const c = overlapCounts([1, 1, 0, 0], [1, 0, 1, 0]);
 * if (c.tp !== 1 || c.fp !== 1 || c.fn !== 1 || c.tn !== 1) throw new Error();
 * ```
 */
export function overlapCounts(pred: Mask, truth: Mask): Counts {
  if (pred.length !== truth.length) {
    throw new RangeError(`overlap: pred has ${pred.length} voxels, truth ${truth.length}`);
  }
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] ? 1 : 0, t = truth[i] ? 1 : 0;
    tp += p & t;
    fp += p & (1 - t);
    fn += (1 - p) & t;
  }
  return { tp, fp, fn, tn: pred.length - tp - fp - fn };
}

/**
 * Dice = 2|P∩G| / (|P| + |G|); both empty → `opts.empty` (default 1).
 *
 * @example
 * ```ts
 * import { dice } from "./overlap.ts";
 * if (dice([1, 1, 0, 0], [1, 0, 0, 0]) !== 2 / 3) throw new Error();
 * if (dice([0, 0], [0, 0]) !== 1) throw new Error();
 * ```
 */
export function dice(pred: Mask, truth: Mask, opts: EmptyOption = {}): number {
  const { tp, fp, fn } = overlapCounts(pred, truth);
  const d = 2 * tp + fp + fn;
  return d === 0 ? (opts.empty ?? 1) : (2 * tp) / d;
}

/**
 * Jaccard index |P∩G| / |P∪G|; both empty → `opts.empty` (default 1).
 *
 * @example
 * ```ts
 * import { iou } from "./overlap.ts";
 * if (iou([1, 1, 0], [1, 0, 1]) !== 1 / 3) throw new Error();
 * ```
 */
export function iou(pred: Mask, truth: Mask, opts: EmptyOption = {}): number {
  const { tp, fp, fn } = overlapCounts(pred, truth);
  const d = tp + fp + fn;
  return d === 0 ? (opts.empty ?? 1) : tp / d;
}

/**
 * Precision TP / (TP + FP); no predicted voxel → `opts.empty` (default NaN).
 *
 * @example
 * ```ts
 * import { precision } from "./overlap.ts";
 * if (precision([1, 1, 0], [1, 0, 0]) !== 0.5) throw new Error();
 * ```
 */
export function precision(pred: Mask, truth: Mask, opts: EmptyOption = {}): number {
  const { tp, fp } = overlapCounts(pred, truth);
  return tp + fp === 0 ? (opts.empty ?? NaN) : tp / (tp + fp);
}

/**
 * Recall (sensitivity) TP / (TP + FN); no true voxel → `opts.empty` (default NaN).
 *
 * @example
 * ```ts
 * import { recall } from "./overlap.ts";
 * if (recall([1, 0, 0], [1, 1, 0]) !== 0.5) throw new Error();
 * ```
 */
export function recall(pred: Mask, truth: Mask, opts: EmptyOption = {}): number {
  const { tp, fn } = overlapCounts(pred, truth);
  return tp + fn === 0 ? (opts.empty ?? NaN) : tp / (tp + fn);
}

/**
 * Binary mask `labelMap == label` (or `∈ label` for an array of labels).
 *
 * @example
 * ```ts
 * import { labelMask } from "./overlap.ts";
 * const m = labelMask([0, 1, 2, 4], [1, 4]);
 * if (m.join() !== "0,1,0,1") throw new Error();
 * ```
 */
export function labelMask(labelMap: ArrayLike<number>, label: number | number[]): Uint8Array {
  const out = new Uint8Array(labelMap.length);
  if (typeof label === "number") {
    for (let i = 0; i < out.length; i++) out[i] = labelMap[i] === label ? 1 : 0;
  } else {
    const set = new Set(label);
    for (let i = 0; i < out.length; i++) out[i] = set.has(labelMap[i]) ? 1 : 0;
  }
  return out;
}

/**
 * Apply a binary metric to each label of two label maps: `{ [label]: value }`.
 *
 * @example
 * ```ts
 * import { dice, perLabel } from "./overlap.ts";
 * const r = perLabel([0, 1, 2, 2], [0, 1, 1, 2], [1, 2], dice);
 * if (r[1] !== 2 / 3 || r[2] !== 2 / 3) throw new Error();
 * ```
 */
export function perLabel(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  labels: number[],
  metric: (p: Uint8Array, t: Uint8Array) => number,
): Record<number, number> {
  const out: Record<number, number> = {};
  for (const l of labels) out[l] = metric(labelMask(pred, l), labelMask(truth, l));
  return out;
}

/**
 * Per-label Dice of two label maps (both-empty rule as {@link dice}).
 *
 * @example
 * ```ts
 * import { multiclassDice } from "./overlap.ts";
 * if (multiclassDice([1, 1, 2], [1, 2, 2], [1, 2])[2] !== 2 / 3) throw new Error();
 * ```
 */
export function multiclassDice(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  labels: number[],
  opts: EmptyOption = {},
): Record<number, number> {
  return perLabel(pred, truth, labels, (p, t) => dice(p, t, opts));
}
