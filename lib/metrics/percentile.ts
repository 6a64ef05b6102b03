/**
 * Percentiles with numpy's default (`method="linear"`) interpolation.
 * @module
 */

/**
 * The `q`-th percentile (0–100) of `values`, interpolating linearly between order statistics
 * exactly as `numpy.percentile` does (including its `lerp` form). NaN for an empty input.
 *
 * @example
 * ```ts
 * import { percentile } from "./percentile.ts";
 * if (percentile([1, 2, 3, 4], 50) !== 2.5) throw new Error();
 * ```
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile: q must be in [0, 100], got ${q}`);
  const n = values.length;
  if (n === 0) return NaN;
  const a = Float64Array.from(values).sort();
  const h = (n - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const x = a[lo], y = a[hi];
  const diff = y - x;
  // numpy _lerp: a + d·t, but b − d·(1 − t) when t ≥ 0.5
  return t >= 0.5 ? y - diff * (1 - t) : x + diff * t;
}
