import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { BRATS_PRESETS, makeModel } from "../../lib/experiments/brats.ts";
import { electionScores } from "../../lib/experiments/brats_train.ts";
import {
  evaluateSubsets,
  slidingLogits,
  slidingSubsetProbs,
  splitDualNet,
} from "../../lib/experiments/brats_eval.ts";
import { BRATS_SUBSETS } from "../../lib/metrics/mod.ts";
import { GraphExecError, layerOutput, runGraph } from "../../lib/models/mod.ts";

await initBackend("cpu", { quiet: true });

/** Deterministic uniform [0, 1) stream (LCG). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ROWS = BRATS_SUBSETS.map((s) => {
  const on = s.split(",").map(Number);
  return [0, 1, 2, 3].map((m) => (on.includes(m) ? 1 : 0));
});

Deno.test("graph executor: feeds intermediate tensors, runs only what the outputs need", () => {
  const x = tf.input({ shape: [2], name: "x" });
  const h = tf.layers.dense({ units: 2, kernelInitializer: "ones", name: "h" })
    .apply(x) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 1, kernelInitializer: "ones", name: "y" })
    .apply(h) as tf.SymbolicTensor;
  const m = tf.model({ inputs: x, outputs: y });
  const xv = tf.tensor2d([[1, 2]]), hv = tf.tensor2d([[3, 4]]);
  const before = tf.memory().numTensors;
  const [a] = runGraph(m, [[x, xv]], [y]);
  assert.equal(a.dataSync()[0], 6); // h = [3, 3], y = 6 (zero biases)
  const [b, c] = runGraph(m, new Map([["h", hv]]), [layerOutput(m, "y"), h]);
  assert.equal(b.dataSync()[0], 7);
  assert.deepEqual([...c.dataSync()], [3, 4]); // a fed output comes back as a clone
  assert.throws(() => runGraph(m, [], [y]), GraphExecError);
  tf.dispose([a, b, c]);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(!xv.isDisposed && !hv.isDisposed, "feeds stay the caller's");
  tf.dispose([xv, hv]);
  m.dispose();
});

Deno.test("brats fast subset evaluation equals the full-model sliding window, no leaks", () => {
  const p = BRATS_PRESETS.smoke;
  const model = makeModel(p, 3);
  // Random norm affines and biases: the all-zero volume then encodes to non-trivial features.
  const rnd = uniform(7);
  for (const l of model.layers) {
    const ws = l.getWeights();
    if (ws.some((w) => w.rank === 1)) {
      const nw = ws.map((w) =>
        w.rank === 1 ? tf.add(w, tf.tensor1d(Array.from({ length: w.size }, () => rnd() - 0.5))) : w
      );
      l.setWeights(nw);
      tf.dispose(nw.filter((w, i) => w !== ws[i]));
    }
  }
  const shape = [20, 32, 40]; // overlap 1/3 → starts [0, 4] × [0] × [0, 8]: 4 overlapping tiles
  const image = Float32Array.from(
    { length: shape[0] * shape[1] * shape[2] * 4 },
    () => rnd() * 2 - 1,
  );
  const old = slidingLogits(model, image, ROWS, p.patch, 1 / 3, { probs: true, shape });
  const before = tf.memory().numTensors;
  const fast = slidingSubsetProbs(model, image, ROWS, p.patch, 1 / 3, {
    shape,
    chunk: 7,
    tileChunk: 3,
  });
  const split = splitDualNet(model, p.patch)!;
  assert.equal(split.encoded.length, 4); // ASPP output + 3 skips
  const again = slidingSubsetProbs(model, image, ROWS, p.patch, 1 / 3, { shape, split });
  // evaluateSubsets (one case, three subsets): the same scores as the reference path
  const c = { id: "c", image, shape, target: Float32Array.from(old[0], (v) => (v > 0.5 ? 1 : 0)) };
  const sub = ["0", "1,3", "0,1,2,3"];
  const ev = evaluateSubsets(model, [c], p.patch, 1 / 3, sub);
  const ref = evaluateSubsets(model, [c], p.patch, 1 / 3, sub, { fast: false });
  assert.deepEqual(ev.dice, ref.dice);
  assert.deepEqual([...ev.example.pred], [...ref.example.pred]);
  split.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  assert.equal(fast.length, 15);
  let worst = 0, spread = 0;
  ROWS.forEach((_, r) => {
    assert.equal(fast[r].length, old[r].length);
    for (let i = 0; i < old[r].length; i++) {
      worst = Math.max(worst, Math.abs(fast[r][i] - old[r][i]), Math.abs(again[r][i] - old[r][i]));
      spread = Math.max(spread, Math.abs(old[r][i] - old[14][i]));
    }
  });
  assert.ok(worst < 1e-4, `max |fast − old| = ${worst}`);
  assert.ok(spread > 1e-3, "subsets differ (the test is not vacuous)");
  model.dispose();
});

Deno.test("brats fast subset evaluation falls back to slidingLogits for other models", () => {
  const inp = tf.input({ shape: [2, 2, 2, 4] }), pres = tf.input({ shape: [4] });
  const out = tf.layers.dense({ units: 3, useBias: false, kernelInitializer: "ones" }).apply(inp);
  const m = tf.model({ inputs: [inp, pres], outputs: [out as tf.SymbolicTensor] });
  assert.equal(splitDualNet(m, [2, 2, 2]), null);
  const img = Float32Array.from({ length: 3 * 4 * 4 * 4 }, (_, i) => (i % 7) / 7);
  const o = { shape: [3, 4, 4] };
  const a = slidingSubsetProbs(m, img, ROWS.slice(0, 2), [2, 2, 2], 0.5, o);
  const b = slidingLogits(m, img, ROWS.slice(0, 2), [2, 2, 2], 0.5, { ...o, probs: true });
  assert.deepEqual(a, b);
  m.dispose();
});

Deno.test("LCKD election scores whole cases (larger than the patch): finite soft Dice per modality", () => {
  const p = { ...BRATS_PRESETS.smoke, overlap: 1 / 3 };
  const model = makeModel(p, 5);
  const rnd = uniform(11);
  const shape = [20, 32, 40];
  const n = shape[0] * shape[1] * shape[2];
  const image = Float32Array.from({ length: n * 4 }, () => rnd() * 2 - 1);
  const target = Float32Array.from({ length: n * 3 }, () => (rnd() < 0.2 ? 1 : 0));
  const before = tf.memory().numTensors;
  const scores = electionScores(model, [{ id: "c", image, shape, target }], p);
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  // Reference: the full-model sliding window over the whole case, logits averaged, then sigmoid.
  const rows = [0, 1, 2, 3].map((m) => [0, 1, 2, 3].map((k) => (k === m ? 1 : 0)));
  const logits = slidingLogits(model, image, rows, p.patch, p.overlap, { shape });
  rows.forEach((_, m) => {
    for (let r = 0; r < 3; r++) {
      let pg = 0, ps = 0, gs = 0;
      for (let v = 0; v < n; v++) {
        const pr = 1 / (1 + Math.exp(-logits[m][3 * v + r]));
        pg += pr * target[3 * v + r];
        ps += pr;
        gs += target[3 * v + r];
      }
      const want = (2 * pg) / (ps + gs + 1);
      assert.ok(Number.isFinite(scores[m][r]), `score ${m},${r} is ${scores[m][r]}`);
      assert.ok(Math.abs(scores[m][r] - want) < 1e-4, `${m},${r}: ${scores[m][r]} vs ${want}`);
    }
  });
  model.dispose();
});

Deno.test("sliding window refuses an image whose size does not match the shape", () => {
  const inp = tf.input({ shape: [2, 2, 2, 4] }), pres = tf.input({ shape: [4] });
  const out = tf.layers.dense({ units: 3, useBias: false }).apply(inp);
  const m = tf.model({ inputs: [inp, pres], outputs: [out as tf.SymbolicTensor] });
  const img = new Float32Array(3 * 4 * 4 * 4);
  assert.throws(() => slidingLogits(m, img, ROWS.slice(0, 1), [2, 2, 2], 0), /shape \[2,2,2\]/);
  assert.throws(() => slidingSubsetProbs(m, img, ROWS.slice(0, 1), [2, 2, 2], 0), RangeError);
  m.dispose();
});
