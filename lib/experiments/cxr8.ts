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
import type { Figure } from "../plots/mod.ts";
import type { Experiment, ExperimentResult } from "./types.ts";
import { baselineLoss, buildCxrModel, runStage } from "./cxr8_train.ts";
import { CXR8_PRESETS } from "./cxr8_presets.ts";
import { buildCxr8Report } from "./cxr8_report.ts";
import {
  type Cxr8Entry,
  type Cxr8Preset,
  type Cxr8Session,
  openCxr8,
  record,
  stageBase,
} from "./cxr8_session.ts";
import { distilCorrected, distilFaithful } from "./cxr8_distil.ts";

export type { Cxr8Entry, Cxr8Preset, Cxr8Session, Cxr8Teacher } from "./cxr8_session.ts";
export { openCxr8 } from "./cxr8_session.ts";
export { distilCorrected, distilFaithful } from "./cxr8_distil.ts";
export { CXR8_PRESETS } from "./cxr8_presets.ts";
export { CXR8_PAPER } from "./cxr8_report.ts";
export { sampleStack } from "./cxr8_data.ts";

/**
 * Fine-tune every teacher that is not the student itself (§4.1: AdamW, BCE, double sigmoid).
 *
 * @example
 * ```ts ignore
 * const s = await openCxr8(CXR8_PRESETS.demo, { dataDir, outDir, seed: 0 });
 * const [kd3] = await trainTeachers(s); // kd3.test.raw.mean
 * ```
 */
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

/**
 * Fine-tune the student alone (model1 of the original); it is also the `kd1` teacher.
 *
 * @example
 * ```ts ignore
 * const base = await trainBaseline(s); // after trainTeachers(s)
 * ```
 */
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

/**
 * Tables, figures, notes; write `metrics.json` + `report.html`; free the models.
 *
 * @example
 * ```ts ignore
 * const result = await finishCxr8(s); // result.tables, result.figures, result.paper
 * ```
 */
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

/**
 * The study's experiment: presets `demo`, `demo-plain`, `smoke`, `paper`.
 *
 * @example
 * ```ts
 * import { cxr8Experiment } from "./cxr8.ts";
 * if (!cxr8Experiment.presets.demo || cxr8Experiment.id !== "cxr8") throw new Error();
 * ```
 */
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
