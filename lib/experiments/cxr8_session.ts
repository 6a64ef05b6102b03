/**
 * CXR8 study (spec 04): the preset and session types shared by the stages, opening a session
 * (lists + leakage guard) and the helpers every stage uses (stage defaults, test evaluation).
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { PresetBase, RunOptions } from "./types.ts";
import { type CxrData, type CxrEval, evaluateSplit, prepareData } from "./cxr8_data.ts";
import type { CkptSelect, CxrModelCfg, StageResult } from "./cxr8_train.ts";

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

export const log = (s: Cxr8Session, msg: string) => {
  if (s.opts.verbose ?? true) console.error(`cxr8: ${msg}`);
};

/**
 * Read the lists (leakage guard included) and start a session.
 *
 * @example
 * ```ts ignore
 * const s = await openCxr8(CXR8_PRESETS.demo, { dataDir: "data/phantoms/chestxray14", outDir: "runs/cxr8", seed: 0 });
 * ```
 */
export async function openCxr8(preset: Cxr8Preset, opts: RunOptions): Promise<Cxr8Session> {
  const t0 = performance.now();
  const data = await prepareData(opts.dataDir, preset);
  const s: Cxr8Session = { preset, opts, data, teachers: new Map(), entries: [], t0 };
  const n = data.lists;
  log(s, `train ${n.train.length} / val ${n.val.length} / test ${n.test.length} images`);
  return s;
}

/**
 * Settings every stage shares.
 *
 * @example
 * ```ts ignore
 * await runStage({ ...stageBase(s), name: "x", model, split: "train", … });
 * ```
 */
export function stageBase(s: Cxr8Session) {
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

/**
 * Test-set evaluation with the preset's TTA; records the entry.
 *
 * @example
 * ```ts ignore
 * await record(s, { method, role: "distilled", protocol: "faithful", stage }, model, false);
 * ```
 */
export async function record(
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

/**
 * A trained teacher by id, or a clear error.
 *
 * @example
 * ```ts ignore
 * const { model, sigmoidHead } = teacherOf(s, "kd3");
 * ```
 */
export function teacherOf(s: Cxr8Session, id: string) {
  const t = s.teachers.get(id);
  if (!t) throw new Error(`cxr8: teacher ${id} not trained yet (run trainTeachers/trainBaseline)`);
  return t;
}
