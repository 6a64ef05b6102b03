// The loop's guarantees: exact resume (bit-identical weights), NaN/Inf guard with the last good
// checkpoint kept, evaluation with best-checkpoint selection, wall-clock budget, JSONL log.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import { hlfdDistiller, kdDistiller, reviewKdDistiller } from "../../lib/distillers/mod.ts";
import { loadModel } from "../../lib/io/checkpoint.ts";
import {
  NonFiniteLossError,
  polyLr,
  readRunLog,
  type TaskLoss,
  train,
  type TrainOptions,
} from "../../lib/training/mod.ts";
import { phantomSource, segBatch, segNet, tapNet } from "./_tiny.ts";

await initBackend("cpu", { quiet: true });

const segCe: TaskLoss = (o, b) =>
  tf.tidy(() =>
    tf.losses.softmaxCrossEntropy(
      tf.oneHot(
        tf.minimum(b.y as tf.Tensor3D, tf.scalar(o.logits.shape[3]! - 1, "int32")),
        o.logits.shape[3]!,
      ),
      o.logits,
    ) as tf.Scalar
  );

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

type Setup = () => { opts: Omit<TrainOptions, "steps">; models: tf.LayersModel[] };

/** 2N steps in one go vs N, "kill", fresh objects, resume, N more: identical weights bit for bit. */
async function resumeCheck(setup: Setup, n: number) {
  const full = setup();
  const dirA = await Deno.makeTempDir();
  await train({ ...full.opts, steps: 2 * n, runDir: dirA, checkpointEvery: 1000 });
  const want = full.models.map(weightsOf);
  full.models.forEach((m) => m.dispose());

  const dirB = await Deno.makeTempDir();
  const part1 = setup();
  const r1 = await train({ ...part1.opts, steps: 2 * n, runDir: dirB, maxStepsThisRun: n });
  assert.equal(r1.reason, "maxStepsThisRun");
  assert.equal(r1.step, n);
  const mid = part1.models.map(weightsOf);
  part1.models.forEach((m) => m.dispose());

  const part2 = setup(); // fresh models (same init), fresh data source and distillers
  assert.notDeepEqual(part2.models.map(weightsOf)[0], mid[0]);
  const r2 = await train({ ...part2.opts, steps: 2 * n, runDir: dirB, resume: true });
  assert.equal(r2.resumedFrom, n);
  assert.equal(r2.step, 2 * n);
  const got = part2.models.map(weightsOf);
  part2.models.forEach((m) => m.dispose());
  got.forEach((ws, i) =>
    ws.forEach((w, j) =>
      assert.deepEqual(w, want[i][j], `model ${i} weight ${j} differs after resume`)
    )
  );
  const log = await readRunLog(`${dirB}/log.jsonl`);
  assert.ok(log.some((r) => r.event === "resume" && r.step === n));
  await Deno.remove(dirA, { recursive: true });
  await Deno.remove(dirB, { recursive: true });
}

Deno.test("resume is exact: BN student, ReviewKD connectors + KD, SGD-Nesterov, poly, clipping", async () => {
  await resumeCheck(() => {
    const student = segNet("rs", 4, 3, 10, true), teacher = segNet("rt", 6, 3, 20);
    return {
      models: [student, teacher],
      opts: {
        student,
        teacher: { model: teacher },
        taskLoss: segCe,
        distillers: [
          {
            distiller: reviewKdDistiller({
              pairs: [["feat2", "feat2"], ["feat1", "feat1"]],
              midChannels: 4,
            }),
          },
          { distiller: kdDistiller({ temperature: 2 }), weight: 0.5 },
        ],
        optimizer: { kind: "sgd", momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
        lr: polyLr({ base: 0.05, total: 8, min: 1e-4 }),
        clipNorm: 1,
        data: phantomSource(segBatch, 3, 5),
        seed: 3,
        progress: "none",
      },
    };
  }, 4);
});

Deno.test("resume is exact: HLFD's per-call random adapters come from the checkpointed RNG (Adam)", async () => {
  await resumeCheck(() => {
    const s = tapNet(
      "hs",
      [
        ["e1", 3, 1],
        ["e2", 3, 2],
        ["e3", 3, 2],
        ["e4", 3, 3],
        ["d5", 4, 1],
        ["d4", 3, 1],
        ["d3", 3, 1],
        ["d2", 3, 2],
      ],
      2,
      30,
    );
    const t = tapNet(
      "ht",
      [["e2", 4, 1], ["e3", 4, 2], ["e4", 4, 3], ["e5", 4, 3], ["d5", 4, 3], ["d4", 4, 2], [
        "d3",
        3,
        1,
      ]],
      2,
      40,
    );
    return {
      models: [s],
      opts: {
        student: s,
        teacher: { model: t },
        taskLoss: segCe,
        distillers: [{ distiller: hlfdDistiller() }],
        optimizer: { kind: "adamw", weightDecay: 0.01 },
        lr: 0.01,
        data: phantomSource(segBatch, 2, 6),
        seed: 4,
        progress: "none",
      },
    };
  }, 3);
});

Deno.test("NaN guard: a NaN batch at step 4 stops with a typed error; checkpoint of step 3 kept", async () => {
  const dir = await Deno.makeTempDir();
  const student = segNet("ns", 3, 3, 10);
  const err = await assertNoLeak(() =>
    train({
      student,
      taskLoss: segCe,
      optimizer: { kind: "adam" },
      lr: 0.01,
      data: phantomSource(segBatch, 3, 5, 4),
      steps: 10,
      runDir: dir,
      checkpointEvery: 1,
      progress: "none",
    }).then(() => null, (e) => e)
  );
  assert.ok(err instanceof NonFiniteLossError, String(err));
  assert.equal(err.step, 4);
  assert.match(err.message, /step 4/);
  const state = JSON.parse(await Deno.readTextFile(`${dir}/checkpoints/last/state.json`));
  assert.equal(state.step, 3);
  const saved = await loadModel(`${dir}/checkpoints/last/student`);
  assert.deepEqual(weightsOf(saved), weightsOf(student), "update of step 4 was not applied");
  const log = await readRunLog(`${dir}/log.jsonl`);
  assert.ok(log.some((r) => r.event === "non-finite" && r.step === 4));
  saved.dispose();
  student.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("evaluation every 2 steps keeps the best checkpoint by the named metric; JSONL log", async () => {
  const dir = await Deno.makeTempDir();
  const student = segNet("es", 3, 3, 10);
  const scores: Record<number, number> = { 2: 0.1, 4: 0.5, 6: 0.3, 8: 0.7, 10: 0.2 };
  let at8: number[][] = [];
  const r = await train({
    student,
    taskLoss: segCe,
    optimizer: { kind: "sgd", momentum: 0.9 },
    lr: 0.05,
    data: phantomSource(segBatch, 3, 5),
    steps: 10,
    runDir: dir,
    progress: "none",
    evaluation: {
      every: 2,
      metric: "dice",
      run: ({ step, student: m }) => {
        if (step === 8) at8 = weightsOf(m);
        return { dice: scores[step], loss: 1 };
      },
    },
  });
  assert.deepEqual(r.best, { step: 8, value: 0.7, metric: "dice" });
  const best = JSON.parse(await Deno.readTextFile(`${dir}/checkpoints/best/state.json`));
  assert.equal(best.step, 8);
  const m = await loadModel(`${dir}/checkpoints/best/student`);
  assert.deepEqual(weightsOf(m), at8);
  const log = await readRunLog(`${dir}/log.jsonl`);
  assert.equal(log.filter((l) => l.event === "step").length, 10);
  assert.deepEqual(log.filter((l) => l.event === "eval").map((l) => l.best), [
    true,
    true,
    false,
    true,
    false,
  ]);
  assert.ok(log.every((l) => typeof l.time === "string"));
  assert.equal(log.at(-1)!.event, "end");
  m.dispose();
  student.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("wall-clock budget stops early with a checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  const student = segNet("bs", 3, 3, 10);
  const r = await train({
    student,
    taskLoss: segCe,
    optimizer: { kind: "adam" },
    lr: 0.01,
    data: phantomSource(segBatch, 3, 5),
    steps: 1000,
    runDir: dir,
    budgetSeconds: 0,
    progress: "none",
  });
  assert.equal(r.reason, "budget");
  assert.equal(r.step, 1);
  assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/checkpoints/last/state.json`)).step, 1);
  student.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("startFrom: a second phase continues from phase 1's weights and optimiser slots", async () => {
  const dir1 = await Deno.makeTempDir(),
    dir2 = await Deno.makeTempDir(),
    dirC = await Deno.makeTempDir();
  const opts = (student: tf.LayersModel) => ({
    student,
    taskLoss: segCe,
    optimizer: { kind: "sgd" as const, momentum: 0.99, nesterov: true },
    lr: polyLr({ base: 0.01, total: 8 }),
    progress: "none" as const,
  });
  // reference: one run of 8 steps over one data stream
  const ref = segNet("p0", 3, 3, 10);
  await train({ ...opts(ref), data: phantomSource(segBatch, 3, 5), steps: 8, runDir: dirC });
  // phase 1: 5 steps; phase 2 starts at step 5 of the same schedule with the momentum buffers kept
  const a = segNet("p1", 3, 3, 10);
  const src = phantomSource(segBatch, 3, 5);
  await train({ ...opts(a), data: src, steps: 5, runDir: dir1 });
  const b = segNet("p2", 3, 3, 10);
  const src2 = phantomSource(segBatch, 3, 5);
  src2.restore(src.state()); // same batches as the reference (phase 2 data is the caller's choice)
  const r = await train({
    ...opts(b),
    data: src2,
    steps: 8,
    runDir: dir2,
    startFrom: { dir: `${dir1}/checkpoints/last` },
  });
  assert.equal(r.step, 8);
  assert.deepEqual(weightsOf(b), weightsOf(ref));
  [ref, a, b].forEach((m) => m.dispose());
  for (const d of [dir1, dir2, dirC]) await Deno.remove(d, { recursive: true });
});
