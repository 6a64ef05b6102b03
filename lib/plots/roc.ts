/**
 * ROC figures: one curve per class or model with the AUC in the legend.
 * @module
 */
import { auroc, rocCurve } from "../metrics/classification.ts";
import { axis, color, type Figure, type Trace } from "./figures.ts";

/** ROC input: raw scores and labels, or a precomputed curve. */
export type RocInput =
  | { name: string; scores: ArrayLike<number>; labels: ArrayLike<number> }
  | { name: string; fpr: number[]; tpr: number[]; auc: number };

/**
 * ROC curves (one per class or model) with the AUC in each legend entry, e.g.
 * `"Effusion (AUC 0.886)"`, and the chance diagonal.
 *
 * @example
 * ```ts
 * import { rocFigure } from "./roc.ts";
 * const f = rocFigure([{ name: "Effusion", scores: [0.1, 0.9, 0.4], labels: [0, 1, 1] }]);
 * if (f.data[0].name !== "Effusion (AUC 1.000)") throw new Error(String(f.data[0].name));
 * ```
 */
export function rocFigure(
  curves: RocInput[],
  opts: { title?: string; digits?: number } = {},
): Figure {
  const data: Trace[] = curves.map((c, i) => {
    const { fpr, tpr, auc } = "scores" in c
      ? { ...rocCurve(c.scores, c.labels), auc: auroc(c.scores, c.labels) }
      : c;
    return {
      type: "scatter",
      mode: "lines",
      name: `${c.name} (AUC ${auc.toFixed(opts.digits ?? 3)})`,
      x: fpr,
      y: tpr,
      line: { color: color(i), width: 2, shape: "linear" },
    };
  });
  data.push({
    type: "scatter",
    mode: "lines",
    name: "chance",
    x: [0, 1],
    y: [0, 1],
    line: { color: "#999", dash: "dash", width: 1 },
    showlegend: false,
    hoverinfo: "skip",
  }); // deno-fmt-ignore
  return {
    data,
    layout: {
      title: { text: opts.title ?? "ROC" },
      xaxis: axis("False positive rate", { range: [0, 1], constrain: "domain" }),
      yaxis: axis("True positive rate", { range: [0, 1], scaleanchor: "x", scaleratio: 1 }),
      legend: { x: 0.98, y: 0.02, xanchor: "right", yanchor: "bottom" },
    },
  };
}

/**
 * ROC curves of a multi-label problem: one curve per class of row-major N×C `scores`/`labels`
 * (flat arrays), named by `names`; classes with a single label value (AUC undefined) are skipped
 * and listed in the title.
 *
 * @example
 * ```ts
 * import { rocFigureMultiLabel } from "./roc.ts";
 * const f = rocFigureMultiLabel([0.9, 0.2, 0.1, 0.8, 0.7, 0.3], [1, 0, 0, 1, 1, 0], ["A", "B"]);
 * if (f.data.length !== 3 || f.data[1].name !== "B (AUC 1.000)") throw new Error();
 * ```
 */
export function rocFigureMultiLabel(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  names: string[],
  opts: { title?: string; digits?: number } = {},
): Figure {
  const C = names.length;
  if (scores.length !== labels.length || scores.length % C !== 0) {
    throw new RangeError(
      `rocFigureMultiLabel: ${scores.length} scores, ${labels.length} labels, ${C} classes`,
    );
  }
  const curves: RocInput[] = [];
  const skipped: string[] = [];
  names.forEach((name, c) => {
    const s: number[] = [], l: number[] = [];
    for (let i = c; i < scores.length; i += C) {
      s.push(scores[i]);
      l.push(labels[i]);
    }
    if (Number.isNaN(auroc(s, l))) skipped.push(name);
    else curves.push({ name, scores: s, labels: l });
  });
  const title = (opts.title ?? "ROC per class") +
    (skipped.length ? ` (one class only: ${skipped.join(", ")})` : "");
  return rocFigure(curves, { ...opts, title });
}
