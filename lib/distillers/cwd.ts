/**
 * Channel-wise distillation (Shu et al., ICCV 2021): per channel, a softmax over spatial positions.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { klSum, sameShape, stopGradient, tap } from "./util.ts";

/**
 * CWD for NHWC maps of equal shape: for each (n, c) q = softmax over the H·W positions of z/T;
 * loss = T²·Σ_{n,c,p} q_t·(log q_t − log q_s) / (N·C) (MMRazor's ChannelWiseDivergence; note the
 * divisor differs from KD's, Synapse §8 D12). Teacher not differentiated.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { cwdLoss } from "./cwd.ts";
 * const z = tf.randomNormal([1, 2, 2, 3], 0, 1, "float32", 3);
 * if (Math.abs(cwdLoss(z, z, { temperature: 4 }).dataSync()[0]) > 1e-6) throw new Error("not 0");
 * ```
 */
export function cwdLoss(
  sFeat: tf.Tensor,
  tFeat: tf.Tensor,
  opts: { temperature: number },
): tf.Scalar {
  sameShape("cwdLoss", sFeat, tFeat);
  const T = opts.temperature;
  return tf.tidy(() => {
    const n = sFeat.shape[0], c = sFeat.shape[sFeat.rank - 1];
    const perChannel = (x: tf.Tensor) =>
      tf.logSoftmax(tf.transpose(tf.reshape(tf.div(x, T), [n, -1, c]), [0, 2, 1]));
    const k = klSum(perChannel(stopGradient(tFeat)), perChannel(sFeat));
    return tf.mul(k, (T * T) / (n * c)) as tf.Scalar;
  });
}

/**
 * CWD distiller, on the logits by default (Synapse) or on a named tap pair.
 *
 * @example
 * ```ts
 * import { cwdDistiller } from "./cwd.ts";
 * const d = cwdDistiller({ temperature: 4 });
 * if (d.taps.teacher[0] !== "logits") throw new Error("taps");
 * ```
 */
export function cwdDistiller(
  opts: { temperature: number; student?: string; teacher?: string },
): Distiller {
  const sName = opts.student ?? "logits", tName = opts.teacher ?? "logits";
  return {
    name: "cwd",
    taps: { student: [sName], teacher: [tName] },
    build: () => [],
    loss: (s, t) => ({ cwd: cwdLoss(tap("cwd", s, sName), tap("cwd", t, tName), opts) }),
  };
}
