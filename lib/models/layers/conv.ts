/**
 * Convolutions TF.js lacks: weight-standardised 2D/3D convolution (LCKD's WS-conv, TransUNet's
 * StdConv2d) with PyTorch-style symmetric padding, and grouped 2D convolution (Visformer).
 * Kernels are stored channels-last: [kh, kw, cin, cout] / [kd, kh, kw, cin, cout].
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import {
  channels,
  InitSpec,
  LayerArgs,
  LayerConfigError,
  makeInit,
  single,
  singleShape,
} from "./common.ts";

type ConvArgs = LayerArgs & {
  filters: number;
  kernelSize: number;
  /** One stride for every axis, or one per spatial axis. */
  strides?: number | number[];
  /** Symmetric zero padding per spatial side (PyTorch `padding`). */
  padding?: number;
  dilation?: number;
  useBias?: boolean;
  kernelInit?: InitSpec;
  biasInit?: InitSpec;
};

function outSide(d: number | null, k: number, s: number, p: number, dil: number): number | null {
  return d == null ? null : Math.floor((d + 2 * p - dil * (k - 1) - 1) / s) + 1;
}

abstract class ConvBase extends tf.layers.Layer {
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number | number[];
  readonly padding: number;
  readonly dilation: number;
  readonly useBias: boolean;
  readonly kernelInit: InitSpec;
  readonly biasInit: InitSpec;
  protected kernel?: tf.LayerVariable;
  protected bias?: tf.LayerVariable;

  constructor(args: ConvArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    this.padding = args.padding ?? 0;
    this.dilation = args.dilation ?? 1;
    this.useBias = args.useBias ?? false;
    this.kernelInit = args.kernelInit ?? { kind: "normal", std: 0.02, seed: 0 };
    this.biasInit = args.biasInit ?? { kind: "zeros" };
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(s);
    const k = this.kernelSize, p = this.padding, d = this.dilation;
    const st = (i: number) => (Array.isArray(this.strides) ? this.strides[i] : this.strides);
    return [
      shape[0],
      ...shape.slice(1, -1).map((v, i) => outSide(v, k, st(i), p, d)),
      this.filters,
    ];
  }

  protected addKernel(shape: number[]): void {
    this.kernel = this.addWeight("kernel", shape, "float32", makeInit(this.kernelInit));
    if (this.useBias) {
      this.bias = this.addWeight("bias", [this.filters], "float32", makeInit(this.biasInit));
    }
  }

  /**
   * TF's padding mode for the conv after {@link padInput}: `"same"` where it equals PyTorch's
   * symmetric `padding` (stride 1 and 2p = d·(k − 1)), so no explicit Pad runs (nor the Slice of
   * its gradient: together ~40 % of an LCKD training step's kernel time); otherwise `"valid"`.
   */
  protected tfPadding(): "same" | "valid" {
    const st = Array.isArray(this.strides) ? this.strides : [this.strides];
    const p = this.padding, d = this.dilation;
    return p > 0 && st.every((v) => v === 1) && 2 * p === d * (this.kernelSize - 1)
      ? "same"
      : "valid";
  }

  protected padInput(x: tf.Tensor): tf.Tensor {
    const p = this.padding;
    if (p === 0 || this.tfPadding() === "same") return x;
    return tf.pad(x, [[0, 0], ...x.shape.slice(1, -1).map((): [number, number] => [p, p]), [0, 0]]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilation: this.dilation,
      useBias: this.useBias,
      kernelInit: this.kernelInit,
      biasInit: this.biasInit,
    };
  }
}

/**
 * Weight-standardised convolution: each output filter of the kernel is standardised on every
 * call, `(w − mean) / sqrt(var + eps)` over (k…, cin); `unbiased` picks the variance divisor
 * (LCKD: unbiased, eps 1e-12; TransUNet StdConv2d: biased, eps 1e-6). Works for 2D (rank 4
 * input) and 3D (rank 5), with PyTorch symmetric `padding`, `strides` and `dilation`.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { WSConv } from "./conv.ts";
 * const l = new WSConv({ filters: 2, kernelSize: 3, padding: 1 });
 * const y = l.apply(tf.ones([1, 4, 4, 4, 1])) as tf.Tensor;
 * if (y.shape.join() !== "1,4,4,4,2") throw new Error(String(y.shape));
 * ```
 */
export class WSConv extends ConvBase {
  static className = "MedkdWSConv";
  readonly epsilon: number;
  readonly unbiased: boolean;

  constructor(args: ConvArgs & { epsilon?: number; unbiased?: boolean }) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-12;
    this.unbiased = args.unbiased ?? true;
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(s);
    const rank = shape.length - 2;
    if (rank !== 2 && rank !== 3) throw new LayerConfigError(`WSConv: spatial rank ${rank}`);
    const cin = channels(shape, "WSConv");
    this.addKernel([...Array(rank).fill(this.kernelSize), cin, this.filters]);
    this.built = true;
  }

  /** The standardised kernel (for tests and export). */
  standardised(): tf.Tensor {
    return tf.tidy(() => {
      const w = this.kernel!.read();
      const axes = Array.from({ length: w.rank - 1 }, (_, i) => i);
      const n = w.size / w.shape[w.rank - 1];
      const { mean, variance } = tf.moments(w, axes, true);
      const v = this.unbiased && n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      return tf.div(tf.sub(w, mean), tf.sqrt(tf.add(v, this.epsilon)));
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = this.padInput(single(inputs));
      const w = this.standardised();
      const s = this.strides as [number, number, number], d = this.dilation;
      let y = x.rank === 4
        ? tf.conv2d(
          x as tf.Tensor4D,
          w as tf.Tensor4D,
          s as unknown as [number, number],
          this.tfPadding(),
          "NHWC",
          d,
        )
        : tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, s, this.tfPadding(), "NDHWC", d);
      if (this.bias) y = tf.add(y, this.bias.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, unbiased: this.unbiased };
  }
}

/**
 * Grouped 2D convolution (PyTorch `groups`): input channels split into `groups` equal parts, each
 * convolved by its own `filters / groups` filters; kernel [k, k, cin/groups, filters] with output
 * channel `o` belonging to group `floor(o / (filters / groups))`, as PyTorch orders it.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { GroupConv2D } from "./conv.ts";
 * const l = new GroupConv2D({ filters: 4, kernelSize: 3, padding: 1, groups: 2 });
 * const y = l.apply(tf.ones([1, 5, 5, 4])) as tf.Tensor;
 * if (y.shape.join() !== "1,5,5,4" || l.countParams() !== 72) throw new Error("bad group conv");
 * ```
 */
export class GroupConv2D extends ConvBase {
  static className = "MedkdGroupConv2D";
  readonly groups: number;

  constructor(args: ConvArgs & { groups: number }) {
    super(args);
    this.groups = args.groups;
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const cin = channels(singleShape(s), "GroupConv2D");
    const g = this.groups;
    if (cin % g !== 0 || this.filters % g !== 0) {
      throw new LayerConfigError(
        `GroupConv2D: ${cin}→${this.filters} not divisible by ${g} groups`,
      );
    }
    this.addKernel([this.kernelSize, this.kernelSize, cin / g, this.filters]);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = this.padInput(single(inputs)) as tf.Tensor4D;
      const g = this.groups;
      const xs = tf.split(x, g, 3);
      const ws = tf.split(this.kernel!.read(), g, 3);
      const ys = xs.map((xi, i) =>
        tf.conv2d(
          xi as tf.Tensor4D,
          ws[i] as tf.Tensor4D,
          this.strides as number,
          this.tfPadding(),
          "NHWC",
          this.dilation,
        )
      );
      let y: tf.Tensor = g === 1 ? ys[0] : tf.concat(ys, 3);
      if (this.bias) y = tf.add(y, this.bias.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}

/**
 * Depthwise transposed 2D convolution (PyTorch `ConvTranspose2d(C, C, k, stride, padding,
 * groups=C)`), followed by `extra` rows/columns of zeros before (MedNeXt's `F.pad(x, (1,0,1,0))`).
 * Output side (H−1)·s − 2p + k + extra. Computed exactly as zero insertion + depthwise
 * correlation with the flipped kernel; kernel stored [k, k, C, 1] in PyTorch orientation.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { DepthwiseConvTranspose2D } from "./conv.ts";
 * const l = new DepthwiseConvTranspose2D({ kernelSize: 3, strides: 2, padding: 1, extra: 1 });
 * const y = l.apply(tf.ones([1, 4, 4, 2])) as tf.Tensor;
 * if (y.shape.join() !== "1,8,8,2") throw new Error(String(y.shape));
 * ```
 */
export class DepthwiseConvTranspose2D extends tf.layers.Layer {
  static className = "MedkdDepthwiseConvTranspose2D";
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: number;
  readonly extra: number;
  readonly kernelInit: InitSpec;
  readonly biasInit: InitSpec;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(
    args: LayerArgs & {
      kernelSize: number;
      strides?: number;
      padding?: number;
      extra?: number;
      kernelInit?: InitSpec;
      biasInit?: InitSpec;
    },
  ) {
    super(args);
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 2;
    this.padding = args.padding ?? 0;
    this.extra = args.extra ?? 0;
    this.kernelInit = args.kernelInit ?? { kind: "normal", std: 0.02, seed: 0 };
    this.biasInit = args.biasInit ?? { kind: "zeros" };
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(s), "DepthwiseConvTranspose2D");
    const k = this.kernelSize;
    this.kernel = this.addWeight("kernel", [k, k, c, 1], "float32", makeInit(this.kernelInit));
    this.bias = this.addWeight("bias", [c], "float32", makeInit(this.biasInit));
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = singleShape(s);
    const f = (d: number | null) =>
      d == null ? null : (d - 1) * this.strides - 2 * this.padding + this.kernelSize + this.extra;
    return [n, f(h), f(w), c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = single(inputs);
      const s = this.strides, k = this.kernelSize, p = this.padding;
      for (const axis of [1, 2]) {
        if (s === 1) break;
        const shape = x.shape.slice();
        const z = tf.zeros([...shape.slice(0, axis + 1), s - 1, ...shape.slice(axis + 1)]);
        const inter = tf.concat([tf.expandDims(x, axis + 1), z], axis + 1);
        shape[axis] = shape[axis] * s;
        const flat = tf.reshape(inter, shape);
        const size = flat.shape.map((d, i) => (i === axis ? d - (s - 1) : -1));
        x = tf.slice(flat, flat.shape.map(() => 0), size);
      }
      const q = k - 1 - p;
      x = tf.pad(x, [[0, 0], [q, q], [q, q], [0, 0]]);
      const wf = tf.reverse(this.kernel!.read(), [0, 1]) as tf.Tensor4D;
      let y: tf.Tensor = tf.add(
        tf.depthwiseConv2d(x as tf.Tensor4D, wf, 1, "valid"),
        this.bias!.read(),
      );
      if (this.extra) y = tf.pad(y, [[0, 0], [this.extra, 0], [this.extra, 0], [0, 0]]);
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      extra: this.extra,
      kernelInit: this.kernelInit,
      biasInit: this.biasInit,
    };
  }
}

/**
 * Transposed convolution with kernel = stride (non-overlapping; PyTorch `ConvTranspose2d/3d(k=s)`,
 * e.g. the LCKD / UNETR up-convs), computed as a channel matmul to k^d·Cout followed by depth to
 * space — differentiable everywhere (TF.js has no gradient for Conv3DBackpropInputV2, the op
 * behind its 3D transposed convolution). Kernel layout [k…, Cout, Cin] as TF.js's.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { PatchConvTranspose } from "./conv.ts";
 * const l = new PatchConvTranspose({ filters: 3, kernelSize: 2 });
 * const y = l.apply(tf.ones([1, 2, 2, 2, 4])) as tf.Tensor;
 * if (y.shape.join() !== "1,4,4,4,3" || l.countParams() !== 96) throw new Error("bad up-conv");
 * ```
 */
export class PatchConvTranspose extends tf.layers.Layer {
  static className = "MedkdPatchConvTranspose";
  readonly filters: number;
  readonly kernelSize: number;
  readonly useBias: boolean;
  readonly kernelInit: InitSpec;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(
    args: LayerArgs & {
      filters: number;
      kernelSize: number;
      useBias?: boolean;
      kernelInit?: InitSpec;
    },
  ) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.useBias = args.useBias ?? false;
    this.kernelInit = args.kernelInit ?? { kind: "normal", std: 0.02, seed: 0 };
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(s);
    const cin = channels(shape, "PatchConvTranspose");
    const rank = shape.length - 2;
    const k = this.kernelSize;
    this.kernel = this.addWeight(
      "kernel",
      [...Array(rank).fill(k), this.filters, cin],
      "float32",
      makeInit(this.kernelInit),
    );
    if (this.useBias) {
      this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(s);
    const k = this.kernelSize;
    return [shape[0], ...shape.slice(1, -1).map((d) => (d == null ? null : d * k)), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const rank = x.rank - 2, k = this.kernelSize, co = this.filters;
      const w = this.kernel!.read();
      const cin = w.shape[w.rank - 1];
      // [k…, Cout, Cin] → [Cin, k…·Cout]
      const perm = [rank + 1, ...Array.from({ length: rank + 1 }, (_, i) => i)];
      const wm = tf.reshape(tf.transpose(w, perm), [cin, -1]) as tf.Tensor2D;
      const sp = x.shape.slice(1, -1);
      const y = tf.reshape(tf.matMul(tf.reshape(x, [-1, cin]) as tf.Tensor2D, wm), [
        x.shape[0],
        ...sp,
        ...Array(rank).fill(k),
        co,
      ]);
      // interleave: [n, s1, s2, (s3), k1, k2, (k3), co] → [n, s1, k1, s2, k2, (s3, k3), co]
      const order = [0];
      for (let i = 0; i < rank; i++) order.push(1 + i, 1 + rank + i);
      order.push(1 + 2 * rank);
      let out: tf.Tensor = tf.reshape(tf.transpose(y, order), [
        x.shape[0],
        ...sp.map((d) => d * k),
        co,
      ]);
      if (this.bias) out = tf.add(out, this.bias.read());
      return out;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      useBias: this.useBias,
      kernelInit: this.kernelInit,
    };
  }
}

tf.serialization.registerClass(PatchConvTranspose);
tf.serialization.registerClass(DepthwiseConvTranspose2D);
tf.serialization.registerClass(WSConv);
tf.serialization.registerClass(GroupConv2D);
