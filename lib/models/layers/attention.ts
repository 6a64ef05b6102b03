/**
 * Multi-head self-attention over tokens [N, L, C] (ViT / MD-Net fusion / Visformer / TransUNet).
 * One fused q·k·v projection [C, 3·inner] has exactly the parameters of PyTorch's separate
 * Q, K, V linears (split the kernel's columns as q | k | v, heads contiguous inside each).
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

/** [..., C] × [C, D] → [..., D] for any leading shape. */
export function denseLast(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const y = tf.matMul(tf.reshape(x, [-1, x.shape[x.rank - 1]]) as tf.Tensor2D, w as tf.Tensor2D);
  const out = tf.reshape(y, [...lead, w.shape[1] as number]);
  return b ? tf.add(out, b) : out;
}

/**
 * Scaled dot-product attention over `heads` for q/k/v [B, L, heads·d]; `bias` (broadcastable to
 * [B, heads, L, L]) is added to the scores. Returns [B, L, heads·d].
 */
export function attend(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  heads: number,
  bias?: tf.Tensor,
): tf.Tensor {
  const [b, l, inner] = q.shape;
  const d = inner / heads;
  const split = (t: tf.Tensor) =>
    tf.transpose(tf.reshape(t, [b, t.shape[1] as number, heads, d]), [0, 2, 1, 3]);
  let s = tf.mul(tf.matMul(split(q), split(k), false, true), 1 / Math.sqrt(d));
  if (bias) s = tf.add(s, bias);
  const o = tf.matMul(tf.softmax(s), split(v));
  return tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [b, l, inner]);
}

type MhsaArgs = LayerArgs & {
  heads: number;
  /** Width of q, k and v (default: the input width). */
  inner?: number;
  qkvBias?: boolean;
  projBias?: boolean;
  kernelInit?: InitSpec;
  biasInit?: InitSpec;
};

/**
 * Multi-head self-attention with output projection: `proj(attend(x Wq, x Wk, x Wv))`.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { MultiHeadSelfAttention } from "./attention.ts";
 * const l = new MultiHeadSelfAttention({ heads: 2 });
 * const y = l.apply(tf.ones([1, 3, 4])) as tf.Tensor;
 * if (y.shape.join() !== "1,3,4" || l.countParams() !== 80) throw new Error("bad mhsa");
 * ```
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = "MedkdMultiHeadSelfAttention";
  readonly heads: number;
  readonly inner: number | null;
  readonly qkvBias: boolean;
  readonly projBias: boolean;
  readonly kernelInit: InitSpec;
  readonly biasInit: InitSpec;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: MhsaArgs) {
    super(args);
    this.heads = args.heads;
    this.inner = args.inner ?? null;
    this.qkvBias = args.qkvBias ?? true;
    this.projBias = args.projBias ?? true;
    this.kernelInit = args.kernelInit ?? { kind: "truncnormal", std: 0.02, seed: 0 };
    this.biasInit = args.biasInit ?? { kind: "zeros" };
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(s), "MultiHeadSelfAttention");
    const inner = this.inner ?? c;
    if (inner % this.heads !== 0) {
      throw new LayerConfigError(`MultiHeadSelfAttention: width ${inner} not divisible by heads`);
    }
    const ki = makeInit(this.kernelInit), bi = makeInit(this.biasInit);
    this.w.qkv = this.addWeight("qkv_kernel", [c, 3 * inner], "float32", ki);
    if (this.qkvBias) this.w.qkvB = this.addWeight("qkv_bias", [3 * inner], "float32", bi);
    this.w.proj = this.addWeight("proj_kernel", [inner, c], "float32", ki);
    if (this.projBias) this.w.projB = this.addWeight("proj_bias", [c], "float32", bi);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const qkv = denseLast(x, this.w.qkv.read(), this.w.qkvB?.read());
      const [q, k, v] = tf.split(qkv, 3, 2);
      const o = attend(q, k, v, this.heads);
      return denseLast(o, this.w.proj.read(), this.w.projB?.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      heads: this.heads,
      inner: this.inner,
      qkvBias: this.qkvBias,
      projBias: this.projBias,
      kernelInit: this.kernelInit,
      biasInit: this.biasInit,
    };
  }
}

/**
 * Attention with queries from the first input and keys/values from the second (or the first
 * when called with one input): `proj(attend(x Wq, y Wk, y Wv))`, weights q [C, C], kv [C, 2C],
 * proj [C, C], all with bias (SegFormer / MISSFormer efficient attention, whose `y` is the
 * spatially reduced sequence).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { CrossAttention } from "./attention.ts";
 * const l = new CrossAttention({ heads: 2 });
 * const y = l.apply([tf.ones([1, 5, 4]), tf.ones([1, 2, 4])]) as tf.Tensor;
 * if (y.shape.join() !== "1,5,4" || l.countParams() !== 80) throw new Error("bad attention");
 * ```
 */
export class CrossAttention extends tf.layers.Layer {
  static className = "MedkdCrossAttention";
  readonly heads: number;
  readonly kernelInit: InitSpec;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: LayerArgs & { heads: number; kernelInit?: InitSpec }) {
    super(args);
    this.heads = args.heads;
    this.kernelInit = args.kernelInit ?? { kind: "truncnormal", std: 0.02, seed: 0 };
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(s), "CrossAttention");
    if (c % this.heads !== 0) throw new LayerConfigError(`CrossAttention: ${c} % ${this.heads}`);
    const ki = makeInit(this.kernelInit), z = tf.initializers.zeros();
    this.w.q = this.addWeight("q_kernel", [c, c], "float32", ki);
    this.w.qB = this.addWeight("q_bias", [c], "float32", z);
    this.w.kv = this.addWeight("kv_kernel", [c, 2 * c], "float32", ki);
    this.w.kvB = this.addWeight("kv_bias", [2 * c], "float32", z);
    this.w.proj = this.addWeight("proj_kernel", [c, c], "float32", ki);
    this.w.projB = this.addWeight("proj_bias", [c], "float32", z);
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const x = list[0], y = list[1] ?? list[0];
      const q = denseLast(x, this.w.q.read(), this.w.qB.read());
      const [k, v] = tf.split(denseLast(y, this.w.kv.read(), this.w.kvB.read()), 2, 2);
      return denseLast(attend(q, k, v, this.heads), this.w.proj.read(), this.w.projB.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, kernelInit: this.kernelInit };
  }
}

tf.serialization.registerClass(CrossAttention);
tf.serialization.registerClass(MultiHeadSelfAttention);
