/**
 * CXR8 study (spec 04): the distillation stages — the original's `kdK` scripts (faithful) and the
 * corrected protocol with its no-KD control (§7).
 * @module
 */
import { evaluateSplit } from "./cxr8_data.ts";
import { buildCxrModel, cxr8KdDistiller, focalTask, runStage } from "./cxr8_train.ts";
import { type Cxr8Entry, type Cxr8Session, record, stageBase, teacherOf } from "./cxr8_session.ts";

/**
 * The original's `kdK` scripts (faithful-intent reading, §4.2/§7 B1–B3): a freshly initialised
 * student, trained on `val_list` with Adam for `kdEpochs`, α·focal + (1−α)·T²·14-way-softmax KD on
 * the teacher's raw output; the last epoch's weights are tested.
 *
 * @example
 * ```ts ignore
 * const kd = await distilFaithful(s); // one entry per teacher kd1…kd5
 * ```
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
 *
 * @example
 * ```ts ignore
 * const [kd3, control] = await distilCorrected(s);
 * ```
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
