/**
 * Resizing and resampling of x-fastest arrays and {@link Volume}s, separable per axis.
 *
 * Interpolation `order`: 0 nearest (labels; keeps the input's array type), 1 (multi)linear,
 * 3 cubic B-spline (as `scipy.ndimage.zoom(order=3)`: spline prefilter with mirror boundaries).
 *
 * Alignment of output voxel o (0-based) with input coordinate x along an axis of n_in → n_out:
 * - `"corners"` (default of {@link resize}; `scipy.ndimage.zoom` with its default
 *   `grid_mode=False`, torch `align_corners=True`): x = o·(n_in − 1)/(n_out − 1) (x = 0 when
 *   n_out = 1). Order 0 takes round-half-up of x, as SciPy does.
 * - `"half_pixel"` (torch `align_corners=False`, OpenCV INTER_LINEAR, TF.js
 *   `halfPixelCenters`): x = (o + ½)·n_in/n_out − ½, clamped to [0, n_in − 1] for order 1
 *   (edge replicate); order 0 takes ⌊(o + ½)·n_in/n_out⌋ (torch `nearest-exact`).
 * - `"asymmetric"` (torch / OpenCV legacy `nearest`): x = o·n_in/n_out; order 0 takes ⌊x⌋.
 *
 * Order 3 supports `"corners"` only (SciPy parity is tested there).
 * @module
 */
import { checkShape, VolumeError, voxelCount } from "./errors.ts";
import type { Volume, VoxelArray } from "./types.ts";

/** Interpolation order: 0 nearest, 1 linear, 3 cubic B-spline. */
export type InterpOrder = 0 | 1 | 3;
/** Grid alignment convention, see the module docs. */
export type Align = "corners" | "half_pixel" | "asymmetric";
/** Options of {@link resize}. */
export type ResizeOptions = {
  order?: InterpOrder;
  align?: Align;
  /** Output array type for orders 1 and 3 (default float32). Order 0 keeps the input type. */
  dtype?: "float32" | "float64";
};

/** Input coordinate of output index o along one axis (before clamping). */
function coordinate(o: number, nIn: number, nOut: number, align: Align): number {
  if (align === "corners") return nOut > 1 ? o * ((nIn - 1) / (nOut - 1)) : 0;
  if (align === "half_pixel") return (o + 0.5) * (nIn / nOut) - 0.5;
  return o * (nIn / nOut);
}

function nearestIndex(o: number, nIn: number, nOut: number, align: Align): number {
  const i = align === "corners"
    ? Math.floor(coordinate(o, nIn, nOut, align) + 0.5)
    : align === "half_pixel"
    ? Math.floor((o + 0.5) * (nIn / nOut))
    : Math.floor(o * (nIn / nOut));
  return Math.min(Math.max(i, 0), nIn - 1);
}

function mirror(j: number, n: number): number {
  if (n === 1) return 0;
  const p = 2 * (n - 1);
  j = ((j % p) + p) % p;
  return j < n ? j : p - j;
}

/** Taps (k per output index) of one axis for orders 1 and 3. */
function taps(nIn: number, nOut: number, order: 1 | 3, align: Align) {
  const k = order === 1 ? 2 : 4;
  const idx = new Int32Array(nOut * k), w = new Float64Array(nOut * k);
  for (let o = 0; o < nOut; o++) {
    let x = coordinate(o, nIn, nOut, align);
    if (order === 1) {
      x = Math.min(Math.max(x, 0), nIn - 1);
      const i0 = Math.floor(x), f = x - i0;
      idx[2 * o] = i0;
      idx[2 * o + 1] = Math.min(i0 + 1, nIn - 1);
      w[2 * o] = 1 - f;
      w[2 * o + 1] = f;
    } else {
      const i = Math.floor(x), t = x - i, t2 = t * t, t3 = t2 * t;
      const ws = [
        (1 - t) ** 3 / 6,
        (3 * t3 - 6 * t2 + 4) / 6,
        (-3 * t3 + 3 * t2 + 3 * t + 1) / 6,
        t3 / 6,
      ];
      for (let j = 0; j < 4; j++) {
        idx[4 * o + j] = mirror(i - 1 + j, nIn);
        w[4 * o + j] = ws[j];
      }
    }
  }
  return { k, idx, w };
}

/** In-place cubic B-spline prefilter of one line (mirror boundaries, exact causal init). */
function splineFilterLine(c: Float64Array, n: number): void {
  if (n < 2) return;
  const z = Math.sqrt(3) - 2;
  for (let i = 0; i < n; i++) c[i] *= 6;
  const zn1 = z ** (n - 1);
  let c0 = c[0] + zn1 * c[n - 1], zi = z;
  for (let i = 1; i < n - 1; i++) {
    c0 += zi * (c[i] + zn1 * c[n - 1 - i]);
    zi *= z;
  }
  c[0] = c0 / (1 - zn1 * zn1);
  for (let i = 1; i < n; i++) c[i] += z * c[i - 1];
  c[n - 1] = (z / (z * z - 1)) * (z * c[n - 2] + c[n - 1]);
  for (let i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1] - c[i]);
}

function splineFilterAxis(data: Float64Array, shape: number[], axis: number): void {
  const n = shape[axis];
  let inner = 1;
  for (let a = 0; a < axis; a++) inner *= shape[a];
  const outer = data.length / (inner * n || 1);
  const line = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let p = 0; p < n; p++) line[p] = data[base + p * inner];
      splineFilterLine(line, n);
      for (let p = 0; p < n; p++) data[base + p * inner] = line[p];
    }
  }
}

function resampleAxis(
  src: Float64Array,
  shape: number[],
  axis: number,
  nOut: number,
  t: { k: number; idx: Int32Array; w: Float64Array },
): Float64Array {
  const nIn = shape[axis];
  let inner = 1;
  for (let a = 0; a < axis; a++) inner *= shape[a];
  const outer = src.length / (inner * nIn || 1);
  const dst = new Float64Array(outer * nOut * inner);
  for (let o = 0; o < outer; o++) {
    const sBase = o * nIn * inner, dBase = o * nOut * inner;
    for (let p = 0; p < nOut; p++) {
      const d = dBase + p * inner;
      for (let j = 0; j < t.k; j++) {
        const wj = t.w[p * t.k + j];
        if (wj === 0) continue;
        const s = sBase + t.idx[p * t.k + j] * inner;
        for (let i = 0; i < inner; i++) dst[d + i] += wj * src[s + i];
      }
    }
  }
  return dst;
}

function nearest<T extends VoxelArray>(
  data: T,
  shape: number[],
  outShape: number[],
  align: Align,
): T {
  const maps = shape.map((n, a) =>
    Int32Array.from({ length: outShape[a] }, (_, o) => nearestIndex(o, n, outShape[a], align))
  );
  const ctor = data.constructor as new (n: number) => T;
  const out = new ctor(voxelCount(outShape));
  const nd = shape.length, stride: number[] = [];
  let s = 1;
  for (let a = 0; a < nd; a++) (stride.push(s), s *= shape[a]);
  const idx = new Array<number>(nd).fill(0);
  for (let q = 0; q < out.length; q++) {
    let src = 0;
    for (let a = 0; a < nd; a++) src += maps[a][idx[a]] * stride[a];
    out[q] = data[src];
    for (let a = 0; a < nd && ++idx[a] === outShape[a]; a++) idx[a] = 0;
  }
  return out;
}

/**
 * Resize an x-fastest array from `shape` to `outShape` (same number of axes; axes whose extent
 * does not change are copied). See the module docs for orders and alignment.
 *
 * @example
 * ```ts
 * import { resize } from "./resample.ts";
 * const up = resize([0, 10], [2], [3], { order: 1 }); // corners: x = 0, 0.5, 1
 * if (up.join() !== "0,5,10") throw new Error(up.join());
 * const lab = resize(Uint8Array.of(1, 2), [2], [4], { order: 0, align: "half_pixel" });
 * if (lab.join() !== "1,1,2,2") throw new Error(lab.join());
 * ```
 */
export function resize<T extends VoxelArray>(
  data: T | ArrayLike<number>,
  shape: number[],
  outShape: number[],
  opts: ResizeOptions = {},
): T | Float32Array | Float64Array {
  const order = opts.order ?? 1, align = opts.align ?? "corners";
  checkShape(data, shape, "resize");
  voxelCount(outShape, "resize: outShape");
  if (outShape.length !== shape.length) {
    throw new VolumeError(`resize: shape [${shape}] and outShape [${outShape}] differ in rank`);
  }
  if (shape.some((n, a) => n === 0 && outShape[a] !== 0)) {
    throw new VolumeError(`resize: cannot resize an empty axis of [${shape}]`);
  }
  if (order === 0) {
    const arr = ArrayBuffer.isView(data) ? data as T : Float64Array.from(data) as unknown as T;
    return nearest(arr, shape, outShape, align);
  }
  if (order !== 1 && order !== 3) {
    throw new VolumeError(`resize: order must be 0, 1 or 3, got ${order}`);
  }
  if (order === 3 && align !== "corners") {
    throw new VolumeError(`resize: order 3 supports align "corners" only, got "${align}"`);
  }
  let cur: Float64Array = Float64Array.from(data);
  const cs = [...shape];
  for (let a = 0; a < shape.length; a++) {
    if (cs[a] === outShape[a]) continue;
    if (order === 3) splineFilterAxis(cur, cs, a);
    cur = resampleAxis(cur, cs, a, outShape[a], taps(cs[a], outShape[a], order, align));
    cs[a] = outShape[a];
  }
  return opts.dtype === "float64" ? cur : Float32Array.from(cur);
}

/**
 * Output shape of `scipy.ndimage.zoom` for per-axis factors: round(n·f) (Python rounding of a
 * float: half to even).
 *
 * @example
 * ```ts
 * import { zoomShape } from "./resample.ts";
 * if (zoomShape([10, 5], [0.5, 2.5]).join() !== "5,12") throw new Error();
 * ```
 */
export function zoomShape(shape: number[], factors: number[]): number[] {
  return shape.map((n, a) => {
    const x = n * factors[a], r = Math.round(x);
    return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  });
}

/** Spatial axes of a volume: all but a 4th (time / channel) axis. */
function spatialRank(vol: Volume): number {
  return Math.min(vol.shape.length, 3);
}

/**
 * Resize a {@link Volume}'s spatial axes to `outShape` (length 2 or 3; a 4th axis is kept);
 * spacing and affine are updated so that world coordinates of the sampled points stay exact for
 * the chosen alignment (default `"corners"`, as `scipy.ndimage.zoom`).
 *
 * @example
 * ```ts
 * import { resizeVolume } from "./resample.ts";
 * const v = { data: new Float32Array(8), shape: [2, 2, 2], spacing: [1, 1, 1],
 *   affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] };
 * const r = resizeVolume(v, [4, 4, 2], { align: "half_pixel" });
 * if (r.shape.join() !== "4,4,2" || r.spacing.join() !== "0.5,0.5,1") throw new Error();
 * ```
 */
export function resizeVolume(vol: Volume, outShape: number[], opts: ResizeOptions = {}): Volume {
  const sr = spatialRank(vol);
  if (outShape.length !== sr) {
    throw new VolumeError(`resizeVolume: outShape [${outShape}] must have ${sr} spatial axes`);
  }
  const full = [...outShape, ...vol.shape.slice(sr)];
  const align = opts.align ?? "corners";
  const data = resize(vol.data, vol.shape, full, { ...opts, align }) as VoxelArray;
  const scale: number[] = [], shift: number[] = [];
  for (let a = 0; a < sr; a++) {
    const nIn = vol.shape[a], nOut = outShape[a];
    const r = align === "corners" ? (nOut > 1 ? (nIn - 1) / (nOut - 1) : 1) : nIn / nOut;
    scale.push(r);
    shift.push(align === "half_pixel" ? 0.5 * r - 0.5 : 0);
  }
  const affine = vol.affine.map((row) => [...row]);
  for (let i = 0; i < 4; i++) {
    let t = vol.affine[i][3];
    for (let a = 0; a < sr; a++) {
      affine[i][a] = vol.affine[i][a] * scale[a];
      t += vol.affine[i][a] * shift[a];
    }
    affine[i][3] = t;
  }
  const spacing = vol.spacing.map((s, a) => (a < sr ? s * scale[a] : s));
  return { ...vol, data, shape: full, spacing, affine, header: undefined };
}

/**
 * Resample a {@link Volume} to a target spacing (mm per spatial axis): out extent =
 * round(n · spacing / target) (at least 1), then {@link resizeVolume}. Default alignment here is
 * `"half_pixel"` (field of view preserved, as MONAI `Spacing` / torch `align_corners=False`), so
 * the resulting spacing is n·spacing/out (equal to the target up to rounding of the extent).
 *
 * @example
 * ```ts
 * import { resampleToSpacing } from "./resample.ts";
 * const v = { data: new Int16Array(4 * 4 * 2), shape: [4, 4, 2], spacing: [1, 1, 3],
 *   affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]] };
 * const r = resampleToSpacing(v, [2, 2, 1.5], { order: 0 });
 * if (r.shape.join() !== "2,2,4" || !(r.data instanceof Int16Array)) throw new Error();
 * ```
 */
export function resampleToSpacing(
  vol: Volume,
  target: number[],
  opts: ResizeOptions = {},
): Volume {
  const sr = spatialRank(vol);
  if (target.length !== sr || target.some((t) => !(t > 0))) {
    throw new VolumeError(`resampleToSpacing: target [${target}] must be ${sr} positive values`);
  }
  const out = target.map((t, a) => Math.max(1, Math.round((vol.shape[a] * vol.spacing[a]) / t)));
  return resizeVolume(vol, out, { align: "half_pixel", ...opts });
}
