/**
 * Fast copies: SplitV (the gradient of concatenation), Concat, Tile, Slice and PadV2 (Pad's
 * gradient is a Slice) as contiguous block copies instead of per-element index arithmetic. Any
 * numeric dtype.
 * @module
 */
import type { CpuBackend, FastKernel, KernelArgs, TensorInfo } from "./registry.ts";

type Typed = Float32Array | Int32Array | Uint8Array;

function values(backend: CpuBackend, t: TensorInfo): Typed | null {
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array ? v : null;
}

function alloc(like: Typed, n: number): Typed {
  return new (like.constructor as { new (n: number): Typed })(n);
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

const splitV: FastKernel = {
  name: "SplitV",
  func(args: KernelArgs): TensorInfo[] | null {
    const { x } = args.inputs;
    const xv = values(args.backend, x);
    if (!xv) return null;
    const r = x.shape.length;
    const axis = args.attrs.axis < 0 ? args.attrs.axis + r : args.attrs.axis;
    const len = x.shape[axis];
    const spec = args.attrs.numOrSizeSplits;
    let sizes: number[];
    if (typeof spec === "number") sizes = Array(spec).fill(len / spec);
    else {
      sizes = [...spec];
      const neg = sizes.indexOf(-1);
      if (neg >= 0) sizes[neg] = len - sizes.reduce((a, b) => a + (b === -1 ? 0 : b), 0);
    }
    if (sizes.reduce((a, b) => a + b, 0) !== len || sizes.some((s) => !Number.isInteger(s))) {
      return null;
    }
    const outer = prod(x.shape.slice(0, axis)), inner = prod(x.shape.slice(axis + 1));
    const outs: TensorInfo[] = [];
    let start = 0;
    for (const s of sizes) {
      const o = alloc(xv, outer * s * inner);
      const w = s * inner;
      for (let p = 0; p < outer; p++) {
        const from = (p * len + start) * inner;
        o.set(xv.subarray(from, from + w), p * w);
      }
      const shape = [...x.shape];
      shape[axis] = s;
      outs.push(args.backend.makeTensorInfo(shape, x.dtype, o));
      start += s;
    }
    return outs;
  },
};

const concat: FastKernel = {
  name: "Concat",
  func(args: KernelArgs): TensorInfo | null {
    const ins = args.inputs as TensorInfo[];
    if (!Array.isArray(ins) || ins.length === 0) return null;
    const dtype = ins[0].dtype;
    if (ins.some((t) => t.dtype !== dtype || t.dtype === "complex64")) return null;
    const vals = ins.map((t) => values(args.backend, t));
    if (vals.some((v) => !v)) return null;
    const r = ins[0].shape.length;
    if (r === 0) return null;
    const axis = args.attrs.axis < 0 ? args.attrs.axis + r : args.attrs.axis;
    const outer = prod(ins[0].shape.slice(0, axis));
    const widths = ins.map((t) => prod(t.shape.slice(axis)));
    const total = widths.reduce((a, b) => a + b, 0);
    const o = alloc(vals[0]!, outer * total);
    for (let p = 0; p < outer; p++) {
      let off = p * total;
      for (let i = 0; i < ins.length; i++) {
        const w = widths[i];
        o.set(vals[i]!.subarray(p * w, p * w + w), off);
        off += w;
      }
    }
    const shape = [...ins[0].shape];
    shape[axis] = ins.reduce((a, t) => a + t.shape[axis], 0);
    return args.backend.makeTensorInfo(shape, dtype, o);
  },
};

const tile: FastKernel = {
  name: "Tile",
  func(args: KernelArgs): TensorInfo | null {
    const { x } = args.inputs;
    const xv = values(args.backend, x);
    const reps: number[] = args.attrs.reps;
    if (!xv || x.shape.length === 0 || reps.length !== x.shape.length) return null;
    const shape: number[] = x.shape;
    const r = shape.length;
    const outShape = shape.map((d, i) => d * reps[i]);
    const o = alloc(xv, prod(outShape));
    // Copy the input blocks for each outer index, innermost axis first, then replicate.
    const inStr = shape.map((_, i) => prod(shape.slice(i + 1)));
    const outStr = outShape.map((_, i) => prod(outShape.slice(i + 1)));
    const rec = (dim: number, inOff: number, outOff: number): void => {
      if (dim === r - 1) {
        const row = xv.subarray(inOff, inOff + shape[dim]);
        for (let k = 0; k < reps[dim]; k++) o.set(row, outOff + k * shape[dim]);
        return;
      }
      for (let i = 0; i < shape[dim]; i++) {
        rec(dim + 1, inOff + i * inStr[dim], outOff + i * outStr[dim]);
      }
      const block = shape[dim] * outStr[dim];
      for (let k = 1; k < reps[dim]; k++) o.copyWithin(outOff + k * block, outOff, outOff + block);
    };
    if (o.length > 0) rec(0, 0, 0);
    return args.backend.makeTensorInfo(outShape, x.dtype, o);
  },
};

/**
 * Calls `row(inOff, outOff)` for every index of the axes before `k` (row-major), with the offsets
 * of that index in an input of shape `inShape` shifted by `inStart` and in an output of shape
 * `outShape` shifted by `outStart` (element offsets of the first element of axis `k`).
 */
function forRows(
  k: number,
  inShape: number[],
  outShape: number[],
  inStart: number[],
  outStart: number[],
  iter: number[],
  row: (inOff: number, outOff: number) => void,
): void {
  const inStr = inShape.map((_, i) => prod(inShape.slice(i + 1)));
  const outStr = outShape.map((_, i) => prod(outShape.slice(i + 1)));
  const idx = new Array(k).fill(0);
  const n = prod(iter.slice(0, k));
  for (let c = 0; c < n; c++) {
    let a = inStart[k] * inStr[k], b = outStart[k] * outStr[k];
    for (let i = 0; i < k; i++) {
      a += (idx[i] + inStart[i]) * inStr[i];
      b += (idx[i] + outStart[i]) * outStr[i];
    }
    row(a, b);
    for (let i = k - 1; i >= 0; i--) {
      if (++idx[i] < iter[i]) break;
      idx[i] = 0;
    }
  }
}

/** The last axis a slice or pad changes (trailing axes it keeps whole are copied as one row). */
function lastChanged(r: number, whole: (i: number) => boolean): number {
  let k = r - 1;
  while (k > 0 && whole(k)) k--;
  return k;
}

const slice: FastKernel = {
  name: "Slice",
  func(args: KernelArgs): TensorInfo | null {
    const { x } = args.inputs;
    const xv = values(args.backend, x);
    const shape: number[] = x.shape, r = shape.length;
    if (!xv || r === 0) return null;
    const b0 = args.attrs.begin, s0 = args.attrs.size;
    const begin: number[] = typeof b0 === "number" ? [b0] : [...b0];
    const size: number[] = s0 == null ? [] : typeof s0 === "number" ? [s0] : [...s0];
    while (begin.length < r) begin.push(0);
    while (size.length < r) size.push(-1);
    if (begin.length !== r || size.length !== r) return null;
    for (let i = 0; i < r; i++) {
      if (size[i] === -1) size[i] = shape[i] - begin[i];
      if (!(begin[i] >= 0 && size[i] >= 0 && begin[i] + size[i] <= shape[i])) return null;
    }
    const o = alloc(xv, prod(size));
    if (o.length > 0) {
      const k = lastChanged(r, (i) => begin[i] === 0 && size[i] === shape[i]);
      const w = size[k] * prod(shape.slice(k + 1));
      const zeros = new Array(r).fill(0);
      forRows(k, shape, size, begin, zeros, size, (a, b) => o.set(xv.subarray(a, a + w), b));
    }
    return args.backend.makeTensorInfo(size, x.dtype, o);
  },
};

const padV2: FastKernel = {
  name: "PadV2",
  func(args: KernelArgs): TensorInfo | null {
    const { x } = args.inputs;
    const xv = values(args.backend, x);
    const shape: number[] = x.shape, r = shape.length;
    const pads: [number, number][] = args.attrs.paddings;
    if (!xv || r === 0 || pads.length !== r || pads.some(([a, b]) => a < 0 || b < 0)) return null;
    const outShape = shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    const o = alloc(xv, prod(outShape));
    const value = args.attrs.constantValue ?? 0;
    if (value !== 0) o.fill(value);
    if (xv.length > 0) {
      const k = lastChanged(r, (i) => pads[i][0] === 0 && pads[i][1] === 0);
      const w = prod(shape.slice(k));
      const zeros = new Array(r).fill(0);
      const before = pads.map((p) => p[0]);
      forRows(k, shape, outShape, zeros, before, shape, (a, b) => o.set(xv.subarray(a, a + w), b));
    }
    return args.backend.makeTensorInfo(outShape, x.dtype, o);
  },
};

/**
 * Transpose: output axes that stay adjacent in the input are merged first (e.g. the LCKD
 * modality split [B, D, H, W, M, C] → [B, M, D, H, W, C] becomes a 4-axis swap with rows of C),
 * then each output row is read with one input stride — instead of TF.js's per-element index
 * arithmetic.
 */
const transpose: FastKernel = {
  name: "Transpose",
  func(args: KernelArgs): TensorInfo | null {
    const { x } = args.inputs;
    const xv = values(args.backend, x);
    const shape: number[] = x.shape, perm: number[] = args.attrs.perm, r = shape.length;
    if (!xv || r === 0 || perm.length !== r) return null;
    const outShape = perm.map((p) => shape[p]);
    const o = alloc(xv, xv.length);
    if (o.length === 0) return args.backend.makeTensorInfo(outShape, x.dtype, o);
    // groups of input axes, in output order, that stay consecutive
    const groups: number[][] = [];
    perm.forEach((p, i) => {
      if (i > 0 && p === perm[i - 1] + 1) groups[groups.length - 1].push(p);
      else groups.push([p]);
    });
    const byInput = groups.map((_, j) => j).sort((a, b) => groups[a][0] - groups[b][0]);
    const inDims = byInput.map((j) => prod(groups[j].map((a) => shape[a])));
    const inStr = inDims.map((_, i) => prod(inDims.slice(i + 1)));
    const outDims = groups.map((g) => prod(g.map((a) => shape[a])));
    const src = groups.map((_, j) => inStr[byInput.indexOf(j)]); // input stride per output axis
    const R = groups.length, n = outDims[R - 1], step = src[R - 1];
    const idx = new Array(R - 1).fill(0);
    const rows = o.length / n;
    for (let row = 0, out = 0; row < rows; row++, out += n) {
      let base = 0;
      for (let i = 0; i < R - 1; i++) base += idx[i] * src[i];
      if (step === 1 && n >= 64) o.set(xv.subarray(base, base + n), out);
      else for (let t = 0; t < n; t++) o[out + t] = xv[base + t * step];
      for (let i = R - 2; i >= 0; i--) {
        if (++idx[i] < outDims[i]) break;
        idx[i] = 0;
      }
    }
    return args.backend.makeTensorInfo(outShape, x.dtype, o);
  },
};

/** The copy kernels. */
export const copyKernels: FastKernel[] = [splitV, concat, tile, slice, padV2, transpose];
