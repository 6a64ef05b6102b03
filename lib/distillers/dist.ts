/**
 * DIST (Huang et al., NeurIPS 2022): inter-class and intra-class Pearson correlation of softmax
 * predictions.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { resizeBilinear, side, stopGradient, tap } from "./util.ts";

/** Options of {@link distLoss}. */
export type DistOptions = {
  beta: number;
  gamma: number;
  temperature: number;
  /**
   * `"flattened"` (default, Synapse §8 D4): dense logits become N·H·W rows; intra correlates each
   * class across all rows. `"mmrazor4d"`: MMRazor on 4-D logits, whose intra term correlates across
   * the batch axis at each (h, w, c) — degenerate, offered for comparison.
   */
  mode?: "flattened" | "mmrazor4d";
};

/** Pearson along `axis`: cosine of mean-centred vectors, Σab / (‖a‖·‖b‖ + 1e-8). */
function pearson(a: tf.Tensor, b: tf.Tensor, axis: number): tf.Tensor {
  const ac = tf.sub(a, tf.mean(a, axis, true));
  const bc = tf.sub(b, tf.mean(b, axis, true));
  const num = tf.sum(tf.mul(ac, bc), axis);
  return tf.div(num, tf.add(tf.mul(tf.norm(ac, 2, axis), tf.norm(bc, 2, axis)), 1e-8));
}

/**
 * DIST for `[N, C]` or `[N, H, W, C]` logits; dense student logits of another side are resized
 * bilinearly (half-pixel) to the teacher's. P = softmax(z/T) over classes;
 * inter = T²·(1 − mean over rows of Pearson(P_s[row], P_t[row]));
 * intra = T²·(1 − mean over classes of Pearson(P_s[:, c], P_t[:, c])); loss = β·inter + γ·intra.
 * Teacher not differentiated.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { distLoss } from "./dist.ts";
 * const z = tf.tensor2d([[1, 2, 0], [0, 1, 3]]);
 * const { loss } = distLoss(z, z, { beta: 1, gamma: 1, temperature: 1 });
 * if (Math.abs(loss.dataSync()[0]) > 1e-6) throw new Error("DIST(z, z) must be ~0");
 * ```
 */
export function distLoss(
  sLogits: tf.Tensor,
  tLogits: tf.Tensor,
  opts: DistOptions,
): { loss: tf.Scalar; inter: tf.Scalar; intra: tf.Scalar } {
  const T = opts.temperature;
  const [loss, inter, intra] = tf.tidy(() => {
    let zs = sLogits;
    if (zs.rank === 4) zs = resizeBilinear(zs as tf.Tensor4D, side(tLogits));
    let ps = tf.softmax(tf.div(zs, T));
    let pt = tf.softmax(tf.div(stopGradient(tLogits), T));
    const c = ps.shape[ps.rank - 1];
    if ((opts.mode ?? "flattened") === "flattened" || ps.rank === 2) {
      ps = tf.reshape(ps, [-1, c]);
      pt = tf.reshape(pt, [-1, c]);
    }
    const ie = tf.mul(tf.sub(1, tf.mean(pearson(ps, pt, ps.rank - 1))), T * T);
    const ia = tf.mul(tf.sub(1, tf.mean(pearson(ps, pt, 0))), T * T);
    return [tf.add(tf.mul(ie, opts.beta), tf.mul(ia, opts.gamma)), ie, ia] as tf.Scalar[];
  });
  return { loss, inter, intra };
}

/**
 * DIST distiller on the logits; logs `inter` and `intra` (β, γ applied).
 *
 * @example
 * ```ts
 * import { distDistiller } from "./dist.ts";
 * const d = distDistiller({ beta: 1, gamma: 1, temperature: 1 });
 * if (d.name !== "dist") throw new Error(d.name);
 * ```
 */
export function distDistiller(opts: DistOptions): Distiller {
  return {
    name: "dist",
    taps: { student: ["logits"], teacher: ["logits"] },
    build: () => [],
    loss(s, t) {
      const { loss, inter, intra } = distLoss(s.logits, tap("dist", t, "logits"), opts);
      const out = tf.tidy(() => ({
        inter: tf.mul(inter, opts.beta) as tf.Scalar,
        intra: tf.mul(intra, opts.gamma) as tf.Scalar,
      }));
      tf.dispose([loss, inter, intra]);
      return out;
    },
  };
}
