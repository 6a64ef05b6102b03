/**
 * Intensity transforms: HU windowing, min-max and z-score normalisation. They take any numeric
 * array (a `Volume`'s `data`, a slice) and return a new `Float32Array`; statistics are computed
 * in float64.
 * @module
 */
import { VolumeError } from "./errors.ts";

/**
 * How {@link windowHU} rescales the clipped values:
 * - `"none"`: keep HU in [lo, hi];
 * - `"unit"`: (x − lo) / (hi − lo) ∈ [0, 1] (Synapse / TransUNet: [−125, 275] → [0, 1]);
 * - `"symmetric"`: 2 (x − lo) / (hi − lo) − 1 ∈ [−1, 1] (HLFD's KiTS / LiTS loader);
 * - `"byte"`: 255 (x − lo) / (hi − lo) ∈ [0, 255], not rounded (round yourself for 8-bit files).
 */
export type WindowScale = "none" | "unit" | "symmetric" | "byte";

/**
 * Clip to [lo, hi] and optionally rescale (see {@link WindowScale}).
 *
 * @example
 * ```ts
 * import { windowHU } from "./intensity.ts";
 * const w = windowHU([-1000, -200, 50, 300, 2000], -200, 300, { scale: "symmetric" });
 * if (w.join() !== "-1,-1,0,1,1") throw new Error(w.join());
 * ```
 */
export function windowHU(
  data: ArrayLike<number>,
  lo: number,
  hi: number,
  opts: { scale?: WindowScale } = {},
): Float32Array {
  if (!(hi > lo)) throw new VolumeError(`windowHU: need lo < hi, got [${lo}, ${hi}]`);
  const scale = opts.scale ?? "none";
  const span = hi - lo;
  if (!["none", "unit", "symmetric", "byte"].includes(scale)) {
    throw new VolumeError(`windowHU: unknown scale "${scale}"`);
  }
  const out = new Float32Array(data.length);
  // Same operation order as the originals (float64, then one rounding to float32).
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const c = v < lo ? lo : v > hi ? hi : v;
    out[i] = scale === "none"
      ? c
      : scale === "unit"
      ? (c - lo) / span
      : scale === "symmetric"
      ? (2 * (c - lo)) / span - 1
      : (255 * (c - lo)) / span;
  }
  return out;
}

/** Which voxels enter the statistics of {@link minMax} / {@link zScore}. */
export type MaskOptions = {
  /** Only voxels ≠ 0 (BraTS convention); the others are set to 0 in the output. */
  nonZero?: boolean;
  /** Only voxels ≠ this value (LCKD: the value at voxel [0,0,0]); the others become 0. */
  background?: number;
};

function excluded(opts: MaskOptions): number | undefined {
  if (opts.background !== undefined) return opts.background;
  return opts.nonZero ? 0 : undefined;
}

/**
 * Rescale to [a, b] (default [0, 1]) with the min and max of the selected voxels. A constant
 * input maps to `a`. Excluded voxels (see {@link MaskOptions}) become 0.
 *
 * @example
 * ```ts
 * import { minMax } from "./intensity.ts";
 * if (minMax([2, 4, 6]).join() !== "0,0.5,1") throw new Error();
 * if (minMax([0, 2, 4], { nonZero: true }).join() !== "0,0,1") throw new Error();
 * ```
 */
export function minMax(
  data: ArrayLike<number>,
  opts: MaskOptions & { range?: [number, number] } = {},
): Float32Array {
  const [a, b] = opts.range ?? [0, 1];
  const bg = excluded(opts);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === bg) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(data.length);
  const mul = hi > lo ? (b - a) / (hi - lo) : 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = v === bg ? 0 : a + (v - lo) * mul;
  }
  return out;
}

/** Mean and population standard deviation of the selected voxels (two-pass, float64). */
export function meanStd(data: ArrayLike<number>, opts: MaskOptions = {}): {
  mean: number;
  std: number;
  count: number;
} {
  const bg = excluded(opts);
  let s = 0, n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === bg) continue;
    s += v;
    n++;
  }
  if (n === 0) return { mean: 0, std: 0, count: 0 };
  const mean = s / n;
  let q = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === bg) continue;
    q += (v - mean) * (v - mean);
  }
  return { mean, std: Math.sqrt(q / n), count: n };
}

/**
 * (x − mean) / (std + eps) with the population std of the selected voxels; excluded voxels
 * become 0. A zero std (constant input) gives zeros instead of NaN, whatever `eps`.
 *
 * @example
 * ```ts
 * import { zScore } from "./intensity.ts";
 * if (zScore([1, 3]).join() !== "-1,1") throw new Error();
 * if (zScore([0, 1, 3], { nonZero: true }).join() !== "0,-1,1") throw new Error();
 * ```
 */
export function zScore(
  data: ArrayLike<number>,
  opts: MaskOptions & { eps?: number } = {},
): Float32Array {
  const { mean, std } = meanStd(data, opts);
  const bg = excluded(opts);
  const out = new Float32Array(data.length);
  if (std === 0) return out;
  const inv = 1 / (std + (opts.eps ?? 0));
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = v === bg ? 0 : (v - mean) * inv;
  }
  return out;
}
