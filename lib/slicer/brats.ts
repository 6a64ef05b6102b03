/**
 * LCKD's BraTS intensity preprocessing (spec 05 §2.4), cached per case so loaders need not
 * re-normalise five full volumes per sample: each modality is truncated at the histogram
 * threshold and z-scored over voxels ≠ the [0,0,0] value; the four are stacked and transposed to
 * (C, D, H, W) = (4, z, x, y). Output `<ID>.npz` with `image` float32 (4, D, H, W) and, when a
 * segmentation exists, `label` uint8 (D, H, W) with the raw values {0, 1, 2, 4}; the case ids
 * are listed in `brats_cases.txt`.
 * @module
 */
import { zScore } from "../volume/intensity.ts";
import { permuteFlip } from "../volume/orient.ts";
import type { Volume } from "../volume/types.ts";
import { encodeNpz } from "../io/npz.ts";
import { type Emit, SliceError } from "./types.ts";

/** Modality order used everywhere in LCKD. */
export const BRATS_MODALITIES = ["flair", "t1", "t1ce", "t2"] as const;

/**
 * LCKD's truncation: histogram with ⌊max⌋ equal bins over [min, max] (NumPy's binning); t = the
 * *index* of the last bin whose count ≥ `threshold`; values ≥ t become t. Returns a new array.
 *
 * @example
 * ```ts
 * import { truncateHistogram } from "./brats.ts";
 * // max 4 → 4 bins of width 1; counts [3, 2, 0, 1]: last bin with ≥ 2 is index 1
 * const t = truncateHistogram([0, 0, 0.5, 1, 1.5, 4], 2);
 * if (t.join() !== "0,0,0.5,1,1,1") throw new Error(t.join());
 * ```
 */
export function truncateHistogram(data: ArrayLike<number>, threshold: number): Float64Array {
  const x = Float64Array.from(data);
  let lo = Infinity, hi = -Infinity;
  for (const v of x) (v < lo && (lo = v), v > hi && (hi = v));
  const nb = Math.trunc(hi);
  if (!(nb >= 1) || !(hi > lo)) return x;
  const counts = new Float64Array(nb);
  const norm = nb / (hi - lo), step = (hi - lo) / nb;
  const edge = (i: number) => (i === nb ? hi : i * step + lo);
  for (const v of x) {
    let i = Math.floor((v - lo) * norm);
    if (i >= nb) i = nb - 1;
    if (v < edge(i)) i--;
    else if (i < nb - 1 && v >= edge(i + 1)) i++;
    counts[i]++;
  }
  let t = -1;
  for (let i = nb - 1; i >= 0; i--) {
    if (counts[i] >= threshold) {
      t = i;
      break;
    }
  }
  if (t < 0) return x;
  for (let i = 0; i < x.length; i++) if (x[i] >= t) x[i] = t;
  return x;
}

/**
 * Normalise one case's four modalities (+ optional segmentation) and emit `<ID>.npz`.
 *
 * @example
 * ```ts
 * import { sliceBratsCase } from "./brats.ts";
 * const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * const m = { data: Int16Array.of(0, 10, 20, 30), shape: [2, 2, 1], spacing: [1, 1, 1], affine: eye };
 * const files: string[] = [];
 * await sliceBratsCase([m, m, m, m], undefined, { caseId: "B1", histThreshold: 1, compress: false },
 *   async (p) => { files.push(p); });
 * if (files.join() !== "B1.npz") throw new Error();
 * ```
 */
export async function sliceBratsCase(
  mods: Volume[],
  seg: Volume | undefined,
  o: { caseId: string; histThreshold: number; compress: boolean },
  emit: Emit,
): Promise<string[]> {
  const shape = mods[0].shape;
  for (const [i, v] of [...mods, ...(seg ? [seg] : [])].entries()) {
    if (v.shape.length !== 3 || v.shape.join() !== shape.join()) {
      throw new SliceError(
        `case ${o.caseId}: volume ${i} has shape [${v.shape}], expected 3D [${shape}]`,
      );
    }
  }
  const [X, Y, Z] = shape, n = X * Y * Z;
  const image = new Float32Array(4 * n);
  mods.forEach((v, c) => {
    const t = truncateHistogram(v.data, o.histThreshold);
    const z = zScore(t, { background: t[0] });
    // (x, y, z) x-fastest → C-order (z, x, y) = x-fastest (y, x, z)
    image.set(permuteFlip(z, shape, [1, 0, 2], [false, false, false]).data, c * n);
  });
  const entries: Parameters<typeof encodeNpz>[0] = {
    image: { data: image, shape: [4, Z, X, Y] },
  };
  if (seg) {
    const lab = permuteFlip(Uint8Array.from(seg.data), shape, [1, 0, 2], [false, false, false]);
    entries.label = { data: lab.data, shape: [Z, X, Y] };
  }
  await emit(`${o.caseId}.npz`, encodeNpz(entries, { compress: o.compress }));
  return [o.caseId];
}
