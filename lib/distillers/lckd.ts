/**
 * LCKD — learnable cross-modal KD (BraTS study §3.3, §4): per-region teacher-modality election on
 * validation Dice, L1 from each present modality's features to the detached features of the
 * elected teachers, and missing-modality feature filling.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { DistillerError } from "./types.ts";
import { stopGradient, tap } from "./util.ts";

/**
 * L_KD = Σ_{t ∈ teachers∩present} Σ_{s ∈ present} mean|stopgrad(f_t) − f_s| (mean over every
 * element of one modality's feature). The s = t terms (0, zero gradient in PyTorch) are skipped.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { lckdLoss } from "./lckd.ts";
 * const f = [tf.zeros([1, 2]), tf.ones([1, 2])];
 * if (lckdLoss(f, [0, 1], [0]).dataSync()[0] !== 1) throw new Error("expected 1");
 * ```
 */
export function lckdLoss(features: tf.Tensor[], present: number[], teachers: number[]): tf.Scalar {
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    for (const t of teachers) {
      if (!present.includes(t)) continue;
      const ft = stopGradient(features[t]);
      // s = t is skipped: its value is 0 and PyTorch's gradient is 0 (sign(0) = 0), but TF.js's
      // abs'(0) is −1, which would push the teacher's own features.
      for (const s of present) if (s !== t) terms.push(tf.mean(tf.abs(tf.sub(ft, features[s]))));
    }
    return (terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
  });
}

/**
 * Missing-modality filling: absent slots get the mean of the present modalities' features
 * (gradients flow into the present ones); present slots keep their own features.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { fillMissing } from "./lckd.ts";
 * const out = fillMissing([tf.scalar(1), tf.scalar(0), tf.scalar(3)], [0, 2]);
 * if (out[1].dataSync()[0] !== 2) throw new Error("fill = mean of present");
 * ```
 */
export function fillMissing(features: tf.Tensor[], present: number[]): tf.Tensor[] {
  if (present.length === 0) throw new DistillerError("fillMissing: no modality present");
  const fill = tf.tidy(() => tf.div(tf.addN(present.map((m) => features[m])), present.length));
  const out = features.map((f, m) => (present.includes(m) ? tf.clone(f) : fill));
  if (present.length === features.length) fill.dispose();
  return out;
}

/**
 * Teacher election: `scores[m][r]` = summed soft Dice of modality m alone on region r. Per region
 * the best modality wins (first index on ties); the teachers are the distinct winners, ascending.
 *
 * @example
 * ```ts
 * import { electTeachers } from "./lckd.ts";
 * const t = electTeachers([[0.1, 0.9, 0.2], [0.5, 0.9, 0.1], [0.3, 0.2, 0.2], [0, 0, 0]]);
 * if (t.join() !== "0,1") throw new Error(t.join());
 * ```
 */
export function electTeachers(scores: number[][]): number[] {
  const regions = scores[0]?.length ?? 0;
  const won = new Set<number>();
  for (let r = 0; r < regions; r++) {
    let best = 0;
    for (let m = 1; m < scores.length; m++) if (scores[m][r] > scores[best][r]) best = m;
    won.add(best);
  }
  return [...won].sort((a, b) => a - b);
}

/** Present modality indices from a batch: `present` as indices, or a 0/1 tensor [M] / [N, M]. */
export function presentModalities(present: unknown, modalities: number): number[] {
  if (present === undefined) return Array.from({ length: modalities }, (_, i) => i);
  if (Array.isArray(present)) return present as number[];
  if (present instanceof tf.Tensor) {
    const v = present.dataSync().slice(0, modalities); // the same set for the whole batch
    return Array.from(v).flatMap((x, i) => (x > 0 ? [i] : []));
  }
  throw new DistillerError(`lckd: batch.present must be indices or a 0/1 tensor`);
}

/**
 * LCKD distiller (no teacher model: the student's own per-modality features teach each other).
 * Features: one tap per modality (`featureTaps`, ASPP outputs before fill-in), or one tap
 * `featureTap` holding the M modalities regrouped along channels (m·C + c, the model zoo's
 * `features`, default). The batch carries `present` (indices, or a 0/1 tensor [N, M] as the zoo's
 * `present` input; default all). Every `electEvery` steps (after the update, at iteration
 * i % N == 0, i counted from 0 as in the original), `elect(i)` returns the scores for
 * {@link electTeachers}. Teachers start as [0] (flair). Term `lckd` = λ·L_KD (λ default 0.1).
 *
 * @example
 * ```ts
 * import { lckdDistiller } from "./lckd.ts";
 * const d = lckdDistiller({ lambda: 0.1 });
 * if (d.taps.student[0] !== "features") throw new Error("zoo tap");
 * if ((d.state!() as { teachers: number[] }).teachers.join() !== "0") throw new Error("flair first");
 * ```
 */
export function lckdDistiller(
  opts: {
    featureTaps?: string[];
    featureTap?: string;
    modalities?: number;
    electEvery?: number;
    elect?: (step: number) => Promise<number[][]> | number[][];
    lambda?: number;
  } = {},
): Distiller {
  let teachers = [0];
  const m = opts.featureTaps?.length ?? opts.modalities ?? 4;
  const tapNames = opts.featureTaps ?? [opts.featureTap ?? "features"];
  return {
    name: "lckd",
    taps: { student: tapNames, teacher: [] },
    build: () => [],
    loss(s, _t, batch) {
      const present = presentModalities(batch.present, m);
      return tf.tidy(() => {
        const feats = opts.featureTaps
          ? opts.featureTaps.map((n) => tap("lckd", s, n))
          : tf.split(tap("lckd", s, tapNames[0]), m, -1);
        return {
          lckd: tf.mul(lckdLoss(feats, present, teachers), opts.lambda ?? 0.1) as tf.Scalar,
        };
      });
    },
    async afterStep({ step }) {
      const every = opts.electEvery ?? 5000;
      if (opts.elect && (step - 1) % every === 0) {
        teachers = electTeachers(await opts.elect(step - 1));
      }
    },
    state: () => ({ teachers }),
    restore(st) {
      const t = (st as { teachers?: number[] })?.teachers;
      if (Array.isArray(t)) teachers = t;
    },
  };
}
