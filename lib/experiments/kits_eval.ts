/**
 * HLFD's evaluation (`BasePLModel.measure`, spec 02 §7): softmax foreground > 0.4, per-slice
 * thresholded counts P (predicted), G (truth), I (intersection) from lib/metrics
 * `overlapCounts`, summed per case; per case Dice = (2I + 1)/(P + G + 1), the original's
 * VOE* = 2(P − I)/(P + G + 1e−7) and signed RVD* = P/(G + 1e−7) − 1; means over cases with G > 0.
 * @module
 */
import * as tf from "../tf/tf.ts";
import { overlapCounts } from "../metrics/mod.ts";
import { createRng } from "../random/mod.ts";
import type { Sample } from "../datasets/types.ts";
import type { KitsSliceSet } from "./kits_data.ts";

/** Pooled thresholded counts of one case. */
export type CaseCounts = { p: number; g: number; i: number; slices: number };

/** Result of {@link evaluateSegmentation}. */
export type KitsEval = {
  /** Means over cases with G > 0. */
  dice: number;
  voe: number;
  rvd: number;
  perCase: Record<string, { dice: number; voe: number; rvd: number } & CaseCounts>;
  /** Foreground probability > threshold per test slice (row-major S×S), in test order. */
  predictions?: Uint8Array[];
};

/**
 * The case metrics of pooled counts (the original's formulas, verbatim).
 *
 * @example
 * ```ts
 * import { caseScores } from "./kits_eval.ts";
 * const s = caseScores({ p: 3, g: 2, i: 2, slices: 1 });
 * if (s.dice !== 5 / 6 || Math.abs(s.rvd - 0.5) > 1e-6) throw new Error();
 * ```
 */
export function caseScores(c: CaseCounts): { dice: number; voe: number; rvd: number } {
  return {
    dice: (2 * c.i + 1) / (c.p + c.g + 1),
    voe: (2 * (c.p - c.i)) / (c.p + c.g + 1e-7),
    rvd: c.p / (c.g + 1e-7) - 1,
  };
}

/**
 * Accumulate one slice's thresholded counts into `acc[caseKey]`. `prob` = foreground
 * probabilities, `truth` = 0/1 foreground.
 *
 * @example
 * ```ts
 * import { addSlice, type CaseCounts } from "./kits_eval.ts";
 * const acc: Record<string, CaseCounts> = {};
 * addSlice(acc, "00004", [0.9, 0.5, 0.3, 0.1], [1, 0, 1, 0], 0.4);
 * const c = acc["00004"];
 * if (c.p !== 2 || c.g !== 2 || c.i !== 1) throw new Error(JSON.stringify(c));
 * ```
 */
export function addSlice(
  acc: Record<string, CaseCounts>,
  caseKey: string,
  prob: ArrayLike<number>,
  truth: ArrayLike<number>,
  threshold: number,
): Uint8Array {
  const pred = new Uint8Array(prob.length);
  for (let k = 0; k < prob.length; k++) pred[k] = prob[k] > threshold ? 1 : 0;
  const c = overlapCounts(pred, truth);
  const a = acc[caseKey] ??= { p: 0, g: 0, i: 0, slices: 0 };
  a.p += c.tp + c.fp;
  a.g += c.tp + c.fn;
  a.i += c.tp;
  a.slices++;
  return pred;
}

/** Test samples loaded once (the test set has no augmentation, so they are fixed). */
export async function loadAll(set: KitsSliceSet): Promise<Sample[]> {
  const rng = createRng(0);
  const out: Sample[] = [];
  for (let i = 0; i < set.length; i++) out.push(await set.get(i, rng));
  return out;
}

/**
 * Evaluate a segmentation model (logits = output 0, inference mode) on test samples.
 *
 * @example
 * ```ts ignore
 * const r = await evaluateSegmentation(student, await loadAll(data.test), { threshold: 0.4 });
 * console.log(r.dice, r.perCase);
 * ```
 */
export async function evaluateSegmentation(
  model: tf.LayersModel,
  samples: Sample[],
  o: { threshold: number; batch?: number; keepPredictions?: boolean },
): Promise<KitsEval> {
  const head = tf.model({ inputs: model.inputs, outputs: model.outputs[0] });
  const acc: Record<string, CaseCounts> = {};
  const preds: Uint8Array[] = [];
  const bs = o.batch ?? 8;
  for (let s = 0; s < samples.length; s += bs) {
    const chunk = samples.slice(s, s + bs);
    const [h, w] = chunk[0].shape;
    const x = new Float32Array(chunk.length * h * w);
    chunk.forEach((c, k) => x.set(c.image, k * h * w));
    const fg = tf.tidy(() => {
      const logits = head.apply(tf.tensor4d(x, [chunk.length, h, w, 1]), {
        training: false,
      }) as tf.Tensor;
      return tf.softmax(logits, -1).slice([0, 0, 0, 1], [-1, -1, -1, 1]);
    });
    const prob = await fg.data();
    fg.dispose();
    chunk.forEach((c, k) => {
      const truth = new Uint8Array(h * w);
      for (let q = 0; q < h * w; q++) truth[q] = c.label[2 * q + 1] > 0.5 ? 1 : 0;
      const pred = addSlice(
        acc,
        c.group ?? c.id,
        prob.subarray(k * h * w, (k + 1) * h * w),
        truth,
        o.threshold,
      );
      if (o.keepPredictions) preds.push(pred);
    });
  }
  const perCase: KitsEval["perCase"] = {};
  for (const [id, c] of Object.entries(acc)) perCase[id] = { ...c, ...caseScores(c) };
  const used = Object.values(perCase).filter((c) => c.g > 0);
  const mean = (k: "dice" | "voe" | "rvd") =>
    used.length ? used.reduce((a, c) => a + c[k], 0) / used.length : NaN;
  return {
    dice: mean("dice"),
    voe: mean("voe"),
    rvd: mean("rvd"),
    perCase,
    ...(o.keepPredictions ? { predictions: preds } : {}),
  };
}
