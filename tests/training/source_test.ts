// lib/datasets' DataLoader through loaderSource: a resumed run is exact with a real shuffling,
// augmenting loader too.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import type { Rng } from "../../lib/random/mod.ts";
import { DataLoader, type LoaderState, type TensorBatch } from "../../lib/datasets/loader.ts";
import { loaderSource, type TaskLoss, train } from "../../lib/training/mod.ts";
import { segNet } from "./_tiny.ts";

await initBackend("cpu", { quiet: true });

const ds = {
  length: 5,
  get(i: number, rng: Rng) {
    const image = new Float32Array(36), label = new Float32Array(36);
    for (let k = 0; k < 36; k++) {
      label[k] = (k + i) % 3 === 0 ? 1 : 0;
      image[k] = label[k] + rng.normal(0, 0.2); // augmentation noise from the loader's RNG
    }
    return { id: `c${i}`, image, shape: [6, 6, 1], label, labelShape: [6, 6] };
  },
};

const source = () =>
  loaderSource(
    (start) =>
      new DataLoader(ds, { batchSize: 2, seed: 3, epochs: Infinity, start: start as LoaderState }),
    (b: TensorBatch) => ({
      x: b.image,
      y: tf.tidy(() => tf.cast(b.label, "int32")),
      _label: b.label,
    }),
  );

const ce: TaskLoss = (o, b) =>
  tf.tidy(() =>
    tf.losses.softmaxCrossEntropy(tf.oneHot(b.y as tf.Tensor3D, 2), o.logits) as tf.Scalar
  );

Deno.test("loaderSource(DataLoader): interrupted + resumed run equals the uninterrupted one", async () => {
  const run = async (dir: string, steps: number, max?: number, resume = false) => {
    const m = segNet("ls", 3, 2, 5);
    const r = await train({
      student: m,
      taskLoss: ce,
      optimizer: { kind: "adam" },
      lr: 0.01,
      data: source(),
      steps,
      runDir: dir,
      maxStepsThisRun: max,
      resume,
      progress: "none",
    });
    const w = m.getWeights().map((t) => Array.from(t.dataSync()));
    m.dispose();
    return { r, w };
  };
  const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
  const full = await run(a, 7); // 7 steps over 3 batches per epoch: crosses two epoch boundaries
  await run(b, 7, 4);
  const resumed = await run(b, 7, undefined, true);
  assert.equal(resumed.r.resumedFrom, 4);
  assert.deepEqual(resumed.w, full.w);
  await Deno.remove(a, { recursive: true });
  await Deno.remove(b, { recursive: true });
});
