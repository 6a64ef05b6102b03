/**
 * TransUNet's Synapse preprocessing (spec 03 §2.1) from raw BTCV NIfTI: HU clipped to
 * [−125, 275] and mapped to [0, 1] by (HU + 125)/400 (float32); BTCV labels remapped to the 8
 * Synapse organ ids (others → 0). Axial slices k (NIfTI z axis) are stored as 2D arrays with
 * rows = y and columns = x (the volume transposed (2, 1, 0), as the widely used TransUNet
 * preparation does), so the h5 test volume is (D, H, W) = (z, y, x).
 *
 * - task `train`: `train_npz/<case>_slice<NNN>.npz` (`image` float32, `label` uint8), listed in
 *   `lists_Synapse/train.txt` (names without extension);
 * - task `test`: `test_vol_h5/<case>.npy.h5` (`image` float32 D×H×W, `label` uint8 D×H×W), listed
 *   in `lists_Synapse/test_vol.txt`.
 * @module
 */
import { writeH5 } from "../io/h5.ts";
import { windowHU } from "../volume/intensity.ts";
import { extractSlice } from "../volume/slice.ts";
import type { Volume } from "../volume/types.ts";
import { encodeNpz } from "../io/npz.ts";
import { type Emit, SliceError } from "./types.ts";

/** BTCV label id → Synapse id (1 aorta, 2 gallbladder, 3 left kidney, 4 right kidney, 5 liver,
 * 6 pancreas, 7 spleen, 8 stomach); other BTCV organs → 0. */
export const BTCV_TO_SYNAPSE: Readonly<Record<number, number>> = {
  8: 1,
  4: 2,
  3: 3,
  2: 4,
  6: 5,
  11: 6,
  1: 7,
  7: 8,
};

/**
 * Window + remap one BTCV case and emit its files; returns the list entries.
 *
 * @example
 * ```ts
 * import { sliceSynapseCase } from "./synapse.ts";
 * const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * const img = { data: Int16Array.of(-1000, 75, 275, 0), shape: [2, 1, 2], spacing: [1, 1, 1], affine: eye };
 * const lab = { ...img, data: Uint8Array.of(0, 8, 1, 5) };
 * const out: string[] = [];
 * const l = await sliceSynapseCase(img, lab, { task: "train", caseId: "case0005", compress: false },
 *   async (p) => { out.push(p); });
 * if (l.join() !== "case0005_slice000,case0005_slice001" || out[0] !== "train_npz/case0005_slice000.npz") {
 *   throw new Error(out.join());
 * }
 * ```
 */
export async function sliceSynapseCase(
  img: Volume,
  lab: Volume,
  o: { task: string; caseId: string; compress: boolean },
  emit: Emit,
): Promise<string[]> {
  if (img.shape.length !== 3 || lab.shape.join() !== img.shape.join()) {
    throw new SliceError(
      `case ${o.caseId}: image shape [${img.shape}] and label shape [${lab.shape}] must be equal and 3D`,
    );
  }
  const image = windowHU(img.data, -125, 275, { scale: "unit" });
  const label = new Uint8Array(lab.data.length);
  for (let i = 0; i < label.length; i++) label[i] = BTCV_TO_SYNAPSE[lab.data[i]] ?? 0;
  const [X, Y, Z] = img.shape;
  if (o.task === "train") {
    const names: string[] = [];
    for (let k = 0; k < Z; k++) {
      const name = `${o.caseId}_slice${String(k).padStart(3, "0")}`;
      const im = extractSlice(image, img.shape, 2, k, { transpose: true });
      const lb = extractSlice(label, img.shape, 2, k, { transpose: true });
      await emit(
        `train_npz/${name}.npz`,
        encodeNpz({
          image: { data: im.data, shape: [Y, X] },
          label: { data: lb.data, shape: [Y, X] },
        }, { compress: o.compress }),
      );
      names.push(name);
    }
    return names;
  }
  if (o.task === "test") {
    // (z, y, x) in C order is exactly the NIfTI voxel order: no copy needed.
    await emit(`test_vol_h5/${o.caseId}.npy.h5`, (tmp) =>
      writeH5(tmp, {
        image: { data: image, shape: [Z, Y, X] },
        label: { data: label, shape: [Z, Y, X] },
      }));
    return [o.caseId];
  }
  throw new SliceError(`--task must be train or test for synapse, got "${o.task}"`);
}

/** The list file a Synapse task writes (relative to the output root). */
export function synapseListName(task: string): string {
  return task === "test" ? "lists_Synapse/test_vol.txt" : "lists_Synapse/train.txt";
}
