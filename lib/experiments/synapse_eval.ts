/**
 * Synapse evaluation (spec 03 §6): whole-slice inference (logits resized bilinearly to the slice
 * side, argmax), the validation metric (dataset-pooled 2D mDice), and the test protocol on
 * reassembled 3D cases (MONAI 1.2 rules, background excluded, unit spacing: per-case nanmean over
 * the 8 organs of Dice×100 and HD95, rounded to 2 decimals, then nanmean over cases).
 * @module
 */
import * as tf from "../tf/tf.ts";
import { caseMetrics } from "../metrics/mod.ts";

/** The 8 scored organs, ids 1..8 (MMSegmentation's Synapse class order). */
export const SYNAPSE_ORGANS = [
  "aorta",
  "gallbladder",
  "left_kidney",
  "right_kidney",
  "liver",
  "pancreas",
  "spleen",
  "stomach",
];

/** One test case after the per-slice pipeline: D slices of H×W, row-major, axis 0 = slice. */
export type TestCase = {
  name: string;
  shape: [number, number, number];
  /** Normalised images, D·H·W. */
  image: Float32Array;
  label: Uint8Array;
};

/** Scores of one model on the test cases. */
export type SynapseScores = {
  /** Mean Dice (%) and HD95 (voxels) over cases, each case a nanmean over organs. */
  dice: number;
  hd95: number;
  /** Pooled 2D mDice (%), the validation metric (§6). */
  pooledDice: number;
  /** (case, organ) pairs with a non-empty truth and an empty prediction (HD95 NaN, §8 D11). */
  missed: number;
  perClassDice: Record<string, number>;
  perClassHd95: Record<string, number>;
  perCaseDice: Record<string, number>;
  perCaseHd95: Record<string, number>;
  /** `[case][organ]` rounded values (Dice %, HD95). */
  diceTable: number[][];
  hd95Table: number[][];
};

const r2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : v);

/** numpy nanmean (NaN when every value is NaN). */
export function nanmean(v: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) (s += v[i], n++);
  return n ? s / n : NaN;
}

/**
 * Predicted label maps (uint8, D·H·W per case) of `model` (output 0 = logits), `batch` slices at
 * a time; logits resized bilinearly (half-pixel) to H×W, then argmax.
 */
export function predictCases(model: tf.LayersModel, cases: TestCase[], batch = 12): Uint8Array[] {
  return cases.map((c) => {
    const [d, h, w] = c.shape;
    const out = new Uint8Array(d * h * w);
    for (let k = 0; k < d; k += batch) {
      const n = Math.min(batch, d - k);
      const am = tf.tidy(() => {
        const x = tf.tensor4d(c.image.subarray(k * h * w, (k + n) * h * w), [n, h, w, 1]);
        const o = model.predict(x) as tf.Tensor | tf.Tensor[];
        const z = (Array.isArray(o) ? o[0] : o) as tf.Tensor4D;
        const up = z.shape[1] === h && z.shape[2] === w
          ? z
          : tf.image.resizeBilinear(z, [h, w], false, true);
        return tf.argMax(up, -1);
      });
      out.set(am.dataSync(), k * h * w);
      am.dispose();
    }
    return out;
  });
}

/**
 * Dataset-pooled 2D mDice (%): per organ, intersections and areas summed over every slice of
 * every case; Dice = 2I/(P+G) (NaN when both are 0); nanmean over organs ×100, rounded to 2.
 *
 * @example
 * ```ts
 * import { pooledDice } from "./synapse_eval.ts";
 * if (pooledDice([Uint8Array.of(1, 1, 0)], [Uint8Array.of(1, 0, 0)]) !== 66.67) throw new Error();
 * ```
 */
export function pooledDice(preds: Uint8Array[], truths: Uint8Array[]): number {
  const inter = new Float64Array(9), p = new Float64Array(9), g = new Float64Array(9);
  preds.forEach((pr, j) => {
    const t = truths[j];
    for (let i = 0; i < pr.length; i++) {
      p[pr[i]]++;
      g[t[i]]++;
      if (pr[i] === t[i]) inter[t[i]]++;
    }
  });
  const d = Array.from({ length: 8 }, (_, c) => {
    const den = p[c + 1] + g[c + 1];
    return den ? (2 * inter[c + 1]) / den : NaN;
  });
  return r2(nanmean(d) * 100);
}

/**
 * The test protocol (§6) on predicted label maps. Per (case, organ) MONAI rules: truth empty →
 * Dice NaN, HD95 NaN; truth non-empty and prediction empty → Dice 0, HD95 NaN (counted in
 * `missed`). Voxel units (unit spacing), row-major D×H×W volumes.
 *
 * @example
 * ```ts
 * import { scoreCases } from "./synapse_eval.ts";
 * const label = new Uint8Array(2 * 4 * 4); label.fill(5, 0, 8); label.fill(1, 20, 22);
 * const pred = label.slice(); pred.fill(0, 20, 22);
 * const c = { name: "case0001", shape: [2, 4, 4] as [number, number, number], image: new Float32Array(32), label };
 * const s = scoreCases([pred], [c]);
 * if (s.perClassDice.liver !== 100 || s.perClassDice.aorta !== 0 || s.dice !== 50 || s.missed !== 1) throw new Error(JSON.stringify(s));
 * ```
 */
export function scoreCases(preds: Uint8Array[], cases: TestCase[]): SynapseScores {
  const classes = SYNAPSE_ORGANS.map((_, i) => i + 1);
  const diceTable: number[][] = [], hd95Table: number[][] = [];
  let missed = 0;
  cases.forEach((c, j) => {
    const s = caseMetrics(preds[j], c.label, { classes, shape: c.shape, order: "C" });
    diceTable.push(classes.map((k) => r2(s[k].dice * 100)));
    hd95Table.push(classes.map((k) => r2(s[k].hd95)));
    for (const k of classes) {
      if (s[k].dice === 0 && Number.isNaN(s[k].hd95)) missed++;
    }
  });
  const perCase = (t: number[][]) =>
    Object.fromEntries(cases.map((c, j) => [c.name, r2(nanmean(t[j]))]));
  const perClass = (t: number[][]) =>
    Object.fromEntries(SYNAPSE_ORGANS.map((o, k) => [o, nanmean(t.map((row) => row[k]))]));
  const perCaseDice = perCase(diceTable), perCaseHd95 = perCase(hd95Table);
  return {
    dice: r2(nanmean(Object.values(perCaseDice))),
    hd95: r2(nanmean(Object.values(perCaseHd95))),
    pooledDice: pooledDice(preds, cases.map((c) => c.label)),
    missed,
    perClassDice: perClass(diceTable),
    perClassHd95: perClass(hd95Table),
    perCaseDice,
    perCaseHd95,
    diceTable,
    hd95Table,
  };
}
