/**
 * Paper-scale and demo-scale data settings of each study, in one place (values from the specs:
 * 01 §2.2–2.3 / §9.1, 02 §2.3 / §11.2, 04 §2.3 / §8.1, 05 §2.4–2.5 / §10.2). Experiment presets
 * pass these to the loaders.
 *
 * @example
 * ```ts
 * import { DATA_PRESETS } from "./presets.ts";
 * if (DATA_PRESETS.kits.demo.crop.size !== 96 || DATA_PRESETS.brats.paper.patch[0] !== 80) throw new Error();
 * ```
 * @module
 */

/** Data settings by study and scale. */
export const DATA_PRESETS = {
  /** HLFD KiTS/LiTS SliceDataset crop (row0, col0, size) and slicer slice size. */
  kits: {
    paper: { crop: { row0: 50, col0: 60, size: 384 }, sliceSize: 512 },
    demo: { crop: { row0: 12, col0: 15, size: 96 }, sliceSize: 128 },
  },
  lits: {
    paper: { crop: { row0: 50, col0: 60, size: 384 }, sliceSize: 512 },
    demo: { crop: { row0: 12, col0: 15, size: 96 }, sliceSize: 128 },
  },
  /** Synapse slice size (Resize target; identity for the stored size). */
  synapse: { paper: { size: 512 }, demo: { size: 96 }, smoke: { size: 64 } },
  /** ChestX-ray14 resize / crop (demo keeps the 224/256 ratio at 1/8). */
  chestxray14: {
    paper: { resize: 256, crop: 224, minArea: 0.08 },
    demo: { resize: 32, crop: 28, minArea: 0.08 },
  },
  /** LCKD patch, random-crop margins [D, H, W], histogram count threshold, augmentation. */
  brats: {
    paper: {
      patch: [80, 160, 160] as [number, number, number],
      margins: [0, 15, 10] as [number, number, number],
      countThreshold: 50,
      augment: {},
    },
    demo: {
      patch: [16, 32, 32] as [number, number, number],
      margins: [0, 3, 2] as [number, number, number],
      countThreshold: 1,
      augment: { spatial: false, lowRes: false },
    },
  },
  /** MD-Net load crop, network crop and peritumoural dilation iterations. */
  hcc: {
    paper: {
      loadCrop: [72, 72, 20] as [number, number, number],
      netCrop: [64, 64, 16] as [number, number, number],
      dilations: 20,
    },
    demo: {
      loadCrop: [20, 20, 20] as [number, number, number],
      netCrop: [16, 16, 16] as [number, number, number],
      dilations: 4,
    },
  },
} as const;
