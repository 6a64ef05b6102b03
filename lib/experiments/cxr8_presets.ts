/**
 * CXR8 presets (spec 04 §8): `demo` (phantom, "family" pair DenseNet-mini → EEEA-mini),
 * `demo-plain` (the "plain" conv pair), `smoke` (tiny, for tests) and `paper` (the original's
 * five models and hyper-parameters; needs the real data set and an accelerator).
 *
 * @example
 * ```ts
 * import { CXR8_PRESETS } from "./cxr8_presets.ts";
 * if (CXR8_PRESETS.paper.crop !== 224 || CXR8_PRESETS.demo.crop !== 28) throw new Error();
 * ```
 * @module
 */
import { DATA_PRESETS } from "../datasets/mod.ts";
import type { Cxr8Preset } from "./cxr8_session.ts";

const DEMO = DATA_PRESETS.chestxray14.demo, PAPER = DATA_PRESETS.chestxray14.paper;

/** Shared hyper-parameters (§4, §8.1–8.3). */
const COMMON = {
  scale: "demo" as const,
  phantom: "chestxray14",
  imageDir: "images-224",
  minArea: DEMO.minArea,
  batch: 16,
  evalBatch: 16,
  kdEpochs: 10,
  lr: 1e-3,
  weightDecay: 0.01,
  T: 2,
  alpha: 0.5,
  gamma: 2,
  doubleSigmoid: true,
  ckptSelect: "train-loss" as const,
  tta: "tencrop" as const,
  faithful: true,
  control: true,
};

const EEEA_MINI = {
  name: "cxr_eeea_mini",
  width: 1,
  label: "EEEA-mini (EEEA-Net-C2)",
  sigmoidHead: false,
};
const DENSE_MINI = {
  name: "cxr_densenet_mini",
  width: 1,
  label: "DenseNet-mini (CheXNet)",
  sigmoidHead: true,
};
const PLAIN_T = { name: "cxr_plain", width: 1, label: "plain w16 (teacher)", sigmoidHead: true };
const PLAIN_S = { name: "cxr_plain", width: 0.5, label: "plain w8 (student)", sigmoidHead: false };

/** The presets by name. */
export const CXR8_PRESETS: Record<string, Cxr8Preset> = {
  demo: {
    ...COMMON,
    name: "demo",
    demoArch: "family",
    resize: DEMO.resize,
    crop: DEMO.crop,
    cacheImages: true,
    baselineEpochs: 6,
    correctedEpochs: 2,
    student: EEEA_MINI,
    teachers: [{ id: "kd1", model: "student" }, { id: "kd3", model: DENSE_MINI }],
    corrected: ["kd3"],
  },
  "demo-plain": {
    ...COMMON,
    name: "demo-plain",
    demoArch: "plain",
    resize: DEMO.resize,
    crop: DEMO.crop,
    cacheImages: true,
    baselineEpochs: 10,
    correctedEpochs: 3,
    student: PLAIN_S,
    teachers: [{ id: "kd1", model: "student" }, { id: "kd3", model: PLAIN_T }],
    corrected: ["kd1", "kd3"],
  },
  smoke: {
    ...COMMON,
    name: "smoke",
    demoArch: "plain",
    resize: DEMO.resize,
    crop: DEMO.crop,
    cacheImages: true,
    baselineEpochs: 1,
    kdEpochs: 1,
    correctedEpochs: 1,
    student: PLAIN_S,
    teachers: [{ id: "kd1", model: "student" }, { id: "kd3", model: PLAIN_T }],
    corrected: ["kd3"],
  },
  paper: {
    ...COMMON,
    name: "paper",
    scale: "paper",
    resize: PAPER.resize,
    crop: PAPER.crop,
    minArea: PAPER.minArea,
    cacheImages: false,
    baselineEpochs: 10,
    correctedEpochs: 10,
    student: { name: "eeea_c2", width: 1, label: "EEEA-Net-C2", sigmoidHead: false },
    teachers: [
      { id: "kd1", model: "student" },
      { id: "kd2", model: { name: "ofa_595", width: 1, label: "OFA-595", sigmoidHead: false } },
      { id: "kd3", model: { name: "densenet121", width: 1, label: "CheXNet", sigmoidHead: true } },
      {
        id: "kd4",
        model: { name: "visformer_small", width: 1, label: "Visformer-small", sigmoidHead: true },
      },
      {
        id: "kd5",
        model: {
          name: "autoformerv2_base",
          width: 1,
          label: "AutoFormerV2-base",
          sigmoidHead: true,
        },
      },
    ],
    corrected: ["kd1", "kd2", "kd3", "kd4", "kd5"],
  },
};
