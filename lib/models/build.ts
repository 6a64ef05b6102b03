/**
 * Model-building context and PyTorch-faithful building blocks shared by every architecture:
 * seeded initialisers (PyTorch defaults, Kaiming fan-out, normal, truncated normal, Xavier),
 * convolutions with PyTorch's symmetric padding, BatchNorm with PyTorch's momentum/eps, pooling
 * with −∞ padding, dense layers and activations. Layer names follow PyTorch module paths so
 * checkpoints can be mapped by name.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import { createRng, Rng } from "../random/mod.ts";
import { Act, type ActKind, type InitSpec, makeInit, Pad } from "./layers/mod.ts";

/** How a weight is initialised (resolved against its fan-in / fan-out when the layer is made). */
export type Init =
  | "torch" // PyTorch default for conv/linear: U(±1/√fan_in) (bias too)
  | "kaiming_out" // N(0, 2/fan_out), PyTorch kaiming_normal_(mode="fan_out", relu)
  | "xavier" // U(±√(6/(fan_in+fan_out)))
  | "zeros"
  | { normal: number } // N(0, std²)
  | { trunc: number }; // truncated normal (±2 std)

/** The build context: one seeded RNG for all initialisers; `shapeOnly` makes every weight zero. */
export class Builder {
  readonly rng: Rng;
  constructor(seed: number | string = 0, readonly shapeOnly = false) {
    this.rng = createRng(seed);
  }

  /** A serialisable initialiser spec for a weight with the given fans. */
  spec(init: Init, fanIn: number, fanOut: number): InitSpec {
    if (this.shapeOnly || init === "zeros") return { kind: "zeros" };
    const seed = this.rng.seed();
    if (init === "torch") return { kind: "uniform", bound: 1 / Math.sqrt(fanIn), seed };
    if (init === "kaiming_out") return { kind: "normal", std: Math.sqrt(2 / fanOut), seed };
    if (init === "xavier") return { kind: "uniform", bound: Math.sqrt(6 / (fanIn + fanOut)), seed };
    if ("normal" in init) return { kind: "normal", std: init.normal, seed };
    return { kind: "truncnormal", std: init.trunc, seed };
  }

  /** A TF.js initialiser (zeros when `shapeOnly`). */
  init(init: Init, fanIn: number, fanOut: number): ReturnType<typeof makeInit> {
    return makeInit(this.spec(init, fanIn, fanOut));
  }

  /** Constant (ones, γ = 0 …) unless `shapeOnly`. */
  constant(value: number): ReturnType<typeof makeInit> {
    return makeInit(this.shapeOnly ? { kind: "zeros" } : { kind: "constant", value });
  }
}

/** Symbolic tensor shorthand. */
export type T = tf.SymbolicTensor;

/** Channels of a symbolic tensor. */
export function ch(x: T): number {
  return x.shape[x.shape.length - 1] as number;
}

/** Scale a channel count by a width multiplier (at least 1). */
export function scaled(c: number, width: number): number {
  return Math.max(1, Math.round(c * width));
}

/** Options of {@link conv}. */
export type ConvOpts = {
  filters: number;
  k: number;
  s?: number;
  /** PyTorch symmetric padding (default 0). */
  p?: number;
  d?: number;
  bias?: boolean;
  init?: Init;
  biasInit?: Init;
  /** Depthwise (groups = channels, filters = channels × multiplier). */
  depthwise?: boolean;
};

/** Convolution (2D or 3D by input rank) with PyTorch padding semantics. */
export function conv(b: Builder, x: T, o: ConvOpts, name: string): T {
  const rank = x.shape.length - 2;
  const s = o.s ?? 1, p = o.p ?? 0, d = o.d ?? 1, k = o.k;
  const cin = ch(x);
  const same = s === 1 && 2 * p === d * (k - 1);
  let inp = x;
  if (!same && p > 0) {
    inp = new Pad({ pads: Array(rank).fill([p, p]), name: `${name}.pad` }).apply(x) as T;
  }
  const kk = k ** rank;
  const fanIn = (o.depthwise ? 1 : cin) * kk;
  const fanOut = (o.depthwise ? 1 : o.filters) * kk;
  const kernelInitializer = b.init(o.init ?? "torch", fanIn, fanOut);
  const bias = o.bias ?? false;
  const biasInitializer = b.init(
    o.biasInit ?? (o.init === "torch" || !o.init ? "torch" : "zeros"),
    fanIn,
    fanOut,
  );
  const padding = same ? "same" : "valid";
  const common = {
    kernelSize: k,
    strides: s,
    padding,
    dilationRate: d,
    useBias: bias,
    name,
  } as const;
  if (o.depthwise) {
    return tf.layers.depthwiseConv2d({
      ...common,
      depthMultiplier: o.filters / cin,
      depthwiseInitializer: kernelInitializer,
      biasInitializer,
    }).apply(inp) as T;
  }
  const args = { ...common, filters: o.filters, kernelInitializer, biasInitializer };
  return (rank === 2 ? tf.layers.conv2d(args) : tf.layers.conv3d(args)).apply(inp) as T;
}

/** BatchNorm (PyTorch momentum 0.1 = Keras 0.9, eps 1e-5); `gammaZero` for zero-init residuals. */
export function bn(
  b: Builder,
  x: T,
  name: string,
  o: { eps?: number; gammaZero?: boolean } = {},
): T {
  return tf.layers.batchNormalization({
    axis: -1,
    momentum: 0.9,
    epsilon: o.eps ?? 1e-5,
    gammaInitializer: b.constant(o.gammaZero ? 0 : 1),
    betaInitializer: b.constant(0),
    name,
  }).apply(x) as T;
}

/** Activation layer. */
export function act(x: T, kind: ActKind | "sigmoid" | "linear", name: string): T {
  if (kind === "relu" || kind === "sigmoid" || kind === "linear" || kind === "relu6") {
    return tf.layers.activation({ activation: kind, name }).apply(x) as T;
  }
  return new Act({ kind, name }).apply(x) as T;
}

/** Max-pool (2D/3D) with PyTorch symmetric padding (padded with −∞). */
export function maxPool(x: T, k: number, s: number, p: number, name: string): T {
  const rank = x.shape.length - 2;
  const inp = p > 0
    ? new Pad({ pads: Array(rank).fill([p, p]), value: -Infinity, name: `${name}.pad` }).apply(
      x,
    ) as T
    : x;
  const args = { poolSize: k, strides: s, padding: "valid" as const, name };
  return (rank === 2 ? tf.layers.maxPooling2d(args) : tf.layers.maxPooling3d(args)).apply(inp) as T;
}

/** Average pool (2D, no padding). */
export function avgPool(x: T, k: number, s: number, name: string): T {
  return tf.layers.averagePooling2d({ poolSize: k, strides: s, padding: "valid", name }).apply(
    x,
  ) as T;
}

/** Dense layer (PyTorch `Linear`) on the last axis. */
export function dense(
  b: Builder,
  x: T,
  units: number,
  name: string,
  o: { bias?: boolean; init?: Init; biasInit?: Init } = {},
): T {
  const fanIn = ch(x);
  return tf.layers.dense({
    units,
    useBias: o.bias ?? true,
    kernelInitializer: b.init(o.init ?? "torch", fanIn, units),
    biasInitializer: b.init(
      o.biasInit ?? (o.init === "torch" || !o.init ? "torch" : "zeros"),
      fanIn,
      units,
    ),
    name,
  }).apply(x) as T;
}

/** Element-wise sum / concatenation (channels) helpers. */
export function add(xs: T[], name: string): T {
  return tf.layers.add({ name }).apply(xs) as T;
}

/** Concatenate along channels. */
export function concat(xs: T[], name: string): T {
  return tf.layers.concatenate({ axis: -1, name }).apply(xs) as T;
}

/** Identity layer used to give a tap or the logits its output name. */
export function named(x: T, name: string): T {
  return tf.layers.activation({ activation: "linear", name }).apply(x) as T;
}
