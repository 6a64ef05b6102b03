/**
 * medkd's custom `tf.layers.Layer` subclasses; importing this module registers them all for
 * (de)serialisation. Patch embedding is TF.js's `conv2d` (kernel = stride = patch) plus
 * `layerNormalization({ axis: -1 })`, and LayerNorm over channels is `layerNormalization` itself
 * (channels-last), so neither needs a custom class.
 *
 * @module
 */
export { type InitSpec, LayerConfigError, makeInit } from "./common.ts";
export { BatchStatNorm, GroupNorm, InstanceNorm, normaliseChannels } from "./norm.ts";
export {
  AdaptiveAvgPool,
  Crop,
  DepthToSpace,
  GlobalPool,
  interpAxis,
  Pad,
  type ResizeMode,
  ResizeToShape,
  UpSampling3D,
} from "./spatial.ts";
export {
  Act,
  type ActKind,
  AddPosition,
  ChannelScale,
  DropPath,
  LayerScale,
} from "./elementwise.ts";
export { DepthwiseConvTranspose2D, GroupConv2D, PatchConvTranspose, WSConv } from "./conv.ts";
export { attend, CrossAttention, denseLast, MultiHeadSelfAttention } from "./attention.ts";
export { PatchMerging, WindowAttention } from "./window.ts";
export { ModalityToBatch, RegroupModalities } from "./modality.ts";
