/**
 * Normalisations TF.js lacks: GroupNorm, InstanceNorm (2D and 3D, optional affine) and a
 * batch-statistics norm that never uses running averages (MD-Net's `ContBatchNorm3d`). All act on
 * channels-last tensors of rank 3 (tokens), 4 (NHWC) or 5 (NDHWC) and use the biased variance.
 * LayerNorm over channels is TF.js's own `tf.layers.layerNormalization({ axis: -1 })`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import { fastKernelsActive } from "../../tf/kernels/registry.ts";
import { channels, LayerArgs, LayerConfigError, single, singleShape } from "./common.ts";

type NormArgs = LayerArgs & { epsilon?: number; affine?: boolean };

abstract class AffineNorm extends tf.layers.Layer {
  readonly epsilon: number;
  readonly affine: boolean;
  protected gamma?: tf.LayerVariable;
  protected beta?: tf.LayerVariable;

  constructor(args: NormArgs) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    this.affine = args.affine ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(inputShape), this.getClassName());
    if (this.affine) {
      this.gamma = this.addWeight("gamma", [c], "float32", tf.initializers.ones());
      this.beta = this.addWeight("beta", [c], "float32", tf.initializers.zeros());
    }
    this.built = true;
  }

  protected scaleShift(y: tf.Tensor): tf.Tensor {
    if (!this.affine) return y;
    return tf.add(tf.mul(y, this.gamma!.read()), this.beta!.read());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, affine: this.affine };
  }
}

function normalise(x: tf.Tensor, axes: number[], eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
}

/**
 * `(x − mean) / √(var + eps)` per channel over all axes but the first `keep` and the last, for a
 * channels-last `x` seen as [A, R, C] (A = product of the first `keep` axes): the InstanceNorm
 * (`keep` 1) and batch-statistics (`keep` 0) normalisation as one JS kernel with its closed-form
 * gradient, dx = r·(dy − mean_R(dy) − ŷ·mean_R(dy·ŷ)) with r = 1/√(var + eps). On the CPU backend
 * the composite (`tf.moments`, then a middle-axis broadcast subtract and divide, and their
 * gradients) was ~40 % of an LCKD training step (`tf.profile`, demo patch).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { normaliseChannels } from "./norm.ts";
 * const y = normaliseChannels(tf.tensor3d([1, 10, 3, 30], [1, 2, 2]), 1, 0).dataSync();
 * if (Math.abs(y[0] + 1) > 1e-6 || Math.abs(y[3] - 1) > 1e-6) throw new Error(String(y));
 * ```
 */
export function normaliseChannels(x: tf.Tensor, keep: 0 | 1, eps: number): tf.Tensor {
  const C = x.shape[x.rank - 1];
  const A = keep === 1 ? x.shape[0] : 1;
  const R = x.size / (A * C);
  const shape = x.shape;
  const f = tf.customGrad((...args: unknown[]) => {
    const xv = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const y = new Float32Array(x.size), rstd = new Float64Array(A * C);
    const m = new Float64Array(C), v = new Float64Array(C);
    for (let a = 0; a < A; a++) {
      const base = a * R * C;
      m.fill(0);
      v.fill(0);
      for (let r = 0; r < R; r++) {
        const o = base + r * C;
        for (let c = 0; c < C; c++) m[c] += xv[o + c];
      }
      for (let c = 0; c < C; c++) m[c] /= R;
      for (let r = 0; r < R; r++) {
        const o = base + r * C;
        for (let c = 0; c < C; c++) {
          const d = xv[o + c] - m[c];
          v[c] += d * d;
        }
      }
      for (let c = 0; c < C; c++) v[c] = rstd[a * C + c] = 1 / Math.sqrt(v[c] / R + eps);
      for (let r = 0; r < R; r++) {
        const o = base + r * C;
        for (let c = 0; c < C; c++) y[o + c] = (xv[o + c] - m[c]) * v[c];
      }
    }
    return {
      value: tf.tensor(y, shape),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(x.size);
        for (let a = 0; a < A; a++) {
          const base = a * R * C;
          m.fill(0);
          v.fill(0);
          for (let r = 0; r < R; r++) {
            const o = base + r * C;
            for (let c = 0; c < C; c++) {
              m[c] += g[o + c];
              v[c] += g[o + c] * y[o + c];
            }
          }
          for (let c = 0; c < C; c++) {
            m[c] /= R;
            v[c] /= R;
          }
          for (let r = 0; r < R; r++) {
            const o = base + r * C;
            for (let c = 0; c < C; c++) {
              dx[o + c] = rstd[a * C + c] * (g[o + c] - m[c] - y[o + c] * v[c]);
            }
          }
        }
        return tf.tensor(dx, shape);
      },
    };
  });
  return f(x) as tf.Tensor;
}

/**
 * The normalisation for the active backend: the JS kernel on CPU while medkd's fast kernels are on,
 * TF.js's composite elsewhere (other backends, `MEDKD_FAST_KERNELS=0`, reference-kernel runs).
 */
function normaliseFor(x: tf.Tensor, keep: 0 | 1, eps: number): tf.Tensor {
  if (tf.getBackend() === "cpu" && x.dtype === "float32" && fastKernelsActive()) {
    return normaliseChannels(x, keep, eps);
  }
  const axes = Array.from({ length: x.rank - 1 - keep }, (_, i) => i + keep);
  return normalise(x, axes, eps);
}

/**
 * Instance normalisation: per sample and channel over the spatial axes (PyTorch
 * `InstanceNorm2d/3d`; `affine` default true here, eps 1e-5). A single voxel normalises to 0, so
 * the output is β there (LCKD's ASPP global branch).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { InstanceNorm } from "./norm.ts";
 * const y = new InstanceNorm({}).apply(tf.tensor4d([1, 3], [1, 2, 1, 1])) as tf.Tensor;
 * const v = y.dataSync();
 * if (Math.abs(v[0] + 1) > 1e-4 || Math.abs(v[1] - 1) > 1e-4) throw new Error("bad IN");
 * ```
 */
export class InstanceNorm extends AffineNorm {
  static className = "MedkdInstanceNorm";

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return this.scaleShift(normaliseFor(x, 1, this.epsilon));
    });
  }
}

/**
 * Batch normalisation that always uses the current batch's statistics (train and eval), with no
 * running averages: MD-Net's `ContBatchNorm3d` (whose running averages are never read).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { BatchStatNorm } from "./norm.ts";
 * const y = new BatchStatNorm({}).apply(tf.tensor2d([[1], [3]])) as tf.Tensor;
 * if (Math.abs(y.dataSync()[1] - 1) > 1e-4) throw new Error("bad norm");
 * ```
 */
export class BatchStatNorm extends AffineNorm {
  static className = "MedkdBatchStatNorm";

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return this.scaleShift(normaliseFor(x, 0, this.epsilon));
    });
  }
}

/**
 * Group normalisation (PyTorch `GroupNorm(groups, C)`): channels split into `groups` contiguous
 * groups, each normalised per sample over its channels and all spatial positions; per-channel
 * affine. `groups = C` is MedNeXt's per-channel norm; `groups = 1` is a LayerNorm over (H, W, C).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { GroupNorm } from "./norm.ts";
 * const y = new GroupNorm({ groups: 1 }).apply(tf.tensor4d([1, 3], [1, 1, 1, 2])) as tf.Tensor;
 * if (Math.abs(y.dataSync()[0] + 1) > 1e-4) throw new Error("bad GN");
 * ```
 */
export class GroupNorm extends AffineNorm {
  static className = "MedkdGroupNorm";
  readonly groups: number;

  constructor(args: NormArgs & { groups: number }) {
    super(args);
    this.groups = args.groups;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(inputShape), "GroupNorm");
    if (c % this.groups !== 0) {
      throw new LayerConfigError(`GroupNorm: channels ${c} not divisible by groups ${this.groups}`);
    }
    super.build(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const c = x.shape[x.rank - 1];
      const g = this.groups;
      const grouped = tf.reshape(x, [...x.shape.slice(0, -1), g, c / g]);
      const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
      axes.push(x.rank);
      const y = tf.reshape(normalise(grouped, axes, this.epsilon), x.shape);
      return this.scaleShift(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}

tf.serialization.registerClass(InstanceNorm);
tf.serialization.registerClass(BatchStatNorm);
tf.serialization.registerClass(GroupNorm);
