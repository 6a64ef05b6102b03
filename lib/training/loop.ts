/**
 * The one training loop of medkd: student (+ frozen or co-trained teacher) + task loss + weighted
 * distillers, PyTorch-equivalent optimisers and schedules, global-norm clipping, NaN/Inf guard,
 * periodic evaluation with best-checkpoint selection, atomic checkpoints with exact resume, JSONL
 * log, progress display and an optional wall-clock budget.
 *
 * Exact resume: a checkpoint holds every weight (BN statistics included), the optimiser slots and
 * step counts, the loop RNG state, the data source's position and each distiller's state; the
 * schedule is a function of the step. On the CPU backend a resumed run therefore ends with the
 * same weights, bit for bit, as an uninterrupted one — provided the models use no unseeded
 * randomness of their own (TF.js `dropout` layers draw from an unseeded generator).
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import { createRng, Rng } from "../random/mod.ts";
import type { Batch, Outputs } from "./types.ts";
import { clipByGlobalNorm, globalNorm, Optimizer, type Update } from "./optim.ts";
import { constantLr } from "./schedule.ts";
import { openRunLog } from "./log.ts";
import { createProgress } from "./progress.ts";
import {
  NonFiniteLossError,
  type StepRecord,
  TrainingError,
  type TrainOptions,
  type TrainResult,
} from "./loop_types.ts";
import { loadRunState, type RunParts, saveRunState } from "./run_state.ts";
import { checkpointBytes, preflightOutput } from "./preflight.ts";
import { batchTensors, forward, tapShapes, toTerms } from "./step_utils.ts";

export { NonFiniteLossError, TrainingError } from "./loop_types.ts";
export type {
  EvalSpec,
  StepRecord,
  TaskLoss,
  TeacherSpec,
  TrainOptions,
  TrainResult,
} from "./loop_types.ts";

/**
 * Train. See {@link TrainOptions}; the models are updated in place.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { train } from "./loop.ts";
 * const student = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
 * let i = 0;
 * const data = {
 *   async *[Symbol.asyncIterator]() { while (true) { i++; yield { x: tf.ones([2, 1]), y: tf.ones([2, 1]) }; } },
 *   state: () => i, restore: (s: unknown) => { i = s as number; },
 * };
 * const r = await train({ student, data, steps: 3, optimizer: { kind: "sgd" }, lr: 0.1, progress: "none",
 *   taskLoss: (o, b) => tf.losses.meanSquaredError(b.y, o.logits) as tf.Scalar });
 * if (r.step !== 3) throw new Error("did not train");
 * ```
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  if (!(o.steps > 0)) throw new TrainingError(`steps must be > 0, got ${o.steps}`);
  const root = createRng(o.seed ?? 0);
  let rng: Rng = root.fork("loop");
  const schedule = typeof o.lr === "number" ? constantLr(o.lr) : o.lr;
  const teacher = o.teacher?.model;
  const cotrained = o.teacher?.mode === "cotrained";
  if (cotrained && !o.teacher?.taskLoss) {
    throw new TrainingError("co-trained teacher needs taskLoss");
  }
  const dists = o.distillers ?? [];

  const sShapes = tapShapes(o.student), tShapes = teacher ? tapShapes(teacher) : {};
  const connectors = dists.map(({ distiller: d }, i) =>
    d.build({
      studentShapes: sShapes,
      teacherShapes: tShapes,
      rng: root.fork(`build:${i}:${d.name}`),
    })
  );
  const groups = dists.flatMap(({ distiller: d }) => d.variables?.() ?? []);
  const optimizer = new Optimizer(o.optimizer);
  const parts: RunParts = {
    student: o.student,
    teacher: cotrained ? teacher : undefined,
    connectors: connectors.flat(),
    extras: groups.flatMap((g) => g.variables),
    optimizer,
  };
  const trainVars: { key: string; v: tf.Variable; lr?: number }[] = [
    ...o.student.trainableWeights.map((w, i) => ({ key: `s/${i}`, v: w.read() as tf.Variable })),
    ...parts.connectors.flatMap((c, j) =>
      c.trainableWeights.map((w, i) => ({ key: `c${j}/${i}`, v: w.read() as tf.Variable }))
    ),
    ...(cotrained
      ? teacher!.trainableWeights.map((w, i) => ({ key: `t/${i}`, v: w.read() as tf.Variable }))
      : []),
    ...groups.flatMap((g, j) => g.variables.map((v, i) => ({ key: `x${j}/${i}`, v, lr: g.lr }))),
  ];

  const ckDir = o.runDir ? `${o.runDir}/checkpoints` : undefined;
  if (o.runDir) {
    // fail now, not at the first checkpoint, if the folder is unwritable or the disk is full
    if (o.preflight === false) await Deno.mkdir(o.runDir, { recursive: true });
    else await preflightOutput(o.runDir, checkpointBytes(trainVars.map((t) => t.v)), o.preflight);
  }
  const log = openRunLog(o.runDir ? `${o.runDir}/log.jsonl` : null);
  let step = 0;
  let best: TrainResult["best"] = null;
  let resumedFrom: number | null = null;
  if (o.resume && ckDir) {
    const st = await loadRunState(`${ckDir}/last`, parts);
    if (st) {
      step = st.step as number;
      rng = Rng.fromState(st.rng as number[]);
      o.data.restore(st.data);
      best = (st.best as TrainResult["best"]) ?? null;
      const ds = (st.distillers as unknown[]) ?? [];
      dists.forEach(({ distiller: d }, i) => d.restore?.(ds[i]));
      resumedFrom = step;
    }
  }
  if (resumedFrom === null && o.startFrom) {
    const st = await loadRunState(o.startFrom.dir, parts, {
      optimizer: o.startFrom.optimizer ?? true,
    });
    if (!st) throw new TrainingError(`startFrom: no checkpoint at ${o.startFrom.dir}`);
    step = o.startFrom.step ?? (st.step as number);
  }
  await log.write(
    resumedFrom === null
      ? {
        event: "start",
        steps: o.steps,
        startStep: step,
        seed: o.seed ?? 0,
        optimizer: o.optimizer,
        distillers: dists.map((d) => d.distiller.name),
      }
      : { event: "resume", step },
  );

  const snapshot = () => ({
    step,
    rng: rng.getState(),
    data: o.data.state(),
    best,
    distillers: dists.map(({ distiller: d }) => d.state?.() ?? null),
  });
  const checkpoint = async (name: string) => {
    if (ckDir) await saveRunState(`${ckDir}/${name}`, parts, snapshot());
  };

  let iter = o.data[Symbol.asyncIterator]();
  const nextBatch = async (): Promise<Batch> => {
    let r = await iter.next();
    if (r.done) {
      iter = o.data[Symbol.asyncIterator]();
      r = await iter.next();
      if (r.done) throw new TrainingError("data source yielded no batch");
    }
    return r.value;
  };
  const inputOf = o.input ??
    ((b: Batch) =>
      b.x instanceof tf.Tensor
        ? b.x
        : o.student.inputNames.map((n) => (b.x as Record<string, tf.Tensor>)[n]));

  const progress = createProgress({ total: o.steps, startStep: step, mode: o.progress });
  const t0 = performance.now();
  const startStep = step;
  let last: StepRecord | null = null;
  let reason: TrainResult["reason"] = "done";
  try {
    while (step < o.steps) {
      const batch = await nextBatch();
      const k = step + 1;
      const lr = schedule(step);
      const ctx = { step, rng };
      const x = inputOf(batch);
      const tx = o.teacher?.input ? o.teacher.input(batch) : x;
      const tFrozen = teacher && !cotrained
        ? tf.tidy(() =>
          forward(teacher, tx, false) as unknown as tf.TensorContainer
        ) as unknown as Outputs
        : undefined;
      const kept: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const sOut = forward(o.student, x, true);
        const tOut = cotrained ? forward(teacher!, tx, true) : tFrozen;
        toTerms(kept, "task", o.taskLoss(sOut, batch));
        dists.forEach(({ distiller: d, weight }) => {
          const terms = d.loss(sOut, tOut, batch, ctx);
          for (const [n, t] of Object.entries(terms)) {
            kept[`${d.name}.${n}`] = tf.mul(t, weight ?? 1);
          }
        });
        if (cotrained) toTerms(kept, "teacher", o.teacher!.taskLoss!(tOut!, batch));
        Object.values(kept).forEach((t) => tf.keep(t));
        return tf.addN(Object.values(kept)) as tf.Scalar;
      }, trainVars.map((t) => t.v));
      const terms = Object.fromEntries(Object.entries(kept).map(([n, t]) => [n, t.dataSync()[0]]));
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(kept)]);
      if (tFrozen) tf.dispose(tFrozen as unknown as tf.TensorContainer);
      const owned = batchTensors(batch);
      // inputs built by `input` functions (not batch fields) are the loop's to free
      tf.dispose([x, tx].flat().filter((t) => !owned.includes(t)));
      tf.dispose(owned);
      const present = trainVars.filter((t) => grads[t.v.name]);
      let g = present.map((t) => grads[t.v.name]);
      let gradNorm = globalNorm(g);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        tf.dispose(g);
        await log.write({ event: "non-finite", step: k, loss, terms, gradNorm });
        throw new NonFiniteLossError(k, terms, gradNorm);
      }
      if (o.clipNorm !== undefined) {
        const c = clipByGlobalNorm(g, o.clipNorm);
        tf.dispose(g);
        g = c.grads;
        gradNorm = c.norm;
      }
      const updates: Update[] = present.map((t, i) => ({
        key: t.key,
        variable: t.v,
        grad: g[i],
        lr: t.lr ?? lr,
      }));
      optimizer.apply(updates);
      tf.dispose(g);
      step = k;
      for (const { distiller: d } of dists) await d.afterStep?.({ step });

      last = { step, loss, lr, gradNorm, terms };
      o.onStep?.(last);
      progress.update(step, { loss, lr });
      if (step % (o.logEvery ?? 1) === 0 || step === o.steps) {
        await log.write({ event: "step", ...last });
      }
      if (o.evaluation && step % o.evaluation.every === 0) {
        const metrics = await o.evaluation.run({ step, student: o.student });
        const v = metrics[o.evaluation.metric];
        if (v === undefined) {
          throw new TrainingError(`evaluation returned no metric "${o.evaluation.metric}"`);
        }
        const better = best === null ||
          ((o.evaluation.mode ?? "max") === "max" ? v > best.value : v < best.value);
        if (better) best = { step, value: v, metric: o.evaluation.metric };
        await log.write({ event: "eval", step, metrics, best: better });
        if (better) await checkpoint("best");
      }
      const stopBudget = o.budgetSeconds !== undefined &&
        (performance.now() - t0) / 1000 >= o.budgetSeconds;
      const stopRun = o.maxStepsThisRun !== undefined && step - startStep >= o.maxStepsThisRun;
      if (
        stopBudget || stopRun || step === o.steps ||
        (o.checkpointEvery && step % o.checkpointEvery === 0)
      ) {
        await checkpoint("last");
      }
      if (stopBudget || stopRun) {
        reason = stopBudget ? "budget" : "maxStepsThisRun";
        break;
      }
    }
  } finally {
    progress.close();
    optimizer.dispose();
    for (const c of parts.connectors) c.dispose();
    dists.forEach(({ distiller: d }) => d.dispose?.());
    await iter.return?.();
  }
  await log.write({ event: "end", step, reason, best, seconds: (performance.now() - t0) / 1000 });
  return { step, reason, resumedFrom, best, last };
}
