// A demo-size training setup shared by the robustness tests and the child process they kill:
// the tiny segmentation net of tests/training, SGD-momentum, phantom batches, seeded.
import * as tf from "../../lib/tf/tf.ts";
import type { TaskLoss, TrainOptions } from "../../lib/training/mod.ts";
import { phantomSource, segBatch, segNet } from "../training/_tiny.ts";

const segCe: TaskLoss = (o, b) =>
  tf.tidy(() =>
    tf.losses.softmaxCrossEntropy(
      tf.oneHot(b.y as tf.Tensor3D, o.logits.shape[3]!),
      o.logits,
    ) as tf.Scalar
  );

/** Fresh student + options (same seed → same initial weights and batches). */
export function tinyRun(seed = 5): { student: tf.LayersModel; opts: Omit<TrainOptions, "steps"> } {
  const student = segNet("rb", 4, 3, seed, true);
  return {
    student,
    opts: {
      student,
      taskLoss: segCe,
      optimizer: { kind: "sgd", momentum: 0.9 },
      lr: 0.05,
      data: phantomSource(segBatch, 6, seed),
      seed,
      progress: "none",
    },
  };
}
