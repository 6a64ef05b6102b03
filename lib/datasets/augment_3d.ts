/**
 * 3D geometric augmentations on channels-last volumes (`[A0, A1, A2, C]`): a trilinear sampler,
 * torchio-style random affine (HCC, spec 01 §2.3) and MIC-DKFZ batchgenerators-style spatial
 * transform with elastic deformation, rotation and zoom (BraTS, spec 05 §2.6).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { type Nd, strides } from "./nd.ts";
import { roundHalfEven } from "./augment.ts";

/**
 * How {@link sampleTrilinear} treats the volume border.
 * - `"scipy"`: `scipy.ndimage.map_coordinates(order=1, mode="constant")` — a point outside
 *   [0, n − 1] on any axis reads `fill` (batchgenerators' spatial transform);
 * - `"sitk"`: SimpleITK's linear resampler — outside [−0.5, n − 0.5] reads `fill`, inside the
 *   neighbours are clamped to the volume (torchio's RandomAffine);
 * - `"zeros"`: neighbours outside the volume read `fill` and are interpolated with the rest
 *   (torch `grid_sample(padding_mode="zeros")`, OpenCV `BORDER_CONSTANT`).
 */
export type Boundary = "scipy" | "sitk" | "zeros";

/**
 * Sample `a` at continuous voxel coordinates (`coords[3·i .. 3·i+2]` for output voxel i, in the
 * order of `outShape`) with trilinear interpolation; `boundary` decides what happens at the
 * border (default `"zeros"`).
 *
 * @example
 * ```ts
 * import { sampleTrilinear } from "./augment_3d.ts";
 * const a = { data: Float32Array.of(0, 10), shape: [2, 1, 1, 1] };
 * const y = sampleTrilinear(a, Float64Array.of(0.5, 0, 0, 1.25, 0, 0), [2, 1, 1], 0, "scipy");
 * if (y.data.join() !== "5,0") throw new Error(y.data.join());
 * ```
 */
export function sampleTrilinear(
  a: Nd,
  coords: Float64Array | Float32Array,
  outShape: readonly number[],
  fill = 0,
  boundary: Boundary = "zeros",
): Nd {
  const [n0, n1, n2, c] = a.shape;
  const dims = [n0, n1, n2];
  const st = strides(a.shape);
  const nOut = outShape[0] * outShape[1] * outShape[2];
  const out = new Float32Array(nOut * c);
  const src = a.data;
  const lo = boundary === "sitk" ? -0.5 : 0;
  const hiOff = boundary === "sitk" ? -0.5 : 1;
  for (let i = 0; i < nOut; i++) {
    const p = [coords[3 * i], coords[3 * i + 1], coords[3 * i + 2]];
    if (boundary !== "zeros" && p.some((x, d) => !(x >= lo && x <= dims[d] - hiOff))) {
      for (let ch = 0; ch < c; ch++) out[i * c + ch] = fill;
      continue;
    }
    const x0 = Math.floor(p[0]), y0 = Math.floor(p[1]), z0 = Math.floor(p[2]);
    const fx = p[0] - x0, fy = p[1] - y0, fz = p[2] - z0;
    const clamp = boundary === "sitk";
    for (let ch = 0; ch < c; ch++) {
      let v = 0;
      for (let dx = 0; dx < 2; dx++) {
        let xi = x0 + dx;
        const wx = dx ? fx : 1 - fx;
        if (wx === 0) continue;
        for (let dy = 0; dy < 2; dy++) {
          let yi = y0 + dy;
          const wy = dy ? fy : 1 - fy;
          if (wy === 0) continue;
          for (let dz = 0; dz < 2; dz++) {
            let zi = z0 + dz;
            const wz = dz ? fz : 1 - fz;
            if (wz === 0) continue;
            if (clamp) {
              xi = Math.min(n0 - 1, Math.max(0, xi));
              yi = Math.min(n1 - 1, Math.max(0, yi));
              zi = Math.min(n2 - 1, Math.max(0, zi));
            }
            const inside = xi >= 0 && xi < n0 && yi >= 0 && yi < n1 && zi >= 0 && zi < n2;
            v += wx * wy * wz * (inside ? src[xi * st[0] + yi * st[1] + zi * st[2] + ch] : fill);
          }
        }
      }
      out[i * c + ch] = v;
    }
  }
  return { data: out, shape: [outShape[0], outShape[1], outShape[2], c] };
}

/** 3×3 rotation matrices (row-major) about axis 0, 1, 2. */
function rotX(t: number): number[] {
  const c = Math.cos(t), s = Math.sin(t);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}
function rotY(t: number): number[] {
  const c = Math.cos(t), s = Math.sin(t);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}
function rotZ(t: number): number[] {
  const c = Math.cos(t), s = Math.sin(t);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}
function matmul3(a: number[], b: number[]): number[] {
  const o = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) o[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
    }
  }
  return o;
}

/**
 * Affine resampling about the volume centre ((n − 1)/2 per axis), same grid: output voxel p reads
 * input `c + R · ((p − c) / s)` with R = Rz·Rx·Ry (SimpleITK Euler3D order), so scale > 1 zooms in;
 * SimpleITK's border handling by default (`boundary: "sitk"`).
 *
 * @example
 * ```ts
 * import { affine3d } from "./augment_3d.ts";
 * const a = { data: new Float32Array(27).map((_, i) => i), shape: [3, 3, 3, 1] };
 * const y = affine3d(a, { scales: [1, 1, 1], anglesDeg: [0, 0, 0] });
 * if (y.data.join() !== a.data.join()) throw new Error("identity changed the volume");
 * ```
 */
export function affine3d(
  a: Nd,
  p: {
    scales: readonly number[];
    anglesDeg: readonly number[];
    fill?: number;
    boundary?: Boundary;
  },
): Nd {
  const [n0, n1, n2] = a.shape;
  const r = p.anglesDeg.map((d) => (d * Math.PI) / 180);
  const m = matmul3(matmul3(rotZ(r[2]), rotX(r[0])), rotY(r[1]));
  const ctr = [(n0 - 1) / 2, (n1 - 1) / 2, (n2 - 1) / 2];
  const coords = new Float64Array(n0 * n1 * n2 * 3);
  let o = 0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const v = [
          (i - ctr[0]) / p.scales[0],
          (j - ctr[1]) / p.scales[1],
          (k - ctr[2]) / p.scales[2],
        ];
        for (let d = 0; d < 3; d++) {
          coords[o++] = ctr[d] + m[d * 3] * v[0] + m[d * 3 + 1] * v[1] + m[d * 3 + 2] * v[2];
        }
      }
    }
  }
  return sampleTrilinear(a, coords, [n0, n1, n2], p.fill ?? 0, p.boundary ?? "sitk");
}

/**
 * torchio `RandomAffine()` defaults: per-axis scale U(0.9, 1.1) and angle U(−10°, 10°), no
 * translation, trilinear, padding with the image minimum (over all channels). One draw is shared
 * by all channels of `a`. Simplification: torchio works in LPS physical space through SimpleITK;
 * here the same draws act directly on voxel axes (identical for identity affines up to the
 * orientation of the rotation axes, which is symmetric in distribution).
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { randomAffineTorchio } from "./augment_3d.ts";
 * const a = { data: new Float32Array(4 * 4 * 4 * 2).fill(1), shape: [4, 4, 4, 2] };
 * const y = randomAffineTorchio(a, createRng(0));
 * if (y.shape.join() !== "4,4,4,2" || y.data.some((v) => Math.abs(v - 1) > 1e-6)) throw new Error();
 * ```
 */
export function randomAffineTorchio(
  a: Nd,
  rng: Rng,
  opts: { scale?: [number, number]; degrees?: number } = {},
): Nd {
  const [lo, hi] = opts.scale ?? [0.9, 1.1];
  const deg = opts.degrees ?? 10;
  const scales = [0, 1, 2].map(() => rng.uniform(lo, hi));
  const anglesDeg = [0, 1, 2].map(() => rng.uniform(-deg, deg));
  let min = Infinity;
  for (const v of a.data) if (v < min) min = v;
  return affine3d(a, { scales, anglesDeg, fill: min });
}

/**
 * 1D Gaussian kernel as scipy.ndimage (truncate 4): radius int(4σ + 0.5).
 *
 * @example
 * ```ts
 * import { gaussianKernel } from "./augment_3d.ts";
 * const k = gaussianKernel(1);
 * if (k.length !== 9 || Math.abs(k.reduce((a, b) => a + b, 0) - 1) > 1e-12) throw new Error();
 * ```
 */
export function gaussianKernel(sigma: number): Float64Array {
  const r = Math.floor(4 * sigma + 0.5);
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-0.5 * (i * i) / (sigma * sigma));
  return k.map((v) => v / s);
}

/**
 * Separable Gaussian filter of a single-channel volume `[A0, A1, A2]` (or any rank) like
 * `scipy.ndimage.gaussian_filter`, with mode `"constant"` (0 outside) or `"reflect"`
 * (half-sample symmetric). Returns a new array.
 *
 * @example
 * ```ts
 * import { gaussianFilter } from "./augment_3d.ts";
 * const y = gaussianFilter(new Float32Array(8).fill(2), [2, 4], 1.5, "reflect");
 * if (y.some((v) => Math.abs(v - 2) > 1e-5)) throw new Error();
 * ```
 */
export function gaussianFilter(
  data: Float32Array | Float64Array,
  shape: readonly number[],
  sigma: number,
  mode: "constant" | "reflect" = "reflect",
): Float32Array {
  let cur = Float64Array.from(data);
  const st = strides(shape);
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  for (let ax = 0; ax < shape.length; ax++) {
    const n = shape[ax], s = st[ax];
    const next = new Float64Array(cur.length);
    const line = new Float64Array(n);
    // lines along ax start at base = outer·n·s + inner (inner < s)
    for (let outer = 0; outer < cur.length / (n * s); outer++) {
      for (let inner = 0; inner < s; inner++) {
        const base = outer * n * s + inner;
        for (let i = 0; i < n; i++) line[i] = cur[base + i * s];
        for (let i = 0; i < n; i++) {
          let v = 0;
          // constant mode: taps outside the line read 0, so skip them
          const t0 = mode === "constant" ? Math.max(-r, -i) : -r;
          const t1 = mode === "constant" ? Math.min(r, n - 1 - i) : r;
          for (let t = t0; t <= t1; t++) {
            let j = i + t;
            if (j < 0 || j >= n) {
              if (mode === "constant") continue;
              const period = 2 * n;
              j = ((j % period) + period) % period;
              if (j >= n) j = period - 1 - j;
            }
            v += k[t + r] * line[j];
          }
          next[base + i * s] = v;
        }
      }
    }
    cur = next;
  }
  return Float32Array.from(cur);
}

/** Options of {@link spatialTransform3d} (batchgenerators 0.21 defaults of spec 05 §2.6). */
export type SpatialOptions = {
  pElastic?: number;
  pRotation?: number;
  pScale?: number;
  alpha?: [number, number];
  sigma?: [number, number];
  angleDeg?: number;
};

/**
 * batchgenerators `augment_spatial` on one sample: elastic offsets (Gaussian-smoothed U(−1, 1)
 * noise, zero padded, × α), rotation about all three axes, isotropic zoom; grid centred at
 * round(size/2) as the original (half-voxel shift, spec 05 §8.10). Image: trilinear (the
 * original's cubic spline is a documented deviation, §8.16), 0 outside. Labels: each channel
 * interpolated linearly as an indicator, ≥ 0.5 → 1. Returns the inputs' copies if nothing fired.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { spatialTransform3d } from "./augment_3d.ts";
 * const a = { data: new Float32Array(8), shape: [2, 2, 2, 1] };
 * const o = spatialTransform3d(a, a, createRng(0), { pElastic: 0, pRotation: 0, pScale: 0 });
 * if (o.fired) throw new Error();
 * ```
 */
export function spatialTransform3d(
  image: Nd,
  label: Nd,
  rng: Rng,
  opts: SpatialOptions = {},
): { image: Nd; label: Nd; fired: boolean } {
  const shape = image.shape.slice(0, 3);
  const n = shape[0] * shape[1] * shape[2];
  const coords = new Float64Array(3 * n);
  const st = strides(shape);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < 3; d++) {
      coords[3 * i + d] = (Math.floor(i / st[d]) % shape[d]) - (shape[d] - 1) / 2;
    }
  }
  let fired = false;
  if (rng.bernoulli(opts.pElastic ?? 0.2)) {
    fired = true;
    const [a0, a1] = opts.alpha ?? [0, 900];
    const [s0, s1] = opts.sigma ?? [9, 13];
    const alpha = rng.uniform(a0, a1), sigma = rng.uniform(s0, s1);
    for (let d = 0; d < 3; d++) {
      const noise = new Float64Array(n);
      rng.fillUniform(noise, -1, 1);
      const sm = gaussianFilter(noise, shape, sigma, "constant");
      for (let i = 0; i < n; i++) coords[3 * i + d] += sm[i] * alpha;
    }
  }
  if (rng.bernoulli(opts.pRotation ?? 0.2)) {
    fired = true;
    const deg = ((opts.angleDeg ?? 15) * Math.PI) / 180;
    const ax = rng.uniform(-deg, deg), ay = rng.uniform(-deg, deg), az = rng.uniform(-deg, deg);
    const m = matmul3(matmul3(rotX(ax), rotY(ay)), rotZ(az));
    for (let i = 0; i < n; i++) {
      const v = [coords[3 * i], coords[3 * i + 1], coords[3 * i + 2]];
      // batchgenerators: coords^T @ M
      for (let d = 0; d < 3; d++) {
        coords[3 * i + d] = v[0] * m[d] + v[1] * m[3 + d] + v[2] * m[6 + d];
      }
    }
  }
  if (rng.bernoulli(opts.pScale ?? 0.2)) {
    fired = true;
    const s = rng.bernoulli(0.5) ? rng.uniform(0.85, 1) : rng.uniform(1, 1.25);
    for (let i = 0; i < 3 * n; i++) coords[i] *= s;
  }
  if (!fired) {
    return {
      image: { data: image.data.slice(), shape: image.shape.slice() },
      label: { data: label.data.slice(), shape: label.shape.slice() },
      fired,
    };
  }
  const ctr = shape.map((s) => roundHalfEven(s / 2));
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) coords[3 * i + d] += ctr[d];
  const img = sampleTrilinear(image, coords, shape, 0, "scipy");
  const lab = sampleTrilinear(label, coords, shape, 0, "scipy");
  for (let i = 0; i < lab.data.length; i++) lab.data[i] = lab.data[i] >= 0.5 ? 1 : 0;
  return { image: img, label: lab, fired };
}
