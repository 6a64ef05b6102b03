/**
 * 2D augmentations used by the originals, as seeded pure functions on channels-last arrays
 * (`[H, W, C]`). Geometric transforms that take an image and a label apply the same draw to both;
 * labels use nearest-neighbour unless a spec says otherwise. Inputs are never modified.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { crop, flip, type Nd, resize, rot90 } from "./nd.ts";

/** An image and its label on the same grid (label may have its own channel count). */
export type Pair = { image: Nd; label: Nd };

/**
 * HLFD's flip + rot90 (spec 02 §3): flip rows with p 0.5, flip columns with p 0.5, then rotate
 * counter-clockwise by k·90°, k uniform in {0, 1, 2, 3}; same transform on image and label.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { randomFlipRot90 } from "./augment.ts";
 * const a = { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2, 1] };
 * const out = randomFlipRot90({ image: a, label: a }, createRng(0));
 * if (out.image.data.join() !== out.label.data.join()) throw new Error("misaligned");
 * ```
 */
export function randomFlipRot90(p: Pair, rng: Rng): Pair {
  const a = rng.bernoulli(0.5) ? -1 : 1;
  const b = rng.bernoulli(0.5) ? -1 : 1;
  const k = rng.int(0, 4);
  const axes = [...(a < 0 ? [0] : []), ...(b < 0 ? [1] : [])];
  const tf = (x: Nd) => rot90(axes.length ? flip(x, axes) : x, k);
  return { image: tf(p.image), label: tf(p.label) };
}

/**
 * Rotate the first two axes of `[H, W, C]` by `angleDeg` about ((W − 1)/2, (H − 1)/2) on the same
 * canvas, as OpenCV's `getRotationMatrix2D` + `warpAffine` (positive = counter-clockwise on
 * screen). Out-of-canvas neighbours take `fill`. `"linear"` is bilinear; `round` rounds the result
 * (OpenCV on an 8-bit label).
 *
 * @example
 * ```ts
 * import { rotate2d } from "./augment.ts";
 * const a = { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2, 1] };
 * const r = rotate2d(a, 90, { interp: "nearest" });
 * if (r.data.join() !== "2,4,1,3") throw new Error(r.data.join());
 * ```
 */
export function rotate2d(
  a: Nd,
  angleDeg: number,
  opts: { interp?: "linear" | "nearest"; fill?: number; round?: boolean } = {},
): Nd {
  const [h, w] = a.shape;
  const c = a.shape.length > 2 ? a.shape[2] : 1;
  const fill = opts.fill ?? 0;
  const th = (angleDeg * Math.PI) / 180;
  const al = Math.cos(th), be = Math.sin(th);
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const out = new Float32Array(a.data.length);
  const src = a.data;
  const at = (y: number, x: number, ch: number) =>
    y >= 0 && y < h && x >= 0 && x < w ? src[(y * w + x) * c + ch] : fill;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = al * (x - cx) - be * (y - cy) + cx;
      const sy = be * (x - cx) + al * (y - cy) + cy;
      for (let ch = 0; ch < c; ch++) {
        let v: number;
        if (opts.interp === "nearest") {
          v = at(Math.round(sy), Math.round(sx), ch);
        } else {
          const x0 = Math.floor(sx), y0 = Math.floor(sy);
          const fx = sx - x0, fy = sy - y0;
          v = (1 - fy) * ((1 - fx) * at(y0, x0, ch) + fx * at(y0, x0 + 1, ch)) +
            fy * ((1 - fx) * at(y0 + 1, x0, ch) + fx * at(y0 + 1, x0 + 1, ch));
        }
        out[(y * w + x) * c + ch] = opts.round ? Math.round(v) : v;
      }
    }
  }
  return { data: out, shape: a.shape.slice() };
}

/** Options of {@link randomRotFlip} (spec 03 §2.3, §8 D5). */
export type RotFlipOptions = {
  rotateProb?: number;
  flipProb?: number;
  degree?: number;
  /** Faithful `"linear"` (bilinear, rounded: in-between ids at boundaries) or `"nearest"`. */
  labelInterp?: "linear" | "nearest";
};

/**
 * The Synapse library's RandomRotFlip: with p 0.5 rotate by U(−20°, 20°) (bilinear, border 0,
 * label bilinear and rounded by default); only if not rotated, with p 0.5 rot90 by k ~ U{0..3}
 * then flip along rows or columns (uniform).
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { randomRotFlip } from "./augment.ts";
 * const a = { data: new Float32Array(16), shape: [4, 4, 1] };
 * const out = randomRotFlip({ image: a, label: a }, createRng(1));
 * if (out.image.shape.join() !== "4,4,1") throw new Error();
 * ```
 */
export function randomRotFlip(p: Pair, rng: Rng, opts: RotFlipOptions = {}): Pair {
  const deg = opts.degree ?? 20;
  if (rng.bernoulli(opts.rotateProb ?? 0.5)) {
    const angle = rng.uniform(-deg, deg);
    return {
      image: rotate2d(p.image, angle, { interp: "linear", fill: 0 }),
      label: rotate2d(p.label, angle, {
        interp: opts.labelInterp ?? "linear",
        fill: 0,
        round: true,
      }),
    };
  }
  if (rng.bernoulli(opts.flipProb ?? 0.5)) {
    const k = rng.int(0, 4);
    const axis = rng.int(0, 2);
    const tf = (x: Nd) => flip(rot90(x, k), [axis]);
    return { image: tf(p.image), label: tf(p.label) };
  }
  return { image: copy(p.image), label: copy(p.label) };
}

function copy(a: Nd): Nd {
  return { data: a.data.slice(), shape: a.shape.slice() };
}

/**
 * The same random window of `sizes` (first `sizes.length` axes) from every array; offsets uniform
 * over all valid positions. Returns the crops and the start.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { randomCrop } from "./augment.ts";
 * const a = { data: new Float32Array(25).map((_, i) => i), shape: [5, 5, 1] };
 * const { arrays: [x, y] } = randomCrop([a, a], [3, 3], createRng(2));
 * if (x.data.join() !== y.data.join() || x.shape.join() !== "3,3,1") throw new Error();
 * ```
 */
export function randomCrop(
  arrays: readonly Nd[],
  sizes: readonly number[],
  rng: Rng,
): { arrays: Nd[]; start: number[] } {
  const start = sizes.map((s, i) => {
    const room = arrays[0].shape[i] - s;
    if (room < 0) throw new RangeError(`randomCrop: ${s} > axis ${i} size ${arrays[0].shape[i]}`);
    return rng.int(0, room + 1);
  });
  return { arrays: arrays.map((a) => crop(a, start, sizes)), start };
}

/**
 * Centre window with offsets `floor((size − crop) / 2)` (torch-style integer centre).
 *
 * @example
 * ```ts
 * import { centerCrop } from "./augment.ts";
 * const a = { data: new Float32Array(20).map((_, i) => i), shape: [20] };
 * if (centerCrop(a, [16]).data[0] !== 2) throw new Error();
 * ```
 */
export function centerCrop(a: Nd, sizes: readonly number[]): Nd {
  return crop(a, sizes.map((s, i) => Math.floor((a.shape[i] - s) / 2)), sizes);
}

/**
 * Python's round (half to even), as torchvision's crop parameters use.
 *
 * @example
 * ```ts
 * import { roundHalfEven } from "./augment.ts";
 * if (roundHalfEven(2.5) !== 2 || roundHalfEven(3.5) !== 4 || roundHalfEven(1.4) !== 1) throw new Error();
 * ```
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torchvision `RandomResizedCrop.get_params`: area fraction ~ U(scale), log-uniform aspect ratio
 * in `ratio`, 10 attempts, then the centre fallback. Returns [top, left, height, width].
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { resizedCropParams } from "./augment.ts";
 * const [t, l, h, w] = resizedCropParams(32, 32, createRng(0));
 * if (t + h > 32 || l + w > 32 || h < 1 || w < 1) throw new Error();
 * ```
 */
export function resizedCropParams(
  h: number,
  w: number,
  rng: Rng,
  scale: [number, number] = [0.08, 1],
  ratio: [number, number] = [3 / 4, 4 / 3],
): [number, number, number, number] {
  const area = h * w;
  const lr = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let t = 0; t < 10; t++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const ar = Math.exp(rng.uniform(lr[0], lr[1]));
    const cw = roundHalfEven(Math.sqrt(target * ar));
    const ch = roundHalfEven(Math.sqrt(target / ar));
    if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
      return [rng.int(0, h - ch + 1), rng.int(0, w - cw + 1), ch, cw];
    }
  }
  const inRatio = w / h;
  let cw = w, ch = h;
  if (inRatio < ratio[0]) ch = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) cw = roundHalfEven(h * ratio[1]);
  return [Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), ch, cw];
}

/**
 * RandomResizedCrop on `[H, W, C]`: crop by {@link resizedCropParams}, then resize to `out`
 * (bilinear, PIL-style antialias). `quantize` rounds to 8-bit levels as PIL does on `L` images.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { randomResizedCrop } from "./augment.ts";
 * const a = { data: new Float32Array(64).fill(0.5), shape: [8, 8, 1] };
 * const y = randomResizedCrop(a, [4, 4], createRng(0));
 * if (y.shape.join() !== "4,4,1" || y.data[0] !== 0.5) throw new Error();
 * ```
 */
export function randomResizedCrop(
  a: Nd,
  out: [number, number],
  rng: Rng,
  opts: { scale?: [number, number]; ratio?: [number, number]; quantize?: boolean } = {},
): Nd {
  const [t, l, ch, cw] = resizedCropParams(a.shape[0], a.shape[1], rng, opts.scale, opts.ratio);
  const r = resize(crop(a, [t, l], [ch, cw]), out, "linear", { antialias: true });
  return opts.quantize ? quantize8(r) : r;
}

/**
 * Round values in [0, 1] to the nearest of 256 levels (8-bit image storage), clamped.
 *
 * @example
 * ```ts
 * import { quantize8 } from "./augment.ts";
 * if (quantize8({ data: Float32Array.of(0.5), shape: [1] }).data[0] !== Math.fround(128 / 255)) throw new Error();
 * ```
 */
export function quantize8(a: Nd): Nd {
  const d = a.data.map((v) => Math.min(255, Math.max(0, Math.round(v * 255))) / 255);
  return { data: d, shape: a.shape.slice() };
}

/**
 * torchvision TenCrop: corners (tl, tr, bl, br) and centre of `size`, then the same five of the
 * horizontally mirrored image. Centre offsets use Python's round.
 *
 * @example
 * ```ts
 * import { tenCrop } from "./augment.ts";
 * const a = { data: new Float32Array(16).map((_, i) => i), shape: [4, 4, 1] };
 * const crops = tenCrop(a, [2, 2]);
 * if (crops.length !== 10 || crops[1].data.join() !== "2,3,6,7") throw new Error();
 * ```
 */
export function tenCrop(a: Nd, size: [number, number]): Nd[] {
  const five = (x: Nd): Nd[] => {
    const [h, w] = x.shape;
    const [ch, cw] = size;
    return [
      crop(x, [0, 0], size),
      crop(x, [0, w - cw], size),
      crop(x, [h - ch, 0], size),
      crop(x, [h - ch, w - cw], size),
      crop(x, [roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2)], size),
    ];
  };
  return [...five(a), ...five(flip(a, [1]))];
}

/**
 * Per-channel `(x − mean[c]) / std[c]` on a channels-last array.
 *
 * @example
 * ```ts
 * import { normalizeChannels } from "./augment.ts";
 * const y = normalizeChannels({ data: Float32Array.from([1, 2]), shape: [1, 2] }, [1, 0], [1, 2]);
 * if (y.data.join() !== "0,1") throw new Error();
 * ```
 */
export function normalizeChannels(
  a: Nd,
  mean: readonly number[],
  std: readonly number[],
): Nd {
  const c = a.shape[a.shape.length - 1];
  const d = a.data.map((v, i) => (v - mean[i % c]) / std[i % c]);
  return { data: d, shape: a.shape.slice() };
}
