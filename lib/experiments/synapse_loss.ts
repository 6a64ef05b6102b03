/**
 * Synapse study (spec 03) task loss and distiller set-up: CE + memory-efficient SoftDice on logits
 * resized bilinearly (half-pixel) to the label side (§3.4), and the six MMRazor-convention
 * distillers with the §4.2 taps, temperatures and weights.
 * @module
 */
import * as tf from "../tf/tf.ts";
import {
  createDistiller,
  type Distiller,
  DistillerError,
  listDistillers,
} from "../distillers/mod.ts";
import type { Batch, Outputs } from "../training/mod.ts";

/** The six distillers of the library's method table, in its order. */
export const SYNAPSE_METHODS = ["kd", "at", "dkd", "dist", "cwd", "reviewkd"] as const;
/** A distillation method of the study. */
export type SynapseMethod = typeof SYNAPSE_METHODS[number];

/** Display names (the library's spelling). */
export const METHOD_LABELS: Record<SynapseMethod, string> = {
  kd: "KD",
  at: "AT",
  dkd: "DKD",
  dist: "DIST",
  cwd: "CWD",
  reviewkd: "ReviewKD",
};

/**
 * Softmax cross-entropy averaged over every pixel. `logits` `[N, H, W, C]`, `labels` `[N, H, W]`
 * integer ids at the same side.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { pixelCrossEntropy } from "./synapse_loss.ts";
 * const l = pixelCrossEntropy(tf.zeros([1, 1, 1, 4]), tf.zeros([1, 1, 1]));
 * if (Math.abs(l.dataSync()[0] - Math.log(4)) > 1e-6) throw new Error();
 * ```
 */
export function pixelCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const c = logits.shape[logits.rank - 1];
    const oh = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), "int32"), c);
    const lp = tf.logSoftmax(tf.reshape(logits, [-1, c]));
    return tf.neg(tf.mean(tf.sum(tf.mul(oh, lp), -1))) as tf.Scalar;
  });
}

/**
 * nnU-Net-style "memory-efficient" SoftDice (§3.4): p = softmax, background dropped, per class
 * I = Σp·y, P = Σp, G = Σy over batch and pixels; dice_c = (2I + 1e-5)/max(G + P + 1e-5, 1e-8);
 * returns −mean_c dice_c (negative Dice, weight 1).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { softDiceLoss } from "./synapse_loss.ts";
 * const z = tf.tensor4d([0, 50, 50, 0], [1, 1, 2, 2]); // pixel 0 → class 1, pixel 1 → class 0
 * const l = softDiceLoss(z, tf.tensor3d([1, 0], [1, 1, 2]));
 * if (Math.abs(l.dataSync()[0] + 1) > 1e-5) throw new Error(String(l.dataSync()[0]));
 * ```
 */
export function softDiceLoss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const c = logits.shape[logits.rank - 1];
    const p = tf.slice(tf.softmax(tf.reshape(logits, [-1, c])), [0, 1], [-1, c - 1]);
    const y = tf.slice(
      tf.oneHot(tf.cast(tf.reshape(labels, [-1]), "int32"), c),
      [0, 1],
      [-1, c - 1],
    );
    const i = tf.sum(tf.mul(p, y), 0), ps = tf.sum(p, 0), g = tf.sum(y, 0);
    const d = tf.div(tf.add(tf.mul(i, 2), 1e-5), tf.maximum(tf.add(tf.add(g, ps), 1e-5), 1e-8));
    return tf.neg(tf.mean(d)) as tf.Scalar;
  });
}

/**
 * The task loss of every model of the pair: logits resized (bilinear, align_corners false) to
 * the label side, then `{ ce, dice }` with weight 1 each. `batch.y` holds `[N, H, W]` ids.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { synapseTaskLoss } from "./synapse_loss.ts";
 * const t = synapseTaskLoss({ logits: tf.zeros([1, 2, 2, 9]), taps: {} }, { x: tf.zeros([1]), y: tf.zeros([1, 4, 4]) });
 * if (Math.abs(t.ce.dataSync()[0] - Math.log(9)) > 1e-5) throw new Error();
 * ```
 */
export function synapseTaskLoss(out: Outputs, batch: Batch): { ce: tf.Scalar; dice: tf.Scalar } {
  const y = batch.y;
  const size: [number, number] = [y.shape[1] as number, y.shape[2] as number];
  const z = out.logits.shape[1] === size[0] && out.logits.shape[2] === size[1]
    ? out.logits
    : tf.image.resizeBilinear(out.logits as tf.Tensor4D, size, false, true);
  const r = { ce: pixelCrossEntropy(z, y), dice: softDiceLoss(z, y) };
  if (z !== out.logits) z.dispose();
  return r;
}

/** Per-method hyper-parameters (§4.2). */
export type DistillConfig = {
  kd: { weight: number; temperature: number };
  at: { weight: number };
  dkd: { weight: number; temperature: number; alpha: number; beta: number; maskScale: number };
  dist: { weight: number; temperature: number };
  cwd: { weight: number; temperature: number };
  reviewkd: { weight: number; midChannels: number };
};

/**
 * §4.2 values; DKD's sum-reduced weight 1e-5 is scaled by (512/side)² when the label side
 * changes (2.844e-4 at 96), ReviewKD's ABF mid channels are 512 at paper scale, 128 at demo.
 *
 * @example
 * ```ts
 * import { distillConfig } from "./synapse_loss.ts";
 * if (Math.abs(distillConfig(96, 128).dkd.weight - 2.844e-4) > 1e-7) throw new Error();
 * ```
 */
export function distillConfig(side: number, abfMid: number): DistillConfig {
  return {
    kd: { weight: 10, temperature: 2 },
    at: { weight: 250 },
    dkd: { weight: 1e-5 * (512 / side) ** 2, temperature: 4, alpha: 1, beta: 20, maskScale: 9 },
    dist: { weight: 3, temperature: 1 },
    cwd: { weight: 3, temperature: 4 },
    reviewkd: { weight: 1, midChannels: abfMid },
  };
}

const STAGES = ["s1", "s2", "s3", "s4"];

/**
 * The loop's `distillers` entry for one method: AT on the post-ReLU stage outputs s1..s4 (w each),
 * ReviewKD on the pre-ReLU sums s4..s1 (deep → shallow), the others on the logits.
 *
 * @example
 * ```ts
 * import { distillConfig, synapseDistiller } from "./synapse_loss.ts";
 * const d = synapseDistiller("at", distillConfig(96, 128));
 * if (d.distiller.taps.student.join() !== "s1,s2,s3,s4" || d.weight !== 250) throw new Error();
 * ```
 */
export function synapseDistiller(
  method: SynapseMethod,
  cfg: DistillConfig,
): { distiller: Distiller; weight: number } {
  const pairs = (names: string[]) => names.map((n): [string, string] => [n, n]);
  switch (method) {
    case "kd":
      return {
        distiller: createDistiller("kd", { temperature: cfg.kd.temperature, reduction: "mean" }),
        weight: cfg.kd.weight,
      };
    case "at":
      return {
        distiller: createDistiller("at", { p: 2, reduction: "mean", pairs: pairs(STAGES) }),
        weight: cfg.at.weight,
      };
    case "dkd": {
      const { weight, ...o } = cfg.dkd;
      return { distiller: createDistiller("dkd", { ...o, reduction: "sum" }), weight };
    }
    case "dist":
      return {
        distiller: createDistiller("dist", {
          beta: 1,
          gamma: 1,
          temperature: cfg.dist.temperature,
          mode: "flattened",
        }),
        weight: cfg.dist.weight,
      };
    case "cwd":
      return {
        distiller: createDistiller("cwd", { temperature: cfg.cwd.temperature }),
        weight: cfg.cwd.weight,
      };
    case "reviewkd":
      return {
        distiller: createDistiller("reviewkd", {
          pairs: pairs(STAGES.map((s) => `${s}_pre`).reverse()),
          midChannels: cfg.reviewkd.midChannels,
        }),
        weight: cfg.reviewkd.weight,
      };
    default:
      throw new DistillerError(
        `synapse: unknown method "${method}" (library: ${SYNAPSE_METHODS.join(", ")}; ` +
          `registry: ${listDistillers().join(", ")})`,
      );
  }
}
