/**
 * The CXR8 "plain" smoke/CI pair (spec 04 §8.1): 3×3 convs with bias + ReLU, widths
 * (w, w, 2w, 2w, 4w), strides (2, 1, 2, 1, 2), GAP, Linear. `width` scales w = 16 (teacher,
 * 36,062 parameters); the student is width 0.5 (w = 8, 9,398). Taps `c1…c5`, `pool`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, conv, dense, scaled } from "../build.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

function plain(b: Builder, o: ModelOptions & { width: number }): Graph {
  const w = scaled(16, o.width);
  const input = tf.input({ shape: o.inputShape, name: "image" });
  const widths = [w, w, 2 * w, 2 * w, 4 * w], strides = [2, 1, 2, 1, 2];
  let x: T = input;
  const taps: [string, T][] = [];
  widths.forEach((c, i) => {
    x = conv(b, x, { filters: c, k: 3, s: strides[i], p: 1, bias: true }, `convs.${i}`);
    x = act(x, "relu", `c${i + 1}`);
    taps.push([`c${i + 1}`, x]);
  });
  const pool = tf.layers.globalAveragePooling2d({ name: "pool" }).apply(x) as T;
  return {
    inputs: input,
    logits: dense(b, pool, o.classes, "fc"),
    taps: [...taps, ["pool", pool]],
  };
}

/** Plain CNN. */
export const PLAIN: ModelSpec[] = [{
  name: "cxr_plain",
  family: "cls2d",
  description: "CXR8 plain CNN (spec 04 §8.1); width 1 = teacher (w 16), 0.5 = student (w 8)",
  build: plain,
  paper: { inputShape: [28, 28, 3], classes: 14, params: 36_062 },
  demo: { inputShape: [28, 28, 3], classes: 14, width: 0.5, params: 9_398 },
}];
