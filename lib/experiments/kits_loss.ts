/**
 * HLFD's segmentation loss `calc_loss` (spec 02 §5.1): 0.5·focal (γ 2, pt detached, mean over all
 * pixels) + 0.5·soft Dice over the whole batch (smooth 1). Channels-last logits [N, H, W, 2] and
 * one-hot targets [N, H, W, 2] (channel 1 = foreground).
 * @module
 */
import * as tf from "../tf/tf.ts";
import { stopGradient } from "../distillers/util.ts";

/**
 * The two terms `focal` and `dice`, each times `weight` (default 1).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { hlfdSegTerms } from "./kits_loss.ts";
 * // logits 0 → p = 0.5 everywhere; one foreground pixel of 2
 * const t = hlfdSegTerms(tf.zeros([1, 1, 2, 2]), tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2]));
 * // focal = −0.25·log 0.5; dice = 1 − (2·0.5 + 1)/(1 + 1 + 1)
 * if (Math.abs(t.focal.dataSync()[0] - 0.25 * Math.LN2) > 1e-6) throw new Error("focal");
 * if (Math.abs(t.dice.dataSync()[0] - 1 / 3) > 1e-6) throw new Error("dice");
 * tf.dispose([t.focal, t.dice]);
 * ```
 */
export function hlfdSegTerms(
  logits: tf.Tensor,
  target: tf.Tensor,
  weight = 1,
): { focal: tf.Scalar; dice: tf.Scalar } {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits, -1);
    const fg = target.slice([0, 0, 0, 1], [-1, -1, -1, 1]);
    // class index = target channel 1 (0/1): logpt = log p at that class
    const logpt = tf.sum(tf.mul(logp, tf.concat([tf.sub(1, fg), fg], -1)), -1);
    const pt = stopGradient(tf.exp(logpt));
    const focal = tf.mean(tf.mul(tf.neg(tf.square(tf.sub(1, pt))), logpt)) as tf.Scalar;
    const p = tf.softmax(logits, -1).slice([0, 0, 0, 1], [-1, -1, -1, 1]);
    const inter = tf.sum(tf.mul(p, fg));
    const dice = tf.sub(
      1,
      tf.div(tf.add(tf.mul(2, inter), 1), tf.add(tf.add(tf.sum(p), tf.sum(fg)), 1)),
    ) as tf.Scalar;
    return { focal: tf.mul(focal, weight) as tf.Scalar, dice: tf.mul(dice, weight) as tf.Scalar };
  });
}

/**
 * `calc_loss` as the loop's task loss: terms `focal` and `dice`, each ×0.5.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { hlfdSegLoss } from "./kits_loss.ts";
 * const t = hlfdSegLoss({ logits: tf.zeros([1, 1, 2, 2]) },
 *   { y: tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2]) });
 * if (Math.abs(t.focal.dataSync()[0] - 0.125 * Math.LN2) > 1e-6) throw new Error();
 * ```
 */
export function hlfdSegLoss(
  out: { logits: tf.Tensor },
  batch: { y: tf.Tensor },
): { focal: tf.Scalar; dice: tf.Scalar } {
  return hlfdSegTerms(out.logits, batch.y, 0.5);
}
