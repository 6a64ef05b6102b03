/**
 * Surface distances between two binary masks: HD95 (or any percentile), Hausdorff, directed ASD
 * and symmetric ASSD, with voxel spacing, through an exact linear-time distance transform.
 *
 * Surfaces are `mask XOR erosion(mask)` with the face-connected cross and border value 0 (scipy
 * `binary_erosion` defaults, used by both medpy and MONAI). Distances from one surface's voxels to
 * the other surface (`distance_transform_edt(~border, sampling=spacing)`), computed inside the
 * bounding box of the union (exact: no distance depends on voxels outside it).
 *
 * Conventions:
 * - `"medpy"` (default): HD95 = 95th percentile of BOTH directed distance sets pooled
 *   (`np.percentile(np.hstack((d_pt, d_tp)), 95)`); ASSD = mean of the two directed means.
 *   Empty masks: medpy raises, so the default `empty` here is `"throw"`.
 * - `"monai"`: HD95 = max of the two directed 95th percentiles; ASSD = mean of the concatenated
 *   distances (`compute_average_surface_distance(symmetric=True)`). Empty masks as MONAI 1.2:
 *   HD95 NaN whenever a mask is empty; ASSD NaN when both are empty, +Infinity when one is;
 *   directed ASD (pred → truth): NaN when both are empty, else +Infinity when either is.
 *
 * Percentiles interpolate linearly between order statistics (numpy's default).
 * Study presets for empty masks: {@link BRATS_EMPTY}, {@link SYNAPSE_LEGACY_EMPTY}.
 *
 * @module
 */
import { border, type Grid, makeGrid, type Mask, squaredEdt } from "./edt.ts";
import { percentile } from "./percentile.ts";

/** How the two directed distance sets are combined. */
export type SurfaceConvention = "medpy" | "monai";

/** Values returned when a mask is empty. */
export type EmptyValues = { both: number; predEmpty: number; truthEmpty: number };

/** Options of the surface metrics. */
export type SurfaceOptions = {
  /** Default `"medpy"`. */
  convention?: SurfaceConvention;
  /** Percentile for {@link hd95} (default 95). */
  percentile?: number;
  /** Empty-mask rule: the convention's (default), `"throw"`, or fixed values. */
  empty?: "convention" | "throw" | EmptyValues;
  /** Memory order of `shape`: `"F"` first axis fastest (default, NIfTI), `"C"` last fastest. */
  order?: "F" | "C";
};

/** BraTS local evaluation (05 §6): both empty → 0, exactly one empty → 373.13 mm. */
export const BRATS_EMPTY: EmptyValues = { both: 0, predEmpty: 373.13, truthEmpty: 373.13 };
/** Synapse legacy evaluator (03 §6, medpy-pooled): HD95 is 0 whenever a mask is empty. */
export const SYNAPSE_LEGACY_EMPTY: EmptyValues = { both: 0, predEmpty: 0, truthEmpty: 0 };

/** Thrown for empty masks under `empty: "throw"` (medpy's behaviour). */
export class EmptyMaskError extends Error {
  constructor(metric: string, which: string) {
    super(`${metric}: ${which} mask is empty (medpy raises here; pass opts.empty to choose)`);
    this.name = "EmptyMaskError";
  }
}

/** Directed surface distances: prediction surface → truth surface and back. */
export type SurfaceDistances = { predToTruth: Float64Array; truthToPred: Float64Array };

type Which = "both" | "predEmpty" | "truthEmpty";

/** One pass over both masks: bounding box of the union, cropped 0/1 copies, or which is empty. */
function cropToUnion(
  a: Mask,
  b: Mask,
  g: Grid,
): { a: Uint8Array; b: Uint8Array; grid: Grid } | Which {
  const [X, Y, Z] = g.dims;
  let x0 = X, y0 = Y, z0 = Z, x1 = -1, y1 = -1, z1 = -1;
  let hasA = false, hasB = false;
  for (let z = 0, i = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      let first = -1, last = -1;
      for (let x = 0; x < X; x++, i++) {
        const va = a[i], vb = b[i];
        if (va || vb) {
          if (va) hasA = true;
          if (vb) hasB = true;
          if (first < 0) first = x;
          last = x;
        }
      }
      if (first >= 0) {
        if (first < x0) x0 = first;
        if (last > x1) x1 = last;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        if (z < z0) z0 = z;
        z1 = z;
      }
    }
  }
  if (!hasA || !hasB) return !hasA && !hasB ? "both" : hasA ? "truthEmpty" : "predEmpty";
  const cx = x1 - x0 + 1, cy = y1 - y0 + 1, cz = z1 - z0 + 1;
  const ca = new Uint8Array(cx * cy * cz), cb = new Uint8Array(cx * cy * cz);
  for (let z = 0, j = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const src = (z + z0) * X * Y + (y + y0) * X + x0;
      for (let x = 0; x < cx; x++, j++) {
        ca[j] = a[src + x] ? 1 : 0;
        cb[j] = b[src + x] ? 1 : 0;
      }
    }
  }
  const grid: Grid = { dims: [cx, cy, cz], spacing: g.spacing, nd: g.nd };
  return { a: ca, b: cb, grid };
}

function gather(dist2: Float64Array, where: Uint8Array): Float64Array {
  let n = 0;
  for (let i = 0; i < where.length; i++) n += where[i];
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < where.length; i++) if (where[i]) out[j++] = Math.sqrt(dist2[i]);
  return out;
}

/**
 * Both directed surface-distance sets, or null when either mask is empty.
 *
 * @example
 * ```ts
 * import { surfaceDistances } from "./surface.ts";
 * const d = surfaceDistances([0, 1, 0, 0], [0, 0, 0, 1], [4], [2])!;
 * if (d.predToTruth[0] !== 4) throw new Error("two voxels of 2 mm apart");
 * ```
 */
export function surfaceDistances(
  pred: Mask,
  truth: Mask,
  shape: ArrayLike<number>,
  spacing?: ArrayLike<number>,
  order: "F" | "C" = "F",
): SurfaceDistances | null {
  const r = analyze(pred, truth, shape, spacing, order);
  return typeof r === "string" ? null : r;
}

function analyze(
  pred: Mask,
  truth: Mask,
  shape: ArrayLike<number>,
  spacing: ArrayLike<number> | undefined,
  order: "F" | "C" = "F",
): SurfaceDistances | Which {
  if (pred.length !== truth.length) {
    throw new RangeError(`surface: pred has ${pred.length} voxels, truth ${truth.length}`);
  }
  const c = cropToUnion(pred, truth, makeGrid(shape, spacing, pred.length, order));
  if (typeof c === "string") return c;
  const { a, b, grid } = c;
  const bp = border(a, grid), bt = border(b, grid);
  return {
    predToTruth: gather(squaredEdt(bt, grid, bp), bp),
    truthToPred: gather(squaredEdt(bp, grid, bt), bt),
  };
}

function resolveEmpty(
  metric: string,
  which: Which,
  opts: SurfaceOptions,
  monai: EmptyValues,
): number {
  const conv = opts.convention ?? "medpy";
  const rule = opts.empty ?? "convention";
  if (rule === "throw" || (rule === "convention" && conv === "medpy")) {
    throw new EmptyMaskError(metric, which === "both" ? "each" : which.replace("Empty", ""));
  }
  return rule === "convention" ? monai[which] : rule[which];
}

/**
 * 95th-percentile Hausdorff distance (in spacing units; `opts.percentile` to change).
 * See the module doc for conventions and empty masks.
 *
 * @example
 * ```ts
 * import { hd95 } from "./surface.ts";
 * const p = [1, 1, 0, 0, 0, 0], t = [0, 0, 0, 0, 1, 1];
 * if (hd95(p, t, [6]) !== 4) throw new Error("pooled distances {4, 3, 3, 4}");
 * ```
 */
export function hd95(
  pred: Mask,
  truth: Mask,
  shape: ArrayLike<number>,
  spacing?: ArrayLike<number>,
  opts: SurfaceOptions = {},
): number {
  const d = analyze(pred, truth, shape, spacing, opts.order);
  if (typeof d === "string") {
    return resolveEmpty("hd95", d, opts, { both: NaN, predEmpty: NaN, truthEmpty: NaN });
  }
  const q = opts.percentile ?? 95;
  if ((opts.convention ?? "medpy") === "monai") {
    return Math.max(percentile(d.predToTruth, q), percentile(d.truthToPred, q));
  }
  const all = new Float64Array(d.predToTruth.length + d.truthToPred.length);
  all.set(d.predToTruth);
  all.set(d.truthToPred, d.predToTruth.length);
  return percentile(all, q);
}

/**
 * Symmetric Hausdorff distance (the 100th percentile; identical in both conventions).
 *
 * @example
 * ```ts
 * import { hausdorff } from "./surface.ts";
 * if (hausdorff([1, 0, 0], [0, 0, 1], [3], [1.5]) !== 3) throw new Error();
 * ```
 */
export function hausdorff(
  pred: Mask,
  truth: Mask,
  shape: ArrayLike<number>,
  spacing?: ArrayLike<number>,
  opts: SurfaceOptions = {},
): number {
  return hd95(pred, truth, shape, spacing, { ...opts, percentile: 100 });
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/**
 * Average symmetric surface distance. medpy: mean of the two directed means; MONAI: mean of all
 * distances of both directions together.
 *
 * @example
 * ```ts
 * import { assd } from "./surface.ts";
 * const p = [1, 1, 1, 0, 0], t = [0, 0, 1, 1, 1];
 * if (assd(p, t, [5]) !== 1) throw new Error("surfaces {0, 2} vs {2, 4}: (1+1)/2");
 * ```
 */
export function assd(
  pred: Mask,
  truth: Mask,
  shape: ArrayLike<number>,
  spacing?: ArrayLike<number>,
  opts: SurfaceOptions = {},
): number {
  const d = analyze(pred, truth, shape, spacing, opts.order);
  if (typeof d === "string") {
    return resolveEmpty("assd", d, opts, {
      both: NaN,
      predEmpty: Infinity,
      truthEmpty: Infinity,
    });
  }
  if ((opts.convention ?? "medpy") === "monai") {
    const n1 = d.predToTruth.length, n2 = d.truthToPred.length;
    return (mean(d.predToTruth) * n1 + mean(d.truthToPred) * n2) / (n1 + n2);
  }
  return (mean(d.predToTruth) + mean(d.truthToPred)) / 2;
}

/**
 * Directed average surface distance, prediction surface → truth surface (medpy `asd`, MONAI
 * `compute_average_surface_distance(symmetric=False)`, the Synapse "ASD").
 *
 * @example
 * ```ts
 * import { asd } from "./surface.ts";
 * if (asd([1, 0, 0, 0], [0, 0, 1, 1], [4]) !== 2) throw new Error();
 * ```
 */
export function asd(
  pred: Mask,
  truth: Mask,
  shape: ArrayLike<number>,
  spacing?: ArrayLike<number>,
  opts: SurfaceOptions = {},
): number {
  const d = analyze(pred, truth, shape, spacing, opts.order);
  if (typeof d === "string") {
    return resolveEmpty("asd", d, opts, {
      both: NaN,
      predEmpty: Infinity,
      truthEmpty: Infinity,
    });
  }
  return mean(d.predToTruth);
}
