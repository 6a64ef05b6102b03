/**
 * Fast float32 reductions (Sum, Mean, Max, Min) over one contiguous block of axes — leading
 * (per-channel statistics), trailing, or middle (global pooling) — without a transpose. The sum
 * is accumulated in float64 in a fixed order.
 * @module
 */
import { f32, type FastKernel, type KernelArgs, type TensorInfo } from "./registry.ts";

/** Split `shape` into outer × mid × inner for contiguous `axes`, or null if not contiguous. */
export function blockAxes(
  shape: number[],
  axisAttr: number | number[] | undefined,
): { outer: number; mid: number; inner: number; axes: number[] } | null {
  const r = shape.length;
  const raw = axisAttr === undefined || axisAttr === null
    ? shape.map((_, i) => i)
    : Array.isArray(axisAttr)
    ? axisAttr
    : [axisAttr];
  const axes = [...new Set(raw.map((a) => (a < 0 ? a + r : a)))].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return null;
  const p = (a: number, b: number) => shape.slice(a, b).reduce((x, y) => x * y, 1);
  const k = axes[0], m = axes[axes.length - 1] + 1;
  return { outer: p(0, k), mid: p(k, m), inner: p(m, r), axes };
}

function reduceKernel(name: "Sum" | "Mean" | "Max" | "Min"): FastKernel {
  return {
    name,
    func(args: KernelArgs): TensorInfo | null {
      const { x } = args.inputs;
      const xv = f32(args.backend, x);
      if (!xv || x.shape.length === 0) return null;
      const b = blockAxes(x.shape, args.attrs?.axis ?? args.attrs?.reductionIndices);
      if (!b || b.mid === 0) return null;
      const { outer, mid, inner } = b;
      const o = new Float32Array(outer * inner);
      const acc = new Float64Array(inner);
      for (let p = 0; p < outer; p++) {
        const base = p * mid * inner;
        if (name === "Sum" || name === "Mean") {
          acc.fill(0);
          if (inner === 1) {
            let s = 0;
            for (let q = 0; q < mid; q++) s += xv[base + q];
            acc[0] = s;
          } else {
            for (let q = 0; q < mid; q++) {
              const row = base + q * inner;
              for (let j = 0; j < inner; j++) acc[j] += xv[row + j];
            }
          }
          const div = name === "Mean" ? mid : 1;
          for (let j = 0; j < inner; j++) o[p * inner + j] = acc[j] / div;
        } else {
          for (let j = 0; j < inner; j++) acc[j] = xv[base + j];
          for (let q = 1; q < mid; q++) {
            const row = base + q * inner;
            if (name === "Max") {
              for (let j = 0; j < inner; j++) {
                const v = xv[row + j];
                if (v > acc[j] || Number.isNaN(v)) acc[j] = v;
              }
            } else {
              for (let j = 0; j < inner; j++) {
                const v = xv[row + j];
                if (v < acc[j] || Number.isNaN(v)) acc[j] = v;
              }
            }
          }
          for (let j = 0; j < inner; j++) o[p * inner + j] = acc[j];
        }
      }
      const shape = args.attrs?.keepDims
        ? x.shape.map((d: number, i: number) => (b.axes.includes(i) ? 1 : d))
        : x.shape.filter((_: number, i: number) => !b.axes.includes(i));
      return args.backend.makeTensorInfo(shape, "float32", o);
    },
  };
}

/** The reduction kernels. */
export const reduceKernels: FastKernel[] = [
  reduceKernel("Sum"),
  reduceKernel("Mean"),
  reduceKernel("Max"),
  reduceKernel("Min"),
];
