/**
 * LCKD's MIC-DKFZ batchgenerators 0.21 augmentation (spec 05 §2.6), per sample, on channels-last
 * `[D, H, W, C]` images and `[D, H, W, 3]` binary targets. All draws are per sample, so applying
 * it sample by sample equals the original's batch-level transform.
 *
 * Simplifications (documented): the spatial transform samples the image trilinearly instead of
 * with a cubic spline (spec §8.16), and low-resolution simulation upsamples linearly instead of
 * cubically.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { channel, flip, type Nd, resize } from "./nd.ts";
import { gaussianFilter, type SpatialOptions, spatialTransform3d } from "./augment_3d.ts";

/** Which steps run (defaults: all on, as the paper preset; the demo turns spatial/lowRes off). */
export type BratsAugOptions = {
  spatial?: boolean | SpatialOptions;
  noise?: boolean;
  blur?: boolean;
  brightnessMul?: boolean;
  brightnessAdd?: boolean;
  contrast?: boolean;
  lowRes?: boolean;
  gamma?: boolean;
  mirror?: boolean;
};

function meanStd(d: Float32Array): [number, number] {
  let s = 0;
  for (const v of d) s += v;
  const m = s / d.length;
  let q = 0;
  for (const v of d) q += (v - m) * (v - m);
  return [m, Math.sqrt(q / d.length)];
}

function minMax(d: Float32Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of d) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Apply `fn` to each channel (as a flat `Float32Array` over D·H·W) in place. */
function perChannel(a: Nd, fn: (x: Float32Array, c: number) => Float32Array | void) {
  const nc = a.shape[a.shape.length - 1];
  for (let c = 0; c < nc; c++) {
    const x = channel(a, c).data;
    const y = fn(x, c) ?? x;
    for (let i = 0; i < y.length; i++) a.data[i * nc + c] = y[i];
  }
}

/**
 * One sample through steps 1–9 of spec 05 §2.6 (spatial, noise, blur, brightness ×, brightness +,
 * contrast, low-res, gamma, mirror). Returns new arrays.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { bratsAugment } from "./augment_brats.ts";
 * const image = { data: new Float32Array(4 * 4 * 4 * 2).map((_, i) => i % 7), shape: [4, 4, 4, 2] };
 * const label = { data: new Float32Array(4 * 4 * 4 * 3), shape: [4, 4, 4, 3] };
 * const out = bratsAugment({ image, label }, createRng(3), { spatial: false });
 * if (out.image.shape.join() !== "4,4,4,2") throw new Error();
 * ```
 */
export function bratsAugment(
  s: { image: Nd; label: Nd },
  rng: Rng,
  opts: BratsAugOptions = {},
): { image: Nd; label: Nd } {
  const on = (k: keyof BratsAugOptions) => opts[k] !== false;
  let image: Nd = { data: s.image.data.slice(), shape: s.image.shape.slice() };
  let label: Nd = { data: s.label.data.slice(), shape: s.label.shape.slice() };
  const spatialShape = image.shape.slice(0, 3);
  if (on("spatial")) {
    const so = typeof opts.spatial === "object" ? opts.spatial : {};
    ({ image, label } = spatialTransform3d(image, label, rng, so));
  }
  if (on("noise") && rng.bernoulli(0.1)) {
    const sd = rng.uniform(0, 0.1);
    for (let i = 0; i < image.data.length; i++) image.data[i] += rng.normal(0, sd);
  }
  if (on("blur") && rng.bernoulli(0.2)) {
    perChannel(image, (x) => {
      if (!rng.bernoulli(0.5)) return;
      return gaussianFilter(x, spatialShape, rng.uniform(0.5, 1.0), "reflect");
    });
  }
  if (on("brightnessMul") && rng.bernoulli(0.15)) {
    perChannel(image, (x) => {
      const m = rng.uniform(0.75, 1.25);
      for (let i = 0; i < x.length; i++) x[i] *= m;
    });
  }
  if (on("brightnessAdd") && rng.bernoulli(0.15)) {
    perChannel(image, (x) => {
      if (!rng.bernoulli(0.5)) return;
      const add = rng.normal(0, 0.1);
      for (let i = 0; i < x.length; i++) x[i] += add;
    });
  }
  if (on("contrast") && rng.bernoulli(0.15)) {
    perChannel(image, (x) => {
      const f = rng.bernoulli(0.5) ? rng.uniform(0.75, 1) : rng.uniform(1, 1.25);
      const [m] = meanStd(x);
      const [lo, hi] = minMax(x);
      for (let i = 0; i < x.length; i++) x[i] = Math.min(hi, Math.max(lo, (x[i] - m) * f + m));
    });
  }
  if (on("lowRes") && rng.bernoulli(0.25)) {
    perChannel(image, (x) => {
      if (!rng.bernoulli(0.5)) return;
      const z = rng.uniform(0.5, 1);
      const small = spatialShape.map((n) => Math.max(1, Math.round(n * z)));
      const a: Nd = { data: x, shape: [...spatialShape, 1] };
      return resize(resize(a, small, "nearest"), spatialShape, "linear").data;
    });
  }
  if (on("gamma") && rng.bernoulli(0.15)) {
    perChannel(image, (x) => {
      const g = rng.bernoulli(0.5) ? rng.uniform(0.7, 1) : rng.uniform(1, 1.5);
      const [m0, s0] = meanStd(x);
      const [lo, hi] = minMax(x);
      const rg = hi - lo + 1e-7;
      for (let i = 0; i < x.length; i++) x[i] = Math.pow((x[i] - lo) / rg, g) * rg + lo;
      const [m1] = meanStd(x);
      for (let i = 0; i < x.length; i++) x[i] = x[i] - m1 + m0;
      const [, s1] = meanStd(x);
      for (let i = 0; i < x.length; i++) x[i] = (x[i] / (s1 + 1e-8)) * s0;
    });
  }
  if (on("mirror")) {
    const axes = [0, 1, 2].filter(() => rng.bernoulli(0.5));
    if (axes.length) {
      image = flip(image, axes);
      label = flip(label, axes);
    }
  }
  return { image, label };
}
