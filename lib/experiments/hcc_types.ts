/**
 * The HCC-MVI (study 01, MD-Net) preset type.
 * @module
 */
import type { PresetBase } from "./types.ts";

/** A study-01 preset: data pipeline sizes, model width, training and evaluation settings. */
export type HccPreset = PresetBase & {
  data: {
    /** Load-time crop (paper 72×72×20; demo 20³) and network crop (64×64×16; demo 16³). */
    loadCrop: [number, number, number];
    netCrop: [number, number, number];
    /** Peritumoural dilations (paper 20, demo 4); the map is carried, never fed. */
    dilations: number;
    /** label_dir relative to the data root (`new_label.csv`, `cdata.csv`). */
    labelDir: string;
  };
  /** Width multiplier of both nets (paper 1, demo 1/8). */
  model: { width: number };
  train: {
    epochs: number;
    batchSize: number;
    /** Adam lr of student and teacher (StepLR per epoch: stepSize, gamma). */
    lr: number;
    stepSize: number;
    gamma: number;
    /** Fixed validation batch (BatchNorm uses batch statistics at evaluation). */
    evalBatch: number;
    /** Freeze the clinical feature weights w (spec 01 §8 item 7; default false as the original). */
    freezeW: boolean;
  };
  /** Validation folds to run: "all" = every fold in `new_label.csv`. */
  folds: "all" | number[];
  bootstrap: { resamples: number; level: number };
};
