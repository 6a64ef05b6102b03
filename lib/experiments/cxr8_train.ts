/**
 * CXR8 study (spec 04): training stages — the models, the baselines' BCE (with the original's
 * double sigmoid, §7 B5), the distillation loss of §4.2 (faithful: focal + 14-way-softmax KD on
 * the teacher's raw output; corrected: per-label sigmoid KD on teacher logits, §7 B6), and one
 * resumable stage runner over lib/training `train()` with the original's checkpoint selection.
 * @module
 */
import { join } from "node:path";
import * as tf from "../tf/tf.ts";
import { buildModel } from "../models/mod.ts";
import { cxr8FocalLoss, type Distiller, multiLabelKdLoss } from "../distillers/mod.ts";
import { type OptimizerConfig, readRunLog, type TaskLoss, train } from "../training/mod.ts";
import { loadWeightsInto, resolveCheckpointDir, saveModel } from "../io/checkpoint.ts";
import { type CxrData, type CxrSplit, trainSource } from "./cxr8_data.ts";

/** A model of the study: registry name, width and how its head ends. */
export type CxrModelCfg = {
  /** lib/models registry name, e.g. `cxr_eeea_mini`, `densenet121`. */
  name: string;
  width: number;
  /** Short label for tables, e.g. "DenseNet-mini (CheXNet)". */
  label: string;
  /** The original appends a Sigmoid to this model's head (CheXNet, Visformer, AutoFormerV2). */
  sigmoidHead: boolean;
};

/**
 * Build a model of the study at `crop`² × 3 with 14 outputs.
 *
 * @example
 * ```ts
 * import { buildCxrModel } from "./cxr8_train.ts";
 * const m = buildCxrModel({ name: "cxr_plain", width: 0.5, label: "s", sigmoidHead: false }, 28, "0");
 * if (m.outputs[0].shape[1] !== 14) throw new Error();
 * m.dispose();
 * ```
 */
export function buildCxrModel(cfg: CxrModelCfg, crop: number, seed: string): tf.LayersModel {
  return buildModel(cfg.name, { inputShape: [crop, crop, 3], classes: 14, width: cfg.width, seed });
}

/**
 * The baselines' loss: BCE-with-logits, mean over B×14; with `doubleSigmoid` the logits first go
 * through the head's Sigmoid, so the loss sees σ(σ(z)) as in the original (§7 B5).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { baselineLoss } from "./cxr8_train.ts";
 * const z = tf.tensor2d([[0]]), y = tf.tensor2d([[1]]);
 * const l = baselineLoss(false)({ logits: z, taps: {} }, { x: z, y }) as tf.Scalar;
 * if (Math.abs(l.dataSync()[0] - Math.LN2) > 1e-6) throw new Error();
 * ```
 */
export function baselineLoss(doubleSigmoid: boolean): TaskLoss {
  return (o, b) =>
    tf.tidy(() => {
      const z = doubleSigmoid ? tf.sigmoid(o.logits) : o.logits;
      return tf.losses.sigmoidCrossEntropy(b.y, z) as tf.Scalar;
    });
}

/**
 * The focal part of the distillation loss, already multiplied by α (§4.2).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { focalTask } from "./cxr8_train.ts";
 * const z = tf.tensor2d([[0]]), y = tf.tensor2d([[1]]);
 * const t = focalTask(0.5, 2)({ logits: z, taps: {} }, { x: z, y }) as Record<string, tf.Scalar>;
 * if (Math.abs(t.focal.dataSync()[0] - 0.125 * Math.LN2) > 1e-6) throw new Error();
 * ```
 */
export function focalTask(alpha: number, gamma: number): TaskLoss {
  return (o, b) => ({ focal: tf.mul(cxr8FocalLoss(o.logits, b.y, { gamma }), alpha) as tf.Scalar });
}

/**
 * The KD part of §4.2 as a distiller (weight 1 − α is applied by the loop). `"softmax-raw"`: the
 * teacher's raw output — σ(z_t) for a Sigmoid-headed teacher, else its logits — in a 14-way
 * softmax; `"sigmoid"`: per-label BCE at temperature T on teacher logits (logit(clip(p, 1e-6)) for
 * Sigmoid-headed teachers, §7 B6).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { cxr8KdDistiller } from "./cxr8_train.ts";
 * const d = cxr8KdDistiller({ mode: "softmax-raw", temperature: 2, teacherSigmoidHead: false });
 * const z = tf.tensor2d([[1, -1]]);
 * const l = d.loss({ logits: z, taps: {} }, { logits: z, taps: {} }, { x: z, y: z }, { step: 0, rng: null as never });
 * if (l.kd.dataSync()[0] !== 0) throw new Error();
 * ```
 */
export function cxr8KdDistiller(
  o: { mode: "softmax-raw" | "sigmoid"; temperature: number; teacherSigmoidHead: boolean },
): Distiller {
  return {
    name: "kd",
    taps: { student: ["logits"], teacher: ["logits"] },
    build: () => [],
    loss(s, t) {
      if (!t) throw new Error("cxr8 KD: the teacher's outputs are missing");
      return {
        kd: tf.tidy(() => {
          let ot = t.logits;
          if (o.teacherSigmoidHead) {
            const p = tf.sigmoid(ot);
            ot = o.mode === "softmax-raw" ? p : tf.tidy(() => {
              const q = tf.clipByValue(p, 1e-6, 1 - 1e-6);
              return tf.log(tf.div(q, tf.sub(1, q)));
            });
          }
          return multiLabelKdLoss(s.logits, ot, { temperature: o.temperature, mode: o.mode });
        }),
      };
    },
  };
}

/** Which epoch's weights a stage keeps (§4.1, §7 B9). */
export type CkptSelect = "train-loss" | "epoch1" | "last" | "val-auroc";

/** One training stage. */
export type StageSpec = {
  /** Folder under `outDir` (run log, checkpoints, `final/`, `stage.json`). */
  name: string;
  model: tf.LayersModel;
  teacher?: tf.LayersModel;
  data: CxrData;
  split: CxrSplit;
  epochs: number;
  batch: number;
  optimizer: OptimizerConfig;
  lr: number;
  taskLoss: TaskLoss;
  distillers?: { distiller: Distiller; weight?: number }[];
  select: CkptSelect;
  /** Validation mean AUROC of the model being trained (for `select: "val-auroc"`). */
  valAuroc?: () => Promise<number>;
  seed: string;
  outDir: string;
  resume: boolean;
  verbose: boolean;
};

/** What a stage did (also written as `<name>/stage.json`). */
export type StageResult = {
  name: string;
  trainSeconds: number;
  /** Epoch (1-based) whose weights were kept. */
  selectedEpoch: number;
  /** Per-epoch mean training loss (Σ batch loss · batch size / N) and, if computed, val AUROC. */
  epochs: { epoch: number; trainLoss: number; valAuroc?: number }[];
  /** Per-step total loss (for learning curves). */
  stepLoss: number[];
  /** Loaded from a finished stage instead of trained. */
  cached: boolean;
  /** Weights kept, relative to outDir. */
  checkpoint: string;
};

const METRIC: Record<CkptSelect, { metric: string; mode: "min" | "max" }> = {
  "train-loss": { metric: "trainLoss", mode: "min" },
  "epoch1": { metric: "epoch", mode: "min" },
  "last": { metric: "epoch", mode: "max" },
  "val-auroc": { metric: "valAuroc", mode: "max" },
};

/**
 * Train `spec.model` in place (or load the finished stage when `resume` finds `stage.json`), keep
 * the selected epoch's weights, save them to `<name>/final/`.
 *
 * @example
 * ```ts ignore
 * const r = await runStage({ name: "student_baseline", model, data, split: "train", epochs: 6, batch: 16,
 *   optimizer: { kind: "adamw", weightDecay: 0.01 }, lr: 1e-3, taskLoss: baselineLoss(false),
 *   select: "train-loss", seed: "0", outDir, resume: true, verbose: false });
 * ```
 */
export async function runStage(spec: StageSpec): Promise<StageResult> {
  const dir = join(spec.outDir, spec.name);
  const record = join(dir, "stage.json");
  const finalRel = `${spec.name}/final`;
  if (spec.resume) {
    try {
      const r = JSON.parse(await Deno.readTextFile(record)) as StageResult;
      await loadWeightsInto(join(spec.outDir, finalRel), spec.model);
      return { ...r, cached: true, trainSeconds: 0 };
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  } else {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const N = spec.data.lists[spec.split].length;
  const nb = Math.ceil(N / spec.batch);
  const size = (step: number) => {
    const k = (step - 1) % nb;
    return k === nb - 1 ? N - spec.batch * (nb - 1) : spec.batch;
  };
  let acc = 0;
  const t0 = performance.now();
  const sel = METRIC[spec.select];
  const r = await train({
    student: spec.model,
    teacher: spec.teacher ? { model: spec.teacher, mode: "frozen" } : undefined,
    taskLoss: spec.taskLoss,
    distillers: spec.distillers,
    optimizer: spec.optimizer,
    lr: spec.lr,
    data: trainSource(spec.data, spec.split, spec.batch, `${spec.seed}:${spec.name}:data`),
    steps: spec.epochs * nb,
    seed: `${spec.seed}:${spec.name}:loop`,
    runDir: dir,
    resume: spec.resume,
    progress: spec.verbose ? "auto" : "none",
    onStep: (s) => acc += s.loss * size(s.step),
    evaluation: {
      every: nb,
      metric: sel.metric,
      mode: sel.mode,
      run: async ({ step }) => {
        const m: Record<string, number> = { epoch: step / nb, trainLoss: acc / N };
        acc = 0;
        if (spec.select === "val-auroc") {
          if (!spec.valAuroc) throw new Error(`${spec.name}: val-auroc selection needs valAuroc`);
          m.valAuroc = await spec.valAuroc();
        }
        return m;
      },
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const best = await resolveCheckpointDir(join(dir, "checkpoints/best"));
  if (!best || !r.best) throw new Error(`${spec.name}: no selected checkpoint in ${dir}`);
  await loadWeightsInto(join(best, "student"), spec.model);
  await saveModel(join(spec.outDir, finalRel), spec.model);
  const log = await readRunLog(join(dir, "log.jsonl"));
  // a resumed run repeats the steps after its last checkpoint: keep the latest record of each
  const byEpoch = new Map<number, StageResult["epochs"][number]>();
  const bySteps = new Map<number, number>();
  for (const e of log) {
    if (e.event === "eval") {
      const m = e.metrics as Record<string, number>;
      byEpoch.set(m.epoch, { epoch: m.epoch, trainLoss: m.trainLoss, valAuroc: m.valAuroc });
    } else if (e.event === "step") bySteps.set(e.step as number, e.loss as number);
  }
  const epochs = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  const stepLoss = [...bySteps.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  const out: StageResult = {
    name: spec.name,
    trainSeconds,
    selectedEpoch: r.best.step / nb,
    epochs,
    stepLoss,
    cached: false,
    checkpoint: finalRel,
  };
  await Deno.writeTextFile(record, JSON.stringify(out));
  return out;
}
