/**
 * HCC-MVI (study 01, MD-Net) stages: load the cases once, then train one fold's student baseline
 * (focal loss only, the original's `--no_kd`) or MD-Net's joint teacher/student step (spec 01
 * §4–5) through lib/training `train()`, validating after every epoch on the fold's cases in fixed,
 * unshuffled batches (BatchNorm uses batch statistics, §8 item 9). A finished stage writes
 * `stage.json` (per-epoch validation probabilities, loss curves, clinical weights) beside the
 * loop's checkpoints; with `resume` it is read back instead of retrained.
 *
 * @module
 */
import { join } from "node:path";
import * as tf from "../tf/tf.ts";
import { buildModel } from "../models/mod.ts";
import { mdnetFocalLoss } from "../distillers/mod.ts";
import {
  DataLoader,
  type HccCase,
  hccDataset,
  type LoaderState,
  loadHccCases,
} from "../datasets/mod.ts";
import { type Batch, loaderSource, perEpoch, stepLr, train } from "../training/mod.ts";
import { accuracyOf, macroAuc } from "./hcc_metrics.ts";
import type { HccPreset } from "./hcc_types.ts";
import {
  bestEpoch,
  type HccEval,
  mdnetWithAliases,
  predict,
  splitInput,
  validBatches,
} from "./hcc_steps.ts";

/** Thrown for unusable HCC data or a stage file that does not match the run. */
export class HccExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HccExperimentError";
  }
}

/** All loaded cases (every fold) and the folds present in `new_label.csv`. */
export type HccData = {
  cases: HccCase[];
  folds: number[];
  skipped: { file: string; problem: string }[];
};

/**
 * Read and crop every case once (loader of lib/datasets, spec 01 §2.1–2.2); cases that are
 * unreadable or too small are skipped and listed (§8 item 12).
 *
 * @example
 * ```ts ignore
 * const data = await prepareHccData("data/phantoms/hcc", hccPresets.demo);
 * ```
 */
export async function prepareHccData(dataDir: string, preset: HccPreset): Promise<HccData> {
  const r = await loadHccCases({
    dataDir,
    labelDir: join(dataDir, preset.data.labelDir),
    loadCrop: preset.data.loadCrop,
    dilations: preset.data.dilations,
    strict: false,
  });
  const cases = [...r.train, ...r.valid].sort((a, b) => a.prefix.localeCompare(b.prefix));
  if (cases.length === 0) throw new HccExperimentError(`${dataDir}: no HCC case found`);
  const folds = [...new Set(cases.map((c) => c.fold))].sort((a, b) => a - b);
  return { cases, folds, skipped: r.skipped };
}

export type { HccEval } from "./hcc_steps.ts";

/** One network's validation history within a stage. */
export type HccModelRun = { history: HccEval[]; bestEpoch: number };

/** What a finished stage stores (`stage.json`). */
export type HccStage = {
  fold: number;
  stage: "baseline" | "mdnet";
  ids: string[];
  labels: number[];
  student: HccModelRun;
  teacher?: HccModelRun;
  /** Per-step loss terms (`task`, `teacher`, `mdnet.*`). */
  curves: Record<string, number[]>;
  /** MD-Net clinical weights v = ReLU(w / max w) after each epoch: number of non-zero entries. */
  vNonZero?: number[];
  trainSeconds: number;
  steps: number;
  /** True when read back from disk (not trained in this call). */
  reused?: boolean;
};

async function readStage(path: string): Promise<HccStage | null> {
  try {
    return { ...JSON.parse(await Deno.readTextFile(path)), reused: true } as HccStage;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/**
 * Train (or, with `resume`, read back) one fold's stage: `"baseline"` = image-only student with
 * the focal loss; `"mdnet"` = teacher (images + clinical, focal loss only) co-trained with the
 * student under L_S = FL + KL(logits) + KL(pre) + KL(hbp) + weighted clinical regression. The
 * student's initial weights, the batches and their augmentations are the same in both stages of
 * a fold (paired comparison).
 *
 * @example
 * ```ts ignore
 * const st = await trainHccStage(data, 0, "mdnet", hccPresets.demo, { outDir: "runs/hcc", seed: 0 });
 * ```
 */
export async function trainHccStage(
  data: HccData,
  fold: number,
  stage: "baseline" | "mdnet",
  preset: HccPreset,
  opts: { outDir: string; seed: number; resume?: boolean; verbose?: boolean },
): Promise<HccStage> {
  const runDir = join(opts.outDir, `fold${fold}`, stage);
  const stagePath = join(runDir, "stage.json");
  if (opts.resume !== false) {
    const old = await readStage(stagePath);
    if (old) return old;
  }
  await Deno.remove(runDir, { recursive: true }).catch(() => {});
  const trainCases = data.cases.filter((c) => c.fold !== fold);
  const validCases = data.cases.filter((c) => c.fold === fold);
  if (!trainCases.length || !validCases.length) {
    throw new HccExperimentError(
      `fold ${fold}: ${trainCases.length} train / ${validCases.length} validation cases`,
    );
  }
  const p = preset.train;
  const key = `${opts.seed}:fold${fold}`;
  const mopts = { inputShape: [...preset.data.netCrop, 1], classes: 3, width: preset.model.width };
  const student = buildModel("mdnet_student", { ...mopts, seed: `${key}:student` });
  const teacher = stage === "mdnet"
    ? buildModel("mdnet_teacher", { ...mopts, seed: `${key}:teacher` })
    : undefined;
  const ds = hccDataset(trainCases, { train: true, netCrop: preset.data.netCrop });
  const make = (start?: unknown) =>
    new DataLoader(ds, {
      batchSize: p.batchSize,
      seed: `${key}:data`,
      epochs: Infinity,
      start: start as LoaderState | undefined,
    });
  const perEpochSteps = make().batchesPerEpoch;
  const source = loaderSource(make, (b) => ({
    x: b.image,
    y: b.label,
    clinical: b.extra.clinical,
    map: b.extra.map, // carried, never fed (spec 01 §8 item 14)
    classIndex: b.extra.classIndex,
  }));
  const valid = validBatches(validCases, preset);
  const labels = validCases.map((c) => c.label);
  const sHist: HccEval[] = [], tHist: HccEval[] = [], vNonZero: number[] = [];
  const md = stage === "mdnet" ? mdnetWithAliases(p.freezeW) : undefined;
  const curves: Record<string, number[]> = {};
  const focal = (o: { logits: tf.Tensor }, b: Batch) => mdnetFocalLoss(o.logits, b.y);
  const t0 = performance.now();
  try {
    await train({
      student,
      teacher: teacher
        ? {
          model: teacher,
          mode: "cotrained",
          taskLoss: focal,
          input: (b) => [...splitInput(b), b.clinical as tf.Tensor],
        }
        : undefined,
      taskLoss: focal,
      distillers: md ? [{ distiller: md }] : [],
      optimizer: { kind: "adam", beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      lr: perEpoch(stepLr({ base: p.lr, stepSize: p.stepSize, gamma: p.gamma }), perEpochSteps),
      input: splitInput,
      data: source,
      steps: p.epochs * perEpochSteps,
      seed: `${key}:loop`,
      runDir,
      resume: false,
      progress: opts.verbose === false ? "none" : undefined,
      onStep: (r) => {
        (curves.loss ??= []).push(r.loss);
        for (const [k, v] of Object.entries(r.terms)) (curves[k] ??= []).push(v);
      },
      evaluation: {
        every: perEpochSteps,
        metric: "auc",
        mode: "max",
        run: ({ step }) => {
          const epoch = step / perEpochSteps;
          const ev = (m: tf.LayersModel, clin: boolean): HccEval => {
            const probs = predict(m, valid, clin);
            return {
              epoch,
              auc: macroAuc(probs, labels, `fold ${fold}`),
              acc: accuracyOf(probs, labels),
              probs,
            };
          };
          const s = ev(student, false);
          sHist.push(s);
          if (teacher) tHist.push(ev(teacher, true));
          const w = md?.variables?.()[0]?.variables[0];
          if (w) {
            const a = Array.from(w.dataSync()), mx = Math.max(...a);
            vNonZero.push(a.filter((x) => Math.max(0, x / mx) > 1e-6).length);
          }
          return { auc: s.auc };
        },
      },
    });
  } finally {
    student.dispose();
    teacher?.dispose();
  }
  const result: HccStage = {
    fold,
    stage,
    ids: validCases.map((c) => c.id),
    labels,
    student: { history: sHist, bestEpoch: bestEpoch(sHist) },
    ...(teacher ? { teacher: { history: tHist, bestEpoch: bestEpoch(tHist) } } : {}),
    curves,
    ...(md && vNonZero.length ? { vNonZero } : {}),
    trainSeconds: (performance.now() - t0) / 1000,
    steps: p.epochs * perEpochSteps,
  };
  const tmp = `${stagePath}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(result));
  await Deno.rename(tmp, stagePath);
  return result;
}
