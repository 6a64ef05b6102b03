/**
 * Attention transfer (Zagoruyko & Komodakis): match spatial attention maps of feature stages.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { DistillerError } from "./types.ts";
import { resizeBilinear, side, stopGradient, tap } from "./util.ts";

/** Options of {@link atLoss}. */
export type AtOptions = {
  /** Power p of |F|^p (2 for MMRazor, 4 for HLFD). Integer powers are computed by products. */
  p: number;
  /**
   * `"mean"` (MMRazor, default): mean over N·H·W of (a_s − a_t)². `"sum"` (HLFD): Σ over H·W,
   * mean over N.
   */
  reduction?: "mean" | "sum";
};

function power(x: tf.Tensor, p: number): tf.Tensor {
  if (!Number.isInteger(p) || p < 1) return tf.pow(tf.abs(x), p);
  let y = x;
  for (let i = 1; i < p; i++) y = tf.mul(y, x);
  return y;
}

/**
 * Attention map of an NHWC feature: `a = m / max(‖m‖₂, 1e-12)` with `m = mean_c F^p` flattened
 * to `[N, H·W]` (channel mean, so channel counts of student and teacher may differ).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { attentionMap } from "./at.ts";
 * const a = attentionMap(tf.ones([1, 2, 2, 3]), 2);
 * if (Math.abs(a.dataSync()[0] - 0.5) > 1e-6) throw new Error("bad map");
 * ```
 */
export function attentionMap(f: tf.Tensor, p: number): tf.Tensor2D {
  if (f.rank < 3) throw new DistillerError(`attentionMap: need [N, ..., C], got [${f.shape}]`);
  return tf.tidy(() => {
    const m = tf.reshape(tf.mean(power(f, p), -1), [f.shape[0], -1]);
    const norm = tf.maximum(tf.norm(m, 2, 1, true), 1e-12);
    return tf.div(m, norm) as tf.Tensor2D;
  });
}

/**
 * AT for one stage. If the spatial sizes differ the student map is resized (bilinear, half-pixel)
 * to the teacher's, as HLFD does (MMRazor's stages always agree). Teacher not differentiated.
 * No loss weight (the preset applies w, e.g. 250 per stage in the Synapse study).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { atLoss } from "./at.ts";
 * const f = tf.randomNormal([1, 3, 3, 2], 0, 1, "float32", 1);
 * if (atLoss(f, f.mul(2), { p: 2 }).dataSync()[0] > 1e-10) throw new Error("scale-invariant");
 * ```
 */
export function atLoss(sFeat: tf.Tensor, tFeat: tf.Tensor, opts: AtOptions): tf.Scalar {
  return tf.tidy(() => {
    let s = sFeat;
    if (s.rank === 4 && (s.shape[1] !== tFeat.shape[1] || s.shape[2] !== tFeat.shape[2])) {
      s = resizeBilinear(s as tf.Tensor4D, side(tFeat));
    }
    const d = tf.squaredDifference(
      attentionMap(s, opts.p),
      attentionMap(stopGradient(tFeat), opts.p),
    );
    return ((opts.reduction ?? "mean") === "mean"
      ? tf.mean(d)
      : tf.mean(tf.sum(d, 1))) as tf.Scalar;
  });
}

/**
 * AT distiller over pairs of stages; one logged term per pair (`at_<studentTap>`), summed.
 *
 * @example
 * ```ts
 * import { atDistiller } from "./at.ts";
 * const d = atDistiller({ p: 2, pairs: [["s1", "s1"], ["s2", "s2"]] });
 * if (d.taps.student.join() !== "s1,s2") throw new Error("taps");
 * ```
 */
export function atDistiller(
  opts: AtOptions & { pairs: [student: string, teacher: string][] },
): Distiller {
  return {
    name: "at",
    taps: { student: opts.pairs.map((p) => p[0]), teacher: opts.pairs.map((p) => p[1]) },
    build: () => [],
    loss(s, t) {
      const out: Record<string, tf.Scalar> = {};
      for (const [a, b] of opts.pairs) {
        out[`at_${a}`] = atLoss(tap("at", s, a), tap("at", t, b), opts);
      }
      return out;
    },
  };
}
