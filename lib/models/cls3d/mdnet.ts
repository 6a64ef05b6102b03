/**
 * MD-Net (spec 01 §3): per-modality 3D backbones (`UNet3D` encoders), the clinical modulation
 * of the teacher, the one-block fusion transformer and the concat nets.
 *
 * - Student `mdnet_student(hbp, pre)`: two `targetNet` backbones (stages 1→32→64, 64→64→128,
 *   128→128→256, 256→128→256, each pooled), [avg, max] pooling → 512-d tokens.
 * - Teacher `mdnet_teacher(hbp, pre, clinical)`: two `targetNetc` backbones (stage 4
 *   256→256→512, no pool) whose stage outputs are multiplied channel-wise by the chained clinical
 *   Linears g1…g4 (no activation), [avg, max] → 1024 → Linear 1024→512.
 * - Fusion: tokens [pre, hbp] → dropout 0.1 → x + MHA(LN x) (4 heads) → x + MLP(LN x) (GELU,
 *   dropout 0.1) → LN (eps 1e-6); `s` = both tokens flattened (1024) → Linear → 3 logits.
 * LUConv = Conv3d k3 p1 (bias) → batch-statistics BN (always, as `ContBatchNorm3d`) → ReLU.
 * Taps: `s`, `s_pre`, `s_hbp` (student) / `t`, `t_pre`, `t_hbp` (teacher).
 * Not built (never used in the original's forward pass, spec 01 §3.5): the per-backbone
 * Linear(→3) heads and dropouts and the transformer's `cls_token` — so trainable counts are the
 * spec's "used" figures. `predict_cfeature` (Linear 1024→52) and the feature weights belong to
 * the distillation step, not to these nets.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, concat, conv, dense, maxPool, scaled } from "../build.ts";
import {
  BatchStatNorm,
  ChannelScale,
  Crop,
  GlobalPool,
  MultiHeadSelfAttention,
} from "../layers/mod.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type O = ModelOptions & { width: number };

function luconv(b: Builder, x: T, filters: number, name: string): T {
  const y = conv(b, x, { filters, k: 3, p: 1, bias: true, init: "torch" }, `${name}.conv1`);
  return act(new BatchStatNorm({ name: `${name}.bn1` }).apply(y) as T, "relu", `${name}.relu`);
}

/** Backbone: stages of (cin→mid, mid→out, [pool]); returns the [avg, max] pooled feature. */
function backbone(b: Builder, x: T, o: O, teacher: boolean, name: string, gates?: T[]): T {
  const w = (c: number) => scaled(c, o.width);
  const plan: [number, number, boolean][] = teacher
    ? [[w(32), w(64), true], [w(64), w(128), true], [w(128), w(256), true], [w(256), w(512), false]]
    : [[w(32), w(64), true], [w(64), w(128), true], [w(128), w(256), true], [w(128), w(256), true]];
  let y = x;
  plan.forEach(([mid, out, pool], i) => {
    y = luconv(b, y, mid, `${name}.down_tr${i}.ops.0`);
    y = luconv(b, y, out, `${name}.down_tr${i}.ops.1`);
    if (pool) y = maxPool(y, 2, 2, 0, `${name}.down_tr${i}.maxpool`);
    if (gates) {
      y = new ChannelScale({ name: `${name}.down_tr${i}.clinical` }).apply([y, gates[i]]) as T;
    }
  });
  const avg = new GlobalPool({ mode: "avg", name: `${name}.avg` }).apply(y) as T;
  const mx = new GlobalPool({ mode: "max", name: `${name}.max` }).apply(y) as T;
  let f = concat([avg, mx], `${name}.pool`);
  if (teacher) f = dense(b, f, w(512), `${name}.fc1`);
  return f;
}

/** One pre-LN transformer block + final LN over tokens [B, 2, D]; returns [B, 2·D]. */
function fusion(b: Builder, tokens: T[], o: O, prefix: string): T {
  const d = tokens[0].shape[1] as number;
  const stacked = tf.layers.concatenate({ axis: 1, name: `${prefix}.stack` }).apply(
    tokens.map((t, i) =>
      tf.layers.reshape({ targetShape: [1, d], name: `${prefix}.token${i}` }).apply(t) as T
    ),
  ) as T;
  let x = tf.layers.dropout({ rate: 0.1, seed: b.rng.seed(), name: `${prefix}.dropout` }).apply(
    stacked,
  ) as T;
  const ln = (t: T, name: string) =>
    tf.layers.layerNormalization({
      axis: -1,
      epsilon: 1e-6,
      name,
      gammaInitializer: b.constant(1),
      betaInitializer: b.constant(0),
    }).apply(t) as T;
  const attn = new MultiHeadSelfAttention({
    heads: 4,
    kernelInit: b.spec("torch", d, d),
    biasInit: b.spec("torch", d, d),
    name: `${prefix}.layer.0.attn`,
  }).apply(ln(x, `${prefix}.layer.0.attention_norm`)) as T;
  x = add([x, attn], `${prefix}.layer.0.add1`);
  const hidden = scaled(2048, o.width);
  let h = dense(b, ln(x, `${prefix}.layer.0.ffn_norm`), hidden, `${prefix}.layer.0.ffn.fc1`, {
    init: "xavier",
    biasInit: { normal: 1e-6 },
  });
  h = act(h, "gelu", `${prefix}.layer.0.ffn.gelu`);
  h = tf.layers.dropout({ rate: 0.1, seed: b.rng.seed(), name: `${prefix}.layer.0.ffn.drop1` })
    .apply(h) as T;
  h = dense(b, h, d, `${prefix}.layer.0.ffn.fc2`, { init: "xavier", biasInit: { normal: 1e-6 } });
  h = tf.layers.dropout({ rate: 0.1, seed: b.rng.seed(), name: `${prefix}.layer.0.ffn.drop2` })
    .apply(h) as T;
  x = ln(add([x, h], `${prefix}.layer.0.add2`), `${prefix}.encoder_norm`);
  return x;
}

function mdnet(teacher: boolean) {
  return (b: Builder, o: O): Graph => {
    const hbp = tf.input({ shape: o.inputShape, name: "hbp" });
    const pre = tf.input({ shape: o.inputShape, name: "pre" });
    const inputs = [hbp, pre];
    let clinical: T | undefined;
    if (teacher) {
      clinical = tf.input({ shape: [52], name: "clinical" });
      inputs.push(clinical);
    }
    // Each teacher backbone has its own chain of clinical Linears 52→64→128→256→512.
    const gates = (name: string): T[] | undefined => {
      if (!clinical) return undefined;
      let g: T = clinical;
      return [64, 128, 256, 512].map((
        u,
        i,
      ) => (g = dense(b, g, scaled(u, o.width), `${name}.clinical.fc${i + 1}`)));
    };
    const net = teacher ? "targetNetc" : "targetNet";
    const fPre = backbone(b, pre, o, teacher, `${net}_pre`, gates(`${net}_pre`));
    const fHbp = backbone(b, hbp, o, teacher, `${net}_hbp`, gates(`${net}_hbp`));
    const y = fusion(b, [fPre, fHbp], o, "transformer");
    const d = y.shape[2] as number;
    const s = tf.layers.reshape({ targetShape: [2 * d], name: teacher ? "t" : "s" }).apply(y) as T;
    const tok = (crop: [number, number], name: string) =>
      tf.layers.reshape({ targetShape: [d], name }).apply(
        new Crop({ crops: [crop], name: `${name}.crop` }).apply(y) as T,
      ) as T;
    const k = teacher ? "t" : "s";
    const logits = dense(b, s, o.classes, "fc");
    return {
      inputs,
      logits,
      taps: [[k, s], [`${k}_pre`, tok([0, 1], `${k}_pre`)], [`${k}_hbp`, tok([1, 0], `${k}_hbp`)]],
    };
  };
}

const PAPER = { inputShape: [64, 64, 16, 1], classes: 3 };
const DEMO = { inputShape: [16, 16, 16, 1], classes: 3, width: 1 / 8 };

/** MD-Net student and teacher. */
export const MDNETS: ModelSpec[] = [
  {
    name: "mdnet_student",
    family: "cls3d",
    description: "MD-Net student concat_studentNet(hbp, pre) (spec 01 §3.2, §3.4, §3.5)",
    build: mdnet(false),
    paper: { ...PAPER, params: 10_131_843 },
    demo: { ...DEMO, params: 160_825 - 2 * 195 - 64 },
    deviations:
      "unused heads/cls token not built: spec totals 10,135,433 (paper) / 160,825 (demo) include them",
  },
  {
    name: "mdnet_teacher",
    family: "cls3d",
    description: "MD-Net teacher concat_teacherNet(hbp, pre, clinical) (spec 01 §3.3–3.5)",
    build: mdnet(true),
    paper: { ...PAPER, params: 18_614_275 },
    demo: { ...DEMO, params: 295_049 - 2 * 387 - 64 },
    deviations:
      "unused heads/cls token not built: spec totals 18,620,937 (paper) / 295,049 (demo) include them",
  },
];
