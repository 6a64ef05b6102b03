/**
 * Types shared by the model registry and the architecture files.
 *
 * @module
 */
import type { Builder, T } from "./build.ts";

/** Options of `buildModel`. */
export type ModelOptions = {
  /** Input shape without the batch axis, channels last ([H, W, C] or [D, H, W, C]). */
  inputShape: number[];
  /** Output classes (segmentation channels or labels). */
  classes: number;
  /** Width multiplier (1 = paper); demo presets use 1/8 or 1/4. */
  width?: number;
  /** Seed of every initialiser (default 0). */
  seed?: number | string;
  /** Zero-initialise every weight (fast; for parameter counting and shape checks). */
  shapeOnly?: boolean;
  /** Architecture variant where a study's demo changes more than widths (e.g. LCKD `"demo"`). */
  variant?: string;
};

/** What an architecture's build function returns: inputs, logits and ordered named taps. */
export type Graph = { inputs: T | T[]; logits: T; taps: [string, T][] };

/** A registered architecture. */
export type ModelSpec = {
  name: string;
  family: "seg2d" | "cls2d" | "seg3d" | "cls3d";
  /** One line: what it is and where the spec defines it. */
  description: string;
  build(b: Builder, o: ModelOptions & { width: number }): Graph;
  /** Paper-size configuration and the spec's trainable parameter count (null: not given). */
  paper: { inputShape: number[]; classes: number; params: number | null; variant?: string };
  /** Demo-size configuration, with the spec's count where it gives one. */
  demo?: {
    inputShape: number[];
    classes: number;
    width: number;
    params: number | null;
    variant?: string;
  };
  /** How this build differs from the original, where TF.js forced a difference. */
  deviations?: string;
};
