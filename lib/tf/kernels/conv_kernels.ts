/**
 * Fast CPU kernels for Conv2D, FusedConv2D, Conv3D and their input / filter gradients
 * (channels-last; NCHW falls back to the reference kernels). The gradient kernels also honour a
 * `dilations` attribute, which medkd's dilated-convolution gradients pass.
 * @module
 */
import * as tf from "../tf.ts";
import { activationSupported, addBias, applyActivation } from "./activation.ts";
import { convBackpropFilter, convBackpropInput, convForward } from "./conv_gemm.ts";
import { type ConvGeom, geom2d, geom3d } from "./im2col.ts";
import { f32, type FastKernel, type KernelArgs, type TensorInfo } from "./registry.ts";

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
const bu = tf.backend_util;

function nhwc(attrs: { dataFormat?: string }): boolean {
  return attrs.dataFormat === undefined || attrs.dataFormat === "NHWC" ||
    attrs.dataFormat === "channelsLast";
}

function info2d(
  xShape: number[],
  fShape: number[],
  a: { strides: number; pad: Pad; dilations?: number; dimRoundingMode?: string },
): ConvGeom {
  return geom2d(
    bu.computeConv2DInfo(
      xShape as [number, number, number, number],
      fShape as [number, number, number, number],
      a.strides,
      a.dilations ?? 1,
      a.pad as "valid",
      a.dimRoundingMode as "floor" | undefined,
      false,
      "channelsLast",
    ),
  );
}

function info3d(
  xShape: number[],
  fShape: number[],
  a: { strides: number; pad: "valid" | "same"; dilations?: number },
): ConvGeom {
  return geom3d(
    bu.computeConv3DInfo(
      xShape as [number, number, number, number, number],
      fShape as [number, number, number, number, number],
      a.strides,
      a.dilations ?? 1,
      a.pad,
    ),
  );
}

function out(args: KernelArgs, shape: number[], v: Float32Array): TensorInfo {
  return args.backend.makeTensorInfo(shape, "float32", v);
}

const conv2d: FastKernel = {
  name: "Conv2D",
  func(args) {
    const { x, filter } = args.inputs;
    const xv = f32(args.backend, x), wv = f32(args.backend, filter);
    if (!xv || !wv || !nhwc(args.attrs)) return null;
    const g = info2d(x.shape, filter.shape, args.attrs);
    return out(args, [g.n, g.oh, g.ow, g.co], convForward(g, xv, wv));
  },
};

const fusedConv2d: FastKernel = {
  name: "FusedConv2D",
  func(args) {
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const { activation, leakyreluAlpha } = args.attrs;
    const xv = f32(args.backend, x), wv = f32(args.backend, filter);
    if (!xv || !wv || !nhwc(args.attrs)) return null;
    const bv = bias ? f32(args.backend, bias) : null;
    if (bias && !bv) return null;
    const alpha = preluActivationWeights ? f32(args.backend, preluActivationWeights) : null;
    const g = info2d(x.shape, filter.shape, args.attrs);
    const size = g.n * g.oh * g.ow * g.co;
    if (!activationSupported(activation, alpha, g.co, size)) return null;
    if (bv && bv.length !== 1 && bv.length !== g.co && bv.length !== size) return null;
    const y = convForward(g, xv, wv);
    if (bv) addBias(y, bv, g.co);
    applyActivation(y, activation, g.co, alpha, leakyreluAlpha);
    return out(args, [g.n, g.oh, g.ow, g.co], y);
  },
};

const conv2dBackpropInput: FastKernel = {
  name: "Conv2DBackpropInput",
  func(args) {
    const { dy, filter } = args.inputs;
    const dyv = f32(args.backend, dy), wv = f32(args.backend, filter);
    if (!dyv || !wv || !nhwc(args.attrs)) return null;
    const shape = args.attrs.inputShape as number[];
    const g = info2d(shape, filter.shape, args.attrs);
    return out(args, [...shape], convBackpropInput(g, dyv, wv));
  },
};

const conv2dBackpropFilter: FastKernel = {
  name: "Conv2DBackpropFilter",
  func(args) {
    const { x, dy } = args.inputs;
    const xv = f32(args.backend, x), dyv = f32(args.backend, dy);
    if (!xv || !dyv || !nhwc(args.attrs)) return null;
    const shape = args.attrs.filterShape as number[];
    const g = info2d(x.shape, shape, args.attrs);
    return out(args, [...shape], convBackpropFilter(g, xv, dyv));
  },
};

const conv3d: FastKernel = {
  name: "Conv3D",
  func(args) {
    const { x, filter } = args.inputs;
    const xv = f32(args.backend, x), wv = f32(args.backend, filter);
    if (!xv || !wv) return null;
    const g = info3d(x.shape, filter.shape, args.attrs);
    return out(args, [g.n, g.od, g.oh, g.ow, g.co], convForward(g, xv, wv));
  },
};

const conv3dBackpropInput: FastKernel = {
  name: "Conv3DBackpropInputV2",
  func(args) {
    const { dy, filter } = args.inputs;
    const dyv = f32(args.backend, dy), wv = f32(args.backend, filter);
    if (!dyv || !wv) return null;
    const shape = args.attrs.inputShape as number[];
    const g = info3d(shape, filter.shape, args.attrs);
    return out(args, [...shape], convBackpropInput(g, dyv, wv));
  },
};

const conv3dBackpropFilter: FastKernel = {
  name: "Conv3DBackpropFilterV2",
  func(args) {
    const { x, dy } = args.inputs;
    const xv = f32(args.backend, x), dyv = f32(args.backend, dy);
    if (!xv || !dyv) return null;
    const shape = args.attrs.filterShape as number[];
    const g = info3d(x.shape, shape, args.attrs);
    return out(args, [...shape], convBackpropFilter(g, xv, dyv));
  },
};

/** The convolution kernels. */
export const convKernels: FastKernel[] = [
  conv2d,
  fusedConv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  conv3d,
  conv3dBackpropInput,
  conv3dBackpropFilter,
];
