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
import { loadSynapseVolume, openSynapseTrain, readLines, synapseSample } from "../datasets/mod.ts";
import { buildModel } from "../models/mod.ts";
import type { Figure } from "../plots/mod.ts";
import type { Experiment, ExperimentResult, MethodResult, RunOptions } from "./types.ts";
import { writeReport } from "./report.ts";
import { METHOD_LABELS } from "./synapse_loss.ts";
import type { SynapseMethod } from "./synapse_loss.ts";
import type { TestCase } from "./synapse_eval.ts";
import { type StageResult, type SynapseData, trainStage } from "./synapse_stage.ts";
import { SYNAPSE_PRESETS, type SynapsePreset } from "./synapse_presets.ts";
import { synapseFigures, synapseNotes, synapseTables } from "./synapse_report.ts";
import { calibrationTable, publishedTable } from "./synapse_presets.ts";

export * from "./synapse_presets.ts";
export * from "./synapse_loss.ts";
export * from "./synapse_eval.ts";
export * from "./synapse_report.ts";
export * from "./synapse_stage.ts";

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
