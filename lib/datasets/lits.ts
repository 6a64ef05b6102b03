/**
 * LiTS raw layouts (spec 02 §2.1, §9 D4): a flat folder of `volume-<n>.nii` +
 * `segmentation-<n>.nii` (case key `"n"`, not padded), or `case_XXXXX/volume.nii` +
 * `segmentation.nii` (key `"XXXXX"`). Stored `(rows, cols, slices)`; loaded with the slicer's
 * (2, 0, 1) permutation to `[slices, rows, cols]`. Labels 0 background, 1 liver, 2 tumour.
 * @module
 */
import { join } from "node:path";
import { exists, listDir, readVolume } from "./files.ts";
import { type CtCase, ctCase } from "./kits.ts";

/** One LiTS case's files. */
export type LitsEntry = { id: string; image: string; label: string };

/**
 * Cases of a LiTS folder in either layout, sorted by key (numerically for the flat layout).
 * Cases without a segmentation file are left out unless `labelled: false`.
 *
 * @example
 * ```ts ignore
 * const entries = await listLitsCases("data/lits"); // [{ id: "0", image, label }, …]
 * ```
 */
export async function listLitsCases(
  root: string,
  opts: { labelled?: boolean } = {},
): Promise<LitsEntry[]> {
  const out: LitsEntry[] = [];
  for (const f of await listDir(root, /^volume-\d+\.nii(\.gz)?$/, "file")) {
    const id = f.slice(f.lastIndexOf("-") + 1, f.indexOf("."));
    const ext = f.slice(f.indexOf("."));
    out.push({ id, image: join(root, f), label: join(root, `segmentation-${id}${ext}`) });
  }
  out.sort((a, b) => Number(a.id) - Number(b.id));
  for (const d of await listDir(root, /^case_\d+$/, "dir")) {
    const img = join(root, d, "volume.nii");
    if (await exists(img)) {
      out.push({
        id: d.slice(d.indexOf("_") + 1),
        image: img,
        label: join(root, d, "segmentation.nii"),
      });
    }
  }
  if (opts.labelled === false) return out;
  const kept: LitsEntry[] = [];
  for (const e of out) if (await exists(e.label)) kept.push(e);
  return kept;
}

/**
 * Load one LiTS case as `[slices, rows, cols]` (permutation (2, 0, 1) of the stored axes).
 * Errors: missing files, image/label grid mismatch, labels outside {0, 1, 2}.
 *
 * @example
 * ```ts ignore
 * const [first] = await listLitsCases("data/lits");
 * const c = await loadLitsCase(first); // c.shape = [24, 128, 128]
 * ```
 */
export async function loadLitsCase(e: LitsEntry, opts: { label?: boolean } = {}): Promise<CtCase> {
  const img = await readVolume(e.image);
  const seg = opts.label === false ? undefined : await readVolume(e.label);
  return ctCase(e.id, img, seg, { image: e.image, label: e.label }, [2, 0, 1]);
}
