/**
 * Study 03 — the Synapse multi-organ CT knowledge-distillation library (mmseg-kd): a frozen
 * FCN-R50 teacher, an FCN-R18 student, the student baseline and six distillers (KD, AT, DKD,
 * DIST, CWD, ReviewKD) with MMRazor's dense conventions, evaluated per organ (Dice, HD95) on
 * reassembled 3D test cases. Stage functions (`prepareData`, `trainTeacher`, `trainMethod`) are
 * exported for the notebook; `run` composes them.
 * @module
 */
import * as tf from "../tf/tf.ts";
import { createRng } from "../random/mod.ts";
import {
  DataLoader,
  type LoaderState,
  loadSynapseVolume,
  openSynapseTrain,
  readLines,
  synapseSample,
} from "../datasets/mod.ts";
import { buildModel } from "../models/mod.ts";
import { loaderSource, polyLr, type StepRecord, train } from "../training/mod.ts";
import { loadWeightsInto, resolveCheckpointDir } from "../io/checkpoint.ts";
import type { Figure } from "../plots/mod.ts";
import type { Experiment, ExperimentResult, MethodResult, RunOptions } from "./types.ts";
import { writeReport } from "./report.ts";
import { distillConfig, METHOD_LABELS, synapseDistiller, synapseTaskLoss } from "./synapse_loss.ts";
import type { SynapseMethod } from "./synapse_loss.ts";
import {
  pooledDice,
  predictCases,
  scoreCases,
  type SynapseScores,
  type TestCase,
} from "./synapse_eval.ts";
import { SYNAPSE_PRESETS, type SynapsePreset } from "./synapse_presets.ts";
import { synapseFigures, synapseNotes, synapseTables } from "./synapse_report.ts";
import { calibrationTable, publishedTable } from "./synapse_presets.ts";

export * from "./synapse_presets.ts";
export * from "./synapse_loss.ts";
export * from "./synapse_eval.ts";
export * from "./synapse_report.ts";

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

/** Open the train slices and preprocess the test volumes (normalise per slice, keep case order). */
export async function prepareData(preset: SynapsePreset, opts: RunOptions): Promise<SynapseData> {
  const o = { size: preset.size, rotFlip: { labelInterp: preset.labelInterp } };
  const trainDs = await openSynapseTrain(opts.dataDir, o);
  const names = await readLines(`${opts.dataDir}/lists_Synapse/test_vol.txt`);
  const rng = createRng(0);
  const cases: TestCase[] = [];
  for (const name of names) {
    const v = await loadSynapseVolume(opts.dataDir, name);
    const [d, h, w] = v.shape;
    const sl = Array.from({ length: d }, (_, k) =>
      synapseSample(
        {
          id: `${name}_slice${k}`,
          group: name,
          image: v.image.subarray(k * h * w, (k + 1) * h * w),
          label: v.label.subarray(k * h * w, (k + 1) * h * w),
          hw: [h, w],
        },
        false,
        rng,
        o,
      ));
    const [sh, sw] = sl[0].labelShape;
    const image = new Float32Array(d * sh * sw), label = new Uint8Array(d * sh * sw);
    sl.forEach((s, k) => (image.set(s.image, k * sh * sw), label.set(s.label, k * sh * sw)));
    cases.push({ name, shape: [d, sh, sw], image, label });
  }
  return { preset, opts, train: trainDs, cases };
}

/** Build a model of the pair at the preset's slice size. */
export function buildSynapseModel(
  preset: SynapsePreset,
  role: "teacher" | "student",
  seed: number | string,
): tf.LayersModel {
  const m = preset[role];
  return buildModel(m.model, {
    inputShape: [preset.size, preset.size, 1],
    classes: 9,
    width: m.width,
    seed,
  });
}

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

/** Train (or reload) the teacher; it ends with its best-by-validation weights. */
export async function trainTeacher(
  data: SynapseData,
): Promise<{ model: tf.LayersModel; result: StageResult }> {
  const model = buildSynapseModel(data.preset, "teacher", `${data.opts.seed}:teacher`);
  const result = await trainStage(data, "teacher", model, {
    steps: data.preset.iterations.teacher,
  });
  return { model, result };
}

/** Train (or reload) the student baseline (`method` null) or a distilled student. */
export async function trainMethod(
  data: SynapseData,
  teacher: tf.LayersModel,
  method: SynapseMethod | null,
): Promise<StageResult> {
  const model = buildSynapseModel(data.preset, "student", `${data.opts.seed}:student`);
  try {
    return await trainStage(data, method ?? "student", model, {
      teacher: method ? teacher : undefined,
      method: method ?? undefined,
      steps: method ? data.preset.iterations.distill : data.preset.iterations.student,
    });
  } finally {
    model.dispose();
  }
}

/** The display name of a stage. */
export function stageLabel(name: string): string {
  if (name === "teacher") return "teacher (FCN-R50)";
  if (name === "student") return "student baseline (FCN-R18)";
  return METHOD_LABELS[name as SynapseMethod] ?? name;
}

/** A stage as the experiment contract's {@link MethodResult}. */
export function methodResult(r: StageResult): MethodResult {
  return {
    method: stageLabel(r.name),
    role: r.name === "teacher" ? "teacher" : r.name === "student" ? "student" : "distilled",
    metrics: {
      dice: r.last.dice,
      hd95: r.last.hd95,
      pooledDice: r.last.pooledDice,
      missed: r.last.missed,
      bestStep: r.best.step,
      bestDice: r.best.dice,
      bestHd95: r.best.hd95,
    },
    perClass: r.last.perClassDice,
    perCase: r.last.perCaseDice,
    trainSeconds: r.trainSeconds,
    checkpoint: `${r.name}/checkpoints/last`,
  };
}

/** Run the whole study: teacher, student baseline, each distiller, tables, figures, report. */
export async function runSynapse(
  preset: SynapsePreset,
  opts: RunOptions,
): Promise<ExperimentResult & { figures: Figure[] }> {
  const t0 = performance.now();
  const log = (m: string) => (opts.verbose ?? true) && console.error(`synapse: ${m}`);
  const data = await prepareData(preset, opts);
  log(`${data.train.length} train slices, ${data.cases.length} test cases`);
  const { model: teacher, result: tRes } = await trainTeacher(data);
  log(`teacher Dice ${tRes.last.dice} HD95 ${tRes.last.hd95}`);
  const stages: StageResult[] = [tRes];
  try {
    for (const m of [null, ...preset.methods]) {
      const r = await trainMethod(data, teacher, m);
      log(`${stageLabel(r.name)}: Dice ${r.last.dice} HD95 ${r.last.hd95}`);
      stages.push(r);
    }
  } finally {
    teacher.dispose();
  }
  const figures = synapseFigures(stages, data.cases);
  const result = {
    study: "synapse" as const,
    preset: preset.name,
    scale: preset.scale,
    seed: opts.seed,
    methods: stages.map(methodResult),
    tables: [...synapseTables(stages), calibrationTable()],
    paper: publishedTable(),
    notes: synapseNotes(preset, stages),
    wallSeconds: (performance.now() - t0) / 1000,
  };
  const paths = await writeReport(opts.outDir, result, figures, "03 Synapse KD library");
  return {
    ...result,
    metricsPath: paths.metricsPath.slice(opts.outDir.length + 1),
    reportPath: paths.reportPath.slice(opts.outDir.length + 1),
    figures,
  };
}

/** The study's experiment (registered in `registry.ts`). */
export const synapseExperiment: Experiment<SynapsePreset> = {
  id: "synapse",
  title: "03 Synapse multi-organ CT: KD library (FCN-R50 → FCN-R18, six distillers)",
  presets: SYNAPSE_PRESETS,
  run: runSynapse,
};
