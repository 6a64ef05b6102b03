/** Tiny hand-checkable KiTS cases for the slicer tests. */
import { writeNifti } from "../../lib/io/nifti.ts";

export const X = 3, S = 4; // 3 slices of 4×4 (KiTS stores (slices, rows, cols))

/** ct(i, j, k) = 100·case + 10·i + j − k (HU); label 2 at slice 1 (j=k=1), 1 at slice 2 (j=k=2). */
export function ctValue(c: number, i: number, j: number, k: number): number {
  return 100 * c + 10 * i + j - k;
}

export async function writeKitsCases(root: string, n: number): Promise<void> {
  const aff = [[0, 0, -0.8, 0], [0, -0.8, 0, 0], [-3, 0, 0, 0], [0, 0, 0, 1]];
  for (let c = 0; c < n; c++) {
    const dir = `${root}/case_${String(c).padStart(5, "0")}`;
    await Deno.mkdir(dir, { recursive: true });
    const ct = new Int16Array(X * S * S), seg = new Uint8Array(X * S * S);
    for (let k = 0; k < S; k++) {
      for (let j = 0; j < S; j++) {
        for (let i = 0; i < X; i++) ct[i + X * (j + S * k)] = ctValue(c, i, j, k);
      }
    }
    seg[1 + X * (1 + S * 1)] = 2;
    seg[2 + X * (2 + S * 2)] = 1;
    const v = { shape: [X, S, S], spacing: [3, 0.8, 0.8], affine: aff };
    await writeNifti(`${dir}/imaging.nii.gz`, { ...v, data: ct });
    await writeNifti(`${dir}/segmentation.nii.gz`, { ...v, data: seg });
  }
}

/** All files (relative path → bytes) under a folder, recursively. */
export async function snapshot(dir: string, rel = ""): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const e of Deno.readDir(`${dir}/${rel}`)) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) { for (const [k, v] of await snapshot(dir, r)) out.set(k, v); }
    else out.set(r, await Deno.readFile(`${dir}/${r}`));
  }
  return out;
}
