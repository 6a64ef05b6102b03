/**
 * One training stage of the Synapse study (teacher, student baseline or a distilled student):
 * `train()` with the study's task loss, SGD + poly, pooled-mDice validation and checkpoints in
 * `<outDir>/<stage>`, then the test protocol at the last and the best-validation iteration.
 * A finished stage (`result.json` + checkpoint) is reloaded instead of retrained on resume.
 * @module
 */
import type * as tf from "../tf/tf.ts";
import { DataLoader, type LoaderState, type openSynapseTrain } from "../datasets/mod.ts";
import { loaderSource, polyLr, type StepRecord, train } from "../training/mod.ts";
import { loadWeightsInto, resolveCheckpointDir } from "../io/checkpoint.ts";
import type { RunOptions } from "./types.ts";
import { distillConfig, synapseDistiller, synapseTaskLoss } from "./synapse_loss.ts";
import type { SynapseMethod } from "./synapse_loss.ts";
import {
  pooledDice,
  predictCases,
  scoreCases,
  type SynapseScores,
  type TestCase,
} from "./synapse_eval.ts";
import type { SynapsePreset } from "./synapse_presets.ts";

/** Data of one run: the training set (augmenting) and the preprocessed test cases. */
export type SynapseData = {
  preset: SynapsePreset;
  opts: RunOptions;
  train: Awaited<ReturnType<typeof openSynapseTrain>>;
  cases: TestCase[];
};

/** One trained stage: scores at the last iteration and at the best validation step. */
export type StageResult = {
  name: string;
  last: SynapseScores;
  best: SynapseScores & { step: number };
  /** Loss per step, distillation part per step, validation mDice by step. */
  curves: { loss: number[]; distill: number[]; val: [number, number][] };
  trainSeconds: number;
  /** Predictions (last iteration) per test case, for the slice viewer. */
  preds: Uint8Array[];
};

const NON_FINITE = ["NaN", "Infinity", "-Infinity"];
/** JSON replacer / reviver that keep NaN and ±Infinity (stage results are reloaded on resume). */
const keepNonFinite = (_k: string, v: unknown) =>
  typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
const revive = (_k: string, v: unknown) =>
  typeof v === "string" && NON_FINITE.includes(v) ? Number(v) : v;

async function evalBoth(
  data: SynapseData,
  model: tf.LayersModel,
  runDir: string,
  bestStep: number,
  lastStep: number,
) {
  const preds = predictCases(model, data.cases);
  const last = scoreCases(preds, data.cases);
  let best = { ...last, step: lastStep };
  const bestDir = await resolveCheckpointDir(`${runDir}/checkpoints/best`);
  if (bestDir && bestStep !== lastStep) {
    await loadWeightsInto(`${bestDir}/student`, model);
    best = { ...scoreCases(predictCases(model, data.cases), data.cases), step: bestStep };
  }
  return { preds, last, best };
}

/**
 * Train (or, with `resume`, reload) one stage in `<outDir>/<name>`: the teacher (no teacher
 * given) or a student with an optional distiller. The model ends with its best-by-validation
 * weights (what MMRazor loads as the teacher).
 */
export async function trainStage(
  data: SynapseData,
  name: string,
  model: tf.LayersModel,
  o: { teacher?: tf.LayersModel; method?: SynapseMethod; steps: number },
): Promise<StageResult> {
  const { preset, opts } = data;
  const runDir = `${opts.outDir}/${name}`;
  const resultPath = `${runDir}/result.json`;
  if (opts.resume ?? true) {
    const done = await Deno.readTextFile(resultPath).then((t) => JSON.parse(t, revive))
      .catch(() => null);
    const at = await resolveCheckpointDir(`${runDir}/checkpoints/last`);
    if (done && at) {
      await loadWeightsInto(`${at}/student`, model);
      const preds = predictCases(model, data.cases);
      const bestDir = await resolveCheckpointDir(`${runDir}/checkpoints/best`);
      if (bestDir) await loadWeightsInto(`${bestDir}/student`, model);
      return { ...done, preds, trainSeconds: 0 } as StageResult;
    }
  }
  const seed = `${opts.seed}:${name === "teacher" ? "teacher" : "student"}`;
  const src = loaderSource(
    (start) =>
      new DataLoader(data.train, {
        batchSize: preset.batchSize,
        seed,
        epochs: Infinity,
        start: start as LoaderState | undefined,
      }),
    (b) => ({ x: b.image, y: b.label }),
  );
  const curves: StageResult["curves"] = { loss: [], distill: [], val: [] };
  const every = preset.validateEvery > 0 ? Math.min(preset.validateEvery, o.steps) : o.steps;
  const t0 = performance.now();
  const r = await train({
    student: model,
    teacher: o.teacher ? { model: o.teacher } : undefined,
    taskLoss: synapseTaskLoss,
    distillers: o.method
      ? [synapseDistiller(o.method, distillConfig(preset.size, preset.abfMid))]
      : [],
    optimizer: {
      kind: "sgd",
      momentum: preset.sgd.momentum,
      weightDecay: preset.sgd.weightDecay,
    },
    lr: polyLr({
      base: preset.sgd.lr,
      total: o.steps,
      power: preset.sgd.power,
      min: preset.sgd.minLr,
    }),
    data: src,
    steps: o.steps,
    seed,
    runDir,
    checkpointEvery: every,
    resume: opts.resume ?? true,
    evaluation: {
      every,
      metric: "mDice",
      run: ({ step, student }) => {
        const v = pooledDice(predictCases(student, data.cases), data.cases.map((c) => c.label));
        curves.val.push([step, v]);
        return { mDice: Number.isFinite(v) ? v : 0 };
      },
    },
    logEvery: 10,
    progress: (opts.verbose ?? true) ? "auto" : "none",
    onStep: (s: StepRecord) => {
      curves.loss.push(s.loss);
      curves.distill.push(
        Object.entries(s.terms).filter(([k]) => !k.startsWith("task")).reduce(
          (a, [, v]) => a + v,
          0,
        ),
      );
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const ev = await evalBoth(data, model, runDir, r.best?.step ?? r.step, r.step);
  const out: StageResult = {
    name,
    last: ev.last,
    best: ev.best,
    curves,
    trainSeconds,
    preds: ev.preds,
  };
  const { preds: _p, ...stored } = out;
  await Deno.writeTextFile(resultPath, JSON.stringify(stored, keepNonFinite));
  return out;
}
