/**
 * MISSFormer (spec 03 §3.3; Huang et al.): MiT-style encoder (overlapping patch embeddings
 * 7×7/4 then 3×3/2 ×3 to dims 64, 128, 320, 512; 2 efficient-attention blocks per stage with
 * heads 1, 2, 5, 8 and spatial reductions 8, 4, 2, 1; Mix-FFN with skip), the context bridge
 * (4 layers over the concatenation of all scales' tokens re-cut into 64-wide tokens, attention
 * with per-scale spatial reduction, per-scale Mix-FFNs), and the decoder (concat-linear +
 * 2 transformer blocks + patch expanding per scale, final ×4 expand and 1×1 conv). A 1-channel
 * input is tiled to 3. The original's fixed token offsets (for 224² or 512²) are computed from
 * the input size; its NCHW memory reinterpretations in the bridge's spatial reduction are
 * reproduced exactly.
 *
 * Not built (never used in the forward pass): the Mix-FFNs' `norm2`/`norm3` LayerNorms, and the
 * deepest decoder's `concat_linear` and two transformer blocks (it only patch-expands) —
 * 7,009,792 parameters of the spec's 42,462,537. Taps: bridge outputs `b1…b4`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, Init, T } from "../build.ts";
import { act, add, ch, concat, conv, dense, scaled } from "../build.ts";
import { layerNorm } from "../blocks.ts";
import { Crop, CrossAttention, DepthToSpace } from "../layers/mod.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type Ctx = { b: Builder; init: Init };
const reshape = (x: T, shape: number[], name: string) =>
  tf.layers.reshape({ targetShape: shape, name }).apply(x) as T;
const permute = (x: T, dims: number[], name: string) =>
  tf.layers.permute({ dims, name }).apply(x) as T;
const tokens = (x: T, name: string) =>
  reshape(x, [(x.shape[1] as number) * (x.shape[2] as number), ch(x)], name);
const crop = (x: T, from: number, to: number, name: string) =>
  new Crop({ crops: [[from, (x.shape[1] as number) - to]], name }).apply(x) as T;

function mixFfn(c: Ctx, x: T, side: number, name: string): T {
  const c1 = ch(x), c2 = 4 * c1;
  const h = dense(c.b, x, c2, `${name}.fc1`, { init: c.init, biasInit: "zeros" });
  let d = conv(c.b, reshape(h, [side, side, c2], `${name}.map`), {
    filters: c2,
    k: 3,
    p: 1,
    depthwise: true,
    bias: true,
    init: c.init,
    biasInit: "zeros",
  }, `${name}.dwconv.dwconv`);
  d = reshape(d, [side * side, c2], `${name}.tokens`);
  const a = act(
    layerNorm(c.b, add([d, h], `${name}.skip`), `${name}.norm1`),
    "gelu",
    `${name}.act`,
  );
  return dense(c.b, a, c1, `${name}.fc2`, { init: c.init, biasInit: "zeros" });
}

function effAttn(c: Ctx, x: T, side: number, heads: number, rr: number, name: string): T {
  let kv = x;
  if (rr > 1) {
    const m = conv(c.b, reshape(x, [side, side, ch(x)], `${name}.map`), {
      filters: ch(x),
      k: rr,
      s: rr,
      bias: true,
      init: c.init,
      biasInit: "zeros",
    }, `${name}.sr`);
    kv = layerNorm(c.b, tokens(m, `${name}.sr_tokens`), `${name}.norm`);
  }
  return new CrossAttention({
    heads,
    kernelInit: c.b.spec(c.init, ch(x), ch(x)),
    name: `${name}.qkv`,
  }).apply([x, kv]) as T;
}

function block(c: Ctx, x: T, side: number, heads: number, rr: number, name: string): T {
  x = add(
    [x, effAttn(c, layerNorm(c.b, x, `${name}.norm1`), side, heads, rr, `${name}.attn`)],
    `${name}.add1`,
  );
  return add(
    [x, mixFfn(c, layerNorm(c.b, x, `${name}.norm2`), side, `${name}.mlp`)],
    `${name}.add2`,
  );
}

/** NCHW-memory reinterpretation: map [h, w, m·C] → NCHW → [C, m·h·w] → tokens [m·h·w, C]. */
function nchwTokens(x: T, cBase: number, name: string): T {
  const [h, w, cm] = x.shape.slice(1) as number[];
  const nchw = permute(x, [3, 1, 2], `${name}.nchw`);
  return permute(reshape(nchw, [cBase, (cm / cBase) * h * w], `${name}.rs`), [2, 1], `${name}.tok`);
}

function bridgeLayer(c: Ctx, t: T, sides: number[], mult: number[], cb: number, name: string): T {
  const counts = sides.map((s, i) => s * s * mult[i]);
  const off = counts.map((_, i) => counts.slice(0, i).reduce((a, v) => a + v, 0));
  const n = layerNorm(c.b, t, `${name}.norm1`);
  const rr = [8, 4, 2];
  const red = [0, 1, 2].map((i) => {
    const piece = reshape(crop(n, off[i], off[i] + counts[i], `${name}.sr${i}.crop`), [
      sides[i],
      sides[i],
      mult[i] * cb,
    ], `${name}.sr${i}.map`);
    const y = conv(c.b, piece, {
      filters: mult[i] * cb,
      k: rr[i],
      s: rr[i],
      bias: true,
      init: c.init,
      biasInit: "zeros",
    }, `${name}.attn.scale_reduce.sr${i}`);
    return i === 0 ? tokens(y, `${name}.sr0.tokens`) : nchwTokens(y, cb, `${name}.sr${i}`);
  });
  red.push(crop(n, off[3], off[3] + counts[3], `${name}.sr3.crop`));
  const kv = layerNorm(c.b, concat1(red, `${name}.reduced`), `${name}.attn.scale_reduce.norm`);
  const attn = new CrossAttention({
    heads: 1,
    kernelInit: c.b.spec(c.init, cb, cb),
    name: `${name}.attn`,
  }).apply([n, kv]) as T;
  const tx1 = add([t, attn], `${name}.add1`);
  const tx = layerNorm(c.b, tx1, `${name}.norm2`);
  const outs = [0, 1, 2, 3].map((i) => {
    const piece = reshape(crop(tx, off[i], off[i] + counts[i], `${name}.ffn${i}.crop`), [
      sides[i] * sides[i],
      mult[i] * cb,
    ], `${name}.ffn${i}.in`);
    return reshape(
      mixFfn(c, piece, sides[i], `${name}.mixffn${i + 1}`),
      [counts[i], cb],
      `${name}.ffn${i}.out`,
    );
  });
  return add([tx1, concat1(outs, `${name}.ffn_cat`)], `${name}.add2`);
}

const concat1 = (xs: T[], name: string) => tf.layers.concatenate({ axis: 1, name }).apply(xs) as T;

function patchExpand(c: Ctx, x: T, side: number, scale: number, name: string): T {
  const d = ch(x);
  const e = dense(c.b, x, scale === 2 ? 2 * d : 16 * d, `${name}.expand`, {
    bias: false,
    init: c.init,
  });
  const m = new DepthToSpace({ blockSize: scale, name: `${name}.d2s` }).apply(
    reshape(e, [side, side, ch(e)], `${name}.map`),
  ) as T;
  return layerNorm(c.b, tokens(m, `${name}.tokens`), `${name}.norm`);
}

function missFormer(b: Builder, o: ModelOptions & { width: number }): Graph {
  const enc: Ctx = { b, init: "torch" }, dec: Ctx = { b, init: "xavier" };
  const cb = scaled(64, o.width);
  const mult = [1, 2, 5, 8], heads = [1, 2, 5, 8], rrs = [8, 4, 2, 1];
  const input = tf.input({ shape: o.inputShape, name: "image" });
  let x: T = ch(input) === 1 ? concat([input, input, input], "to_rgb") : input;
  const maps: T[] = [], sides: number[] = [];
  mult.forEach((m, i) => {
    const [k, s, p] = i === 0 ? [7, 4, 3] : [3, 2, 1];
    x = conv(
      b,
      x,
      { filters: m * cb, k, s, p, bias: true, init: "torch" },
      `backbone.patch_embed${i + 1}.proj`,
    );
    const side = x.shape[1] as number;
    sides.push(side);
    let t = layerNorm(
      b,
      tokens(x, `backbone.patch_embed${i + 1}.tokens`),
      `backbone.patch_embed${i + 1}.norm`,
    );
    for (let j = 0; j < 2; j++) {
      t = block(enc, t, side, heads[i], rrs[i], `backbone.block${i + 1}.${j}`);
    }
    t = layerNorm(b, t, `backbone.norm${i + 1}`);
    x = reshape(t, [side, side, m * cb], `backbone.stage${i + 1}`);
    maps.push(x);
  });
  let t = concat1(
    maps.map((m, i) => reshape(m, [sides[i] * sides[i] * mult[i], cb], `bridge.in${i}`)),
    "bridge.cat",
  );
  for (let l = 0; l < 4; l++) {
    t = bridgeLayer(enc, t, sides, mult, cb, `bridge.bridge_layer${l + 1}`);
  }
  const counts = sides.map((s, i) => s * s * mult[i]);
  const off = counts.map((_, i) => counts.slice(0, i).reduce((a, v) => a + v, 0));
  const sk = [0, 1, 2, 3].map((i) =>
    reshape(crop(t, off[i], off[i] + counts[i], `bridge.out${i}.crop`), [
      sides[i] * sides[i],
      mult[i] * cb,
    ], `b${i + 1}`)
  );
  // decoder_3: patch expanding only.
  let y = patchExpand(dec, sk[3], sides[3], 2, "decoder_3.layer_up");
  const outCh = [cb, 2 * cb, 5 * cb];
  for (let i = 2; i >= 0; i--) {
    const name = `decoder_${i}`;
    y = dense(b, concat([y, sk[i]], `${name}.cat`), outCh[i], `${name}.concat_linear`, {
      init: "xavier",
      biasInit: "zeros",
    });
    for (let j = 0; j < 2; j++) {
      y = block(dec, y, sides[i], heads[i], rrs[i], `${name}.layer_former_${j + 1}`);
    }
    y = patchExpand(dec, y, sides[i], i === 0 ? 4 : 2, `${name}.layer_up`);
  }
  const full = 4 * sides[0];
  const logits = conv(b, reshape(y, [full, full, cb], "decoder_0.map"), {
    filters: o.classes,
    k: 1,
    bias: true,
    init: "xavier",
    biasInit: "zeros",
  }, "decoder_0.last_layer");
  return { inputs: input, logits, taps: sk.map((s, i): [string, T] => [`b${i + 1}`, s]) };
}

/** MISSFormer. */
export const MISSFORMER: ModelSpec[] = [{
  name: "missformer",
  family: "seg2d",
  description:
    "MISSFormer (spec 03 §3.3): MiT encoder + context bridge + transformer decoder, logits at H",
  build: missFormer,
  paper: { inputShape: [512, 512, 1], classes: 9, params: 42_462_537 - 7_009_792 },
  demo: { inputShape: [64, 64, 1], classes: 9, width: 1 / 4, params: null },
  deviations:
    "unused modules not built (Mix-FFN norm2/norm3, decoder_3's concat_linear and blocks): " +
    "35,452,745 built vs the spec's 42,462,537",
}];
