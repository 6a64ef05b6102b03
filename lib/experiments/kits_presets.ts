/**
 * Typed presets of study 02 (HLFD, KiTS / LiTS tumour segmentation; spec 02 §6, §11, §12).
 * @module
 */
import type { KitsLossType } from "../distillers/mod.ts";
import { DATA_PRESETS } from "../datasets/presets.ts";
import type { PresetBase } from "./types.ts";

/** One model's training recipe. */
export type KitsTrainSpec = {
  /** Registered model name (`kits_unet`, `kits_unetpp`, `kits_resnet18`). */
  model: string;
  /** Width multiplier (paper 1, demo 1/8). */
  width: number;
  epochs: number;
  /** Adam learning rate (cosine per epoch to `minLr`). */
  lr: number;
  /** Seed of init, loader and loop (the original: 42 plain, 123 KD). */
  seed: number;
};

/** A KiTS/LiTS preset. */
export type KitsPreset = PresetBase & {
  dataset: "kits" | "lits";
  task: "tumor" | "organ";
  /** SliceMaker `--slice_size` (must match the data: 512 real, 128 phantom). */
  sliceSize: number;
  /** SliceDataset crop (paper rows 50…433, cols 60…443). */
  crop: { row0: number; col0: number; size: number };
  batch: number;
  teacher: KitsTrainSpec;
  /** Student without KD (the original's `train.py --model resnet18`). */
  student: KitsTrainSpec;
  /** KD students: same model, their own epochs and seed. */
  kd: { epochs: number; seed: number; lr: number };
  /** `--loss_type` values trained as distilled students, in table order. */
  methods: KitsLossType[];
  /** Foreground threshold of the evaluation (softmax > 0.4). */
  threshold: number;
  minLr: number;
  /** Test cases of a seeded case-level split when the data has no `train_cases/`/`test_cases/`. */
  testCases: number;
  /** Evaluate on the test set after every epoch (the original's "validation"). */
  evalEveryEpoch: boolean;
};

/** Display names of the methods (the code's own comments, §5.3). */
export const KITS_METHOD_LABELS: Record<KitsLossType, string> = {
  attn_kd: "AT (attn_kd)",
  wo_feedback: "SKD (wo_feedback)",
  deep_kd: "DKD (deep_kd)",
  indv_feedback: "HIFD (indv_feedback)",
  cat_feedback_ours: "IFD (cat_feedback_ours)",
  recursive_feedback_ours: "HLFD",
};

const ALL: KitsLossType[] = [
  "attn_kd",
  "wo_feedback",
  "deep_kd",
  "indv_feedback",
  "cat_feedback_ours",
  "recursive_feedback_ours",
];

const demoBase = {
  scale: "demo" as const,
  task: "tumor" as const,
  batch: 8,
  threshold: 0.4,
  minLr: 1e-6,
  testCases: 2,
  evalEveryEpoch: true,
};

/** Models and schedules of the demo presets (KiTS and LiTS phantoms alike). */
const demoTraining = {
  teacher: { model: "kits_unet", width: 1 / 8, epochs: 8, lr: 1e-2, seed: 42 },
  student: { model: "kits_resnet18", width: 1 / 8, epochs: 6, lr: 1e-2, seed: 42 },
  kd: { epochs: 6, seed: 123, lr: 1e-2 },
  methods: ["attn_kd", "wo_feedback", "recursive_feedback_ours"] as KitsLossType[],
};

const paperBase = {
  scale: "paper" as const,
  task: "tumor" as const,
  sliceSize: DATA_PRESETS.kits.paper.sliceSize,
  crop: DATA_PRESETS.kits.paper.crop,
  batch: 8,
  teacher: { model: "kits_unet", width: 1, epochs: 100, lr: 1e-2, seed: 42 },
  student: { model: "kits_resnet18", width: 1, epochs: 100, lr: 1e-2, seed: 42 },
  kd: { epochs: 120, seed: 123, lr: 1e-2 },
  methods: ALL,
  threshold: 0.4,
  minLr: 1e-6,
  evalEveryEpoch: true,
};

/**
 * Presets: `demo` (KiTS phantom, §11), `lits` (LiTS phantom, same design), `smoke` (test-sized),
 * `paper` (KiTS19, §12) and `lits_paper` (LiTS, 61/70 split).
 *
 * @example
 * ```ts
 * import { KITS_PRESETS } from "./kits_presets.ts";
 * if (KITS_PRESETS.demo.crop.size !== 96 || KITS_PRESETS.paper.kd.epochs !== 120) throw new Error();
 * ```
 */
export const KITS_PRESETS: Record<string, KitsPreset> = {
  demo: {
    ...demoBase,
    name: "demo",
    phantom: "kits",
    dataset: "kits",
    sliceSize: DATA_PRESETS.kits.demo.sliceSize,
    crop: DATA_PRESETS.kits.demo.crop,
    ...demoTraining,
  },
  lits: {
    ...demoBase,
    name: "lits",
    phantom: "lits",
    dataset: "lits",
    sliceSize: DATA_PRESETS.lits.demo.sliceSize,
    crop: DATA_PRESETS.lits.demo.crop,
    ...demoTraining,
  },
  smoke: {
    ...demoBase,
    name: "smoke",
    phantom: "kits",
    dataset: "kits",
    sliceSize: 40,
    crop: { row0: 4, col0: 5, size: 32 },
    batch: 8,
    teacher: { model: "kits_unet", width: 1 / 16, epochs: 1, lr: 1e-3, seed: 42 },
    student: { model: "kits_resnet18", width: 1 / 16, epochs: 1, lr: 1e-3, seed: 42 },
    kd: { epochs: 1, seed: 123, lr: 1e-3 },
    methods: ["wo_feedback", "recursive_feedback_ours"],
    evalEveryEpoch: false,
  },
  paper: { ...paperBase, name: "paper", phantom: "kits", dataset: "kits", testCases: 42 },
  lits_paper: {
    ...paperBase,
    name: "lits_paper",
    phantom: "lits",
    dataset: "lits",
    sliceSize: DATA_PRESETS.lits.paper.sliceSize,
    crop: DATA_PRESETS.lits.paper.crop,
    testCases: 70,
  },
};
