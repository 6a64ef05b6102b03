/**
 * The 15-subset missing-modality table (BraTS, study 05) as a heatmap: one row per modality
 * subset (● present, ○ absent, in flair/t1/t1ce/t2 order) plus the mean row, one column per
 * region.
 *
 * @module
 */
import { BRATS_MODALITIES, BRATS_REGIONS, BRATS_SUBSETS } from "../metrics/brats.ts";
import { type Figure, heatmapFigure } from "./figures.ts";

/**
 * Row label of a subset string such as `"0,2"`: `"●○●○ flair+t1ce"`.
 *
 * @example
 * ```ts
 * import { subsetLabel } from "./missing.ts";
 * if (subsetLabel("0,2") !== "●○●○ flair+t1ce") throw new Error(subsetLabel("0,2"));
 * ```
 */
export function subsetLabel(
  subset: string,
  modalities: readonly string[] = BRATS_MODALITIES,
): string {
  const present = new Set(subset.split(",").map((s) => Number(s.trim())));
  const dots = modalities.map((_, i) => (present.has(i) ? "●" : "○")).join("");
  return `${dots} ${modalities.filter((_, i) => present.has(i)).join("+")}`;
}

/**
 * Heatmap of scores per subset × region, with a final "mean" row (mean over the subsets that have
 * a finite value). `values[subset][region]`, in `opts.subsets` / `opts.regions` order.
 *
 * @example
 * ```ts
 * import { missingModalityFigure } from "./missing.ts";
 * const v = Array.from({ length: 15 }, (_, i) => [0.5 + i / 100, 0.6, 0.7]);
 * const f = missingModalityFigure(v);
 * if ((f.data[0].y as string[]).length !== 16) throw new Error();
 * ```
 */
export function missingModalityFigure(
  values: ArrayLike<number>[],
  opts: {
    subsets?: readonly string[];
    regions?: readonly string[];
    modalities?: readonly string[];
    title?: string;
    format?: string;
  } = {},
): Figure {
  const subsets = opts.subsets ?? BRATS_SUBSETS;
  const regions = opts.regions ?? BRATS_REGIONS;
  if (values.length !== subsets.length) {
    throw new RangeError(
      `missingModalityFigure: ${values.length} rows for ${subsets.length} subsets`,
    );
  }
  const mean = regions.map((_, j) => {
    const v = values.map((r) => r[j]).filter(Number.isFinite);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  });
  const fig = heatmapFigure(
    [...subsets.map((s) => subsetLabel(s, opts.modalities)), "mean"],
    [...regions],
    [...values, mean],
    {
      title: opts.title ?? "Dice per available-modality subset",
      xTitle: "region",
      yTitle: (opts.modalities ?? BRATS_MODALITIES).join(" / "),
      format: opts.format,
      zmin: 0,
      zmax: 1,
    },
  );
  fig.layout.height = 40 * (subsets.length + 1) + 160;
  return fig;
}
