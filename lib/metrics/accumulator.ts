/**
 * MONAI-style per-case accumulation: add one value per (case, class, metric), then aggregate
 * mean / std / median per class and produce tables.
 *
 * NaN handling (as MONAI `do_metric_reduction` and numpy `nanmean`): NaN values are ignored and
 * counted in `nan`; ±Infinity is kept and propagates into mean/std (an `inf` ASD makes the mean
 * inf, as in the Synapse protocol). `std` is the population standard deviation (numpy `nanstd`,
 * ddof 0). `median` is numpy's `nanmedian`. A class with no finite-or-infinite value gives NaN.
 *
 * @module
 */
import { percentile } from "./percentile.ts";

/** Aggregate of one metric for one class. */
export type Summary = { mean: number; std: number; median: number; n: number; nan: number };

/**
 * Summary of values with NaN ignored.
 *
 * @example
 * ```ts
 * import { summarize } from "./accumulator.ts";
 * const s = summarize([1, 2, NaN, 3]);
 * if (s.mean !== 2 || s.median !== 2 || s.n !== 3 || s.nan !== 1) throw new Error();
 * if (Math.abs(s.std - Math.sqrt(2 / 3)) > 1e-15) throw new Error();
 * ```
 */
export function summarize(values: ArrayLike<number>): Summary {
  const v: number[] = [];
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) nan++;
    else v.push(values[i]);
  }
  if (v.length === 0) return { mean: NaN, std: NaN, median: NaN, n: 0, nan };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Number.isFinite(mean)
    ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)
    : NaN;
  return { mean, std, median: percentile(v, 50), n: v.length, nan };
}

/** One table row: metric, class and its summary. */
export type SummaryRow = { metric: string; class: string } & Summary;

/**
 * Collects per-case, per-class values of several metrics.
 *
 * @example
 * ```ts
 * import { CaseAccumulator } from "./accumulator.ts";
 * const acc = new CaseAccumulator(["liver", "spleen"]);
 * acc.add("case1", { dice: [0.75, 0.25], hd95: [2, NaN] });
 * acc.add("case2", { dice: [0.25, 0.5], hd95: [4, 6] });
 * const s = acc.aggregate();
 * if (s.dice.liver.mean !== 0.5 || s.hd95.spleen.mean !== 6) throw new Error();
 * if (acc.caseMeans("dice").case1 !== 0.5) throw new Error();
 * ```
 */
export class CaseAccumulator {
  #cases: string[] = [];
  #values = new Map<string, number[][]>(); // metric → case → per class

  /** `classes`: names in column order. */
  constructor(readonly classes: string[]) {}

  /** Add one case: `{ metric: values per class (array in class order, or by name) }`. */
  add(caseId: string, metrics: Record<string, ArrayLike<number> | Record<string, number>>): void {
    if (this.#cases.includes(caseId)) {
      throw new RangeError(`CaseAccumulator: case "${caseId}" added twice`);
    }
    const row = this.#cases.length;
    for (const [m, vals] of Object.entries(metrics)) {
      const arr = typeof (vals as ArrayLike<number>).length === "number"
        ? Array.from(vals as ArrayLike<number>)
        : this.classes.map((c) => (vals as Record<string, number>)[c] ?? NaN);
      if (arr.length !== this.classes.length) {
        throw new RangeError(
          `CaseAccumulator: ${m} of "${caseId}" has ${arr.length} values for ${this.classes.length} classes`,
        );
      }
      if (!this.#values.has(m)) this.#values.set(m, []);
      const rows = this.#values.get(m)!;
      while (rows.length < row) rows.push(this.classes.map(() => NaN));
      rows.push(arr);
    }
    this.#cases.push(caseId);
  }

  /** Case ids in insertion order. */
  get cases(): string[] {
    return [...this.#cases];
  }

  /** Metric names seen so far. */
  get metrics(): string[] {
    return [...this.#values.keys()];
  }

  /** Values of one metric: `[case][class]` (NaN where a case did not report it). */
  values(metric: string): number[][] {
    const rows = this.#values.get(metric) ?? [];
    return this.#cases.map((_, i) => rows[i] ?? this.classes.map(() => NaN));
  }

  /** Per metric, per class summaries. */
  aggregate(): Record<string, Record<string, Summary>> {
    const out: Record<string, Record<string, Summary>> = {};
    for (const m of this.metrics) {
      const v = this.values(m);
      out[m] = {};
      this.classes.forEach((c, j) => (out[m][c] = summarize(v.map((r) => r[j]))));
    }
    return out;
  }

  /** Per-case mean over classes (NaN ignored), keyed by case id. */
  caseMeans(metric: string): Record<string, number> {
    const out: Record<string, number> = {};
    this.values(metric).forEach((r, i) => (out[this.#cases[i]] = summarize(r).mean));
    return out;
  }

  /** Flat rows (metric, class, mean, std, median, n, nan), plus a "mean" class per metric. */
  rows(): SummaryRow[] {
    const agg = this.aggregate();
    const out: SummaryRow[] = [];
    for (const m of this.metrics) {
      for (const c of this.classes) out.push({ metric: m, class: c, ...agg[m][c] });
      out.push({ metric: m, class: "mean", ...summarize(Object.values(this.caseMeans(m))) });
    }
    return out;
  }

  /** Markdown table: one row per class (+ "mean" over cases' class means), `mean ± std` cells. */
  toMarkdown(digits = 4): string {
    const ms = this.metrics;
    const rows = this.rows();
    const cell = (m: string, c: string) => {
      const r = rows.find((x) => x.metric === m && x.class === c)!;
      return `${r.mean.toFixed(digits)} ± ${r.std.toFixed(digits)}`;
    };
    const lines = [`| class | ${ms.join(" | ")} |`, `|---|${ms.map(() => "---").join("|")}|`];
    for (const c of [...this.classes, "mean"]) {
      lines.push(`| ${c} | ${ms.map((m) => cell(m, c)).join(" | ")} |`);
    }
    return lines.join("\n");
  }
}
