/**
 * medkd's model zoo.
 *
 * - `buildModel(name, { inputShape, classes, width, seed, shapeOnly, variant })` builds a
 *   registered architecture as a functional `tf.LayersModel`; `listModels()` names them all and
 *   `modelSpec(name)` gives its paper/demo configuration and the spec's parameter count.
 * - Outputs are `[logits, ...taps]`, each named (`logits`, `e1`, `s4_pre`, …). The tap list of
 *   any model, built or loaded from a checkpoint, is `modelTaps(model)`; `splitOutputs(model,
 *   outputs)` returns `{ logits, taps }` by name.
 * - `width` multiplies every channel count (paper = 1; the studies' demo presets use 1/8 or 1/4),
 *   keeping the architecture's structure; `variant` selects a demo structure where a study's demo
 *   changes more than widths (LCKD).
 * - Every initialiser is seeded from `seed` through `lib/random`; PyTorch's default inits are used
 *   wherever the original relied on them.
 * - Custom layers (`./layers/mod.ts`) are registered for serialisation when this module loads.
 *
 * @module
 */
export { buildModel, listModels, ModelError, modelSpec } from "./registry.ts";
export {
  countTrainable,
  modelTaps,
  type Outputs,
  splitOutputs,
  TapError,
  tapIndex,
} from "./taps.ts";
export type { Graph, ModelOptions, ModelSpec } from "./types.ts";
export * from "./layers/mod.ts";
