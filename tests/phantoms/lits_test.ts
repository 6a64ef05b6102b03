import assert from "node:assert/strict";
import { join } from "node:path";
import { readNifti } from "../../lib/io/nifti.ts";
import { LITS_HU, litsCase, writeLits } from "../../lib/phantoms/lits.ts";
import { differing, stats, walk, withTempDir } from "./_util.ts";

const GRID = { slices: 12, rows: 48, cols: 48, spacing: [0.8, 0.8, 3.0] };

Deno.test("lits: (rows, cols, slices) order, labels {0,1,2}, tumour vs liver contrast", () => {
  const c = litsCase(0, 0); // demo grid 128×128×24
  assert.deepEqual(c.volume.shape, [128, 128, 24]);
  assert.deepEqual(c.volume.spacing, [0.8, 0.8, 3.0]);
  const seg = c.segmentation.data, hu = c.volume.data;
  assert.deepEqual([...new Set(seg)].sort(), [0, 1, 2]);
  const liver = stats(hu, (i) => seg[i] === 1), tum = stats(hu, (i) => seg[i] === 2);
  const pooled = Math.sqrt((liver.sd ** 2 + tum.sd ** 2) / 2);
  assert.ok(liver.mean - tum.mean > 3 * pooled, `${liver.mean} vs ${tum.mean} ± ${pooled}`);
  assert.ok(Math.abs(liver.mean - LITS_HU.liver) < 5 && Math.abs(tum.mean - LITS_HU.tumour) < 5);
  // liver on the image left (patient right): columns < 64 hold most liver voxels
  let left = 0, right = 0;
  for (let i = 0; i < seg.length; i++) {
    if (seg[i] !== 1) continue;
    const col = Math.floor(i / 128) % 128; // rows fastest, then columns, then slices
    if (col < 64) left++;
    else right++;
  }
  assert.ok(left > 4 * right, `${left} / ${right}`);
  // tumours sit inside the liver: each tumour slice also has liver
  for (let k = 0; k < 24; k++) {
    const sl = seg.subarray(k * 128 * 128, (k + 1) * 128 * 128);
    if (sl.includes(2)) assert.ok(sl.includes(1), `slice ${k}`);
  }
});

Deno.test("lits: exact layout, uncompressed NIfTI round trip, determinism", async () => {
  await withTempDir(async (root) => {
    const a = join(root, "a"), b = join(root, "b"), c = join(root, "c");
    await writeLits(a, { cases: 3, grid: GRID });
    const pair = (s: string, n: number) => [`${s}segmentation-${n}.nii`, `${s}volume-${n}.nii`];
    const expected = [
      ...pair("", 0),
      ...pair("", 1),
      ...pair("", 2),
      ...pair("test_cases/", 2),
      ...pair("train_cases/", 0),
      ...pair("train_cases/", 1),
    ].sort();
    assert.deepEqual(await walk(a), expected);
    const v = await readNifti(join(a, "volume-1.nii"));
    const s = await readNifti(join(a, "segmentation-1.nii"));
    const gen = litsCase(0, 1, GRID);
    assert.deepEqual(v.shape, [48, 48, 12]);
    assert.ok(v.data instanceof Int16Array && s.data instanceof Uint8Array);
    assert.deepEqual(v.data, gen.volume.data);
    assert.deepEqual(s.data, gen.segmentation.data);
    await writeLits(b, { cases: 3, grid: GRID });
    assert.deepEqual(await differing(a, b, expected), []);
    await writeLits(c, { cases: 2, grid: GRID, seed: 5 });
    assert.deepEqual(await differing(a, c, pair("", 1)), pair("", 1));
  });
});
