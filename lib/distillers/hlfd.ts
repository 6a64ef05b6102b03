/**
 * HLFD — hierarchical layer-selective feedback distillation (KiTS study, §5.2–5.4), exactly as the
 * spec describes, including its random, untrained 1×1 adapters re-sampled on every call (K1) and
 * the N·C·H·W/2 KL divisor (K2).
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Rng } from "../random/mod.ts";
import { atLoss } from "./at.ts";
import { klSum, resizeBilinear, stopGradient, torchUniform } from "./util.ts";

/** A 1×1 conv adapter: kernel `[1, 1, cin, cout]` and bias `[cout]`. */
export type Adapter = { kernel: tf.Tensor4D; bias: tf.Tensor1D };

/**
 * Sample a fresh adapter, weights and bias U(±1/√cin) (PyTorch default), from `rng`.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { sampleAdapter } from "./hlfd.ts";
 * const a = sampleAdapter(createRng(1), 4, 2);
 * if (a.kernel.shape.join() !== "1,1,4,2" || Math.max(...a.kernel.dataSync()) > 0.5) throw new Error();
 * a.kernel.dispose(); a.bias.dispose();
 * ```
 */
export function sampleAdapter(rng: Rng, cin: number, cout: number): Adapter {
  return {
    kernel: torchUniform(rng, [1, 1, cin, cout], cin) as tf.Tensor4D,
    bias: torchUniform(rng, [cout], cin) as tf.Tensor1D,
  };
}

function conv1(x: tf.Tensor, a: Adapter): tf.Tensor4D {
  return tf.add(tf.conv2d(x as tf.Tensor4D, a.kernel, 1, "valid"), a.bias);
}

function size(x: tf.Tensor): [number, number] {
  return [x.shape[1]!, x.shape[2]!];
}

/** Resize every map to the smallest (lexicographic (H, W)) and concatenate channels. */
function catSmallest(maps: tf.Tensor[]): tf.Tensor4D {
  const sizes = maps.map(size);
  const min = sizes.reduce((a, b) => (b[0] < a[0] || (b[0] === a[0] && b[1] < a[1]) ? b : a));
  return tf.concat(maps.map((m) => resizeBilinear(m as tf.Tensor4D, min)), 3);
}

/**
 * HLFD's KL: T²·Σ q·(log q − log p) / (N·C·H·W/2), p = log-softmax(logitsS/T), q = softmax(target/T)
 * over channels. The code's "batchmean" on rows of 2 gives the /2 (K2).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { hlfdKl } from "./hlfd.ts";
 * const z = tf.randomNormal([1, 2, 2, 4], 0, 1, "float32", 1);
 * if (Math.abs(hlfdKl(z, z).dataSync()[0]) > 1e-6) throw new Error("KL(z, z) = 0");
 * ```
 */
export function hlfdKl(logitsS: tf.Tensor, target: tf.Tensor, temperature = 4): tf.Scalar {
  const T = temperature;
  return tf.tidy(() => {
    const k = klSum(tf.logSoftmax(tf.div(target, T)), tf.logSoftmax(tf.div(logitsS, T)));
    return tf.mul(k, (T * T) / (logitsS.size / 2)) as tf.Scalar;
  });
}

/**
 * KL(s → t): adapter on the student map, resized (bilinear) to t's side; teacher detached.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { klProjected } from "./hlfd.ts";
 * const a = { kernel: tf.ones([1, 1, 3, 2]) as tf.Tensor4D, bias: tf.zeros([2]) as tf.Tensor1D };
 * const l = klProjected(tf.ones([1, 2, 2, 3]), tf.zeros([1, 4, 4, 2]), a);
 * if (Math.abs(l.dataSync()[0]) > 1e-6) throw new Error("equal channels: uniform vs uniform");
 * ```
 */
export function klProjected(s: tf.Tensor, t: tf.Tensor, a: Adapter, temperature = 4): tf.Scalar {
  return tf.tidy(() => hlfdKl(resizeBilinear(conv1(s, a), size(t)), stopGradient(t), temperature));
}

/**
 * KLcat(list s → t): students resized to the smallest, concatenated, adapter, resized to t.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { klCat } from "./hlfd.ts";
 * const a = { kernel: tf.zeros([1, 1, 5, 2]) as tf.Tensor4D, bias: tf.zeros([2]) as tf.Tensor1D };
 * const l = klCat([tf.ones([1, 4, 4, 2]), tf.ones([1, 2, 2, 3])], tf.zeros([1, 4, 4, 2]), a);
 * if (Math.abs(l.dataSync()[0]) > 1e-6) throw new Error("zero adapter: uniform vs uniform");
 * ```
 */
export function klCat(ss: tf.Tensor[], t: tf.Tensor, a: Adapter, temperature = 4): tf.Scalar {
  return tf.tidy(() => klProjected(catSmallest(ss), t, a, temperature));
}

/**
 * KLrec(s ← list t): teachers resized to the smallest teacher side, concatenated, adapter applied
 * to the teacher side, resized to s's side; the student map is used directly as logits.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { klRec } from "./hlfd.ts";
 * const a = { kernel: tf.zeros([1, 1, 4, 3]) as tf.Tensor4D, bias: tf.zeros([3]) as tf.Tensor1D };
 * const l = klRec(tf.zeros([1, 4, 4, 3]), [tf.ones([1, 2, 2, 2]), tf.ones([1, 1, 1, 2])], a);
 * if (Math.abs(l.dataSync()[0]) > 1e-6) throw new Error("uniform vs uniform");
 * ```
 */
export function klRec(s: tf.Tensor, ts: tf.Tensor[], a: Adapter, temperature = 4): tf.Scalar {
  return tf.tidy(() => {
    const proj = resizeBilinear(conv1(catSmallest(ts.map((t) => stopGradient(t))), a), size(s));
    return hlfdKl(s, proj, temperature);
  });
}

/**
 * HLFD's AT (p = 4, Σ over positions, mean over N; student resized to the teacher's side).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { hlfdAt } from "./hlfd.ts";
 * const f = tf.randomNormal([1, 4, 4, 2], 0, 1, "float32", 2);
 * if (hlfdAt(f, f).dataSync()[0] > 1e-10) throw new Error("AT(f, f) = 0");
 * ```
 */
export function hlfdAt(s: tf.Tensor, t: tf.Tensor, p = 4): tf.Scalar {
  return atLoss(s, t, { p, reduction: "sum" });
}

/**
 * ATcat(list s → t): students resized to the smallest, concatenated, then AT against t.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { atCat } from "./hlfd.ts";
 * const l = atCat([tf.ones([1, 4, 4, 2]), tf.ones([1, 2, 2, 3])], tf.ones([1, 2, 2, 5]));
 * if (l.dataSync()[0] > 1e-10) throw new Error("flat maps agree");
 * ```
 */
export function atCat(ss: tf.Tensor[], t: tf.Tensor, p = 4): tf.Scalar {
  return tf.tidy(() => hlfdAt(catSmallest(ss), t, p));
}

/**
 * ATrec(s ← list t): teachers fused at the smallest side, resized to s's side, AT(s, fused).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { atRec } from "./hlfd.ts";
 * const l = atRec(tf.ones([1, 4, 4, 2]), [tf.ones([1, 2, 2, 3]), tf.ones([1, 1, 1, 3])]);
 * if (l.dataSync()[0] > 1e-10) throw new Error("flat maps agree");
 * ```
 */
export function atRec(s: tf.Tensor, ts: tf.Tensor[], p = 4): tf.Scalar {
  return tf.tidy(() => {
    const fused = resizeBilinear(catSmallest(ts.map((t) => stopGradient(t))), size(s));
    return hlfdAt(s, fused, p);
  });
}

/** Adapters HLFD needs: `rec` (KLrec) and one per individual pixel term (`d4`, `d3`, `d2`). */
export type HlfdAdapters = { rec: Adapter; d4: Adapter; d3: Adapter; d2: Adapter };

/**
 * HLFD in full (§5.4), from named taps (s_e1…s_e4, s_d2…s_d5; t_e2…t_e5, t_d3…t_d5, t_out):
 * pix = 0.5·KLrec(s_d5 ← [t_d5, t_d4, t_d3]) + 0.5·Σ_{k=4,3,2} KL(s_dk → t_out);
 * feat = 0.5·ATrec(s_e1 ← [t_e2, t_e3, t_e4]) + 0.5·Σ_{k=2,3,4} AT(s_ek, t_e5).
 * Returns pix and feat unweighted (the study uses 0.1·pix + 0.9·feat).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { hlfdKl } from "./hlfd.ts";
 * const z = tf.randomNormal([1, 2, 2, 2], 0, 1, "float32", 1);
 * if (Math.abs(hlfdKl(z, z).dataSync()[0]) > 1e-6) throw new Error("not 0");
 * ```
 */
export function hlfdLoss(
  s: Record<string, tf.Tensor>,
  t: Record<string, tf.Tensor>,
  adapters: HlfdAdapters,
  opts: { temperature?: number; p?: number } = {},
): { pix: tf.Scalar; feat: tf.Scalar } {
  const T = opts.temperature ?? 4, p = opts.p ?? 4;
  const [pix, feat] = tf.tidy(() => {
    const rec = klRec(s.s_d5, [t.t_d5, t.t_d4, t.t_d3], adapters.rec, T);
    const ind = tf.addN([
      klProjected(s.s_d4, t.t_out, adapters.d4, T),
      klProjected(s.s_d3, t.t_out, adapters.d3, T),
      klProjected(s.s_d2, t.t_out, adapters.d2, T),
    ]);
    const arec = atRec(s.s_e1, [t.t_e2, t.t_e3, t.t_e4], p);
    const aind = tf.addN([
      hlfdAt(s.s_e2, t.t_e5, p),
      hlfdAt(s.s_e3, t.t_e5, p),
      hlfdAt(s.s_e4, t.t_e5, p),
    ]);
    return [tf.mul(tf.add(rec, ind), 0.5), tf.mul(tf.add(arec, aind), 0.5)] as tf.Scalar[];
  });
  return { pix, feat };
}
