/**
 * Plotly figure builders: each returns a plain `{ data, layout }` spec (JSON-serialisable, no
 * plotly.js needed to build it) for {@link display} in Jupyter or {@link saveHtml}.
 *
 * Titles use Plotly ≥ 2 object form (`title: { text }`), required by plotly.js 3.
 *
 * @module
 */

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

/** Colour of series `i` (cycles through {@link PALETTE}). */
export const color = (i: number): string => PALETTE[i % PALETTE.length];
/** An axis with a title (plotly.js 3 object form). */
export const axis = (
  text: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({ title: { text }, ...extra });

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
