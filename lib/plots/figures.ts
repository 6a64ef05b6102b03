/**
 * Plotly figure builders: each returns a plain `{ data, layout }` spec (JSON-serialisable, no
 * plotly.js needed to build it) for {@link display} in Jupyter or {@link saveHtml}.
 *
 * Titles use Plotly ≥ 2 object form (`title: { text }`), required by plotly.js 3.
 *
 * @module
 */
import { auroc, rocCurve } from "../metrics/classification.ts";

/** A Plotly trace (any trace type). */
export type Trace = Record<string, unknown>;
/** A Plotly figure spec. */
export type Figure = {
  data: Trace[];
  layout: Record<string, unknown>;
  frames?: Record<string, unknown>[];
};

/** Plotly's default qualitative colours (D3 category10). */
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
]; // deno-fmt-ignore

const color = (i: number) => PALETTE[i % PALETTE.length];
const axis = (text: string, extra: Record<string, unknown> = {}) => ({ title: { text }, ...extra });

/** Translucent version of a `#rrggbb` colour. */
export function fade(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = m_t / (1 − w^t) with
 * m_t = w·m_{t−1} + (1 − w)·v_t; `weight` 0 returns the input. NaN values are carried through
 * without updating the average.
 *
 * @example
 * ```ts
 * import { emaSmooth } from "./figures.ts";
 * const s = emaSmooth([1, 1, 1], 0.9);
 * if (s.some((v) => Math.abs(v - 1) > 1e-12)) throw new Error("debiased EMA of a constant");
 * ```
 */
export function emaSmooth(values: ArrayLike<number>, weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) {
    throw new RangeError(`emaSmooth: weight ${weight} not in [0, 1)`);
  }
  const out: number[] = [];
  let m = 0, t = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    t++;
    m = weight * m + (1 - weight) * v;
    out.push(m / (1 - weight ** t));
  }
  return out;
}

/** One run of a learning curve. */
export type Run = { name: string; y: ArrayLike<number>; x?: ArrayLike<number> };

/**
 * Learning curves of several runs: smoothed line per run (`smoothing` = EMA weight, default
 * 0.6) over the raw values drawn faint in the same colour (raw only when smoothing is 0).
 *
 * @example
 * ```ts
 * import { learningCurves } from "./figures.ts";
 * const f = learningCurves([{ name: "KD", y: [1, 0.8, 0.7] }, { name: "CE", y: [1, 0.9, 0.85] }]);
 * if (f.data.length !== 4) throw new Error();
 * ```
 */
export function learningCurves(
  runs: Run[],
  opts: { smoothing?: number; title?: string; xTitle?: string; yTitle?: string; logY?: boolean } =
    {},
): Figure {
  const w = opts.smoothing ?? 0.6;
  const data: Trace[] = [];
  runs.forEach((r, i) => {
    const x = r.x ? Array.from(r.x) : Array.from({ length: r.y.length }, (_, k) => k + 1);
    const y = Array.from(r.y);
    if (w > 0) {
      data.push({
        type: "scatter",
        mode: "lines",
        name: `${r.name} (raw)`,
        x,
        y,
        legendgroup: r.name,
        showlegend: false,
        line: { color: fade(color(i), 0.25), width: 1 },
        hoverinfo: "skip",
      });
    }
    data.push({
      type: "scatter",
      mode: "lines",
      name: r.name,
      x,
      y: w > 0 ? emaSmooth(y, w) : y,
      legendgroup: r.name,
      line: { color: color(i), width: 2 },
    });
  }); // deno-fmt-ignore
  return {
    data,
    layout: {
      title: { text: opts.title ?? "Learning curves" },
      xaxis: axis(opts.xTitle ?? "step"),
      yaxis: axis(opts.yTitle ?? "value", opts.logY ? { type: "log" } : {}),
      hovermode: "x unified",
    },
  };
}

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
 * import { rocFigure } from "./figures.ts";
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
 * import { rocFigureMultiLabel } from "./figures.ts";
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

/** One series of per-class bars. */
export type BarSeries = { name: string; values: ArrayLike<number>; errors?: ArrayLike<number> };

/**
 * Grouped per-class bars (one series per method), with symmetric error bars when given.
 *
 * @example
 * ```ts
 * import { perClassBars } from "./figures.ts";
 * const f = perClassBars(["ET", "TC"], [{ name: "LCKD", values: [0.7, 0.8], errors: [0.05, 0.04] }]);
 * if ((f.data[0].error_y as { array: number[] }).array[1] !== 0.04) throw new Error();
 * ```
 */
export function perClassBars(
  classes: string[],
  series: BarSeries[],
  opts: { title?: string; yTitle?: string } = {},
): Figure {
  return {
    data: series.map((s, i) => ({
      type: "bar",
      name: s.name,
      x: classes,
      y: Array.from(s.values),
      marker: { color: color(i) },
      ...(s.errors
        ? { error_y: { type: "data", array: Array.from(s.errors), visible: true } }
        : {}),
    })),
    layout: {
      title: { text: opts.title ?? "Per-class scores" },
      barmode: "group",
      xaxis: axis("class"),
      yaxis: axis(opts.yTitle ?? "score"),
    },
  };
}

/** One method's per-case values (optionally with a class per value for grouped boxes). */
export type BoxSeries = { name: string; values: ArrayLike<number>; classes?: string[] };

/**
 * Box plots of per-case metric values (Dice, HD95…) per method; with `classes` the boxes are
 * grouped by class. Non-finite values (NaN, ±Infinity) are left out and counted in the legend.
 *
 * @example
 * ```ts
 * import { boxFigure } from "./figures.ts";
 * const f = boxFigure([{ name: "KD", values: [0.8, 0.9, NaN] }], { metric: "Dice" });
 * if (f.data[0].type !== "box" || f.data[0].name !== "KD (1 non-finite)") throw new Error();
 * ```
 */
export function boxFigure(
  series: BoxSeries[],
  opts: { metric?: string; title?: string } = {},
): Figure {
  const metric = opts.metric ?? "value";
  const data = series.map((s, i) => {
    const keep = Array.from(s.values, (v, k) => [v, k] as const).filter(([v]) =>
      Number.isFinite(v)
    );
    const dropped = s.values.length - keep.length;
    return {
      type: "box",
      name: dropped ? `${s.name} (${dropped} non-finite)` : s.name,
      y: keep.map(([v]) => v),
      ...(s.classes ? { x: keep.map(([, k]) => s.classes![k]) } : {}),
      boxpoints: "all",
      jitter: 0.3,
      pointpos: 0,
      marker: { color: color(i), size: 4 },
    };
  });
  const grouped = series.some((s) => s.classes);
  return {
    data,
    layout: {
      title: { text: opts.title ?? `${metric} per method` },
      yaxis: axis(metric),
      xaxis: axis(grouped ? "class" : "method"),
      ...(grouped ? { boxmode: "group" } : {}),
    },
  };
}

/**
 * Heatmap of a rows × columns table (e.g. method × class) with the values printed in the cells.
 *
 * @example
 * ```ts
 * import { heatmapFigure } from "./figures.ts";
 * const f = heatmapFigure(["KD", "AT"], ["liver", "spleen"], [[0.9, 0.8], [0.85, 0.7]]);
 * if (f.data[0].type !== "heatmap" || (f.data[0].y as string[])[1] !== "AT") throw new Error();
 * ```
 */
export function heatmapFigure(
  rows: string[],
  cols: string[],
  z: ArrayLike<number>[],
  opts: {
    title?: string;
    xTitle?: string;
    yTitle?: string;
    format?: string;
    colorscale?: string;
    zmin?: number;
    zmax?: number;
  } = {},
): Figure {
  if (z.length !== rows.length || z.some((r) => r.length !== cols.length)) {
    throw new RangeError(`heatmapFigure: z must be ${rows.length} × ${cols.length}`);
  }
  return {
    data: [{
      type: "heatmap",
      x: cols,
      y: rows,
      z: z.map((r) => Array.from(r, (v) => (Number.isFinite(v) ? v : null))),
      texttemplate: `%{z:${opts.format ?? ".3f"}}`,
      colorscale: opts.colorscale ?? "Viridis",
      ...(opts.zmin !== undefined ? { zmin: opts.zmin } : {}),
      ...(opts.zmax !== undefined ? { zmax: opts.zmax } : {}),
      hoverongaps: false,
    }],
    layout: {
      title: { text: opts.title ?? "" },
      xaxis: axis(opts.xTitle ?? "", { side: "top" }),
      yaxis: axis(opts.yTitle ?? "", { autorange: "reversed" }),
    },
  };
}
