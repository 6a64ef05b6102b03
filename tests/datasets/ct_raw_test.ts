import assert from "node:assert/strict";
import { join } from "node:path";
import { writeNifti } from "../../lib/io/nifti.ts";
import {
  DatasetError,
  listKitsCases,
  listLitsCases,
  loadKitsCase,
  loadLitsCase,
  readSplit,
  splitCases,
  writeSplit,
} from "../../lib/datasets/mod.ts";

const eye = (sp: number[]) => [
  [sp[0], 0, 0, 0],
  [0, sp[1], 0, 0],
  [0, 0, sp[2], 0],
  [0, 0, 0, 1],
];

/** File-order (x fastest) data for shape [a, b, c] from f(i, j, k) (NumPy index order). */
function fileOrder<T extends Int16Array | Uint8Array>(
  ctor: { new (n: number): T },
  shape: number[],
  f: (i: number, j: number, k: number) => number,
): T {
  const [a, b, c] = shape;
  const out = new ctor(a * b * c);
  for (let k = 0; k < c; k++) {
    for (let j = 0; j < b; j++) for (let i = 0; i < a; i++) out[i + a * (j + b * k)] = f(i, j, k);
  }
  return out;
}

async function writeKitsCase(
  root: string,
  name: string,
  opts: { segShape?: number[]; segSpacing?: number[]; badLabel?: boolean; noSeg?: boolean } = {},
) {
  const shape = [3, 4, 5], sp = [3, 0.8, 0.8];
  await Deno.mkdir(join(root, name), { recursive: true });
  const data = fileOrder(Int16Array, shape, (i, j, k) => 100 * i + 10 * j + k - 50);
  await writeNifti(join(root, name, "imaging.nii.gz"), {
    data,
    shape,
    spacing: sp,
    affine: eye(sp),
  });
  if (opts.noSeg) return;
  const ss = opts.segShape ?? shape, ssp = opts.segSpacing ?? sp;
  const seg = fileOrder(
    Uint8Array,
    ss,
    (i, j, k) => (opts.badLabel && k === 4 ? 3 : (i + j + k) % 3),
  );
  await writeNifti(join(root, name, "segmentation.nii.gz"), {
    data: seg,
    shape: ss,
    spacing: ssp,
    affine: eye(ssp),
  });
}

Deno.test("KiTS: case listing, NumPy-order loading ([slices, rows, cols]) and labels", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeKitsCase(root, "case_00000");
    await writeKitsCase(root, "case_00007");
    await writeKitsCase(root, "case_00210", { noSeg: true });
    assert.deepEqual(await listKitsCases(root), ["case_00000", "case_00007"]);
    assert.equal((await listKitsCases(root, { labelled: false })).length, 3);
    const c = await loadKitsCase(join(root, "case_00007"));
    assert.equal(c.id, "00007");
    assert.deepEqual(c.shape, [3, 4, 5]);
    assert.deepEqual(c.spacing.map((v) => Math.round(v * 1e4) / 1e4), [3, 0.8, 0.8]);
    // vol[i][j][k] = 100 i + 10 j + k − 50 (nibabel's get_fdata()[i, j, k])
    assert.equal(c.image[(2 * 4 + 3) * 5 + 1], 231 - 50);
    assert.equal(c.image[1], -49);
    assert.equal(c.label![(1 * 4 + 2) * 5 + 4], (1 + 2 + 4) % 3);
    assert.deepEqual([...new Set(c.label)].sort(), [0, 1, 2]);
    await assert.rejects(
      () => loadKitsCase(join(root, "case_00210")),
      (e: Error) => e instanceof DatasetError && /segmentation\.nii\.gz: missing/.test(e.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("KiTS: shape / affine mismatch and unexpected labels are DatasetErrors naming the file", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeKitsCase(root, "case_00001", { segShape: [3, 4, 4] });
    await writeKitsCase(root, "case_00002", { segSpacing: [3, 0.8, 0.9] });
    await writeKitsCase(root, "case_00003", { badLabel: true });
    const check = (re: RegExp) => (e: Error) => e instanceof DatasetError && re.test(e.message);
    await assert.rejects(
      () => loadKitsCase(join(root, "case_00001")),
      check(/case_00001.segmentation\.nii\.gz: shape \[3,4,4\] differs from \[3,4,5\]/),
    );
    await assert.rejects(
      () => loadKitsCase(join(root, "case_00002")),
      check(/case_00002.segmentation\.nii\.gz: affine differs/),
    );
    await assert.rejects(
      () => loadKitsCase(join(root, "case_00003")),
      check(/case_00003.segmentation\.nii\.gz: unexpected label values 3/),
    );
    await assert.rejects(() => listKitsCases(join(root, "nope")), check(/missing folder/));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("LiTS: flat and case_XXXXX layouts, (2, 0, 1) permutation, keys", async () => {
  const root = await Deno.makeTempDir();
  try {
    const shape = [4, 5, 3], sp = [0.8, 0.8, 3]; // (rows, cols, slices) as stored
    const vol = fileOrder(Int16Array, shape, (a, b, s) => 100 * s + 10 * a + b);
    const seg = fileOrder(Uint8Array, shape, (a, _b, s) => (s === 1 && a > 1 ? 2 : a > 2 ? 1 : 0));
    for (const n of [10, 2]) {
      await writeNifti(join(root, `volume-${n}.nii`), {
        data: vol,
        shape,
        spacing: sp,
        affine: eye(sp),
      });
      await writeNifti(join(root, `segmentation-${n}.nii`), {
        data: seg,
        shape,
        spacing: sp,
        affine: eye(sp),
      });
    }
    await Deno.mkdir(join(root, "case_00005"));
    await writeNifti(join(root, "case_00005", "volume.nii"), {
      data: vol,
      shape,
      spacing: sp,
      affine: eye(sp),
    });
    await writeNifti(join(root, "case_00005", "segmentation.nii"), {
      data: seg,
      shape,
      spacing: sp,
      affine: eye(sp),
    });
    const es = await listLitsCases(root);
    assert.deepEqual(es.map((e) => e.id), ["2", "10", "00005"]);
    const c = await loadLitsCase(es[1]);
    assert.equal(c.id, "10");
    assert.deepEqual(c.shape, [3, 4, 5]);
    assert.deepEqual(c.spacing.map((v) => Math.round(v * 1e4) / 1e4), [3, 0.8, 0.8]);
    // arr[s][a][b] = vol[a, b, s] = 100 s + 10 a + b
    assert.equal(c.image[(2 * 4 + 3) * 5 + 4], 234);
    assert.equal(c.label![(1 * 4 + 2) * 5 + 0], 2);
    assert.equal(c.label![(0 * 4 + 3) * 5 + 0], 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("seeded case split: disjoint, complete, reproducible, round-trips through JSON", async () => {
  const ids = Array.from({ length: 20 }, (_, i) => `case_${String(i).padStart(5, "0")}`);
  const a = splitCases(ids, 5, 42), b = splitCases([...ids].reverse(), 5, 42);
  assert.deepEqual(a, b);
  assert.equal(a.test.length, 5);
  assert.deepEqual([...a.train, ...a.test].sort(), ids);
  assert.notDeepEqual(splitCases(ids, 5, 43).test, a.test);
  const f = await Deno.makeTempFile({ suffix: ".json" });
  await writeSplit(f, a);
  assert.deepEqual(await readSplit(f), a);
  await Deno.remove(f);
});
