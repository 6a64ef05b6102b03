/**
 * Volume operations on {@link Volume}s and plain x-fastest typed arrays with a shape: HU
 * windowing, min-max / z-score normalisation, resize / resample (orders 0, 1, 3 with SciPy /
 * torch alignment conventions), crop / pad, bounding boxes, reorientation and 2D slicing.
 * @module
 */
export type { Volume, VoxelArray } from "./types.ts";
export { checkShape, stridesOf, VolumeError, voxelCount } from "./errors.ts";
export { meanStd, minMax, windowHU, zScore } from "./intensity.ts";
export type { MaskOptions, WindowScale } from "./intensity.ts";
export { resampleToSpacing, resize, resizeVolume, zoomShape } from "./resample.ts";
export type { Align, InterpOrder, ResizeOptions } from "./resample.ts";
export { boundingBox, centreOffset, cropOrPad, cropVolume } from "./crop.ts";
export type { Box } from "./crop.ts";
export { axisCodes, orientation, permuteFlip, reorient } from "./orient.ts";
export { extractSlice, extractSliceInto, extractSlices, sliceVolume } from "./slice.ts";
export type { Slice2D } from "./slice.ts";
