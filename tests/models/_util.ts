/** Shared helpers for model tests: in-memory save/load and deterministic inputs. */
import * as tf from "../../lib/tf/tf.ts";
import { createRng } from "../../lib/random/mod.ts";

/** Save to memory and load back (TF.js layers format, custom layers included). */
export async function saveLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let art: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    art = a;
    return Promise.resolve({
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
    });
  }));
  return await tf.loadLayersModel(tf.io.fromMemory(art!));
}

/** Seeded N(0, 1) input batch. */
export function randomInput(shape: number[], seed = 1): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  rng.fillNormal(v);
  return tf.tensor(v, shape);
}

/** Largest absolute difference of two equally shaped tensors. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
