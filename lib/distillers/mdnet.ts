/**
 * MD-Net — modality-aware distillation (HCC study §4–5): logit KL plus per-sequence feature KL
 * plus a weighted clinical regression, with the teacher co-trained by its own focal loss.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { DistillerError } from "./types.ts";
import { kdLoss } from "./kd.ts";
import { sameShape, tap, torchUniform } from "./util.ts";

/**
 * MD-Net focal loss on 3 sigmoid outputs (α 1, γ 2): b = BCE-with-logits(z, ỹ) per element,
 * p_t = exp(−b), FL = mean_{B×3}((1 − p_t)²·b). `target` is the smoothed vector (0.933 / 0.033).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { mdnetFocalLoss } from "./mdnet.ts";
 * const l = mdnetFocalLoss(tf.tensor2d([[20, -20, -20]]), tf.tensor2d([[1, 0, 0]]));
 * if (l.dataSync()[0] > 1e-6) throw new Error("confident and right: ~0");
 * ```
 */
export function mdnetFocalLoss(logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  sameShape("mdnetFocalLoss", logits, target);
  return tf.tidy(() => {
    const b = tf.sub(
      tf.add(tf.relu(logits), tf.softplus(tf.neg(tf.abs(logits)))),
      tf.mul(logits, target),
    );
    const pt = tf.exp(tf.neg(b));
    return tf.mean(tf.mul(tf.square(tf.sub(1, pt)), b)) as tf.Scalar;
  });
}

/**
 * One-hot labels → MD-Net's smoothed targets: 0.933 at the class, 0.033 elsewhere (sum 0.999).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { mdnetSmoothTargets } from "./mdnet.ts";
 * const y = mdnetSmoothTargets(tf.tensor1d([2], "int32"));
 * if (Math.abs(y.dataSync()[2] - 0.933) > 1e-6 || Math.abs(y.dataSync()[0] - 0.033) > 1e-6) throw new Error();
 * ```
 */
export function mdnetSmoothTargets(labels: tf.Tensor, classes = 3): tf.Tensor2D {
  return tf.tidy(() =>
    tf.add(tf.mul(tf.oneHot(tf.cast(labels, "int32"), classes), 0.9), 0.033) as tf.Tensor2D
  );
}

/**
 * MD-Net's distillation terms. KL(a_T ‖ a_S) with T = 1 and PyTorch's element-mean (÷ B·C), used
 * for the logits and the pre / HBP token features (softmax over the feature axis). Clinical:
 * v = ReLU(w / max w), L = mean_{B×J}((ĉ − c)²·v). All weights 1; teacher tensors detached.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { mdnetLoss } from "./mdnet.ts";
 * const z = tf.tensor2d([[1, 0, 2]]), f = tf.tensor2d([[0.1, 0.2]]), c = tf.tensor2d([[1, 2]]);
 * const t = mdnetLoss({ logits: z, pre: f, hbp: f, clinical: c }, { logits: z, pre: f, hbp: f },
 *   c, tf.ones([2]));
 * if (Math.abs(t.kl_logits.dataSync()[0]) + t.clinical.dataSync()[0] > 1e-7) throw new Error();
 * ```
 */
export function mdnetLoss(
  s: { logits: tf.Tensor; pre: tf.Tensor; hbp: tf.Tensor; clinical: tf.Tensor },
  t: { logits: tf.Tensor; pre: tf.Tensor; hbp: tf.Tensor },
  clinicalTrue: tf.Tensor,
  w: tf.Tensor,
): { kl_logits: tf.Scalar; kl_pre: tf.Scalar; kl_hbp: tf.Scalar; clinical: tf.Scalar } {
  sameShape("mdnetLoss clinical", s.clinical, clinicalTrue);
  const kl = (a: tf.Tensor, b: tf.Tensor) => kdLoss(a, b, { temperature: 1, reduction: "mean" });
  const clinical = tf.tidy(() => {
    const v = tf.relu(tf.div(w, tf.max(w)));
    return tf.mean(tf.mul(tf.squaredDifference(s.clinical, clinicalTrue), v)) as tf.Scalar;
  });
  return {
    kl_logits: kl(s.logits, t.logits),
    kl_pre: kl(s.pre, t.pre),
    kl_hbp: kl(s.hbp, t.hbp),
    clinical,
  };
}

/**
 * MD-Net distiller. Taps (the model zoo's names by default): student `s_pre`, `s_hbp` and the
 * fused feature `s`; teacher `t_pre`, `t_hbp`. build() creates the frozen random clinical head
 * Linear(dim → J), U(±1/√dim) — it belongs to no optimiser (§4) but passes gradients to the
 * student — and the learnable weights
 * `w` (ones, own fixed lr 0.05 via {@link Distiller.variables}). Batch field `clinical` [B, J].
 * Co-train the teacher with {@link mdnetFocalLoss} as its task loss (the loop's co-trained mode).
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { mdnetDistiller } from "./mdnet.ts";
 * const d = mdnetDistiller();
 * d.build({ studentShapes: { s: [null, 16] }, teacherShapes: {}, rng: createRng(0) });
 * if (d.variables!()[0].lr !== 0.05) throw new Error("w at lr 0.05");
 * d.dispose!();
 * ```
 */
export function mdnetDistiller(
  opts: {
    taps?: { sPre?: string; sHbp?: string; s?: string; tPre?: string; tHbp?: string };
    wLr?: number;
    freezeW?: boolean;
  } = {},
): Distiller {
  const n = { sPre: "s_pre", sHbp: "s_hbp", s: "s", tPre: "t_pre", tHbp: "t_hbp", ...opts.taps };
  const from = n.s;
  let head: { kernel: tf.Tensor; bias: tf.Tensor } | undefined;
  let w: tf.Variable | undefined;
  return {
    name: "mdnet",
    taps: { student: ["logits", n.sPre, n.sHbp, from], teacher: ["logits", n.tPre, n.tHbp] },
    build({ studentShapes, rng }) {
      const dim = studentShapes[from]?.at(-1);
      if (!dim) throw new DistillerError(`mdnet: unknown width of student tap "${from}"`);
      this.dispose!();
      const j = 52;
      head = { kernel: torchUniform(rng, [dim, j], dim), bias: torchUniform(rng, [j], dim) };
      const ones = tf.ones([j]);
      w = tf.variable(ones, !opts.freezeW, `mdnet_w_${rng.seed()}`);
      ones.dispose();
      return [];
    },
    variables: () => (w && !opts.freezeW ? [{ variables: [w], lr: opts.wLr ?? 0.05 }] : []),
    loss(s, t, batch) {
      if (!head || !w) throw new DistillerError("mdnet: build() was not called");
      const c = batch.clinical;
      if (!(c instanceof tf.Tensor)) throw new DistillerError("mdnet: batch.clinical missing");
      const h = head, ww = w;
      const clinPred = tf.tidy(() =>
        tf.add(tf.matMul(tf.reshape(tap("mdnet", s, from), [c.shape[0], -1]), h.kernel), h.bias)
      );
      const terms = mdnetLoss(
        {
          logits: s.logits,
          pre: tap("mdnet", s, n.sPre),
          hbp: tap("mdnet", s, n.sHbp),
          clinical: clinPred,
        },
        {
          logits: tap("mdnet", t, "logits"),
          pre: tap("mdnet", t, n.tPre),
          hbp: tap("mdnet", t, n.tHbp),
        },
        c,
        ww,
      );
      clinPred.dispose();
      return terms;
    },
    state: () => ({}),
    dispose() {
      if (head) tf.dispose([head.kernel, head.bias]);
      w?.dispose();
      head = undefined;
      w = undefined;
    },
  };
}
