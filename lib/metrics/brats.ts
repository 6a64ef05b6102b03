/**
 * BraTS regions and the local evaluation of study 05 (LCKD): labels 1 (necrosis / non-enhancing
 * core), 2 (oedema), 4 (enhancing tumour) → ET = {4}, TC = {1, 4}, WT = {1, 2, 4}.
 * Dice both empty → 1; HD95 (mm) both empty → 0, exactly one empty → 373.13
 * (√(240² + 240² + 155²), the volume diagonal).
 *
 * @module
 */
import { dice, labelMask } from "./overlap.ts";
import { BRATS_EMPTY, hd95, type SurfaceConvention } from "./surface.ts";

/** BraTS evaluation regions. */
export type BratsRegion = "ET" | "TC" | "WT";
/** Region names in report order. */
export const BRATS_REGIONS: readonly BratsRegion[] = ["ET", "TC", "WT"];
/** Labels that make up each region. */
export const BRATS_REGION_LABELS: Record<BratsRegion, number[]> = {
  ET: [4],
  TC: [1, 4],
  WT: [1, 2, 4],
};
/** Modality order of the BraTS channels (indices used by subset strings). */
export const BRATS_MODALITIES = ["flair", "t1", "t1ce", "t2"] as const;
/** The 15 non-empty modality subsets in the study's report order (05 §6). */
export const BRATS_SUBSETS: readonly string[] = [
  "0",
  "1",
  "2",
  "3",
  "0,1",
  "0,2",
  "0,3",
  "1,2",
  "1,3",
  "2,3",
  "0,1,2",
  "0,1,3",
  "0,2,3",
  "1,2,3",
  "0,1,2,3",
]; // deno-fmt-ignore

/**
 * Region masks of a BraTS label map.
 *
 * @example
 * ```ts
 * import { bratsRegions } from "./brats.ts";
 * const r = bratsRegions([0, 1, 2, 4]);
 * if (r.ET.join() !== "0,0,0,1" || r.TC.join() !== "0,1,0,1" || r.WT.join() !== "0,1,1,1") {
 *   throw new Error();
 * }
 * ```
 */
export function bratsRegions(labels: ArrayLike<number>): Record<BratsRegion, Uint8Array> {
  return {
    ET: labelMask(labels, BRATS_REGION_LABELS.ET),
    TC: labelMask(labels, BRATS_REGION_LABELS.TC),
    WT: labelMask(labels, BRATS_REGION_LABELS.WT),
  };
}

/**
 * Compose a label map from binary region predictions as the original does: WT → 2, then TC → 1,
 * then ET → 4 (ET overrides TC overrides WT).
 *
 * @example
 * ```ts
 * import { composeBratsLabels } from "./brats.ts";
 * const l = composeBratsLabels({ ET: [0, 0, 1], TC: [0, 1, 1], WT: [1, 1, 1] });
 * if (l.join() !== "2,1,4") throw new Error();
 * ```
 */
export function composeBratsLabels(r: Record<BratsRegion, ArrayLike<number>>): Uint8Array {
  const n = r.WT.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.ET[i] ? 4 : r.TC[i] ? 1 : r.WT[i] ? 2 : 0;
  return out;
}

/** Dice and (optionally) HD95 per region. */
export type BratsScores = Record<BratsRegion, { dice: number; hd95?: number }>;

/**
 * Per-region Dice and HD95 (mm, BraTS empty rules) of two BraTS label maps.
 *
 * @example
 * ```ts
 * import { bratsMetrics } from "./brats.ts";
 * const s = bratsMetrics([0, 2, 2, 0], [0, 2, 2, 0], { shape: [4] });
 * if (s.WT.dice !== 1 || s.ET.dice !== 1 || s.ET.hd95 !== 0) throw new Error();
 * ```
 */
export function bratsMetrics(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  opts: {
    shape?: number[];
    spacing?: number[];
    convention?: SurfaceConvention;
    order?: "F" | "C";
  } = {},
): BratsScores {
  const p = bratsRegions(pred), t = bratsRegions(truth);
  const out = {} as BratsScores;
  for (const r of BRATS_REGIONS) {
    out[r] = { dice: dice(p[r], t[r], { empty: 1 }) };
    if (opts.shape) {
      out[r].hd95 = hd95(p[r], t[r], opts.shape, opts.spacing, {
        convention: opts.convention,
        empty: BRATS_EMPTY,
        order: opts.order,
      });
    }
  }
  return out;
}
