/**
 * Small element-wise layers: LayerScale, DropPath (stochastic depth, seeded), a channel-wise
 * multiply by a per-sample vector (SE gates, MD-Net's clinical modulation) and the activations
 * TF.js's layers API lacks (hard-swish, hard-sigmoid, leaky ReLU with a fixed slope, exact GELU).
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

/**
 * Learned per-channel scale `y = γ ⊙ x` (ConvNeXt / CaiT LayerScale), γ initialised to `init`.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { LayerScale } from "./elementwise.ts";
 * const y = new LayerScale({ init: 0.5 }).apply(tf.ones([1, 3])) as tf.Tensor;
 * if (y.dataSync()[2] !== 0.5) throw new Error("bad scale");
 * ```
 */
export class LayerScale extends tf.layers.Layer {
  static className = "MedkdLayerScale";
  readonly init: number;
  private gamma?: tf.LayerVariable;

  constructor(args: LayerArgs & { init?: number }) {
    super(args);
    this.init = args.init ?? 1e-6;
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(s), "LayerScale");
    this.gamma = this.addWeight(
      "gamma",
      [c],
      "float32",
      tf.initializers.constant({ value: this.init }),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(single(inputs), this.gamma!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), init: this.init };
  }
}

/**
 * Stochastic depth: in training, each sample's residual branch is zeroed with probability `rate`
 * and survivors are scaled by 1/(1 − rate); identity at inference. Masks come from TF.js's seeded
 * uniform generator, `seed + call index`, so a run is reproducible from its seed.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { DropPath } from "./elementwise.ts";
 * const l = new DropPath({ rate: 0.5, seed: 1 });
 * const y = l.apply(tf.ones([4, 2]), { training: true }) as tf.Tensor;
 * const v = Array.from(y.dataSync());
 * if (!v.every((a) => a === 0 || a === 2)) throw new Error("bad drop path");
 * ```
 */
export class DropPath extends tf.layers.Layer {
  static className = "MedkdDropPath";
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: LayerArgs & { rate: number; seed?: number }) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new LayerConfigError(`DropPath: rate must be in [0, 1), got ${args.rate}`);
    }
    this.rate = args.rate;
    this.seed = args.seed ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const x = single(inputs);
    if (!kwargs?.training || this.rate === 0) return tf.clone(x);
    const seed = this.seed + this.calls++;
    return tf.tidy(() => {
      const shape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
      const keep = tf.cast(
        tf.greaterEqual(tf.randomUniform(shape, 0, 1, "float32", seed), this.rate),
        "float32",
      );
      return tf.mul(x, tf.div(keep, 1 - this.rate));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/**
 * `[x, g]` → `x ⊙ g` with `g` of shape [N, C] broadcast over the spatial axes of `x`
 * ([N, …, C]).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { ChannelScale } from "./elementwise.ts";
 * const y = new ChannelScale({}).apply([tf.ones([1, 2, 2, 2]), tf.tensor2d([[2, 3]])]) as tf.Tensor;
 * if (y.dataSync()[1] !== 3) throw new Error("bad channel scale");
 * ```
 */
export class ChannelScale extends tf.layers.Layer {
  static className = "MedkdChannelScale";

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, g] = inputs as tf.Tensor[];
      const shape = [g.shape[0], ...x.shape.slice(1, -1).map(() => 1), g.shape[g.rank - 1]];
      return tf.mul(x, tf.reshape(g, shape));
    });
  }
}

/** Activation kinds of {@link Act}. */
export type ActKind = "hswish" | "hsigmoid" | "leaky" | "gelu" | "relu" | "relu6";

/**
 * Activation layer: `hswish` x·relu6(x+3)/6, `hsigmoid` relu6(x+3)/6, `leaky` (slope `alpha`,
 * default 0.01 as PyTorch), `gelu` (erf form), `relu`, `relu6`.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { Act } from "./elementwise.ts";
 * const y = new Act({ kind: "hswish" }).apply(tf.tensor1d([3])) as tf.Tensor;
 * if (y.dataSync()[0] !== 3) throw new Error("bad hswish");
 * ```
 */
export class Act extends tf.layers.Layer {
  static className = "MedkdAct";
  readonly kind: ActKind;
  readonly alpha: number;

  constructor(args: LayerArgs & { kind: ActKind; alpha?: number }) {
    super(args);
    this.kind = args.kind;
    this.alpha = args.alpha ?? 0.01;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      switch (this.kind) {
        case "hswish":
          return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
        case "hsigmoid":
          return tf.div(tf.relu6(tf.add(x, 3)), 6);
        case "leaky":
          return tf.leakyRelu(x, this.alpha);
        case "gelu":
          return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
        case "relu":
          return tf.relu(x);
        case "relu6":
          return tf.relu6(x);
      }
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kind: this.kind, alpha: this.alpha };
  }
}

/**
 * Learned additive position embedding with the input's shape (without batch): a position map
 * [H, W, C] (Visformer) or a token table [L, C] (ViT / TransUNet).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { AddPosition } from "./elementwise.ts";
 * const l = new AddPosition({});
 * const y = l.apply(tf.ones([2, 3, 4])) as tf.Tensor;
 * if (l.countParams() !== 12 || y.shape[0] !== 2) throw new Error("bad position");
 * ```
 */
export class AddPosition extends tf.layers.Layer {
  static className = "MedkdAddPosition";
  readonly init: InitSpec;
  private pos?: tf.LayerVariable;

  constructor(args: LayerArgs & { init?: InitSpec }) {
    super(args);
    this.init = args.init ?? { kind: "zeros" };
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(s).slice(1);
    if (shape.some((d) => d == null)) {
      throw new LayerConfigError("AddPosition: shape must be known");
    }
    this.pos = this.addWeight("position", shape as number[], "float32", makeInit(this.init));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(single(inputs), this.pos!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), init: this.init };
  }
}

tf.serialization.registerClass(AddPosition);
tf.serialization.registerClass(LayerScale);
tf.serialization.registerClass(DropPath);
tf.serialization.registerClass(ChannelScale);
tf.serialization.registerClass(Act);
