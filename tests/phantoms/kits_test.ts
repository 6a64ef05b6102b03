import assert from "node:assert/strict";
import { join } from "node:path";
import { readNifti } from "../../lib/io/nifti.ts";
import { KITS_DEMO, KITS_HU, kitsCase, kitsJson, writeKits } from "../../lib/phantoms/kits.ts";
import { differing, stats, walk, withTempDir } from "./_util.ts";

const GRID = { slices: 12, rows: 48, cols: 48, spacing: [3.0, 0.8, 0.8] };

Deno.test("kits: shapes, dtypes, labels exactly {0,1,2}", () => {
  for (let i = 0; i < 3; i++) {
    const c = kitsCase(0, i, GRID);
    assert.deepEqual(c.imaging.shape, [12, 48, 48]);
    assert.ok(c.imaging.data instanceof Int16Array);
    assert.ok(c.segmentation.data instanceof Uint8Array);
    assert.deepEqual([...new Set(c.segmentation.data)].sort(), [0, 1, 2]);
    assert.deepEqual(c.imaging.spacing, [3.0, 0.8, 0.8]);
    assert.equal(c.imaging.affine[0][0], 3.0);
  }
});

Deno.test("kits: HU plausible and tumour separable from kidney", () => {
  const c = kitsCase(0, 0); // the demo grid
  const im = c.imaging.data, seg = c.segmentation.data;
  const kid = stats(im, (i) => seg[i] === 1), tum = stats(im, (i) => seg[i] === 2);
  const pooled = Math.sqrt((kid.sd ** 2 + tum.sd ** 2) / 2);
  assert.ok(Math.abs(kid.mean - tum.mean) > 3 * pooled, `${kid.mean} vs ${tum.mean} ± ${pooled}`);
  assert.ok(Math.abs(tum.mean - KITS_HU.tumour) < 10 && kid.mean > 150 && kid.mean < 185);
  assert.ok(im.every((v) => v >= -1024 && v <= 3071));
  assert.equal(im[0], -1000); // air corner
  // every case has tumour on ≥ 5 slices (slice axis is the fastest)
  for (let k = 0; k < KITS_DEMO.cases; k++) {
    const s = kitsCase(0, k).segmentation.data, slices = new Set<number>();
    for (let i = 0; i < s.length; i++) if (s[i] === 2) slices.add(i % 24);
    assert.ok(slices.size >= 5, `case ${k}: ${slices.size} tumour slices`);
  }
});

Deno.test("kits: deterministic per seed and per case index", () => {
  const a = kitsCase(7, 2, GRID), b = kitsCase(7, 2, GRID), c = kitsCase(8, 2, GRID);
  assert.deepEqual(a.imaging.data, b.imaging.data);
  assert.deepEqual(a.segmentation.data, b.segmentation.data);
  assert.notDeepEqual(a.imaging.data, c.imaging.data);
});

Deno.test("kits: exact layout, NIfTI round trip, byte-identical per seed", async () => {
  await withTempDir(async (root) => {
    const a = join(root, "a"), b = join(root, "b"), c = join(root, "c"), d = join(root, "d");
    const seen: string[] = [];
    const r = await writeKits(a, { cases: 3, grid: GRID, onCase: (p) => seen.push(p.name) });
    assert.deepEqual(seen, ["case_00000", "case_00001", "case_00002"]);
    const cases = (s: string, ids: number[]) =>
      ids.flatMap((i) => [
        `${s}case_0000${i}/imaging.nii.gz`,
        `${s}case_0000${i}/segmentation.nii.gz`,
      ]);
    const expected = [
      ...cases("", [0, 1, 2]),
      "kits.json",
      ...cases("test_cases/", [2]),
      ...cases("train_cases/", [0, 1]),
    ].sort();
    assert.deepEqual(await walk(a), expected);
    assert.deepEqual(r.files, expected);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(a, "kits.json"))), [
      { case_id: "case_00000", synthetic: true },
      { case_id: "case_00001", synthetic: true },
      { case_id: "case_00002", synthetic: true },
    ]);
    assert.equal(
      kitsJson(1),
      '[\n  {\n    "case_id": "case_00000",\n    "synthetic": true\n  }\n]\n',
    );
    const gen = kitsCase(0, 1, GRID);
    const img = await readNifti(join(a, "case_00001/imaging.nii.gz"));
    const seg = await readNifti(join(a, "case_00001/segmentation.nii.gz"));
    assert.ok(img.data instanceof Int16Array && seg.data instanceof Uint8Array);
    assert.deepEqual(img.shape, [12, 48, 48]);
    assert.deepEqual(img.data, gen.imaging.data);
    assert.deepEqual(seg.data, gen.segmentation.data);
    assert.deepEqual(img.spacing.map((v) => +v.toFixed(4)), [3, 0.8, 0.8]);
    const h = img.header;
    assert.deepEqual([h.datatype, h.sclSlope, h.sclInter, h.sformCode, h.dim[0]], [4, 1, 0, 1, 3]);
    assert.deepEqual(h.srow.map((r) => r.map((v) => +v.toFixed(4))), [
      [3, 0, 0, 0],
      [0, 0.8, 0, 0],
      [0, 0, 0.8, 0],
    ]);
    assert.equal(seg.header.datatype, 2);
    await writeKits(b, { cases: 3, grid: GRID });
    assert.deepEqual(await differing(a, b, expected), []);
    await writeKits(c, { cases: 3, grid: GRID, seed: 1 });
    assert.ok((await differing(a, c, expected)).includes("case_00000/imaging.nii.gz"));
    // case k does not depend on the number of cases
    await writeKits(d, { cases: 2, grid: GRID });
    assert.deepEqual(await differing(a, d, cases("", [0, 1])), []);
  });
});
