/**
 * HCC-MVI (study 01) presets: `demo` (spec 01 §9.1, phantom data), `paper` (§9.2, the original's
 * hyperparameters; not run here) and `smoke` (the end-to-end test).
 * @module
 */
import type { HccPreset } from "./hcc_types.ts";

const DEMO_DATA = {
  loadCrop: [20, 20, 20] as [number, number, number],
  netCrop: [16, 16, 16] as [number, number, number],
  dilations: 4,
  labelDir: "labels",
};

/** Presets: `demo` (spec §9.1), `paper` (§9.2, not run here), `smoke` (tests). */
export const hccPresets: Record<"demo" | "paper" | "smoke", HccPreset> = {
  demo: {
    name: "demo",
    scale: "demo",
    phantom: "hcc",
    data: DEMO_DATA,
    model: { width: 1 / 8 },
    train: {
      epochs: 6,
      batchSize: 8,
      lr: 1e-3,
      stepSize: 2,
      gamma: 0.9,
      evalBatch: 8,
      freezeW: false,
    },
    folds: "all",
    bootstrap: { resamples: 1000, level: 0.95 },
  },
  paper: {
    name: "paper",
    scale: "paper",
    phantom: "hcc",
    data: { loadCrop: [72, 72, 20], netCrop: [64, 64, 16], dilations: 20, labelDir: "labels" },
    model: { width: 1 },
    train: {
      epochs: 20,
      batchSize: 16,
      lr: 3e-4,
      stepSize: 2,
      gamma: 0.9,
      evalBatch: 16,
      freezeW: false,
    },
    folds: "all",
    bootstrap: { resamples: 1000, level: 0.95 },
  },
  smoke: {
    name: "smoke",
    scale: "demo",
    phantom: "hcc",
    data: DEMO_DATA,
    model: { width: 1 / 8 },
    train: {
      epochs: 2,
      batchSize: 8,
      lr: 1e-3,
      stepSize: 2,
      gamma: 0.9,
      evalBatch: 8,
      freezeW: false,
    },
    folds: [0],
    bootstrap: { resamples: 100, level: 0.95 },
  },
};
