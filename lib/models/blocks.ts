/**
 * Transformer building blocks shared by the attention models: LayerNorm, MLP, pre-LN ViT blocks
 * on tokens [N, L, C], Swin blocks on maps [N, H, W, C], and attention over a map's positions.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Builder, Init, T } from "./build.ts";
import { act, add, ch, dense } from "./build.ts";
import { DropPath, MultiHeadSelfAttention, WindowAttention } from "./layers/mod.ts";

/** LayerNorm over the last axis. */
export function layerNorm(b: Builder, x: T, name: string, eps = 1e-5): T {
  return tf.layers.layerNormalization({
    axis: -1,
    epsilon: eps,
    gammaInitializer: b.constant(1),
    betaInitializer: b.constant(0),
    name,
  }).apply(x) as T;
}

/** Linear → GELU → [dropout] → Linear → [dropout] on the last axis. */
export function mlp(
  b: Builder,
  x: T,
  hidden: number,
  name: string,
  o: { init?: Init; biasInit?: Init; drop?: number; fc?: [string, string] } = {},
): T {
  const [n1, n2] = o.fc ?? ["fc1", "fc2"];
  const c = ch(x);
  const di = { init: o.init ?? { trunc: 0.02 }, biasInit: o.biasInit ?? "zeros" } as const;
  let h = act(dense(b, x, hidden, `${name}.${n1}`, di), "gelu", `${name}.act`);
  if (o.drop) {
    h = tf.layers.dropout({ rate: o.drop, seed: b.rng.seed(), name: `${name}.drop1` }).apply(
      h,
    ) as T;
  }
  h = dense(b, h, c, `${name}.${n2}`, di);
  if (o.drop) {
    h = tf.layers.dropout({ rate: o.drop, seed: b.rng.seed(), name: `${name}.drop2` }).apply(
      h,
    ) as T;
  }
  return h;
}

function residual(b: Builder, x: T, y: T, dropPath: number, name: string): T {
  const z = dropPath > 0
    ? new DropPath({ rate: dropPath, seed: b.rng.seed(), name: `${name}.drop_path` }).apply(y) as T
    : y;
  return add([x, z], `${name}.add`);
}

/** Pre-LN ViT block on tokens: x + MHSA(LN x); x + MLP(LN x). */
export function vitBlock(
  b: Builder,
  x: T,
  o: { heads: number; hidden: number; eps?: number; drop?: number; dropPath?: number },
  name: string,
): T {
  const c = ch(x);
  const attn = new MultiHeadSelfAttention({
    heads: o.heads,
    kernelInit: b.spec({ trunc: 0.02 }, c, c),
    name: `${name}.attn`,
  }).apply(layerNorm(b, x, `${name}.norm1`, o.eps ?? 1e-6)) as T;
  x = residual(b, x, attn, o.dropPath ?? 0, `${name}.attn_res`);
  const h = mlp(b, layerNorm(b, x, `${name}.norm2`, o.eps ?? 1e-6), o.hidden, `${name}.mlp`, {
    drop: o.drop,
  });
  return residual(b, x, h, o.dropPath ?? 0, `${name}.mlp_res`);
}

/** Swin block on a map: x + WindowAttention(LN x); x + MLP(LN x). */
export function swinBlock(
  b: Builder,
  x: T,
  o: { heads: number; window: number; shift: number; mlpRatio?: number; dropPath?: number },
  name: string,
): T {
  const c = ch(x);
  const attn = new WindowAttention({
    heads: o.heads,
    window: o.window,
    shift: o.shift,
    kernelInit: b.spec({ trunc: 0.02 }, c, c),
    tableInit: b.spec({ trunc: 0.02 }, c, c),
    name: `${name}.attn`,
  }).apply(layerNorm(b, x, `${name}.norm1`)) as T;
  x = residual(b, x, attn, o.dropPath ?? 0, `${name}.attn_res`);
  const h = mlp(
    b,
    layerNorm(b, x, `${name}.norm2`),
    Math.round(c * (o.mlpRatio ?? 4)),
    `${name}.mlp`,
  );
  return residual(b, x, h, o.dropPath ?? 0, `${name}.mlp_res`);
}

/** [N, H, W, C] ↔ [N, H·W, C]. */
export function toTokens(x: T, name: string): T {
  const [, h, w, c] = x.shape as number[];
  return tf.layers.reshape({ targetShape: [h * w, c], name }).apply(x) as T;
}

/** [N, H·W, C] → [N, H, W, C]. */
export function toMap(x: T, h: number, w: number, name: string): T {
  return tf.layers.reshape({ targetShape: [h, w, ch(x)], name }).apply(x) as T;
}
