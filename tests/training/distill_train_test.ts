// Every distiller trains in the one loop: a tiny model overfits a tiny phantom batch set (loss
// falls), every term is logged and finite, and no tensor leaks.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import {
  atDistiller,
  cwdDistiller,
  cxr8FocalLoss,
  distDistiller,
  type Distiller,
  dkdDistiller,
  fitnetDistiller,
  hlfdDistiller,
  kdDistiller,
  lckdDistiller,
  mdnetDistiller,
  mdnetFocalLoss,
  mdnetSmoothTargets,
  reviewKdDistiller,
} from "../../lib/distillers/mod.ts";
import {
  type Batch,
  type StepRecord,
  type TaskLoss,
  type TeacherSpec,
  train,
} from "../../lib/training/mod.ts";
import { lckdNet, mdNet, mlNet, phantomSource, segBatch, segNet, tapNet } from "./_tiny.ts";

await initBackend("cpu", { quiet: true });

const segCe: TaskLoss = (o, b) =>
  tf.tidy(() =>
    tf.losses.softmaxCrossEntropy(
      tf.oneHot(b.y as tf.Tensor3D, o.logits.shape[3]!),
      o.logits,
    ) as tf.Scalar
  );

async function overfit(
  name: string,
  student: tf.LayersModel,
  teacher: TeacherSpec | undefined,
  distiller: Distiller,
  opts: {
    data: ReturnType<typeof phantomSource>;
    taskLoss: TaskLoss;
    steps?: number;
    lr?: number;
    term?: string;
  },
) {
  const recs: StepRecord[] = [];
  await assertNoLeak(async () => {
    await train({
      student,
      teacher,
      taskLoss: opts.taskLoss,
      distillers: [{ distiller, weight: 1 }],
      optimizer: { kind: "adam" },
      lr: opts.lr ?? 0.02,
      data: opts.data,
      steps: opts.steps ?? 30,
      seed: 1,
      progress: "none",
      onStep: (r) => recs.push(r),
    });
  }, { label: name });
  const value = (r: StepRecord) => (opts.term ? r.terms[opts.term] : r.loss);
  const first = recs.slice(0, 3).reduce((a, r) => a + value(r), 0) / 3;
  const last = recs.slice(-3).reduce((a, r) => a + value(r), 0) / 3;
  assert.ok(last < 0.8 * first, `${name}: loss did not fall (${first} → ${last})`);
  const termNames = Object.keys(recs[0].terms).filter((k) => k.startsWith(`${distiller.name}.`));
  assert.ok(termNames.length > 0, `${name}: no distillation term logged`);
  for (const r of recs) for (const v of Object.values(r.terms)) assert.ok(Number.isFinite(v));
  return recs;
}

function segPair(bn = false) {
  return { student: segNet("stu", 4, 3, 10, bn), teacher: segNet("tea", 8, 3, 20) };
}

const dense: [string, () => Distiller][] = [
  ["kd", () => kdDistiller({ temperature: 2 })],
  ["at", () => atDistiller({ p: 2, pairs: [["feat1", "feat1"], ["feat2", "feat2"]] })],
  ["fitnet", () => fitnetDistiller({ student: "feat2", teacher: "feat2" })],
  ["dkd", () => dkdDistiller({ alpha: 1, beta: 8, temperature: 4, reduction: "batchmean" })],
  ["dist", () => distDistiller({ beta: 1, gamma: 1, temperature: 1 })],
  ["cwd", () => cwdDistiller({ temperature: 4 })],
  [
    "reviewkd",
    () => reviewKdDistiller({ pairs: [["feat2", "feat2"], ["feat1", "feat1"]], midChannels: 6 }),
  ],
];

for (const [name, make] of dense) {
  Deno.test(`loop + ${name}: tiny segmentation student overfits with a frozen teacher`, async () => {
    const { student, teacher } = segPair();
    await overfit(name, student, { model: teacher }, make(), {
      data: phantomSource(segBatch, 3, 7),
      taskLoss: segCe,
    });
    student.dispose();
    teacher.dispose();
  });
}

Deno.test("loop + HLFD (KiTS taps, random adapters from the loop RNG)", async () => {
  const s = tapNet(
    "hs",
    [
      ["e1", 4, 1],
      ["e2", 4, 2],
      ["e3", 4, 2],
      ["e4", 4, 3],
      ["d5", 5, 1],
      ["d4", 4, 1],
      ["d3", 4, 1],
      ["d2", 4, 2],
    ],
    2,
    30,
  );
  const t = tapNet(
    "ht",
    [
      ["e2", 5, 1],
      ["e3", 5, 2],
      ["e4", 6, 3],
      ["e5", 6, 3],
      ["d5", 5, 3],
      ["d4", 5, 2],
      ["d3", 4, 1],
    ],
    2,
    40,
  );
  const binCe: TaskLoss = (o, b) =>
    tf.tidy(() =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.minimum(b.y as tf.Tensor3D, tf.scalar(1, "int32")), 2),
        o.logits,
      ) as tf.Scalar
    );
  await overfit("hlfd", s, { model: t }, hlfdDistiller(), {
    data: phantomSource(segBatch, 3, 8),
    taskLoss: binCe,
  });
  s.dispose();
  t.dispose();
});

Deno.test("loop + multi-label KD (CXR8: α·focal + (1−α)·sigmoid KD)", async () => {
  const s = mlNet("mls", 6, 50), t = mlNet("mlt", 16, 60);
  const make = (rng: { normal(): number; bernoulli(p: number): boolean }) => {
    const x = Array.from({ length: 32 }, () => rng.normal());
    const y = x.slice(0, 20).map((v) => (v > 0 ? 1 : 0));
    return { x: tf.tensor2d(x, [4, 8]), y: tf.tensor2d(y, [4, 5]) } as Batch;
  };
  const focal: TaskLoss = (o, b) =>
    tf.tidy(() => tf.mul(cxr8FocalLoss(o.logits, b.y, { gamma: 2 }), 0.5) as tf.Scalar);
  const d = kdDistiller({ temperature: 2, multiLabel: true, mode: "sigmoid" });
  // The sigmoid-KD term has a floor (the teacher's entropy), so the focal task term must carry the fall.
  const recs = await overfit("kd_multilabel", s, { model: t }, d, {
    data: phantomSource(make, 2, 9),
    taskLoss: focal,
    steps: 40,
    term: "task",
  });
  assert.ok(recs.at(-1)!.terms["kd_multilabel.kd"] < recs[0].terms["kd_multilabel.kd"]);
  s.dispose();
  t.dispose();
});

Deno.test("loop + MD-Net: teacher co-trained by its own focal loss, w trained at its own lr", async () => {
  const s = mdNet("mds", 70), t = mdNet("mdt", 80);
  const make = (rng: { normal(): number; int(a: number, b: number): number }) => {
    const labels = [0, 1, 2, rng.int(0, 3)];
    const hbp: number[] = [], pre: number[] = [];
    labels.forEach((l) => {
      for (let i = 0; i < 16; i++) {
        hbp.push(l - 1 + rng.normal() * 0.2);
        pre.push((l === 2 ? 1 : -1) + rng.normal() * 0.2);
      }
    });
    const lab = tf.tensor1d(labels, "int32");
    const y = mdnetSmoothTargets(lab);
    lab.dispose();
    return {
      x: { mds_hbp_in: tf.tensor4d(hbp, [4, 4, 4, 1]), mds_pre_in: tf.tensor4d(pre, [4, 4, 4, 1]) },
      y,
      clinical: tf.tensor2d(Array.from({ length: 4 * 52 }, () => rng.normal() * 0.1), [4, 52]),
    } as Batch;
  };
  const input = (b: Batch) => {
    const x = b.x as Record<string, tf.Tensor>;
    return [x.mds_hbp_in, x.mds_pre_in];
  };
  const focal: TaskLoss = (o, b) => mdnetFocalLoss(o.logits, b.y);
  const teacherW0 = t.getWeights()[0].dataSync().slice();
  const recs: StepRecord[] = [];
  const md = mdnetDistiller({ taps: { sPre: "pre", sHbp: "hbp", tPre: "pre", tHbp: "hbp" } });
  const wSeen: number[][] = [];
  await assertNoLeak(async () => {
    await train({
      student: s,
      teacher: {
        model: t,
        mode: "cotrained",
        taskLoss: focal,
        input: (b) => input(b).map((x) => tf.mul(x, 1)),
      },
      taskLoss: focal,
      distillers: [{ distiller: md }],
      optimizer: { kind: "adam" },
      lr: 0.01,
      input,
      data: phantomSource(make, 2, 11),
      steps: 30,
      progress: "none",
      onStep: (r) => {
        recs.push(r);
        wSeen.push(Array.from(md.variables!()[0].variables[0].dataSync()));
      },
    });
  });
  assert.equal(md.variables!().length, 0, "w disposed with the distiller");
  assert.ok(
    wSeen[0].some((v) => v !== 1) && wSeen.at(-1)!.some((v, j) => v !== wSeen[0][j]),
    "w trained",
  );
  assert.ok(recs.at(-1)!.terms.task < recs[0].terms.task, "student focal falls");
  assert.ok(recs.at(-1)!.terms.teacher < recs[0].terms.teacher, "teacher focal falls (co-trained)");
  for (const k of ["mdnet.kl_logits", "mdnet.kl_pre", "mdnet.kl_hbp", "mdnet.clinical"]) {
    assert.ok(k in recs[0].terms, k);
  }
  assert.notDeepEqual(Array.from(t.getWeights()[0].dataSync()), Array.from(teacherW0));
  s.dispose();
  t.dispose();
});

Deno.test("loop + LCKD: no teacher model, present subset, election every 5 steps", async () => {
  const net = lckdNet(90);
  const elections: number[] = [];
  const make = (rng: { int(a: number, b: number): number }, i: number) => {
    const seg = segBatch(rng as never, i);
    const x = seg.x as tf.Tensor;
    const present = [[0, 2, 3], [1, 2], [0, 1, 2, 3]][i % 3];
    const mods = [0, 1, 2, 3].map((
      m,
    ) => (present.includes(m) ? tf.mul(x, m + 1) : tf.zerosLike(x)));
    x.dispose();
    return {
      x: Object.fromEntries(mods.map((t, m) => [`lk_m${m}`, t])),
      y: seg.y,
      present,
    } as Batch;
  };
  const d = lckdDistiller({
    featureTaps: ["f0", "f1", "f2", "f3"],
    electEvery: 5,
    elect: (step) => {
      elections.push(step);
      return [[0.1, 0.2, 0.3], [0.9, 0.1, 0.1], [0.1, 0.8, 0.9], [0, 0, 0]];
    },
  });
  const recs = await overfit("lckd", net, undefined, d, {
    data: phantomSource(make, 3, 12),
    taskLoss: segCe,
    steps: 20,
  });
  assert.deepEqual(elections, [0, 5, 10, 15]);
  assert.ok(recs.some((r) => r.terms["lckd.lckd"] > 0));
  net.dispose();
});

for (
  const lossType of [
    "attn_kd",
    "wo_feedback",
    "deep_kd",
    "indv_feedback",
    "cat_feedback_ours",
  ] as const
) {
  Deno.test(`loop + KiTS ${lossType} (the code's method switch)`, async () => {
    const sTaps: [string, number, number][] = [
      ["e1", 3, 1],
      ["e2", 3, 2],
      ["e3", 3, 2],
      ["e4", 3, 3],
      ["e5", 4, 3],
      ["d5", 4, 1],
      ["d4", 3, 1],
      ["d3", 3, 2],
      ["d2", 3, 2],
    ];
    const tTaps: [string, number, number][] = [
      ["e1", 4, 1],
      ["e2", 4, 2],
      ["e3", 4, 2],
      ["e4", 5, 3],
      ["e5", 5, 3],
      ["d5", 4, 2],
      ["d4", 4, 2],
      ["d3", 3, 1],
      ["d2", 3, 1],
    ];
    const s = tapNet("ks", sTaps, 2, 130), t = tapNet("kt", tTaps, 2, 140);
    const binCe: TaskLoss = (o, b) =>
      tf.tidy(() =>
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(tf.minimum(b.y as tf.Tensor3D, tf.scalar(1, "int32")), 2),
          o.logits,
        ) as tf.Scalar
      );
    await overfit(`kits_${lossType}`, s, { model: t }, hlfdDistiller({ lossType }), {
      data: phantomSource(segBatch, 3, 8),
      taskLoss: binCe,
      steps: 20,
    });
    s.dispose();
    t.dispose();
  });
}
