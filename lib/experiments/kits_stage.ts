/**
 * Study 02 training stages: one function trains (or, with `resume`, reloads) a teacher, the
 * student without KD, or a distilled student through lib/training `train()`, then evaluates it.
 * @module
 */
import * as tf from "../tf/tf.ts";
import { buildModel } from "../models/mod.ts";
import { hlfdDistiller, type KitsLossType } from "../distillers/mod.ts";
import { DataLoader, type LoaderState } from "../datasets/loader.ts";
import type { Sample } from "../datasets/types.ts";
import { cosineLr, loaderSource, perEpoch, readRunLog, train } from "../training/mod.ts";
import { hlfdSegLoss } from "./kits_loss.ts";
import { evaluateSegmentation, type KitsEval } from "./kits_eval.ts";
import type { KitsData } from "./kits_data.ts";
import type { KitsPreset, KitsTrainSpec } from "./kits_presets.ts";

/** Shared state of one run. */
export type KitsContext = {
  preset: KitsPreset;
  data: KitsData;
  /** Test samples, loaded once. */
  test: Sample[];
  outDir: string;
  /** Master seed: stage seed = spec seed + 1000·seed. */
  seed: number;
  verbose: boolean;
  resume: boolean;
};

/** A trained (or reloaded) model and its evaluation. */
export type KitsStage = {
  name: string;
  model: tf.LayersModel;
  eval: KitsEval;
  trainSeconds: number;
  /** True when the finished stage was loaded from `outDir` instead of trained. */
  reused: boolean;
  /** Training loss per step. */
  loss: { step: number[]; value: number[] };
  /** Test Dice after each epoch (empty when `evalEveryEpoch` is off). */
  epochDice: { epoch: number[]; value: number[] };
  params: number;
};

const ROLES = ["e1", "e2", "e3", "e4", "e5", "d5", "d4", "d3", "d2"];

/** The tap-name maps from HLFD roles (`s_e1`, `t_d5`, …) to the models' taps (`e1`, `d5`, …). */
export function kitsTapMaps(): {
  studentTaps: Record<string, string>;
  teacherTaps: Record<string, string>;
} {
  return {
    studentTaps: Object.fromEntries(ROLES.map((r) => [`s_${r}`, r])),
    teacherTaps: Object.fromEntries(ROLES.map((r) => [`t_${r}`, r])),
  };
}

/**
 * Train one stage in `<outDir>/<name>` (log.jsonl, checkpoints/last); with a teacher and a
 * `lossType` it is a distilled student. The last-epoch weights are evaluated (the original's
 * checkpoint rule).
 *
 * @example
 * ```ts ignore
 * const teacher = await trainStage(ctx, "teacher", ctx.preset.teacher);
 * const hlfd = await trainStage(ctx, "kd_recursive_feedback_ours", kdSpec, teacher.model,
 *   "recursive_feedback_ours");
 * ```
 */
export async function trainStage(
  ctx: KitsContext,
  name: string,
  spec: KitsTrainSpec,
  teacher?: tf.LayersModel,
  lossType?: KitsLossType,
): Promise<KitsStage> {
  const { preset, data } = ctx;
  const seed = spec.seed + 1000 * ctx.seed;
  const S = preset.crop.size;
  const model = buildModel(spec.model, {
    inputShape: [S, S, 1],
    classes: 2,
    width: spec.width,
    seed,
  });
  const perEp = Math.ceil(data.train.length / preset.batch);
  const steps = perEp * spec.epochs;
  const runDir = `${ctx.outDir}/${name}`;
  if (!ctx.resume) await Deno.remove(runDir, { recursive: true }).catch(() => {});
  const source = loaderSource(
    (start) =>
      new DataLoader(data.train, {
        batchSize: preset.batch,
        seed,
        epochs: Infinity,
        start: start as LoaderState | undefined,
      }),
    (b) => ({ x: b.image, y: b.label }),
  );
  const distillers = teacher && lossType
    ? [{ distiller: hlfdDistiller({ lossType, ...kitsTapMaps() }) }]
    : [];
  if (ctx.verbose) console.error(`kits: ${name}: ${steps} steps (${spec.epochs} epochs)`);
  const t0 = performance.now();
  const r = await train({
    student: model,
    teacher: teacher ? { model: teacher } : undefined,
    taskLoss: hlfdSegLoss,
    distillers,
    optimizer: { kind: "adam", beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    lr: perEpoch(cosineLr({ base: spec.lr, total: spec.epochs, min: preset.minLr }), perEp),
    data: source,
    steps,
    seed,
    runDir,
    resume: true,
    checkpointEvery: perEp,
    progress: ctx.verbose ? "auto" : "none",
    evaluation: preset.evalEveryEpoch
      ? {
        every: perEp,
        metric: "dice",
        run: async ({ student }) => {
          const e = await evaluateSegmentation(student, ctx.test, { threshold: preset.threshold });
          return { dice: e.dice, voe: e.voe, rvd: e.rvd };
        },
      }
      : undefined,
  });
  const reused = r.resumedFrom === steps;
  const trainSeconds = reused ? 0 : (performance.now() - t0) / 1000;
  const ev = await evaluateSegmentation(model, ctx.test, {
    threshold: preset.threshold,
    keepPredictions: true,
  });
  const log = await readRunLog(`${runDir}/log.jsonl`);
  const lossBy = new Map<number, number>(), diceBy = new Map<number, number>();
  for (const e of log) {
    if (e.event === "step") lossBy.set(e.step as number, e.loss as number);
    if (e.event === "eval") {
      diceBy.set((e.step as number) / perEp, (e.metrics as Record<string, number>).dice);
    }
  }
  const sorted = (m: Map<number, number>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
  if (ctx.verbose) {
    console.error(
      `kits: ${name}: Dice ${ev.dice.toFixed(4)} ` +
        (reused ? "(reused)" : `(${trainSeconds.toFixed(0)} s)`),
    );
  }
  return {
    name,
    model,
    eval: ev,
    trainSeconds,
    reused,
    loss: { step: sorted(lossBy).map((p) => p[0]), value: sorted(lossBy).map((p) => p[1]) },
    epochDice: {
      epoch: sorted(diceBy).map((p) => p[0]),
      value: sorted(diceBy).map((p) => p[1]),
    },
    params: model.countParams(),
  };
}
