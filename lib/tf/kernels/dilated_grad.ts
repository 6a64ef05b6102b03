/**
 * Gradients for dilated convolutions, which TF.js lacks ("dilation rates greater than 1 are not
 * yet supported in gradients"), for Conv2D, Conv3D and `tf.fused.conv2d`.
 *
 * On the CPU backend with medkd's fast kernels active, the gradient kernels are called with a
 * `dilations` attribute. Everywhere else (reference CPU kernels, WebGPU, native) the dilated
 * filter is expanded with zeros to its effective size, `(f - 1)·d + 1`, and the ordinary
 * (undilated) gradient kernels run on it; the filter gradient is then read back at every d-th tap.
 * Both are exact.
 * @module
 */
import * as tf from "../tf.ts";
import { isFastKernelActive } from "./registry.ts";

type Attrs = Record<string, unknown>;
type GradMap = Record<string, () => tf.Tensor>;

function tuple(v: unknown, n: number): number[] {
  return Array.isArray(v) ? v as number[] : Array(n).fill((v as number | undefined) ?? 1);
}

/** Insert `d - 1` zeros between filter taps along each spatial axis (filter `[...sp, ci, co]`). */
export function dilateFilter(filter: tf.Tensor, dil: number[]): tf.Tensor {
  return tf.tidy(() => {
    const sp = filter.shape.slice(0, dil.length);
    const [ci, co] = filter.shape.slice(dil.length);
    // [f0, 1, f1, 1, ..., ci, co] padded to [f0, d0, f1, d1, ...], reshaped, trimmed
    const inter = sp.flatMap((f) => [f, 1]);
    let t = filter.reshape([...inter, ci, co]);
    const pads: [number, number][] = sp.flatMap((_, i) =>
      [[0, 0], [0, dil[i] - 1]] as [
        number,
        number,
      ][]
    );
    t = tf.pad(t, [...pads, [0, 0], [0, 0]]);
    t = t.reshape([...sp.map((f, i) => f * dil[i]), ci, co]);
    const eff = sp.map((f, i) => (f - 1) * dil[i] + 1);
    return tf.slice(t, Array(t.rank).fill(0), [...eff, ci, co]);
  });
}

function effShape(fShape: number[], dil: number[]): number[] {
  return fShape.map((f, i) => (i < dil.length ? (f - 1) * dil[i] + 1 : f));
}

function useFast(input: string, filter: string, attrs: Attrs): boolean {
  const fmt = attrs.dataFormat as string | undefined;
  return tf.getBackend() === "cpu" && isFastKernelActive(input) && isFastKernelActive(filter) &&
    (fmt === undefined || fmt === "NHWC" || fmt === "NDHWC");
}

function dilatedGrads(
  rank: 2 | 3,
  dy: tf.Tensor,
  x: tf.Tensor,
  filter: tf.Tensor,
  attrs: Attrs,
): GradMap {
  const dil = tuple(attrs.dilations, rank);
  const [inName, fName] = rank === 2
    ? ["Conv2DBackpropInput", "Conv2DBackpropFilter"]
    : ["Conv3DBackpropInputV2", "Conv3DBackpropFilterV2"];
  const common: Attrs = rank === 2
    ? {
      strides: attrs.strides,
      pad: attrs.pad,
      dataFormat: attrs.dataFormat,
      dimRoundingMode: attrs.dimRoundingMode,
    }
    : { strides: attrs.strides, pad: attrs.pad };
  const run = (name: string, inputs: Record<string, tf.Tensor>, a: Attrs) =>
    tf.engine().runKernel(name, inputs as never, a as never) as tf.Tensor;
  if (useFast(inName, fName, attrs)) {
    return {
      x: () => run(inName, { dy, filter }, { ...common, inputShape: x.shape, dilations: dil }),
      filter: () => run(fName, { x, dy }, { ...common, filterShape: filter.shape, dilations: dil }),
    };
  }
  return {
    x: () =>
      tf.tidy(() =>
        run(inName, { dy, filter: dilateFilter(filter, dil) }, { ...common, inputShape: x.shape })
      ),
    filter: () =>
      tf.tidy(() => {
        const eff = effShape(filter.shape, dil);
        const g = run(fName, { x, dy }, { ...common, filterShape: eff });
        return tf.stridedSlice(g, Array(eff.length).fill(0), eff, [...dil, 1, 1]);
      }),
  };
}

function gradConfig(name: "Conv2D" | "Conv3D", rank: 2 | 3): tf.GradConfig {
  const original = tf.getGradient(name);
  return {
    kernelName: name,
    inputsToSave: ["x", "filter"],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as Attrs;
      if (tuple(a.dilations, rank).every((d) => d === 1) && original) {
        return original.gradFunc(dy, saved, attrs);
      }
      const [x, filter] = saved;
      return dilatedGrads(rank, dy as tf.Tensor, x, filter, a);
    },
  };
}

type FusedArgs = Parameters<typeof tf.fused.conv2d>[0];
let originalFused: typeof tf.fused.conv2d | undefined;

/** `tf.fused.conv2d` that, when recording gradients with dilation > 1, runs unfused ops. */
function fusedConv2d(args: FusedArgs): tf.Tensor {
  const dil = tuple(args.dilations, 2);
  if (dil.every((d) => d === 1) || tf.engine().state.gradientDepth === 0) {
    return originalFused!(args);
  }
  return tf.tidy((): tf.Tensor => {
    let y: tf.Tensor = tf.conv2d(
      args.x,
      args.filter,
      args.strides,
      args.pad,
      args.dataFormat,
      args.dilations,
      args.dimRoundingMode,
    );
    if (args.bias) y = tf.add(y, args.bias);
    switch (args.activation ?? "linear") {
      case "linear":
        return y;
      case "relu":
        return tf.relu(y);
      case "relu6":
        return tf.relu6(y);
      case "elu":
        return tf.elu(y);
      case "sigmoid":
        return tf.sigmoid(y);
      case "leakyrelu":
        return tf.leakyRelu(y, args.leakyreluAlpha);
      case "prelu":
        return tf.prelu(y, args.preluActivationWeights!);
    }
    throw new Error(`lib/tf/kernels/dilated_grad.ts: unknown activation ${args.activation}`);
  });
}

/**
 * TF.js has no gradient for Conv3DBackpropInputV2 (so `conv3dTranspose` cannot train): the
 * adjoint of a transposed convolution is the forward convolution, and its filter gradient is
 * the ordinary filter gradient with the roles of input and output swapped.
 */
const conv3dTransposeGrad: tf.GradConfig = {
  kernelName: "Conv3DBackpropInputV2",
  inputsToSave: ["dy", "filter"],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved;
    const { strides, pad } = attrs as { strides: [number, number, number]; pad: "valid" | "same" };
    const g = ddx as tf.Tensor5D;
    return {
      dy: () => tf.conv3d(g, filter as tf.Tensor5D, strides, pad),
      filter: () =>
        tf.engine().runKernel("Conv3DBackpropFilterV2", { x: g, dy }, {
          strides,
          pad,
          filterShape: filter.shape,
        } as never) as tf.Tensor,
    };
  },
};

let registered = false;

/**
 * Register the dilated-convolution gradients and the missing `conv3dTranspose` gradient
 * (idempotent, any backend). Called by
 * `installFastKernels` and by `initBackend`'s backends; safe to call directly.
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { registerDilatedGradients } from "./dilated_grad.ts";
 * registerDilatedGradients();
 * const g = tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, tf.ones([2, 2, 1, 1]), 1, "same", "NHWC", 2).sum());
 * const dx = g(tf.ones([1, 4, 4, 1]));
 * if (dx.shape.join() !== "1,4,4,1") throw new Error("bad shape");
 * ```
 */
export function registerDilatedGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient(gradConfig("Conv2D", 2));
  tf.registerGradient(gradConfig("Conv3D", 3));
  if (!tf.getGradient("Conv3DBackpropInputV2")) tf.registerGradient(conv3dTransposeGrad);
  originalFused = tf.fused.conv2d;
  (tf.fused as { conv2d: typeof tf.fused.conv2d }).conv2d = fusedConv2d as typeof tf.fused.conv2d;
}
