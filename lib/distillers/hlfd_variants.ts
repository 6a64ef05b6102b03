/**
 * The KiTS code's other `--loss_type` methods (§5.3), built from HLFD's blocks: `attn_kd`,
 * `wo_feedback` (SKD), `deep_kd` (DKD, with the s_d5 → s_d5 typo reproduced unless
 * `fixDkdTypo`), `indv_feedback` (HIFD) and `cat_feedback_ours` (IFD). Every KL draws fresh random
 * adapters from the step RNG, as the original does.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Rng } from "../random/mod.ts";
import { type Adapter, atCat, hlfdAt, hlfdKl, klCat, klProjected, sampleAdapter } from "./hlfd.ts";
import { resizeBilinear, side } from "./util.ts";

/** The method switch of the KiTS code. */
export type KitsLossType =
  | "attn_kd"
  | "wo_feedback"
  | "deep_kd"
  | "indv_feedback"
  | "cat_feedback_ours"
  | "recursive_feedback_ours";

/**
 * Student and teacher roles (s_out / t_out = logits) each method reads.
 *
 * @example
 * ```ts
 * import { kitsRoles } from "./hlfd_variants.ts";
 * if (kitsRoles("attn_kd").t.join() !== "t_e5") throw new Error("roles");
 * ```
 */
export function kitsRoles(type: KitsLossType): { s: string[]; t: string[] } {
  const e = (p: string, ks: number[]) => ks.map((k) => `${p}_e${k}`);
  const d = (p: string, ks: number[]) => ks.map((k) => `${p}_d${k}`);
  switch (type) {
    case "attn_kd":
      return { s: ["s_e5"], t: ["t_e5"] };
    case "wo_feedback":
      return { s: ["s_out", "s_e5"], t: ["t_out", "t_e5"] };
    case "deep_kd":
      return {
        s: ["s_out", ...d("s", [5, 4, 3, 2]), ...e("s", [1, 2, 3, 4, 5])],
        t: ["t_out", ...d("t", [5, 4, 3, 2]), ...e("t", [1, 2, 3, 4, 5])],
      };
    case "indv_feedback":
      return { s: ["s_out", "s_d4", "s_d2", "s_e5", "s_e2", "s_e4"], t: ["t_out", "t_e5"] };
    case "cat_feedback_ours":
      return {
        s: ["s_out", ...d("s", [5, 4, 3, 2]), ...e("s", [1, 2, 3, 4, 5])],
        t: ["t_out", "t_e5"],
      };
    case "recursive_feedback_ours":
      return {
        s: [...e("s", [1, 2, 3, 4]), ...d("s", [2, 3, 4, 5])],
        t: [...e("t", [2, 3, 4, 5]), ...d("t", [3, 4, 5]), "t_out"],
      };
  }
}

const ch = (x: tf.Tensor) => x.shape[x.rank - 1];

/**
 * Unweighted `pix` (prediction-map KL sum) and `feat` (attention sum) of a non-recursive method
 * (`attn_kd` has no pix term). `S`, `T` map roles to tensors. Adapters are drawn from `rng` and
 * freed here, or taken in order from `opts.adapters` (deep_kd: d5 first, then out, d4, d3, d2;
 * cat_feedback_ours: the concat adapter first, then out; others: in reading order).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { createRng } from "../random/mod.ts";
 * import { kitsTerms } from "./hlfd_variants.ts";
 * const f = tf.ones([1, 2, 2, 3]);
 * const { feat } = kitsTerms("attn_kd", { s_e5: f }, { t_e5: f }, createRng(1));
 * if (Math.abs(feat.dataSync()[0]) > 1e-7) throw new Error("AT(f, f) = 0");
 * ```
 */
export function kitsTerms(
  type: Exclude<KitsLossType, "recursive_feedback_ours">,
  S: Record<string, tf.Tensor>,
  T: Record<string, tf.Tensor>,
  rng: Rng,
  opts: { temperature?: number; fixDkdTypo?: boolean; adapters?: Adapter[] } = {},
): { pix: tf.Scalar | null; feat: tf.Scalar } {
  const tau = opts.temperature ?? 4;
  const adapters: Adapter[] = [];
  let given = 0;
  const adapter = (cin: number, cout: number) => {
    if (opts.adapters) return opts.adapters[given++];
    const a = sampleAdapter(rng, cin, cout);
    adapters.push(a);
    return a;
  };
  const kl = (s: tf.Tensor, t: tf.Tensor) => klProjected(s, t, adapter(ch(s), ch(t)), tau);
  const at = (s: tf.Tensor, t: tf.Tensor) => hlfdAt(s, t);
  const sum = (xs: tf.Scalar[]) => tf.addN(xs) as tf.Scalar;
  try {
    const out = tf.tidy((): tf.Scalar[] => {
      const r = terms();
      return r.pix ? [r.feat, r.pix] : [r.feat];
    });
    return { feat: out[0], pix: out[1] ?? null };
  } finally {
    tf.dispose(adapters.flatMap((a) => [a.kernel, a.bias]));
  }

  function terms(): { pix: tf.Scalar | null; feat: tf.Scalar } {
    switch (type) {
      case "attn_kd":
        return { pix: null, feat: at(S.s_e5, T.t_e5) };
      case "wo_feedback":
        return { pix: kl(S.s_out, T.t_out), feat: at(S.s_e5, T.t_e5) };
      case "deep_kd": {
        const a5 = adapter(ch(S.s_d5), ch(opts.fixDkdTypo ? T.t_d5 : S.s_d5));
        // K3: the original distils s_d5 into itself, gradient through both sides.
        const d5 = opts.fixDkdTypo ? klProjected(S.s_d5, T.t_d5, a5, tau) : hlfdKl(
          resizeBilinear(
            tf.add(tf.conv2d(S.s_d5 as tf.Tensor4D, a5.kernel, 1, "valid"), a5.bias),
            side(S.s_d5),
          ),
          S.s_d5,
          tau,
        );
        return {
          pix: sum([
            kl(S.s_out, T.t_out),
            d5,
            kl(S.s_d4, T.t_d4),
            kl(S.s_d3, T.t_d3),
            kl(S.s_d2, T.t_d2),
          ]),
          feat: sum([1, 2, 3, 4, 5].map((k) => at(S[`s_e${k}`], T[`t_e${k}`]))),
        };
      }
      case "indv_feedback":
        return {
          pix: sum([kl(S.s_out, T.t_out), kl(S.s_d4, T.t_out), kl(S.s_d2, T.t_out)]),
          feat: sum([at(S.s_e5, T.t_e5), at(S.s_e2, T.t_e5), at(S.s_e4, T.t_e5)]),
        };
      case "cat_feedback_ours": {
        const ds = [S.s_d5, S.s_d4, S.s_d3, S.s_d2];
        const cat = klCat(
          ds,
          T.t_out,
          adapter(ds.reduce((a, x) => a + ch(x), 0), ch(T.t_out)),
          tau,
        );
        return {
          pix: sum([kl(S.s_out, T.t_out), cat]),
          feat: sum([at(S.s_e5, T.t_e5), atCat([S.s_e1, S.s_e2, S.s_e3, S.s_e4], T.t_e5)]),
        };
      }
    }
  }
}
