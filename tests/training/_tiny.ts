// Tiny models and phantom data sources for the loop tests (outputs [logits, ...taps]).
import * as tf from "../../lib/tf/tf.ts";
import { createRng, Rng } from "../../lib/random/mod.ts";
import type { Batch, BatchSource } from "../../lib/training/mod.ts";

const seedInit = (seed: number) => tf.initializers.glorotUniform({ seed });

/** Dense segmentation net: feat1 [6,6,c], feat2 [3,3,2c], logits [6,6,classes]. */
export function segNet(prefix: string, c: number, classes: number, seed: number, bn = false) {
  const x = tf.input({ shape: [6, 6, 1], name: `${prefix}_x` });
  let h = tf.layers.conv2d({
    filters: c,
    kernelSize: 3,
    padding: "same",
    kernelInitializer: seedInit(seed),
    name: `${prefix}_c1`,
  }).apply(x) as tf.SymbolicTensor;
  if (bn) h = tf.layers.batchNormalization({ name: `${prefix}_bn` }).apply(h) as tf.SymbolicTensor;
  const f1 = tf.layers.activation({ activation: "relu", name: "feat1" }).apply(
    h,
  ) as tf.SymbolicTensor;
  const f2 = tf.layers.conv2d({
    filters: 2 * c,
    kernelSize: 3,
    strides: 2,
    padding: "same",
    activation: "relu",
    kernelInitializer: seedInit(seed + 1),
    name: "feat2",
  }).apply(f1) as tf.SymbolicTensor;
  const up = tf.layers.upSampling2d({ size: [2, 2], name: `${prefix}_up` }).apply(
    f2,
  ) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: `${prefix}_cat` }).apply([f1, up]) as tf.SymbolicTensor;
  const logits = tf.layers.conv2d({
    filters: classes,
    kernelSize: 1,
    kernelInitializer: seedInit(seed + 2),
    name: "logits",
  }).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: [logits, f1, f2], name: prefix });
}

/** Many-tap net for HLFD: every tap a conv of the input with its own stride and width. */
export function tapNet(
  prefix: string,
  taps: [string, number, number][],
  classes: number,
  seed: number,
) {
  const x = tf.input({ shape: [6, 6, 1], name: `${prefix}_x` });
  const logits = tf.layers.conv2d({
    filters: classes,
    kernelSize: 3,
    padding: "same",
    kernelInitializer: seedInit(seed),
    name: "logits",
  }).apply(x) as tf.SymbolicTensor;
  const outs = taps.map(([name, ch, stride], i) =>
    tf.layers.conv2d({
      filters: ch,
      kernelSize: 3,
      strides: stride,
      padding: "same",
      activation: "relu",
      kernelInitializer: seedInit(seed + i + 1),
      name,
    }).apply(x) as tf.SymbolicTensor
  );
  return tf.model({ inputs: x, outputs: [logits, ...outs], name: prefix });
}

/** Two-sequence classifier (MD-Net shape): inputs hbp, pre → taps hbp, pre [N,8], s [N,6]. */
export function mdNet(prefix: string, seed: number) {
  const hbp = tf.input({ shape: [4, 4, 1], name: `${prefix}_hbp_in` });
  const pre = tf.input({ shape: [4, 4, 1], name: `${prefix}_pre_in` });
  const branch = (inp: tf.SymbolicTensor, name: string, s: number) => {
    const c = tf.layers.conv2d({
      filters: 4,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: seedInit(s),
      name: `${prefix}_${name}_conv`,
    }).apply(inp) as tf.SymbolicTensor;
    const g = tf.layers.globalAveragePooling2d({ name: `${prefix}_${name}_gap` }).apply(
      c,
    ) as tf.SymbolicTensor;
    return tf.layers.dense({ units: 8, kernelInitializer: seedInit(s + 1), name }).apply(
      g,
    ) as tf.SymbolicTensor;
  };
  const h = branch(hbp, "hbp", seed), p = branch(pre, "pre", seed + 2);
  const cat = tf.layers.concatenate({ name: `${prefix}_cat` }).apply([h, p]) as tf.SymbolicTensor;
  const s = tf.layers.dense({
    units: 6,
    activation: "relu",
    kernelInitializer: seedInit(seed + 4),
    name: "s",
  }).apply(cat) as tf.SymbolicTensor;
  const logits = tf.layers.dense({
    units: 3,
    kernelInitializer: seedInit(seed + 5),
    name: "logits",
  }).apply(s) as tf.SymbolicTensor;
  return tf.model({ inputs: [hbp, pre], outputs: [logits, h, p, s], name: prefix });
}

/** LCKD shape: 4 modality inputs through one shared encoder → taps f0..f3, logits from their mean. */
export function lckdNet(seed: number) {
  const ins = [0, 1, 2, 3].map((m) => tf.input({ shape: [6, 6, 1], name: `lk_m${m}` }));
  const enc = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    kernelInitializer: seedInit(seed),
    name: "lk_enc",
  });
  const feats = ins.map((x, m) =>
    tf.layers.activation({ activation: "linear", name: `f${m}` }).apply(
      enc.apply(x),
    ) as tf.SymbolicTensor
  );
  const avg = tf.layers.average({ name: "lk_avg" }).apply(feats) as tf.SymbolicTensor;
  const logits = tf.layers.conv2d({
    filters: 3,
    kernelSize: 1,
    kernelInitializer: seedInit(seed + 1),
    name: "logits",
  }).apply(avg) as tf.SymbolicTensor;
  return tf.model({ inputs: ins, outputs: [logits, ...feats], name: "lckd_net" });
}

/** Multi-label classifier [N, 8] → [N, 5] (CXR8 shape). */
export function mlNet(prefix: string, units: number, seed: number) {
  const x = tf.input({ shape: [8], name: `${prefix}_x` });
  const h = tf.layers.dense({
    units,
    activation: "relu",
    kernelInitializer: seedInit(seed),
    name: `${prefix}_h`,
  }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({
    units: 5,
    kernelInitializer: seedInit(seed + 1),
    name: "logits",
  }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: logits, name: prefix });
}

type Make = (rng: Rng, i: number) => Batch;

/**
 * A resumable in-memory source of `count` phantom batches per epoch, reshuffled each epoch from a
 * seeded RNG (state = epoch, index, RNG state). `poison` makes batch number k (1-based, counted over
 * the whole run) contain NaN.
 */
export function phantomSource(
  make: Make,
  count: number,
  seed: number,
  poison?: number,
): BatchSource & { served: () => number } {
  let rng = createRng(seed);
  let epoch = 0, index = 0, served = 0;
  let order = rng.permutation(count);
  return {
    served: () => served,
    state: () => ({ epoch, index, served, rng: rng.getState(), order }),
    restore(s) {
      const st = s as {
        epoch: number;
        index: number;
        served: number;
        rng: number[];
        order: number[];
      };
      epoch = st.epoch;
      index = st.index;
      served = st.served;
      rng = Rng.fromState(st.rng);
      order = st.order;
    },
    async *[Symbol.asyncIterator]() {
      while (index < count) {
        const b = make(createRng(`${seed}:${order[index]}`), order[index]);
        index++;
        served++;
        if (poison !== undefined && served === poison) {
          const x = b.x as tf.Tensor;
          b.x = tf.tidy(() => tf.mul(x, NaN));
          x.dispose();
        }
        yield await Promise.resolve(b);
      }
      epoch++;
      index = 0;
      order = rng.permutation(count);
    },
  };
}

/** Segmentation phantom: x [2,6,6,1] noise + a bright square; y = 1 inside the square, 2 on a stripe. */
export const segBatch: Make = (rng) => {
  const x = new Float32Array(72), y = new Int32Array(72);
  for (let n = 0; n < 2; n++) {
    const r0 = rng.int(0, 3), c0 = rng.int(0, 3);
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 6; c++) {
        const i = n * 36 + r * 6 + c;
        const inside = r >= r0 && r < r0 + 3 && c >= c0 && c < c0 + 3;
        y[i] = inside ? 1 : c === 5 ? 2 : 0;
        x[i] = (inside ? 1 : c === 5 ? -1 : 0) + rng.normal(0, 0.1);
      }
    }
  }
  return { x: tf.tensor4d(x, [2, 6, 6, 1]), y: tf.tensor3d(y, [2, 6, 6], "int32") };
};
