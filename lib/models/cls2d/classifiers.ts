/**
 * torchvision-compatible ResNet-18/34/50 classifiers (global average pool → `fc`), used to
 * import PyTorch `.safetensors` weights (`lib/io/safetensors.ts`) and as generic 2D classifiers.
 * Taps: the four stage outputs `s1…s4` and the pooled feature `pool`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { dense } from "../build.ts";
import { RESNET_LAYERS, resnetBackbone } from "./resnet.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

function classifier(depth: number) {
  return (b: Builder, o: ModelOptions & { width: number }): Graph => {
    const input = tf.input({ shape: o.inputShape, name: "image" });
    const r = resnetBackbone(b, input, { ...RESNET_LAYERS[depth], stem: "v1b", width: o.width });
    const pool = tf.layers.globalAveragePooling2d({ name: "avgpool" }).apply(r.stages[3]) as T;
    const logits = dense(b, pool, o.classes, "fc");
    const taps = r.stages.map((t, i): [string, T] => [`s${i + 1}`, t]);
    return { inputs: input, logits, taps: [...taps, ["pool", pool]] };
  };
}

const PAPER = { inputShape: [224, 224, 3], classes: 1000 };
const DEMO = { inputShape: [32, 32, 3], classes: 10, width: 1 / 8, params: null };

/** torchvision ResNets (ImageNet head sizes as the paper configuration). */
export const CLS_RESNETS: ModelSpec[] = [
  {
    name: "resnet18",
    family: "cls2d",
    description: "torchvision ResNet-18 classifier (safetensors import target)",
    build: classifier(18),
    paper: { ...PAPER, params: 11_689_512 },
    demo: DEMO,
  },
  {
    name: "resnet34",
    family: "cls2d",
    description: "torchvision ResNet-34 classifier",
    build: classifier(34),
    paper: { ...PAPER, params: 21_797_672 },
    demo: DEMO,
  },
  {
    name: "resnet50",
    family: "cls2d",
    description: "torchvision ResNet-50 (v1.5) classifier",
    build: classifier(50),
    paper: { ...PAPER, params: 25_557_032 },
    demo: DEMO,
  },
];
