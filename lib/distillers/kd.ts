/**
 * Knowledge distillation of logits (Hinton et al.): softmax KD for classes and dense per-pixel
 * logits, and per-label sigmoid KD for multi-label chest X-rays (CXR8).
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { klSum, resizeNearest, sameShape, side, stopGradient, tap } from "./util.ts";

/** Options of {@link kdLoss}. */
export type KdOptions = {
  temperature: number;
  /**
   * `"mean"` (default): KL summed over everything, divided by the number of elements (N·C or
   * N·H·W·C) — PyTorch `KLDivLoss(reduction="mean")` as MMRazor's dense KD (Synapse) and MD-Net
   * use it (note: divides by C as well). `"batchmean"`: divided by the number of rows (N, or N·H·W
   * for dense logits) — the classic per-sample KL of mdistiller's KD.
   */
  reduction?: "mean" | "batchmean";
};

/**
 * Softmax KD over the last (class) axis: `T² · Σ q_t·(log q_t − log q_s) / divisor`,
 * `q = softmax(z / T)` per row (per pixel for dense logits). The teacher is not differentiated.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { kdLoss } from "./kd.ts";
 * const z = tf.tensor2d([[1, 2, 3]]);
 * const l = kdLoss(z, z, { temperature: 2 });
 * if (Math.abs(l.dataSync()[0]) > 1e-7) throw new Error("KD(z, z) must be 0");
 * ```
 */
export function kdLoss(sLogits: tf.Tensor, tLogits: tf.Tensor, opts: KdOptions): tf.Scalar {
  sameShape("kdLoss", sLogits, tLogits);
  const T = opts.temperature;
  return tf.tidy(() => {
    const ls = tf.logSoftmax(tf.div(sLogits, T));
    const lt = tf.logSoftmax(tf.div(stopGradient(tLogits), T));
    const c = sLogits.shape[sLogits.rank - 1];
    const div = (opts.reduction ?? "mean") === "mean" ? sLogits.size : sLogits.size / c;
    return tf.mul(klSum(lt, ls), (T * T) / div) as tf.Scalar;
  });
}

/** Options of {@link multiLabelKdLoss}. */
export type MultiLabelKdOptions = {
  temperature: number;
  /**
   * `"sigmoid"` (default, the corrected protocol of CXR8 §7 B6):
   * `T² · mean_{b,c} BCE(σ(z_s/T), σ(z_t/T))`, computed stably as softplus(a) − q·a with
   * a = z_s/T, q = σ(z_t/T); not zero when student = teacher (it is the teacher's entropy).
   * `"softmax-raw"` (the original's faithful formula, §4.2): `T² · mean_{b,c}(softmax_c(z_s/T) −
   * softmax_c(o_t/T))²`, a 14-way softmax over labels of whatever the teacher outputs.
   */
  mode?: "sigmoid" | "softmax-raw";
};

/**
 * Per-label KD for multi-label logits `[N, L]` (CXR8). The teacher is not differentiated.
 * Mean over all N·L elements, times T².
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { multiLabelKdLoss } from "./kd.ts";
 * const z = tf.tensor2d([[0.5, -1]]);
 * const l = multiLabelKdLoss(z, z, { temperature: 2, mode: "softmax-raw" });
 * if (l.dataSync()[0] !== 0) throw new Error("expected 0");
 * ```
 */
export function multiLabelKdLoss(
  sLogits: tf.Tensor,
  tLogits: tf.Tensor,
  opts: MultiLabelKdOptions,
): tf.Scalar {
  sameShape("multiLabelKdLoss", sLogits, tLogits);
  const T = opts.temperature;
  return tf.tidy(() => {
    const a = tf.div(sLogits, T);
    const b = tf.div(stopGradient(tLogits), T);
    if ((opts.mode ?? "sigmoid") === "softmax-raw") {
      return tf.mul(tf.mean(tf.squaredDifference(tf.softmax(a), tf.softmax(b))), T * T);
    }
    const bce = tf.sub(tf.softplus(a), tf.mul(tf.sigmoid(b), a));
    return tf.mul(tf.mean(bce), T * T);
  }) as tf.Scalar;
}

/**
 * The CXR8 focal term (faithful-intent reading of §4.2): p = σ(z) clipped to [1e-7, 1 − 1e-7];
 * mean over N·L of −(1−p)^γ·y·log p − p^γ·(1−y)·log(1−p).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { cxr8FocalLoss } from "./kd.ts";
 * const l = cxr8FocalLoss(tf.tensor2d([[0]]), tf.tensor2d([[1]]), { gamma: 2 });
 * if (Math.abs(l.dataSync()[0] - 0.25 * Math.LN2) > 1e-6) throw new Error("bad focal");
 * ```
 */
export function cxr8FocalLoss(
  logits: tf.Tensor,
  y: tf.Tensor,
  opts: { gamma: number },
): tf.Scalar {
  sameShape("cxr8FocalLoss", logits, y);
  const g = opts.gamma;
  return tf.tidy(() => {
    const p = tf.clipByValue(tf.sigmoid(logits), 1e-7, 1 - 1e-7);
    const q = tf.sub(1, p);
    const pos = tf.mul(tf.mul(tf.pow(q, g), y), tf.log(p));
    const neg = tf.mul(tf.mul(tf.pow(p, g), tf.sub(1, y)), tf.log(q));
    return tf.neg(tf.mean(tf.add(pos, neg)));
  }) as tf.Scalar;
}

/**
 * KD distiller on the logits. Dense logits of different sides: the student's are resized to the
 * teacher's by nearest interpolation (Synapse §4.2, Attn-UNet/ConvNeXt teachers).
 * Multi-label (`multiLabel: true`): {@link multiLabelKdLoss}.
 *
 * @example
 * ```ts
 * import { kdDistiller } from "./kd.ts";
 * const d = kdDistiller({ temperature: 2 });
 * const m = kdDistiller({ temperature: 2, multiLabel: true });
 * if (d.name !== "kd" || m.name !== "kd_multilabel") throw new Error("names");
 * ```
 */
export function kdDistiller(
  opts: KdOptions & { multiLabel?: boolean; mode?: MultiLabelKdOptions["mode"] },
): Distiller {
  return {
    name: opts.multiLabel ? "kd_multilabel" : "kd",
    taps: { student: ["logits"], teacher: ["logits"] },
    build: () => [],
    loss(s, t) {
      const zt = tap("kd", t, "logits");
      if (opts.multiLabel) {
        return { kd: multiLabelKdLoss(s.logits, zt, opts) };
      }
      return {
        kd: tf.tidy(() => {
          let zs = s.logits;
          if (zs.rank === 4 && (zs.shape[1] !== zt.shape[1] || zs.shape[2] !== zt.shape[2])) {
            zs = resizeNearest(zs as tf.Tensor4D, side(zt));
          }
          return kdLoss(zs, zt, opts);
        }),
      };
    },
  };
}
