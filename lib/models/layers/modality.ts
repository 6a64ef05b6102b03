/**
 * Per-modality batching for LCKD (spec 05 §3.2–3.3, §9): fold the modality channels of
 * [N, D, H, W, M] into the batch ([M·N, D, H, W, 1], sample-major: row n·M + m), and regroup
 * per-modality features [M·N, d, h, w, C] into [N, d, h, w, M·C] (channel m·C + c), optionally
 * filling absent modalities with the mean of the present ones (the "fill-in" fusion).
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import { LayerArgs, single, singleShape } from "./common.ts";

/**
 * [N, D, H, W, M] → [M·N, D, H, W, 1], row n·M + m = modality m of sample n.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { ModalityToBatch } from "./modality.ts";
 * const y = new ModalityToBatch({}).apply(tf.tensor5d([1, 2, 3, 4], [2, 1, 1, 1, 2])) as tf.Tensor;
 * if (y.shape.join() !== "4,1,1,1,1" || y.dataSync()[2] !== 3) throw new Error("bad fold");
 * ```
 */
export class ModalityToBatch extends tf.layers.Layer {
  static className = "MedkdModalityToBatch";

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, d, h, w, m] = singleShape(s);
    return [n == null || m == null ? null : n * m, d, h, w, 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [n, d, h, w, m] = x.shape;
      return tf.reshape(tf.transpose(x, [0, 4, 1, 2, 3]), [n * m, d, h, w, 1]);
    });
  }
}

/**
 * `[f]` or `[f, present]`: f [M·N, d, h, w, C] → [N, d, h, w, M·C] (channel m·C + c). With
 * `present` ([N, M] of 0/1, the same set for every sample) absent modalities are replaced by the
 * mean of the present ones (gradients flow into the present features).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { RegroupModalities } from "./modality.ts";
 * const f = tf.tensor5d([2, 4, 9], [3, 1, 1, 1, 1]); // one sample, three modalities
 * const l = new RegroupModalities({ modalities: 3 });
 * const y = l.apply([f, tf.tensor2d([[1, 1, 0]])]) as tf.Tensor;
 * if (Array.from(y.dataSync()).join() !== "2,4,3") throw new Error("bad fill");
 * ```
 */
export class RegroupModalities extends tf.layers.Layer {
  static className = "MedkdRegroupModalities";
  readonly modalities: number;

  constructor(args: LayerArgs & { modalities: number }) {
    super(args);
    this.modalities = args.modalities;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(s);
    const m = this.modalities;
    const n = shape[0] == null ? null : shape[0] / m;
    return [n, ...shape.slice(1, -1), (shape[shape.length - 1] as number) * m];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const f = list[0];
      const m = this.modalities;
      const [nm, d, h, w, c] = f.shape;
      const n = nm / m;
      let g = tf.reshape(f, [n, m, d, h, w, c]);
      if (list.length > 1) {
        const p = tf.reshape(list[1], [n, m, 1, 1, 1, 1]);
        const count = tf.maximum(tf.sum(p, 1, true), 1);
        const fill = tf.div(tf.sum(tf.mul(g, p), 1, true), count);
        g = tf.add(tf.mul(g, p), tf.mul(fill, tf.sub(1, p)));
      }
      return tf.reshape(tf.transpose(g, [0, 2, 3, 4, 1, 5]), [n, d, h, w, m * c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), modalities: this.modalities };
  }
}

tf.serialization.registerClass(ModalityToBatch);
tf.serialization.registerClass(RegroupModalities);
