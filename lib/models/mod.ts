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
 * - Layers are named by PyTorch module path, so `loadTorchWeights` (`lib/io/safetensors.ts`)
 *   maps `.safetensors` checkpoints onto torchvision-layout ResNets and DenseNet-121 by name.
 *
 * Registered architectures (paper input; spec 0N = `shared/papers/0N-*.md`):
 *
 * | study | names |
 * |---|---|
 * | 01 MD-Net (3D, two MRI phases + clinical) | `mdnet_student`, `mdnet_teacher` |
 * | 02 HLFD (KiTS/LiTS 2D) | `kits_unet`, `kits_unetpp`, `kits_resnet18` |
 * | 03 Synapse library (2D, 9 classes) | `fcn_r18`, `fcn_r50`, `fcn_r101`, `unet_r18`, `att_unet_r18`, `unet_r50`, `attn_unet_r34`, `unet_r18_d16`, `transunet`, `mednext`, `missformer`, `swin_unetr`, `convnext_b_upernet` |
 * | 04 CXR8 (14 labels) | `eeea_c2`, `ofa_595`, `densenet121`, `visformer_small`, `autoformerv2_base`, demo `cxr_densenet_mini`, `cxr_eeea_mini`, `cxr_plain` |
 * | 05 LCKD (BraTS 3D) | `lckd_dualnet` (`variant: "demo"` for the 3-stage demo net) |
 * | weight import | `resnet18`, `resnet34`, `resnet50` (torchvision classifiers) |
 *
 * Logits follow the original's resolution (FCN H/8, U-Net necks H/4, KiTS/TransUNet/… H) and are
 * pre-sigmoid/pre-softmax. Each spec's `deviations` field states where medkd differs.
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
export { type FeedKey, GraphExecError, layerInputs, layerOutput, runGraph } from "./graph_exec.ts";
export * from "./layers/mod.ts";
