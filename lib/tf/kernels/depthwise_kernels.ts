/**
 * Fast channels-last depthwise convolution (DepthwiseConv2dNative, FusedDepthwiseConv2D) and its
 * input / filter gradients: direct loops over channels, filter gradient accumulated in float64.
 * Output channel `c·mult + m` uses input channel `c`, as in TF.js.
 * @module
 */
import * as tf from "../tf.ts";
import { activationSupported, addBias, applyActivation } from "./activation.ts";
import { type ConvGeom, geom2d } from "./im2col.ts";
import { f32, type FastKernel, type KernelArgs, type TensorInfo } from "./registry.ts";

function geom(xShape: number[], fShape: number[], a: KernelArgs["attrs"]): ConvGeom | null {
  if (a.dataFormat && a.dataFormat !== "NHWC") return null;
  return geom2d(
    tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number],
      fShape as [number, number, number, number],
      a.strides,
      a.dilations ?? 1,
      a.pad,
      a.dimRoundingMode,
      true,
    ),
  );
}

/** Call `fn(outOffset, inOffset, filterOffset)` for every in-bounds (output, tap) pair. */
function forTaps(g: ConvGeom, fn: (o: number, src: number, wb: number) => void): void {
  let o = 0;
  for (let b = 0; b < g.n; b++) {
    for (let y = 0; y < g.oh; y++) {
      for (let x = 0; x < g.ow; x++, o += g.co) {
        for (let ky = 0; ky < g.fh; ky++) {
          const iy = y * g.sh - g.pt + ky * g.dh;
          if (iy < 0 || iy >= g.ih) continue;
          for (let kx = 0; kx < g.fw; kx++) {
            const ix = x * g.sw - g.pl + kx * g.dw;
            if (ix < 0 || ix >= g.iw) continue;
            fn(o, ((b * g.ih + iy) * g.iw + ix) * g.ci, (ky * g.fw + kx) * g.co);
          }
        }
      }
    }
  }
}

function forward(g: ConvGeom, xv: Float32Array, wv: Float32Array): Float32Array {
  const out = new Float32Array(g.n * g.oh * g.ow * g.co);
  const ci = g.ci, mult = g.co / g.ci;
  forTaps(g, (o, src, wb) => {
    if (mult === 1) { for (let c = 0; c < ci; c++) out[o + c] += xv[src + c] * wv[wb + c]; }
    else {
      for (let c = 0, j = 0; c < ci; c++) {
        const v = xv[src + c];
        for (let m = 0; m < mult; m++, j++) out[o + j] += v * wv[wb + j];
      }
    }
  });
  return out;
}

const depthwise: FastKernel = {
  name: "DepthwiseConv2dNative",
  func(args): TensorInfo | null {
    const { x, filter } = args.inputs;
    const xv = f32(args.backend, x), wv = f32(args.backend, filter);
    const g = xv && wv && geom(x.shape, filter.shape, args.attrs);
    if (!xv || !wv || !g) return null;
    return args.backend.makeTensorInfo([g.n, g.oh, g.ow, g.co], "float32", forward(g, xv, wv));
  },
};

const fusedDepthwise: FastKernel = {
  name: "FusedDepthwiseConv2D",
  func(args): TensorInfo | null {
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const { activation, leakyreluAlpha } = args.attrs;
    const xv = f32(args.backend, x), wv = f32(args.backend, filter);
    const g = xv && wv && geom(x.shape, filter.shape, args.attrs);
    if (!xv || !wv || !g) return null;
    const bv = bias ? f32(args.backend, bias) : null;
    const alpha = preluActivationWeights ? f32(args.backend, preluActivationWeights) : null;
    const size = g.n * g.oh * g.ow * g.co;
    if (bias && (!bv || (bv.length !== 1 && bv.length !== g.co && bv.length !== size))) return null;
    if (!activationSupported(activation, alpha, g.co, size)) return null;
    const y = forward(g, xv, wv);
    if (bv) addBias(y, bv, g.co);
    applyActivation(y, activation, g.co, alpha, leakyreluAlpha);
    return args.backend.makeTensorInfo([g.n, g.oh, g.ow, g.co], "float32", y);
  },
};

const backpropInput: FastKernel = {
  name: "DepthwiseConv2dNativeBackpropInput",
  func(args): TensorInfo | null {
    const { dy, filter } = args.inputs;
    const dyv = f32(args.backend, dy), wv = f32(args.backend, filter);
    const shape = args.attrs.inputShape as number[];
    const g = dyv && wv && geom(shape, filter.shape, args.attrs);
    if (!dyv || !wv || !g) return null;
    const dx = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const ci = g.ci, mult = g.co / g.ci;
    forTaps(g, (o, src, wb) => {
      for (let c = 0, j = 0; c < ci; c++) {
        let s = 0;
        for (let m = 0; m < mult; m++, j++) s += dyv[o + j] * wv[wb + j];
        dx[src + c] += s;
      }
    });
    return args.backend.makeTensorInfo([...shape], "float32", dx);
  },
};

const backpropFilter: FastKernel = {
  name: "DepthwiseConv2dNativeBackpropFilter",
  func(args): TensorInfo | null {
    const { x, dy } = args.inputs;
    const xv = f32(args.backend, x), dyv = f32(args.backend, dy);
    const shape = args.attrs.filterShape as number[];
    const g = xv && dyv && geom(x.shape, shape, args.attrs);
    if (!xv || !dyv || !g) return null;
    const acc = new Float64Array(g.fh * g.fw * g.co);
    const ci = g.ci, mult = g.co / g.ci;
    forTaps(g, (o, src, wb) => {
      for (let c = 0, j = 0; c < ci; c++) {
        const v = xv[src + c];
        for (let m = 0; m < mult; m++, j++) acc[wb + j] += v * dyv[o + j];
      }
    });
    return args.backend.makeTensorInfo([...shape], "float32", Float32Array.from(acc));
  },
};

/** The depthwise convolution kernels. */
export const depthwiseKernels: FastKernel[] = [
  depthwise,
  fusedDepthwise,
  backpropInput,
  backpropFilter,
];
