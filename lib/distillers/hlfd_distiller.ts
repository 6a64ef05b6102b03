/**
 * The KiTS study's distiller: HLFD (default) or any other `--loss_type` of the original code.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { type HlfdAdapters, hlfdLoss, sampleAdapter } from "./hlfd.ts";
import { type KitsLossType, kitsRoles, kitsTerms } from "./hlfd_variants.ts";
import { tap } from "./util.ts";

const ch = (x: tf.Tensor) => x.shape[x.rank - 1];

/**
 * HLFD distiller (KiTS §5.4), or another method of the §5.3 switch via `lossType`.
 * `studentTaps` / `teacherTaps` map the role names (s_e1…, s_d2…, t_e2…, t_d3…) to the models' tap
 * names (default: the model zoo's `e1`…`e5`, `d2`…`d5`; s_out / t_out are the logits). Adapters are drawn from the loop's
 * checkpointed RNG on every call (faithful K1). Terms: `pix` (×α, 0.1) and `feat` (×β1, 0.9);
 * `attn_kd` has only `feat`, weighted 1.0 as in the code.
 *
 * @example
 * ```ts
 * import { hlfdDistiller } from "./hlfd_distiller.ts";
 * const d = hlfdDistiller();
 * if (d.name !== "hlfd" || !d.taps.teacher.includes("logits")) throw new Error("taps");
 * const skd = hlfdDistiller({ lossType: "wo_feedback" });
 * if (skd.taps.student.join() !== "logits,e5") throw new Error(skd.taps.student.join());
 * ```
 */
export function hlfdDistiller(
  opts: {
    lossType?: KitsLossType;
    studentTaps?: Record<string, string>;
    teacherTaps?: Record<string, string>;
    alpha?: number;
    beta?: number;
    temperature?: number;
    fixDkdTypo?: boolean;
  } = {},
): Distiller {
  const type = opts.lossType ?? "recursive_feedback_ours";
  const roles = kitsRoles(type);
  // default: the model zoo's names (e1…e5, d2…d5; s_out / t_out = logits)
  const zoo = (r: string) => (r.endsWith("_out") ? "logits" : r.slice(2));
  const sName = (r: string) => opts.studentTaps?.[r] ?? zoo(r);
  const tName = (r: string) => opts.teacherTaps?.[r] ?? zoo(r);
  const alpha = opts.alpha ?? 0.1, beta = opts.beta ?? (type === "attn_kd" ? 1 : 0.9);
  return {
    name: type === "recursive_feedback_ours" ? "hlfd" : `kits_${type}`,
    taps: { student: roles.s.map(sName), teacher: roles.t.map(tName) },
    build: () => [],
    loss(so, to, _batch, ctx) {
      const s = Object.fromEntries(roles.s.map((r) => [r, tap("hlfd", so, sName(r))]));
      const t = Object.fromEntries(roles.t.map((r) => [r, tap("hlfd", to, tName(r))]));
      let pix: tf.Scalar | null, feat: tf.Scalar;
      if (type === "recursive_feedback_ours") {
        const adapters: HlfdAdapters = {
          rec: sampleAdapter(ctx.rng, ch(t.t_d5) + ch(t.t_d4) + ch(t.t_d3), ch(s.s_d5)),
          d4: sampleAdapter(ctx.rng, ch(s.s_d4), ch(t.t_out)),
          d3: sampleAdapter(ctx.rng, ch(s.s_d3), ch(t.t_out)),
          d2: sampleAdapter(ctx.rng, ch(s.s_d2), ch(t.t_out)),
        };
        ({ pix, feat } = hlfdLoss(s, t, adapters, { temperature: opts.temperature }));
        tf.dispose(Object.values(adapters).flatMap((a) => [a.kernel, a.bias]));
      } else {
        ({ pix, feat } = kitsTerms(type, s, t, ctx.rng, opts));
      }
      const p = pix, f = feat;
      const out = tf.tidy(() => ({
        ...(p ? { pix: tf.mul(p, alpha) as tf.Scalar } : {}),
        feat: tf.mul(f, beta) as tf.Scalar,
      }));
      tf.dispose([f, ...(p ? [p] : [])]);
      return out;
    },
  };
}
