/**
 * TransUNet R50-ViT-B/16 hybrid (spec 03 §3.3, §8 D6): weight-standardised pre-activation
 * ResNetV2-50 (units 3, 4, 9; GroupNorm 32 groups, eps 1e-6; projection shortcuts normalised by
 * GroupNorm(C, C)); root 7×7/2 → max-pool 3×3/2 without padding (the stage-1 skip is zero-padded
 * to H/4 as the original does); 1×1 patch embedding 1024 → 768 + learned position embedding;
 * 12 pre-LN ViT layers (12 heads, MLP 3072, dropout 0.1, LN eps 1e-6); `conv_more` 3×3 → 512;
 * 4 decoder blocks (bilinear ×2 align-corners, concat skip, 2 × [3×3 conv + BN + ReLU]) to 256,
 * 128, 64, 16 with skips 512 (H/8), 256 (H/4), 64 (H/2), none; 3×3 head → classes at H. A
 * 1-channel input is tiled to 3. With `width` < 1 GroupNorm uses min(32, C) groups (32 groups
 * cannot divide the narrow demo widths). Taps: `skip1…skip3`, `tokens` (ViT output), `dec4`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, bn, ch, concat, conv, scaled } from "../build.ts";
import { layerNorm, mlp, toMap, toTokens } from "../blocks.ts";
import {
  AddPosition,
  GroupNorm,
  MultiHeadSelfAttention,
  Pad,
  ResizeToShape,
  WSConv,
} from "../layers/mod.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

function stdConv(b: Builder, x: T, filters: number, k: number, name: string, s = 1, p = 0): T {
  return new WSConv({
    filters,
    kernelSize: k,
    strides: s,
    padding: p,
    unbiased: false,
    epsilon: 1e-5,
    kernelInit: b.spec("torch", ch(x) * k * k, filters * k * k),
    name,
  }).apply(x) as T;
}

const gn = (x: T, groups: number, name: string) =>
  new GroupNorm({ groups: Math.min(groups, ch(x)), epsilon: 1e-6, name }).apply(x) as T;

function unit(b: Builder, x: T, cout: number, cmid: number, s: number, name: string): T {
  let res = x;
  if (s !== 1 || ch(x) !== cout) {
    res = gn(stdConv(b, x, cout, 1, `${name}.downsample`, s), cout, `${name}.gn_proj`);
  }
  let y = act(
    gn(stdConv(b, x, cmid, 1, `${name}.conv1`), 32, `${name}.gn1`),
    "relu",
    `${name}.relu1`,
  );
  y = act(
    gn(stdConv(b, y, cmid, 3, `${name}.conv2`, s, 1), 32, `${name}.gn2`),
    "relu",
    `${name}.relu2`,
  );
  y = gn(stdConv(b, y, cout, 1, `${name}.conv3`), 32, `${name}.gn3`);
  return act(add([res, y], `${name}.add`), "relu", `${name}.relu`);
}

function conv2dRelu(b: Builder, x: T, f: number, name: string): T {
  const y = conv(b, x, { filters: f, k: 3, p: 1, init: "torch" }, `${name}.0`);
  return act(bn(b, y, `${name}.1`), "relu", `${name}.2`);
}

function transUnet(b: Builder, o: ModelOptions & { width: number }): Graph {
  const w = (c: number) => scaled(c, o.width);
  const [H, W] = o.inputShape;
  const input = tf.input({ shape: o.inputShape, name: "image" });
  const rgb = ch(input) === 1 ? concat([input, input, input], "to_rgb") : input;
  const width = w(64);
  let x = stdConv(b, rgb, width, 7, "transformer.embeddings.hybrid_model.root.conv", 2, 3);
  x = act(
    gn(x, 32, "transformer.embeddings.hybrid_model.root.gn"),
    "relu",
    "transformer.embeddings.hybrid_model.root.relu",
  );
  const skips: T[] = [x];
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "valid", name: "root_pool" })
    .apply(x) as T;
  const units = [3, 4, 9];
  units.forEach((n, i) => {
    const cout = width * 4 * 2 ** i, cmid = width * 2 ** i;
    for (let j = 0; j < n; j++) {
      x = unit(
        b,
        x,
        cout,
        cmid,
        j === 0 && i > 0 ? 2 : 1,
        `transformer.embeddings.hybrid_model.body.block${i + 1}.unit${j + 1}`,
      );
    }
    if (i < 2) {
      const right = Math.floor(H / 4 / (i + 1));
      const side = x.shape[1] as number;
      skips.push(
        side === right ? x : new Pad({
          pads: [[0, right - side], [0, Math.floor(W / 4 / (i + 1)) - (x.shape[2] as number)]],
          name: `skip_pad${i + 1}`,
        }).apply(x) as T,
      );
    }
  });
  const hidden = w(768);
  const [gh, gw] = [x.shape[1] as number, x.shape[2] as number];
  x = conv(
    b,
    x,
    { filters: hidden, k: 1, bias: true, init: "torch" },
    "transformer.embeddings.patch_embeddings",
  );
  let t = toTokens(x, "tokens_in");
  t = new AddPosition({ name: "transformer.embeddings.position_embeddings" }).apply(t) as T;
  t = tf.layers.dropout({ rate: 0.1, seed: b.rng.seed(), name: "transformer.embeddings.dropout" })
    .apply(t) as T;
  for (let l = 0; l < 12; l++) {
    const name = `transformer.encoder.layer.${l}`;
    const c = hidden;
    const a = new MultiHeadSelfAttention({
      heads: 12,
      kernelInit: b.spec("torch", c, c),
      biasInit: b.spec("torch", c, c),
      name: `${name}.attn`,
    }).apply(layerNorm(b, t, `${name}.attention_norm`, 1e-6)) as T;
    t = add([t, a], `${name}.add1`);
    const h = mlp(b, layerNorm(b, t, `${name}.ffn_norm`, 1e-6), w(3072), `${name}.ffn`, {
      init: "xavier",
      biasInit: { normal: 1e-6 },
      drop: 0.1,
    });
    t = add([t, h], `${name}.add2`);
  }
  const tokens = layerNorm(b, t, "transformer.encoder.encoder_norm", 1e-6);
  x = conv2dRelu(b, toMap(tokens, gh, gw, "tokens_map"), w(512), "decoder.conv_more");
  const dec = [256, 128, 64, 16].map(w);
  const skipList = [skips[2], skips[1], skips[0], null];
  dec.forEach((c, i) => {
    const [h, wd] = [2 * (x.shape[1] as number), 2 * (x.shape[2] as number)];
    x = new ResizeToShape({ size: [h, wd], alignCorners: true, name: `decoder.blocks.${i}.up` })
      .apply(x) as T;
    const s = skipList[i];
    if (s) x = concat([x, s], `decoder.blocks.${i}.cat`);
    x = conv2dRelu(b, x, c, `decoder.blocks.${i}.conv1`);
    x = conv2dRelu(b, x, c, `decoder.blocks.${i}.conv2`);
  });
  const logits = conv(
    b,
    x,
    { filters: o.classes, k: 3, p: 1, bias: true, init: "torch" },
    "segmentation_head.0",
  );
  return {
    inputs: input,
    logits,
    taps: [["skip1", skips[2]], ["skip2", skips[1]], ["skip3", skips[0]], ["tokens", tokens], [
      "dec4",
      x,
    ]],
  };
}

/** TransUNet. */
export const TRANSUNET: ModelSpec[] = [{
  name: "transunet",
  family: "seg2d",
  description: "TransUNet R50-ViT-B/16 hybrid (spec 03 §3.3), logits at H",
  build: transUnet,
  paper: { inputShape: [512, 512, 1], classes: 9, params: 105_912_985 },
  demo: { inputShape: [64, 64, 1], classes: 9, width: 1 / 4, params: null },
  deviations: "width < 1 only: GroupNorm groups capped at the channel count",
}];
