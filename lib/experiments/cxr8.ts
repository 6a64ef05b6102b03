/**
 * Study 04 — ChestX-ray14 14-label classification, teachers → EEEA-Net-C2 with the original's
 * distillation (`kd1`…`kd5`, spec 04 §4.2), faithful protocol plus the corrected protocol of §7.
 *
 * Stages (each exported for the notebook; {@link cxr8Experiment}`.run` composes them):
 * {@link openCxr8} (lists, leakage guard) → {@link trainTeachers} → {@link trainBaseline} →
 * {@link distilFaithful} (fresh student, `val_list`, 14-way softmax KD, last epoch) →
 * {@link distilCorrected} (student from its baseline, `train_list_224`, per-label sigmoid KD, epoch
 * chosen on val, plus the no-KD control) → {@link finishCxr8} (ten-crop test AUROC, tables,
 * figures, report).
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Figure } from "../plots/mod.ts";
import type { Experiment, ExperimentResult, PresetBase, RunOptions } from "./types.ts";
import { type CxrData, type CxrEval, evaluateSplit, prepareData } from "./cxr8_data.ts";
import {
  baselineLoss,
  buildCxrModel,
  type CkptSelect,
  cxr8KdDistiller,
  type CxrModelCfg,
  focalTask,
  runStage,
  type StageResult,
} from "./cxr8_train.ts";
import { CXR8_PRESETS } from "./cxr8_presets.ts";
import { buildCxr8Report } from "./cxr8_report.ts";

/** A teacher `kdK`: its model, or `"student"` for self-distillation from the fine-tuned baseline. */
export type Cxr8Teacher = { id: string; model: CxrModelCfg | "student" };

/** Preset of the study (config keys of spec 04 §8.3). */
export type Cxr8Preset = PresetBase & {
  demoArch?: "family" | "plain";
  imageDir: string;
  resize: number;
  crop: number;
  minArea: number;
  cacheImages: boolean;
  batch: number;
  evalBatch: number;
  baselineEpochs: number;
  kdEpochs: number;
  /** Epochs of the corrected-protocol distillation (and of its no-KD control). */
  correctedEpochs: number;
  lr: number;
  weightDecay: number;
  T: number;
  alpha: number;
  gamma: number;
  student: CxrModelCfg;
  teachers: Cxr8Teacher[];
  doubleSigmoid: boolean;
  ckptSelect: CkptSelect;
  tta: "tencrop" | "center";
  /** Run the original's distillation for every teacher. */
  faithful: boolean;
  /** Teacher ids distilled under the corrected protocol. */
  corrected: string[];
  /** Also train the corrected protocol's control (same data and epochs, no KD). */
  control: boolean;
};

/** One evaluated model of a run. */
export type Cxr8Entry = {
  method: string;
  role: "teacher" | "student" | "distilled";
  protocol: "faithful" | "corrected";
  stage: StageResult;
  test: CxrEval;
};

/** State shared by the stages of one run. */
export type Cxr8Session = {
  preset: Cxr8Preset;
  opts: RunOptions;
  data: CxrData;
  teachers: Map<string, { model: tf.LayersModel; sigmoidHead: boolean; label: string }>;
  baseline?: tf.LayersModel;
  entries: Cxr8Entry[];
  t0: number;
};

const log = (s: Cxr8Session, msg: string) => {
  if (s.opts.verbose ?? true) console.error(`cxr8: ${msg}`);
};

/** Read the lists (leakage guard included) and start a session. */
export async function openCxr8(preset: Cxr8Preset, opts: RunOptions): Promise<Cxr8Session> {
  const t0 = performance.now();
  const data = await prepareData(opts.dataDir, preset);
  const s: Cxr8Session = { preset, opts, data, teachers: new Map(), entries: [], t0 };
  const n = data.lists;
  log(s, `train ${n.train.length} / val ${n.val.length} / test ${n.test.length} images`);
  return s;
}

function stageBase(s: Cxr8Session) {
  const p = s.preset;
  return {
    data: s.data,
    batch: p.batch,
    lr: p.lr,
    seed: String(s.opts.seed),
    outDir: s.opts.outDir,
    resume: s.opts.resume ?? true,
    verbose: s.opts.verbose ?? true,
  };
}

/** Test-set evaluation with the preset's TTA; records the entry. */
async function record(
  s: Cxr8Session,
  e: Omit<Cxr8Entry, "test">,
  model: tf.LayersModel,
  sigmoidHead: boolean,
): Promise<Cxr8Entry> {
  const test = await evaluateSplit(model, s.data, "test", {
    tta: s.preset.tta,
    batch: s.preset.evalBatch,
    sigmoidHead,
  });
  const entry = { ...e, test };
  s.entries.push(entry);
  const m = e.protocol === "faithful" ? test.raw.mean : test.prob.mean;
  log(s, `${e.method}: test mean AUROC ${m.toFixed(4)} (${e.stage.trainSeconds.toFixed(0)} s)`);
  return entry;
}

/** Fine-tune every teacher that is not the student itself (§4.1: AdamW, BCE, double sigmoid). */
export async function trainTeachers(s: Cxr8Session): Promise<Cxr8Entry[]> {
  const p = s.preset, out: Cxr8Entry[] = [];
  for (const t of p.teachers) {
    if (t.model === "student") continue;
    const model = buildCxrModel(t.model, p.crop, `${s.opts.seed}:init:teacher_${t.id}`);
    const dbl = p.doubleSigmoid && t.model.sigmoidHead;
    const stage = await runStage({
      ...stageBase(s),
      name: `teacher_${t.id}`,
      model,
      split: "train",
      epochs: p.baselineEpochs,
      optimizer: { kind: "adamw", weightDecay: p.weightDecay },
      taskLoss: baselineLoss(dbl),
      select: p.ckptSelect,
    });
    s.teachers.set(t.id, { model, sigmoidHead: t.model.sigmoidHead, label: t.model.label });
    out.push(
      await record(
        s,
        {
          method: `teacher ${t.id}: ${t.model.label}`,
          role: "teacher",
          protocol: "faithful",
          stage,
        },
        model,
        t.model.sigmoidHead,
      ),
    );
  }
  return out;
}

/** Fine-tune the student alone (model1 of the original); it is also the `kd1` teacher. */
export async function trainBaseline(s: Cxr8Session): Promise<Cxr8Entry> {
  const p = s.preset;
  const model = buildCxrModel(p.student, p.crop, `${s.opts.seed}:init:student_baseline`);
  const stage = await runStage({
    ...stageBase(s),
    name: "student_baseline",
    model,
    split: "train",
    epochs: p.baselineEpochs,
    optimizer: { kind: "adamw", weightDecay: p.weightDecay },
    taskLoss: baselineLoss(p.doubleSigmoid && p.student.sigmoidHead),
    select: p.ckptSelect,
  });
  s.baseline = model;
  for (const t of p.teachers) {
    if (t.model !== "student") continue;
    const self = buildCxrModel(p.student, p.crop, "self");
    self.setWeights(model.getWeights());
    s.teachers.set(t.id, { model: self, sigmoidHead: false, label: `${p.student.label} (self)` });
  }
  return await record(
    s,
    {
      method: `student baseline: ${p.student.label}`,
      role: "student",
      protocol: "faithful",
      stage,
    },
    model,
    p.student.sigmoidHead,
  );
}

function teacherOf(s: Cxr8Session, id: string) {
  const t = s.teachers.get(id);
  if (!t) throw new Error(`cxr8: teacher ${id} not trained yet (run trainTeachers/trainBaseline)`);
  return t;
}

/**
 * The original's `kdK` scripts (faithful-intent reading, §4.2/§7 B1–B3): a freshly initialised
 * student, trained on `val_list` with Adam for `kdEpochs`, α·focal + (1−α)·T²·14-way-softmax KD on
 * the teacher's raw output; the last epoch's weights are tested.
 */
export async function distilFaithful(s: Cxr8Session): Promise<Cxr8Entry[]> {
  const p = s.preset, out: Cxr8Entry[] = [];
  for (const { id } of p.teachers) {
    const t = teacherOf(s, id);
    const model = buildCxrModel(p.student, p.crop, `${s.opts.seed}:init:kd_student`);
    const stage = await runStage({
      ...stageBase(s),
      name: `faithful_${id}`,
      model,
      teacher: t.model,
      split: "val",
      epochs: p.kdEpochs,
      optimizer: { kind: "adam" },
      taskLoss: focalTask(p.alpha, p.gamma),
      distillers: [{
        distiller: cxr8KdDistiller({
          mode: "softmax-raw",
          temperature: p.T,
          teacherSigmoidHead: t.sigmoidHead,
        }),
        weight: 1 - p.alpha,
      }],
      select: "last",
    });
    out.push(
      await record(
        s,
        {
          method: `faithful ${id} ← ${t.label}`,
          role: "distilled",
          protocol: "faithful",
          stage,
        },
        model,
        p.student.sigmoidHead,
      ),
    );
    model.dispose();
  }
  return out;
}

/**
 * The corrected protocol (§7): student initialised from its baseline, distilled on
 * `train_list_224` with α·focal + (1−α)·T²·per-label sigmoid KD on teacher logits, epoch chosen by
 * val mean AUROC (σ-averaged ten-crop), tested once; plus the same run without KD as control.
 */
export async function distilCorrected(s: Cxr8Session): Promise<Cxr8Entry[]> {
  const p = s.preset, out: Cxr8Entry[] = [];
  if (!s.baseline) throw new Error("cxr8: distilCorrected needs trainBaseline first");
  const runs: { id: string | null }[] = [
    ...p.corrected.map((id) => ({ id })),
    ...(p.control ? [{ id: null }] : []),
  ];
  for (const { id } of runs) {
    const t = id ? teacherOf(s, id) : undefined;
    const model = buildCxrModel(p.student, p.crop, "corrected");
    model.setWeights(s.baseline.getWeights());
    const valAuroc = async () =>
      (await evaluateSplit(model, s.data, "val", {
        tta: p.tta,
        batch: p.evalBatch,
        sigmoidHead: false,
      })).prob.mean;
    const stage = await runStage({
      ...stageBase(s),
      name: id ? `corrected_${id}` : "corrected_control",
      model,
      teacher: t?.model,
      split: "train",
      epochs: p.correctedEpochs,
      optimizer: { kind: "adam" },
      taskLoss: focalTask(p.alpha, p.gamma),
      distillers: t
        ? [{
          distiller: cxr8KdDistiller({
            mode: "sigmoid",
            temperature: p.T,
            teacherSigmoidHead: t.sigmoidHead,
          }),
          weight: 1 - p.alpha,
        }]
        : [],
      select: "val-auroc",
      valAuroc,
    });
    out.push(
      await record(
        s,
        {
          method: id ? `corrected ${id} ← ${t!.label}` : "corrected control (no KD)",
          role: id ? "distilled" : "student",
          protocol: "corrected",
          stage,
        },
        model,
        false,
      ),
    );
    model.dispose();
  }
  return out;
}

/** Tables, figures, notes; write `metrics.json` + `report.html`; free the models. */
export async function finishCxr8(
  s: Cxr8Session,
): Promise<ExperimentResult & { figures: Figure[] }> {
  const r = await buildCxr8Report(s, (performance.now() - s.t0) / 1000);
  for (const t of s.teachers.values()) t.model.dispose();
  s.baseline?.dispose();
  s.teachers.clear();
  s.baseline = undefined;
  return r;
}

/** The study's experiment: presets `demo`, `demo-plain`, `smoke`, `paper`. */
export const cxr8Experiment: Experiment<Cxr8Preset> = {
  id: "cxr8",
  title: "04 CXR8 — ChestX-ray14, teachers → EEEA-Net-C2 knowledge distillation",
  presets: CXR8_PRESETS,
  async run(preset, opts) {
    const s = await openCxr8(preset, opts);
    try {
      await trainTeachers(s);
      await trainBaseline(s);
      if (preset.faithful) await distilFaithful(s);
      if (preset.corrected.length || preset.control) await distilCorrected(s);
      return await finishCxr8(s);
    } finally {
      for (const t of s.teachers.values()) t.model.dispose();
      s.baseline?.dispose();
    }
  },
};
