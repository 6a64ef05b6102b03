/**
 * The CXR8 transformer teachers of spec 04:
 * - Visformer-small (§3.3): conv stem, patch-embed convs + BN + learned position maps, stage 1 of
 *   7 attention-free blocks `x += MLP(BN x)` with a grouped 3×3 conv, stages 2–3 of 4 blocks
 *   `x += Attn(BN x); x += MLP(BN x)` (1×1-conv q/k/v and projection without bias = a fused
 *   bias-free q·k·v projection; scaling q and k by d^−¼ each equals scaling q·kᵀ by d^−½).
 * - AutoFormerV2-base (§3.4, darmo `SSSTransformer`): Swin-style, patch 4, widths 96…768,
 *   depths 2, 2, 30, 2, heads 3…24, windows 7/7/14/7 (shift 3 on every second block of stages
 *   1–2; stages 3–4 windows cover the map: global attention), drop path 0→0.1.
 * Logits are pre-sigmoid (the original's in-model Sigmoid is the preset's `doubleSigmoid` flag).
 * Both are built for 224² (fixed position maps / windows); other sizes work where the stage
 * sides divide. Taps: stage outputs `s1…s3|s4` and the pooled feature `pool`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, bn, ch, conv, dense, scaled } from "../build.ts";
import { layerNorm, swinBlock, toMap, toTokens } from "../blocks.ts";
import {
  AddPosition,
  GlobalPool,
  GroupConv2D,
  MultiHeadSelfAttention,
  PatchMerging,
} from "../layers/mod.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type O = ModelOptions & { width: number };

function visformer(b: Builder, o: O): Graph {
  const w = (c: number) => scaled(c, o.width);
  const input = tf.input({ shape: o.inputShape, name: "image" });
  const kc = (x: T, f: number, k: number, name: string, s = 1, p = 0, bias = false) =>
    conv(b, x, { filters: f, k, s, p, bias, init: "kaiming_out", biasInit: "zeros" }, name);
  let x = kc(input, w(32), 7, "stem.0", 2, 3);
  x = act(bn(b, x, "stem.1"), "relu", "stem.2");
  const taps: [string, T][] = [];
  const dims = [w(192), w(384), w(768)];
  const embeds: [number, number][] = [[4, 4], [2, 2], [2, 2]];
  const depths = [7, 4, 4];
  const headDim = [64, 64, 128].map((d) => scaled(d, o.width));
  dims.forEach((c, si) => {
    const [k, s] = embeds[si];
    x = kc(x, c, k, `patch_embed${si + 1}.proj`, s, 0, true);
    x = bn(b, x, `patch_embed${si + 1}.norm`);
    x = new AddPosition({ init: b.spec({ trunc: 0.02 }, 1, 1), name: `pos_embed${si + 1}` }).apply(
      x,
    ) as T;
    const [, h, wd] = x.shape as number[];
    for (let j = 0; j < depths[si]; j++) {
      const name = `stage${si + 1}.${j}`;
      if (si > 0) {
        const heads = Math.max(1, Math.round(c / headDim[si]));
        let t = toTokens(bn(b, x, `${name}.norm1`), `${name}.tokens`);
        t = new MultiHeadSelfAttention({
          heads,
          qkvBias: false,
          projBias: false,
          kernelInit: b.spec("kaiming_out", c, c),
          name: `${name}.attn`,
        }).apply(t) as T;
        x = add([x, toMap(t, h, wd, `${name}.map`)], `${name}.attn_add`);
      }
      let m = bn(b, x, `${name}.norm2`);
      const hid = c * (si === 0 ? 2 : 4);
      m = act(kc(m, hid, 1, `${name}.mlp.conv1`), "gelu", `${name}.mlp.act1`);
      if (si === 0) {
        m = new GroupConv2D({
          filters: hid,
          kernelSize: 3,
          padding: 1,
          groups: 8,
          kernelInit: b.spec("kaiming_out", (hid / 8) * 9, hid * 9),
          name: `${name}.mlp.conv2`,
        }).apply(m) as T;
        m = act(m, "gelu", `${name}.mlp.act2`);
      }
      m = kc(m, c, 1, `${name}.mlp.conv3`);
      x = add([x, m], `${name}.mlp_add`);
    }
    taps.push([`s${si + 1}`, x]);
  });
  x = bn(b, x, "norm");
  const pool = new GlobalPool({ mode: "avg", name: "pool" }).apply(x) as T;
  const logits = dense(b, pool, o.classes, "head", { init: { trunc: 0.02 }, biasInit: "zeros" });
  return { inputs: input, logits, taps: [...taps, ["pool", pool]] };
}

function autoformer(b: Builder, o: O): Graph {
  // variant "cpu": the spec's declared CPU substitute, depths 2, 2, 6, 2 (spec 04 §3.5).
  const depths = o.variant === "cpu" ? [2, 2, 6, 2] : [2, 2, 30, 2], windows = [7, 7, 14, 7];
  const dims = [96, 192, 384, 768].map((c) => scaled(c, o.width));
  const input = tf.input({ shape: o.inputShape, name: "image" });
  let x = conv(b, input, {
    filters: dims[0],
    k: 4,
    s: 4,
    bias: true,
    init: { trunc: 0.02 },
    biasInit: "zeros",
  }, "patch_embed.proj");
  x = layerNorm(b, x, "patch_embed.norm");
  const total = depths.reduce((a, c) => a + c, 0);
  let k = 0;
  const taps: [string, T][] = [];
  depths.forEach((n, si) => {
    if (si > 0) {
      x = new PatchMerging({
        kernelInit: b.spec({ trunc: 0.02 }, 1, 1),
        name: `layers.${si - 1}.downsample`,
      }).apply(x) as T;
    }
    const c = ch(x);
    const heads = Math.max(1, Math.round(c / scaled(32, o.width)));
    for (let j = 0; j < n; j++) {
      const shift = j % 2 === 1 ? Math.floor(windows[si] / 2) : 0;
      x = swinBlock(b, x, {
        heads,
        window: windows[si],
        shift,
        dropPath: (0.1 * k++) / (total - 1),
      }, `layers.${si}.blocks.${j}`);
    }
    taps.push([`s${si + 1}`, x]);
  });
  x = layerNorm(b, x, "norm");
  const pool = new GlobalPool({ mode: "avg", name: "pool" }).apply(x) as T;
  const logits = dense(b, pool, o.classes, "head", { init: { trunc: 0.02 }, biasInit: "zeros" });
  return { inputs: input, logits, taps: [...taps, ["pool", pool]] };
}

const CXR = { inputShape: [224, 224, 3], classes: 14 };

/** Visformer-small and AutoFormerV2-base. */
export const CXR_TRANSFORMERS: ModelSpec[] = [
  {
    name: "visformer_small",
    family: "cls2d",
    description: "Visformer-small (spec 04 §3.3), random init, pre-sigmoid logits",
    build: visformer,
    paper: { ...CXR, params: 39_461_358 },
    demo: { inputShape: [64, 64, 3], classes: 14, width: 1 / 4, params: null },
  },
  {
    name: "autoformerv2_base",
    family: "cls2d",
    description: "AutoFormerV2-base / S3-B (spec 04 §3.4), Swin-style windows, pre-sigmoid logits",
    build: autoformer,
    paper: { ...CXR, params: 70_367_528 },
    demo: { inputShape: [64, 64, 3], classes: 14, width: 1 / 4, params: null },
    deviations:
      'none structural; `variant: "cpu"` builds the spec\'s declared substitute with depths 2,2,6,2',
  },
];
