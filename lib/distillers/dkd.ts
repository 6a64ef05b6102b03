/**
 * Decoupled KD (Zhao et al., CVPR 2022): target-class (TCKD) and non-target-class (NCKD) parts.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { DistillerError } from "./types.ts";
import { klSum, resizeBilinear, stopGradient, tap } from "./util.ts";

/** Options of {@link dkdLoss}. Defaults follow the Synapse study (§4.2, §8 D3). */
export type DkdOptions = {
  alpha: number;
  beta: number;
  temperature: number;
  /** The target logit is masked with −K (after dividing by T). Synapse: 9 (default); mdistiller 1000. */
  maskScale?: number;
  /**
   * `"sum"` (default, Synapse dense DKD: both KLs summed over every pixel, no averaging) or
   * `"batchmean"` (mdistiller: the sums divided by N, the number of samples).
   */
  reduction?: "sum" | "batchmean";
};

/**
 * DKD for `[N, C]` logits with labels `[N]`, or dense `[N, H, W, C]` logits with labels `[N, H, W]`
 * (integer ids; logits of another side are resized bilinearly, half-pixel, to the label's).
 * With M = one-hot(label), p = softmax(z/T):
 * TCKD = T²·Σ_rows KL([p_t·M, p_t·(1−M)] ‖ [p_s·M, p_s·(1−M)]) (the teacher's binary distribution,
 * as MMRazor; the Synapse repo's constant 1 is a bug, §8 D3);
 * NCKD = T²·Σ_rows KL(softmax(z_t/T − K·M) ‖ softmax(z_s/T − K·M)); loss = α·TCKD + β·NCKD.
 * Teacher not differentiated. Returns the three scalars (loss, tckd, nckd), each ×T² and reduced.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { dkdLoss } from "./dkd.ts";
 * const z = tf.tensor2d([[1, 2, 0]]);
 * const { loss } = dkdLoss(z, z, tf.tensor1d([1], "int32"), { alpha: 1, beta: 8, temperature: 4 });
 * if (Math.abs(loss.dataSync()[0]) > 1e-5) throw new Error("DKD(z, z) must be 0");
 * ```
 */
export function dkdLoss(
  sLogits: tf.Tensor,
  tLogits: tf.Tensor,
  labels: tf.Tensor,
  opts: DkdOptions,
): { loss: tf.Scalar; tckd: tf.Scalar; nckd: tf.Scalar } {
  const T = opts.temperature;
  const K = opts.maskScale ?? 9;
  const c = sLogits.shape[sLogits.rank - 1];
  const [loss, tckd, nckd] = tf.tidy(() => {
    let zs = sLogits, zt = stopGradient(tLogits);
    const lab = labels.rank === zs.rank && labels.shape[labels.rank - 1] === 1
      ? tf.squeeze(labels, [labels.rank - 1]) // [N, H, W, 1] / [N, 1] label maps
      : labels;
    if (zs.rank === 4) {
      if (lab.rank !== 3) throw new DistillerError(`dkdLoss: labels [${labels.shape}] not [N,H,W]`);
      const size: [number, number] = [lab.shape[1] as number, lab.shape[2] as number];
      zs = resizeBilinear(zs as tf.Tensor4D, size);
      zt = resizeBilinear(zt as tf.Tensor4D, size);
    }
    const m = tf.oneHot(tf.cast(lab, "int32"), c).reshape(zs.shape);
    const notM = tf.sub(1, m);
    const ps = tf.softmax(tf.div(zs, T)), pt = tf.softmax(tf.div(zt, T));
    const bin = (p: tf.Tensor) =>
      tf.stack([tf.sum(tf.mul(p, m), -1), tf.sum(tf.mul(p, notM), -1)], -1);
    const bs = bin(ps), bt = bin(pt);
    // 0·log 0 = 0 on the teacher side (PyTorch kl_div uses xlogy).
    const tc = tf.sum(tf.mul(bt, tf.sub(tf.log(tf.maximum(bt, 1e-300)), tf.log(bs))));
    const mask = tf.mul(m, K);
    const nc = klSum(
      tf.logSoftmax(tf.sub(tf.div(zt, T), mask)),
      tf.logSoftmax(tf.sub(tf.div(zs, T), mask)),
    );
    const scale = (T * T) / ((opts.reduction ?? "sum") === "sum" ? 1 : sLogits.shape[0]);
    const tck = tf.mul(tc, scale), nck = tf.mul(nc, scale);
    return [tf.add(tf.mul(tck, opts.alpha), tf.mul(nck, opts.beta)), tck, nck] as tf.Scalar[];
  });
  return { loss, tckd, nckd };
}

/**
 * DKD distiller on the logits with labels `batch.y`. `warmupSteps`: the loss is scaled by
 * min(k / warmupSteps, 1) at the k-th update (k from 1), as mdistiller's min(epoch / warmup, 1)
 * with epochs counted from 1 — per step instead of per epoch; 0 = off.
 * Logs `tckd` and `nckd` (α, β and warm-up applied).
 *
 * @example
 * ```ts
 * import { dkdDistiller } from "./dkd.ts";
 * const d = dkdDistiller({ alpha: 1, beta: 20, temperature: 4, warmupSteps: 100 });
 * if (d.taps.student[0] !== "logits") throw new Error("taps");
 * ```
 */
export function dkdDistiller(opts: DkdOptions & { warmupSteps?: number }): Distiller {
  return {
    name: "dkd",
    taps: { student: ["logits"], teacher: ["logits"] },
    build: () => [],
    loss(s, t, batch, ctx) {
      const { loss, tckd, nckd } = dkdLoss(s.logits, tap("dkd", t, "logits"), batch.y, opts);
      loss.dispose();
      const w = opts.warmupSteps ? Math.min((ctx.step + 1) / opts.warmupSteps, 1) : 1;
      const terms = tf.tidy(() => ({
        tckd: tf.mul(tckd, w * opts.alpha) as tf.Scalar,
        nckd: tf.mul(nckd, w * opts.beta) as tf.Scalar,
      }));
      tf.dispose([tckd, nckd]);
      return terms;
    },
  };
}
