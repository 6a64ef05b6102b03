/**
 * MobileNetV3-style NAS nets of spec 04 §3.1 (OFA conventions): EEEA-Net-C2 (the CXR8
 * student), OFA-595, and the demo student "EEEA-mini" (spec 04 §8.1). MBConv = [1×1 expand +
 * BN + act] → depthwise k×k/s + BN + act → [SE on the expanded tensor] → 1×1 project + BN, with
 * an identity shortcut when s = 1 and in = out. Stem 3×3/2 + BN + hswish; final 1×1 expand + BN +
 * hswish → GAP → 1×1 feature mix (no bias, no BN) + hswish → Linear. Taps: each stage's output
 * (`s0` = first block, `s1…s5`) and the feature-mix vector `feature`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, bn, conv, dense, scaled } from "../build.ts";
import { ChannelScale } from "../layers/mod.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

/** One stage: output width, activation, SE, first stride, per-block kernels and expansions. */
type Stage = {
  out: number;
  act: "relu" | "hswish";
  /** SE for the whole stage or per block. */
  se: boolean | boolean[];
  stride: number;
  k: number[];
  e: number[];
};
type NetCfg = { stem: number; stages: Stage[]; finalExpand: number; featureMix: number };

/** OFA's `make_divisible(v, 8)`. */
export function mkdiv(v: number): number {
  let n = Math.max(8, Math.floor((v + 4) / 8) * 8);
  if (n < 0.9 * v) n += 8;
  return n;
}

function mbconv(
  b: Builder,
  x: T,
  out: number,
  k: number,
  s: number,
  e: number,
  a: Stage["act"],
  se: boolean,
  name: string,
): T {
  const cin = x.shape[3] as number;
  const mid = Math.round(cin * e);
  let y = x;
  if (e !== 1) {
    y = conv(b, y, { filters: mid, k: 1, init: "kaiming_out" }, `${name}.inverted_bottleneck.conv`);
    y = act(bn(b, y, `${name}.inverted_bottleneck.bn`), a, `${name}.inverted_bottleneck.act`);
  }
  y = conv(
    b,
    y,
    { filters: mid, k, s, p: Math.floor(k / 2), depthwise: true, init: "kaiming_out" },
    `${name}.depth_conv.conv`,
  );
  y = act(bn(b, y, `${name}.depth_conv.bn`), a, `${name}.depth_conv.act`);
  if (se) {
    const red = mkdiv(Math.floor(mid / 4));
    let g = tf.layers.globalAveragePooling2d({ name: `${name}.se.pool` }).apply(y) as T;
    g = act(dense(b, g, red, `${name}.se.fc.reduce`), "relu", `${name}.se.fc.relu`);
    g = act(dense(b, g, mid, `${name}.se.fc.expand`), "hsigmoid", `${name}.se.fc.h_sigmoid`);
    y = new ChannelScale({ name: `${name}.se.scale` }).apply([y, g]) as T;
  }
  y = conv(b, y, { filters: out, k: 1, init: "kaiming_out" }, `${name}.point_linear.conv`);
  y = bn(b, y, `${name}.point_linear.bn`);
  return s === 1 && cin === out ? add([y, x], `${name}.add`) : y;
}

function mobileNetV3(cfg: NetCfg) {
  return (b: Builder, o: ModelOptions & { width: number }): Graph => {
    const w = (c: number) => scaled(c, o.width);
    const input = tf.input({ shape: o.inputShape, name: "image" });
    let x = conv(
      b,
      input,
      { filters: w(cfg.stem), k: 3, s: 2, p: 1, init: "kaiming_out" },
      "first_conv.conv",
    );
    x = act(bn(b, x, "first_conv.bn"), "hswish", "first_conv.act");
    x = mbconv(b, x, w(cfg.stem), 3, 1, 1, "relu", false, "blocks.0");
    const taps: [string, T][] = [["s0", x]];
    let bi = 1;
    cfg.stages.forEach((st, i) => {
      st.k.forEach((k, j) => {
        const se = Array.isArray(st.se) ? st.se[j] : st.se;
        x = mbconv(
          b,
          x,
          w(st.out),
          k,
          j === 0 ? st.stride : 1,
          st.e[j],
          st.act,
          se,
          `blocks.${bi++}`,
        );
      });
      taps.push([`s${i + 1}`, x]);
    });
    x = conv(
      b,
      x,
      { filters: w(cfg.finalExpand), k: 1, init: "kaiming_out" },
      "final_expand_layer.conv",
    );
    x = act(bn(b, x, "final_expand_layer.bn"), "hswish", "final_expand_layer.act");
    x = tf.layers.globalAveragePooling2d({ name: "global_avg_pool" }).apply(x) as T;
    // A 1×1 conv on the pooled 1×1 map is a dense layer on the pooled vector.
    x = dense(b, x, w(cfg.featureMix), "feature_mix_layer.conv", {
      bias: false,
      init: "kaiming_out",
    });
    const feature = act(x, "hswish", "feature");
    const logits = dense(b, feature, o.classes, "classifier.linear", { biasInit: "zeros" });
    return { inputs: input, logits, taps: [...taps, ["feature", feature]] };
  };
}

const s = (
  out: number,
  a: Stage["act"],
  se: Stage["se"],
  stride: number,
  k: number[],
  e: number[],
): Stage => ({
  out,
  act: a,
  se,
  stride,
  k,
  e,
});

const EEEA_C2: NetCfg = {
  stem: 16,
  stages: [
    s(24, "relu", false, 2, [3, 5, 3], [3, 4, 3]),
    s(40, "relu", true, 2, [7, 3, 7], [4, 3, 3]),
    s(80, "hswish", false, 2, [5, 7, 5, 3], [6, 6, 3, 3]),
    s(112, "hswish", true, 1, [7, 5, 3, 3], [6, 4, 3, 3]),
    s(160, "hswish", true, 2, [5, 3, 5, 7], [6, 6, 6, 3]),
  ],
  finalExpand: 960,
  featureMix: 1280,
};

const OFA_595: NetCfg = {
  stem: 24,
  stages: [
    s(32, "relu", false, 2, [3, 5, 3], [3, 4, 3]),
    s(48, "relu", true, 2, [5, 5, 3, 5], [4, 4, 6, 3]),
    s(96, "hswish", false, 2, [7, 5, 3, 5], [6, 6, 3, 4]),
    s(136, "hswish", true, 1, [3, 5, 7, 3], [6, 6, 6, 4]),
    s(192, "hswish", true, 2, [3, 3, 5, 3], [6, 6, 6, 3]),
  ],
  finalExpand: 1152,
  featureMix: 1536,
};

/** Demo student (spec 04 §8.1); activations are not stated there: ReLU, then hswish from SE on. */
const EEEA_MINI: NetCfg = {
  stem: 8,
  stages: [
    s(12, "relu", false, 2, [3, 5], [3, 3]),
    s(16, "hswish", [true, false], 2, [5, 3], [3, 3]),
    s(24, "hswish", true, 2, [3], [3]),
  ],
  finalExpand: 32,
  featureMix: 48,
};

const CXR = { inputShape: [224, 224, 3], classes: 14 };

/** MobileNetV3-family classifiers. */
export const MOBILENETS: ModelSpec[] = [
  {
    name: "eeea_c2",
    family: "cls2d",
    description: "EEEA-Net-C2 (spec 04 §3.1; CXR8 student), 14-label head",
    build: mobileNetV3(EEEA_C2),
    paper: { ...CXR, params: 4_732_838 },
    demo: { inputShape: [28, 28, 3], classes: 14, width: 1 / 4, params: null },
  },
  {
    name: "ofa_595",
    family: "cls2d",
    description: "OFA-595 (spec 04 §3.1; CXR8 teacher), 14-label head",
    build: mobileNetV3(OFA_595),
    paper: { ...CXR, params: 7_620_446 },
    demo: { inputShape: [28, 28, 3], classes: 14, width: 1 / 4, params: null },
  },
  {
    name: "cxr_eeea_mini",
    family: "cls2d",
    description: "CXR8 demo student EEEA-mini (spec 04 §8.1)",
    build: mobileNetV3(EEEA_MINI),
    paper: { inputShape: [28, 28, 3], classes: 14, params: 15_874 },
    demo: { inputShape: [28, 28, 3], classes: 14, width: 1, params: 15_874 },
  },
];
