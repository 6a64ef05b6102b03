// Properties of the pure losses: zero when student equals teacher (where that holds), gradients
// reach the student only (never the teacher input), DKD warm-up, election rules.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  atLoss,
  cwdLoss,
  distLoss,
  dkdDistiller,
  dkdLoss,
  electTeachers,
  fitnetLoss,
  hclLoss,
  kdLoss,
  klProjected,
  klRec,
  lckdDistiller,
  lckdLoss,
  mdnetLoss,
  multiLabelKdLoss,
  presentModalities,
  sampleAdapter,
} from "../../lib/distillers/mod.ts";

await initBackend("cpu", { quiet: true });

const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1.5, "float32", seed);
const labels = tf.tensor3d(Array.from({ length: 32 }, (_, i) => i % 5), [2, 4, 4], "int32");

type Case = {
  name: string;
  shape: number[];
  f: (s: tf.Tensor, t: tf.Tensor) => tf.Scalar;
  zero: boolean;
};
const cases: Case[] = [
  { name: "kd", shape: [2, 4, 4, 5], f: (s, t) => kdLoss(s, t, { temperature: 2 }), zero: true },
  {
    name: "multilabel softmax-raw",
    shape: [3, 6],
    f: (s, t) => multiLabelKdLoss(s, t, { temperature: 2, mode: "softmax-raw" }),
    zero: true,
  },
  {
    name: "multilabel sigmoid",
    shape: [3, 6],
    f: (s, t) => multiLabelKdLoss(s, t, { temperature: 2 }),
    zero: false,
  },
  { name: "at", shape: [2, 4, 4, 5], f: (s, t) => atLoss(s, t, { p: 2 }), zero: true },
  { name: "fitnet", shape: [2, 4, 4, 5], f: (s, t) => fitnetLoss(s, t), zero: true },
  {
    name: "dkd",
    shape: [2, 4, 4, 5],
    f: (s, t) => {
      const r = dkdLoss(s, t, labels, { alpha: 1, beta: 8, temperature: 4 });
      tf.dispose([r.tckd, r.nckd]);
      return r.loss;
    },
    zero: true,
  },
  {
    name: "dist",
    shape: [2, 4, 4, 5],
    f: (s, t) => {
      const r = distLoss(s, t, { beta: 1, gamma: 1, temperature: 1 });
      tf.dispose([r.inter, r.intra]);
      return r.loss;
    },
    zero: true,
  },
  { name: "cwd", shape: [2, 4, 4, 5], f: (s, t) => cwdLoss(s, t, { temperature: 4 }), zero: true },
  { name: "hcl", shape: [2, 4, 4, 5], f: (s, t) => hclLoss(s, t), zero: true },
  {
    name: "mdnet kl",
    shape: [3, 6],
    f: (s, t) => {
      return tf.tidy(() => {
        const c = tf.zeros([3, 2]);
        const r = mdnetLoss(
          { logits: s, pre: s, hbp: s, clinical: c },
          { logits: t, pre: t, hbp: t },
          c,
          tf.ones([2]),
        );
        return tf.addN(Object.values(r)) as tf.Scalar;
      });
    },
    zero: true,
  },
  { name: "lckd", shape: [2, 3, 3, 4], f: (s, t) => lckdLoss([t, s], [0, 1], [0]), zero: true },
];

for (const c of cases) {
  Deno.test(`property: ${c.name} — ${c.zero ? "zero at s = t, " : ""}gradient to the student only`, async () => {
    await assertNoLeak(() => {
      const s = rnd(c.shape, 1), t = rnd(c.shape, 2);
      if (c.zero) {
        const s2 = s.clone();
        const l0 = c.f(s, s2);
        assert.ok(Math.abs(l0.dataSync()[0]) < 1e-5, `${c.name}(s, s) = ${l0.dataSync()[0]}`);
        tf.dispose([l0, s2]);
      }
      const [gs, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => c.f(a, b))([s, t]);
      assert.ok(tf.tidy(() => tf.max(tf.abs(gs)).dataSync()[0]) > 0, "student gets a gradient");
      assert.equal(tf.tidy(() => tf.max(tf.abs(gt)).dataSync()[0]), 0, "teacher gets none");
      tf.dispose([s, t, gs, gt]);
    }, { label: c.name });
  });
}

Deno.test("property: HLFD KLrec/KL projected — no gradient into the teacher maps", () => {
  const rng = createRng(1);
  const s = rnd([1, 4, 4, 3], 3), t1 = rnd([1, 2, 2, 2], 4), t2 = rnd([1, 4, 4, 2], 5);
  const a = sampleAdapter(rng, 4, 3), b = sampleAdapter(rng, 3, 2);
  const [gs, g1, g2] = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
    tf.add(klRec(x, [y, z], a), klProjected(x, z, b))
  )([s, t1, t2]);
  assert.ok(tf.max(tf.abs(gs)).dataSync()[0] > 0);
  assert.equal(tf.max(tf.abs(g1)).dataSync()[0], 0);
  assert.equal(tf.max(tf.abs(g2)).dataSync()[0], 0);
  tf.dispose([s, t1, t2, gs, g1, g2, a.kernel, a.bias, b.kernel, b.bias]);
});

Deno.test("property: DKD distiller warm-up scales by min(k / warmup, 1) at the k-th update", () => {
  const d = dkdDistiller({ alpha: 1, beta: 8, temperature: 4, warmupSteps: 4 });
  const s = rnd([2, 4, 4, 5], 1), t = rnd([2, 4, 4, 5], 2);
  const val = (step: number) => {
    const r = d.loss({ logits: s, taps: {} }, { logits: t, taps: {} }, { x: s, y: labels }, {
      step,
      rng: createRng(0),
    });
    const v = r.tckd.dataSync()[0] + r.nckd.dataSync()[0];
    tf.dispose(Object.values(r));
    return v;
  };
  const full = val(10);
  assert.ok(Math.abs(val(0) - full / 4) < 1e-4 * full); // first update: 1/4
  assert.ok(Math.abs(val(1) - full / 2) < 1e-4 * full);
  assert.ok(Math.abs(val(3) - full) < 1e-6 * full);
  tf.dispose([s, t]);
});

Deno.test("property: LCKD election — first index on ties, distinct winners", () => {
  assert.deepEqual(electTeachers([[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]]), [0]);
  assert.deepEqual(electTeachers([[0, 0, 0], [0, 3, 0], [2, 0, 0], [0, 0, 5]]), [1, 2, 3]);
});

Deno.test("property: DKD accepts float [N, H, W, 1] label maps like int [N, H, W]", () => {
  const s = rnd([2, 4, 4, 5], 1), t = rnd([2, 4, 4, 5], 2);
  const lf = tf.tidy(() => tf.cast(tf.expandDims(labels, 3), "float32"));
  const o = { alpha: 1, beta: 8, temperature: 4 };
  const a = dkdLoss(s, t, labels, o), b = dkdLoss(s, t, lf, o);
  assert.equal(a.loss.dataSync()[0], b.loss.dataSync()[0]);
  tf.dispose([s, t, lf, ...Object.values(a), ...Object.values(b)]);
});

Deno.test("property: LCKD on the zoo's regrouped `features` tap with a 0/1 present tensor", () => {
  const fs = [0, 1, 2, 3].map((m) => rnd([2, 2, 2, 3], 10 + m));
  const regrouped = tf.concat(fs, -1);
  const present = tf.tensor2d([[1, 0, 1, 1], [1, 0, 1, 1]]);
  const d = lckdDistiller({ lambda: 1 });
  d.restore!({ teachers: [1, 2] });
  const r = d.loss({ logits: regrouped, taps: { features: regrouped } }, undefined, {
    x: regrouped,
    y: present,
    present,
  }, {
    step: 0,
    rng: createRng(0),
  });
  const want = lckdLoss(fs, [0, 2, 3], [1, 2]);
  assert.ok(Math.abs(r.lckd.dataSync()[0] - want.dataSync()[0]) < 1e-6);
  assert.deepEqual(presentModalities(present, 4), [0, 2, 3]);
  tf.dispose([...fs, regrouped, present, r.lckd, want]);
});
