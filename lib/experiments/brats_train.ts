/**
 * Training pieces of study 05: the LCKD task loss (Dice mean + BCE summed over [ET, WT, TC], §5),
 * the batch source with per-batch random missing modalities (§4.3), teacher election by
 * single-modality soft Dice on the election cases (§4.1), and one training phase through
 * lib/training `train()` (SGD Nesterov, poly 0.9 on the global iteration, optional LCKD term).
 * @module
 */
import * as tf from "../tf/tf.ts";
import {
  bratsTrainDataset,
  DataLoader,
  type LoaderState,
  type TensorBatch,
} from "../datasets/mod.ts";
import { electTeachers, lckdDistiller } from "../distillers/mod.ts";
import { createRng } from "../random/mod.ts";
import { loaderSource, type StepRecord, train } from "../training/mod.ts";
import { type EvalCase, slidingSubsetProbs, splitDualNet } from "./brats_eval.ts";
import type { BratsPreset } from "./brats_presets.ts";

/**
 * Dice + BCE of spec §5 on channels-last sigmoid logits [N, D, H, W, 3]: soft Dice
 * `2Σpg/(Σp+Σg+1)` per sample and channel, `mean_c(1 − mean_b d)`; BCE with logits averaged over
 * batch and voxels and summed over the three channels.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { bratsLoss } from "./brats_train.ts";
 * const t = bratsLoss(tf.fill([1, 2, 2, 2, 3], 20), tf.ones([1, 2, 2, 2, 3]));
 * if (!(t.dice.dataSync()[0] < 0.07 && t.bce.dataSync()[0] < 1e-6)) throw new Error();
 * ```
 */
export function bratsLoss(logits: tf.Tensor, y: tf.Tensor): { dice: tf.Scalar; bce: tf.Scalar } {
  return tf.tidy(() => {
    const n = logits.shape[0]!, c = logits.shape[logits.rank - 1]!;
    const p = tf.sigmoid(logits).reshape([n, -1, c]);
    const g = y.reshape([n, -1, c]);
    const inter = tf.sum(tf.mul(p, g), 1);
    const d = tf.div(tf.mul(inter, 2), tf.add(tf.add(tf.sum(p, 1), tf.sum(g, 1)), 1));
    const dice = tf.mean(tf.sub(1, tf.mean(d, 0))) as tf.Scalar;
    // stable BCE with logits: max(x, 0) − x·g + log(1 + e^{−|x|})
    const x = logits.reshape([n, -1, c]);
    const el = tf.add(tf.sub(tf.relu(x), tf.mul(x, g)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    const bce = tf.sum(tf.mean(el, [0, 1])) as tf.Scalar;
    return { dice, bce };
  });
}

/**
 * Present-modality set of one batch: all four in phase 1; in phase 2 k ~ U{1, 2, 3} distinct
 * modalities drawn uniformly (the full set never occurs), from a seed fixed by the batch position
 * (so a resumed run draws the same sets).
 *
 * @example
 * ```ts
 * import { drawPresent } from "./brats_train.ts";
 * const p = drawPresent("s", 3, 7, true);
 * if (!(p.length >= 1 && p.length <= 3) || drawPresent("s", 3, 7, false).length !== 4) throw new Error();
 * ```
 */
export function drawPresent(seed: string, epoch: number, index: number, random: boolean): number[] {
  if (!random) return [0, 1, 2, 3];
  const rng = createRng(`${seed}:present:${epoch}:${index}`);
  const k = rng.int(1, 4);
  return rng.shuffle([0, 1, 2, 3]).slice(0, k).sort((a, b) => a - b);
}

/**
 * Election scores (§4.1): `scores[m][r]` = soft Dice of modality m alone summed over the cases,
 * regions in the model's channel order [ET, WT, TC]. Tiles' logits are averaged, then sigmoid.
 */
export function electionScores(
  model: tf.LayersModel,
  cases: EvalCase[],
  p: BratsPreset,
): number[][] {
  const scores = [0, 1, 2, 3].map(() => [0, 0, 0]);
  const presents = [0, 1, 2, 3].map((m) => [0, 1, 2, 3].map((k) => (k === m ? 1 : 0)));
  const split = splitDualNet(model, p.patch);
  try {
    for (const c of cases) {
      const logits = slidingSubsetProbs(model, c.image, presents, p.patch, p.overlap, {
        shape: c.shape,
        split,
        logits: true,
      });
      const n = c.target.length / 3;
      presents.forEach((_, m) => {
        const l = logits[m];
        for (let r = 0; r < 3; r++) {
          let pg = 0, ps = 0, gs = 0;
          for (let v = 0; v < n; v++) {
            const pr = 1 / (1 + Math.exp(-l[3 * v + r])), g = c.target[3 * v + r];
            pg += pr * g;
            ps += pr;
            gs += g;
          }
          scores[m][r] += (2 * pg) / (ps + gs + 1);
        }
      });
    }
  } finally {
    split?.dispose();
  }
  for (const row of scores) {
    if (row.some((v) => !Number.isFinite(v))) {
      throw new Error(`LCKD election: non-finite modality scores ${JSON.stringify(scores)}`);
    }
  }
  return scores;
}

/** Curves and elections of one phase. */
export type PhaseLog = {
  steps: number[];
  loss: number[];
  kd: number[];
  elections: { step: number; teachers: number[]; scores: number[][] }[];
  seconds: number;
};

/**
 * One phase (`runDir`): global iterations up to `to` (poly schedule over `to`, as the original's
 * `num_steps`), random subsets or not, KD on or off, optionally continuing from a previous phase's
 * checkpoint folder (weights + momentum buffers, counting from its step). Elections happen at
 * global iterations i ≡ 0 (mod `electEvery`), after that iteration's update.
 */
export async function trainPhase(
  o: {
    preset: BratsPreset;
    model: tf.LayersModel;
    trainDirs: string[];
    electCases: EvalCase[];
    runDir: string;
    seed: string;
    to: number;
    random: boolean;
    kd: boolean;
    startFrom?: string;
    resume: boolean;
    verbose: boolean;
  },
): Promise<PhaseLog> {
  const p = o.preset;
  const ds = bratsTrainDataset(o.trainDirs, {
    patch: p.patch,
    margins: p.margins,
    countThreshold: p.countThreshold,
    augment: p.augment === false ? false : p.augment,
  });
  const src = loaderSource(
    (start) =>
      new DataLoader(ds, {
        batchSize: p.batchSize,
        seed: o.seed,
        epochs: Infinity,
        start: start as LoaderState | undefined,
      }),
    (b: TensorBatch) => {
      const present = drawPresent(o.seed, b.epoch, b.index, o.random);
      const n = b.image.shape[0]!;
      const row = [0, 1, 2, 3].map((m) => (present.includes(m) ? 1 : 0));
      const pt = tf.tensor2d(Array.from({ length: n }, () => row));
      return { x: { image: b.image, present: pt }, y: b.label, present };
    },
  );
  const log: PhaseLog = { steps: [], loss: [], kd: [], elections: [], seconds: 0 };
  const distiller = lckdDistiller({
    featureTap: "features",
    lambda: p.lambda,
    electEvery: p.electEvery,
    elect: (step) => {
      const scores = electionScores(o.model, o.electCases, p);
      log.elections.push({ step, teachers: electTeachers(scores), scores });
      return scores;
    },
  });
  const t0 = performance.now();
  await train({
    student: o.model,
    taskLoss: (out, batch) => bratsLoss(out.logits, batch.y),
    distillers: o.kd ? [{ distiller }] : [],
    optimizer: { kind: "sgd", momentum: p.momentum, nesterov: true, weightDecay: 0 },
    lr: (i: number) => p.lr * Math.pow(Math.max(0, 1 - i / o.to), 0.9),
    data: src,
    steps: o.to,
    seed: o.seed,
    runDir: o.runDir,
    checkpointEvery: o.to,
    resume: o.resume,
    startFrom: o.startFrom ? { dir: o.startFrom } : undefined,
    logEvery: 5,
    progress: o.verbose ? "auto" : "none",
    onStep: (s: StepRecord) => {
      log.steps.push(s.step);
      log.loss.push(s.loss);
      log.kd.push(
        Object.entries(s.terms).filter(([k]) => k.startsWith("lckd")).reduce(
          (a, [, v]) => a + v,
          0,
        ),
      );
    },
  });
  log.seconds = (performance.now() - t0) / 1000;
  return log;
}
