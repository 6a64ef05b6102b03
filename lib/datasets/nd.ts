/**
 * Minimal channels-last N-d arrays for the data pipeline: strided views (flip, crop, transpose,
 * rot90) materialised into new `Float32Array`s, channel stacking and separable resampling.
 *
 * An {@link Nd} is row-major (C order, last axis fastest); image arrays are channels-last
 * (`[H, W, C]`, `[D, H, W, C]`), so "spatial axes" are all axes but the last.
 *
 * @module
 */

/** A dense row-major array. */
export type Nd = { data: Float32Array; shape: number[] };

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * import { size } from "./nd.ts";
 * if (size([2, 3, 4]) !== 24) throw new Error();
 * ```
 */
export function size(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Row-major strides of a shape.
 *
 * @example
 * ```ts
 * import { strides } from "./nd.ts";
 * if (strides([2, 3, 4]).join() !== "12,4,1") throw new Error();
 * ```
 */
export function strides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/** Copy a strided view of `src` (start `offset`, per-axis `srcStrides`) into a dense array. */
function gather(src: Float32Array, outShape: number[], offset: number, srcStrides: number[]) {
  const n = size(outShape);
  const out = new Float32Array(n);
  const r = outShape.length;
  if (n === 0) return out;
  const last = r - 1;
  const inner = outShape[last], innerStride = srcStrides[last];
  const idx = new Array<number>(r).fill(0);
  let base = offset, o = 0;
  while (o < n) {
    let p = base;
    for (let i = 0; i < inner; i++, p += innerStride) out[o++] = src[p];
    // advance the outer multi-index
    let ax = last - 1;
    while (ax >= 0) {
      idx[ax]++;
      base += srcStrides[ax];
      if (idx[ax] < outShape[ax]) break;
      base -= srcStrides[ax] * outShape[ax];
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) break;
  }
  return out;
}

/**
 * Reverse the given axes.
 *
 * @example
 * ```ts
 * import { flip } from "./nd.ts";
 * const y = flip({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, [1]);
 * if (y.data.join() !== "3,2,1,6,5,4") throw new Error(y.data.join());
 * ```
 */
export function flip(a: Nd, axes: readonly number[]): Nd {
  const st = strides(a.shape);
  let off = 0;
  const s2 = st.slice();
  for (const ax of axes) {
    off += (a.shape[ax] - 1) * st[ax];
    s2[ax] = -st[ax];
  }
  return { data: gather(a.data, a.shape.slice(), off, s2), shape: a.shape.slice() };
}

/**
 * Crop `size` elements from `start` along the first `start.length` axes (later axes kept whole).
 * Windows must lie inside the array.
 *
 * @example
 * ```ts
 * import { crop } from "./nd.ts";
 * const y = crop({ data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]), shape: [3, 3] }, [1, 0], [2, 2]);
 * if (y.data.join() !== "3,4,6,7") throw new Error(y.data.join());
 * ```
 */
export function crop(a: Nd, start: readonly number[], sizes: readonly number[]): Nd {
  const st = strides(a.shape);
  const shape = a.shape.slice();
  let off = 0;
  for (let i = 0; i < start.length; i++) {
    if (start[i] < 0 || sizes[i] < 0 || start[i] + sizes[i] > a.shape[i]) {
      throw new RangeError(
        `crop: window [${start[i]}, ${start[i] + sizes[i]}) outside axis ${i} of size ${
          a.shape[i]
        }`,
      );
    }
    off += start[i] * st[i];
    shape[i] = sizes[i];
  }
  return { data: gather(a.data, shape, off, st), shape };
}

/**
 * Permute axes: output axis i is input axis `perm[i]`.
 *
 * @example
 * ```ts
 * import { transpose } from "./nd.ts";
 * const y = transpose({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, [1, 0]);
 * if (y.data.join() !== "1,4,2,5,3,6" || y.shape.join() !== "3,2") throw new Error();
 * ```
 */
export function transpose(a: Nd, perm: readonly number[]): Nd {
  const st = strides(a.shape);
  const shape = perm.map((p) => a.shape[p]);
  return { data: gather(a.data, shape, 0, perm.map((p) => st[p])), shape };
}

/**
 * `numpy.rot90(a, k, axes)`: rotate by k·90° from the first axis towards the second (for axes
 * (0, 1) of an image: counter-clockwise; one step maps `new[r][c] = old[c][W − 1 − r]`).
 *
 * @example
 * ```ts
 * import { rot90 } from "./nd.ts";
 * const y = rot90({ data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] }, 1);
 * if (y.data.join() !== "2,4,1,3") throw new Error(y.data.join());
 * ```
 */
export function rot90(a: Nd, k: number, axes: [number, number] = [0, 1]): Nd {
  const kk = ((k % 4) + 4) % 4;
  if (kk === 0) return { data: a.data.slice(), shape: a.shape.slice() };
  const [a0, a1] = axes;
  if (kk === 2) return flip(a, [a0, a1]);
  const perm = a.shape.map((_, i) => i);
  perm[a0] = a1;
  perm[a1] = a0;
  // rot90(m, 1) = transpose(flip(m, axis1)); rot90(m, 3) = flip(transpose(m), axis1)
  return kk === 1 ? transpose(flip(a, [a1]), perm) : flip(transpose(a, perm), [a1]);
}

/**
 * Stack same-shape arrays along a new last axis (channels-last).
 *
 * @example
 * ```ts
 * import { stackLast } from "./nd.ts";
 * const y = stackLast([{ data: Float32Array.from([1, 2]), shape: [2] }, { data: Float32Array.from([3, 4]), shape: [2] }]);
 * if (y.data.join() !== "1,3,2,4" || y.shape.join() !== "2,2") throw new Error();
 * ```
 */
export function stackLast(parts: readonly Nd[]): Nd {
  const c = parts.length;
  const n = parts[0].data.length;
  for (const p of parts) {
    if (p.shape.join() !== parts[0].shape.join()) {
      throw new RangeError(`stackLast: shapes ${parts[0].shape} and ${p.shape} differ`);
    }
  }
  const out = new Float32Array(n * c);
  for (let j = 0; j < c; j++) {
    const d = parts[j].data;
    for (let i = 0; i < n; i++) out[i * c + j] = d[i];
  }
  return { data: out, shape: [...parts[0].shape, c] };
}

/**
 * Channel `c` of a channels-last array, without the channel axis.
 *
 * @example
 * ```ts
 * import { channel } from "./nd.ts";
 * const c = channel({ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] }, 1);
 * if (c.data.join() !== "2,4" || c.shape.join() !== "2") throw new Error();
 * ```
 */
export function channel(a: Nd, c: number): Nd {
  const nc = a.shape[a.shape.length - 1];
  const n = a.data.length / nc;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a.data[i * nc + c];
  return { data: out, shape: a.shape.slice(0, -1) };
}

/** Interpolation kinds of {@link resample}. */
export type Interp = "linear" | "nearest";

/**
 * Resize along one axis. `linear` uses half-pixel centres (OpenCV INTER_LINEAR, PyTorch
 * `align_corners=False`, PIL bilinear); with `antialias` a downscale widens the triangle filter
 * by the scale factor as PIL does. `nearest` takes `floor(i · in / out)` (OpenCV / PyTorch).
 *
 * @example
 * ```ts
 * import { resampleAxis } from "./nd.ts";
 * const y = resampleAxis({ data: Float32Array.of(1, 2), shape: [2] }, 0, 4, "nearest");
 * if (y.data.join() !== "1,1,2,2") throw new Error();
 * ```
 */
export function resampleAxis(
  a: Nd,
  axis: number,
  outLen: number,
  interp: Interp,
  antialias = false,
): Nd {
  const inLen = a.shape[axis];
  if (inLen === outLen) return { data: a.data.slice(), shape: a.shape.slice() };
  const st = strides(a.shape);
  const outer = size(a.shape.slice(0, axis)), inner = st[axis];
  const shape = a.shape.slice();
  shape[axis] = outLen;
  const out = new Float32Array(outer * outLen * inner);
  const scale = inLen / outLen;
  // per output index: source indices and weights
  const idx: number[][] = [], wts: number[][] = [];
  for (let i = 0; i < outLen; i++) {
    if (interp === "nearest") {
      idx.push([Math.min(Math.floor(i * scale), inLen - 1)]);
      wts.push([1]);
      continue;
    }
    const support = antialias && scale > 1 ? scale : 1;
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support)),
      hi = Math.min(inLen, Math.ceil(center + support));
    const ii: number[] = [], ww: number[] = [];
    let tot = 0;
    for (let j = lo; j < hi; j++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support));
      if (w > 0) {
        ii.push(j);
        ww.push(w);
        tot += w;
      }
    }
    if (ii.length === 0) {
      ii.push(Math.min(inLen - 1, Math.max(0, Math.floor(center))));
      ww.push(1);
      tot = 1;
    }
    idx.push(ii);
    wts.push(ww.map((w) => w / tot));
  }
  const src = a.data;
  for (let o = 0; o < outer; o++) {
    const ib = o * inLen * inner, ob = o * outLen * inner;
    for (let i = 0; i < outLen; i++) {
      const ii = idx[i], ww = wts[i], dst = ob + i * inner;
      for (let t = 0; t < ii.length; t++) {
        const w = ww[t], s = ib + ii[t] * inner;
        for (let q = 0; q < inner; q++) out[dst + q] += w * src[s + q];
      }
    }
  }
  return { data: out, shape };
}

/**
 * Resize the spatial axes (all but the last) of a channels-last array to `outSpatial`.
 *
 * @example
 * ```ts
 * import { resize } from "./nd.ts";
 * const y = resize({ data: Float32Array.from([0, 1]), shape: [1, 2, 1] }, [1, 4], "linear");
 * if (y.data.join() !== "0,0.25,0.75,1") throw new Error(y.data.join());
 * ```
 */
export function resize(
  a: Nd,
  outSpatial: readonly number[],
  interp: Interp,
  opts: { antialias?: boolean } = {},
): Nd {
  let cur = a;
  for (let ax = 0; ax < outSpatial.length; ax++) {
    if (cur.shape[ax] !== outSpatial[ax]) {
      cur = resampleAxis(cur, ax, outSpatial[ax], interp, opts.antialias);
    }
  }
  return cur === a ? { data: a.data.slice(), shape: a.shape.slice() } : cur;
}
