/**
 * Per-class segmentation metrics of two label maps under a study protocol (03 §6, Synapse):
 *
 * - `"monai"` (MONAI 1.2 metrics, background excluded): Dice/IoU NaN when the truth is empty,
 *   0 when only the prediction is; HD95 = max of directed 95th percentiles, NaN when either mask
 *   is empty; ASD directed prediction → truth, +Infinity when one mask is empty, NaN when both.
 * - `"medpy-pooled"` (TransUNet legacy): both non-empty → medpy Dice and HD95; prediction
 *   non-empty and truth empty → (1, 0); otherwise (0, 0). IoU/ASD as in "monai" (not in the
 *   legacy evaluator).
 *
 * @module
 */
import { dice, iou, labelMask } from "./overlap.ts";
import { asd, hd95 } from "./surface.ts";

/** Metrics of one class in one case. */
export type ClassScores = { dice: number; iou: number; hd95: number; asd: number };

/** Options of {@link caseMetrics}. */
export type CaseMetricOptions = {
  /** Class labels to score (background excluded by not listing it). */
  classes: number[];
  shape: number[];
  spacing?: number[];
  protocol?: "monai" | "medpy-pooled";
  order?: "F" | "C";
};

/**
 * Per-class scores of one case: `{ [class]: { dice, iou, hd95, asd } }`.
 *
 * @example
 * ```ts
 * import { caseMetrics } from "./multiclass.ts";
 * const s = caseMetrics([1, 1, 0, 0], [1, 1, 0, 2], { classes: [1, 2], shape: [4] });
 * if (s[1].dice !== 1 || s[1].hd95 !== 0 || s[2].dice !== 0 || !Number.isNaN(s[2].hd95)) {
 *   throw new Error();
 * }
 * ```
 */
export function caseMetrics(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  opts: CaseMetricOptions,
): Record<number, ClassScores> {
  const out: Record<number, ClassScores> = {};
  const protocol = opts.protocol ?? "monai";
  for (const c of opts.classes) {
    const p = labelMask(pred, c), t = labelMask(truth, c);
    const hasP = p.includes(1), hasT = t.includes(1);
    const surf = { convention: "monai" as const, order: opts.order };
    const a = asd(p, t, opts.shape, opts.spacing, surf);
    const j = hasT ? iou(p, t) : NaN;
    if (protocol === "medpy-pooled") {
      const both = hasP && hasT;
      out[c] = {
        dice: both ? dice(p, t) : hasP ? 1 : 0,
        iou: j,
        hd95: both ? hd95(p, t, opts.shape, opts.spacing, { order: opts.order }) : 0,
        asd: a,
      };
    } else {
      out[c] = {
        dice: hasT ? dice(p, t) : NaN,
        iou: j,
        hd95: hd95(p, t, opts.shape, opts.spacing, surf),
        asd: a,
      };
    }
  }
  return out;
}
