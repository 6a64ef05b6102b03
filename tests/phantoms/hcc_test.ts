import assert from "node:assert/strict";
import { join } from "node:path";
import { readNpy } from "../../lib/io/npy.ts";
import {
  HCC_DEMO,
  hccCase,
  hccClass,
  hccClinicalRows,
  hccFolds,
  hccLabelRows,
  writeHcc,
} from "../../lib/phantoms/hcc.ts";
import { differing, rankAuc, stats, walk, withTempDir } from "./_util.ts";

const cases = Array.from({ length: HCC_DEMO.cases }, (_, i) => hccCase(0, i));

Deno.test("hcc: 40 cases 16/12/12, folds of 8 with ≥ 2 per class", () => {
  const labels = cases.map((c) => c.label);
  assert.deepEqual([0, 1, 2].map((k) => labels.filter((l) => l === k).length), [16, 12, 12]);
  const folds = hccFolds(labels);
  for (let f = 0; f < 5; f++) {
    const inF = labels.filter((_, i) => folds[i] === f);
    assert.equal(inF.length, 8);
    for (const k of [0, 1, 2]) assert.ok(inF.filter((l) => l === k).length >= 2);
  }
  assert.deepEqual(hccFolds([0, 0, 1, 2, 1], 2), [0, 1, 0, 0, 1]);
  assert.equal(hccClass(0), 0);
  const rows = hccLabelRows(cases);
  assert.deepEqual(rows[0], ["Name", "ZS", "label", "fold", "remark"]);
  assert.deepEqual(rows[1].slice(0, 2), ["HCC_001", "100001"]);
  assert.equal(cases[0].prefix, "HCC_001_ZS100001");
  const cl = hccClinicalRows(cases);
  assert.equal(cl[0].length, 55);
  assert.deepEqual(cl[0].slice(0, 4), ["Name", "ID", "Center", "f0"]);
  assert.ok(cl.slice(1).every((r) => r.length === 55));
});

Deno.test("hcc: arrays z-scored, mask binary, lesion dark on HBP", () => {
  for (const c of cases.slice(0, 5)) {
    assert.equal(c.hbp.length, 24 ** 3);
    const m = stats(c.hbp, () => true);
    assert.ok(Math.abs(m.mean) < 1e-4 && Math.abs(m.sd - 1) < 1e-3);
    assert.ok(c.mask.every((v) => v === 0 || v === 1));
    const les = stats(c.hbp, (i) => c.mask[i] === 1), par = stats(c.hbp, (i) => c.mask[i] === 0);
    assert.ok(par.mean - les.mean > 1.5, `${c.name}: ${les.mean} vs ${par.mean}`);
    // the lesion sits at the centre (±1 voxel + margin): the central voxel is lesion
    assert.equal(c.mask[12 * 24 * 24 + 12 * 24 + 12], 1);
  }
});

Deno.test("hcc: clinical features and image cues correlate with the label (AUC > 0.7)", () => {
  const y = cases.map((c) => (c.label > 0 ? 1 : 0));
  const num = (
    v: number | string,
  ) => (v === "" ? 0 : typeof v === "number" ? v : " ABCD".indexOf(v));
  for (const f of [1, 2, 3]) {
    const auc = rankAuc(cases.map((c) => num(c.clinical[f])), y);
    assert.ok(auc > 0.7, `f${f}: AUC ${auc}`);
  }
  const size = cases.map((c) => c.mask.reduce((a, b) => a + b, 0));
  assert.ok(rankAuc(size, y) > 0.7, "lesion volume");
  // noise columns carry nothing (|AUC − 0.5| small on average)
  let dev = 0;
  for (let f = 6; f < 52; f++) {
    dev += Math.abs(rankAuc(cases.map((c) => num(c.clinical[f])), y) - 0.5);
  }
  assert.ok(dev / 46 < 0.15, `noise columns ${dev / 46}`);
  // ≈5 % blank cells
  const blanks = cases.flatMap((c) => c.clinical).filter((v) => v === "").length;
  assert.ok(blanks > 0.02 * 40 * 52 && blanks < 0.09 * 40 * 52, `${blanks}`);
});

Deno.test("hcc: deterministic per seed and case index", () => {
  const a = hccCase(0, 7), b = hccCase(0, 7), c = hccCase(1, 7);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.hbp, c.hbp);
  assert.equal(a.label, c.label); // the class follows the case index
});

Deno.test("hcc: exact layout, npy/csv round trip, byte-identical per seed", async () => {
  await withTempDir(async (root) => {
    const a = join(root, "a"), b = join(root, "b"), c = join(root, "c");
    const r = await writeHcc(a, { cases: 3, size: 8 });
    const p = ["HCC_001_ZS100001", "HCC_002_ZS100002", "HCC_003_ZS100003"];
    const expected = [
      ...p.flatMap((x) => [`hbp/${x}_hbp.npy`, `hbp/${x}_hbp_mask.npy`, `pre/${x}_pre.npy`]),
      "labels/cdata.csv",
      "labels/new_label.csv",
      "labels/seven_cdata.csv",
    ].sort();
    assert.deepEqual(await walk(a), expected);
    assert.deepEqual(r.files, expected);
    const gen = hccCase(0, 1, 8);
    const raw = await Deno.readFile(join(a, "hbp/HCC_002_ZS100002_hbp.npy"));
    const header = new TextDecoder().decode(raw.subarray(0, 128));
    assert.deepEqual([...raw.subarray(0, 8)], [0x93, 78, 85, 77, 80, 89, 1, 0], "npy v1.0 magic");
    assert.match(header, /'descr': '<f4', 'fortran_order': False, 'shape': \(1, 8, 8, 8\)/);
    const hbp = await readNpy(join(a, "hbp/HCC_002_ZS100002_hbp.npy"));
    assert.deepEqual(hbp.data, gen.hbp);
    const mask = await readNpy(join(a, "hbp/HCC_002_ZS100002_hbp_mask.npy"));
    assert.deepEqual(mask.shape, [1, 8, 8, 8]);
    assert.deepEqual(mask.data, gen.mask);
    assert.deepEqual((await readNpy(join(a, "pre/HCC_002_ZS100002_pre.npy"))).data, gen.pre);
    const labels = (await Deno.readTextFile(join(a, "labels/new_label.csv"))).trim().split(/\r?\n/);
    assert.deepEqual(labels, [
      "Name,ZS,label,fold,remark",
      "HCC_001,100001,0,0,synthetic",
      "HCC_002,100002,1,1,synthetic",
      "HCC_003,100003,2,2,synthetic",
    ]);
    const cdata = (await Deno.readTextFile(join(a, "labels/cdata.csv"))).trim().split(/\r?\n/);
    assert.equal(cdata.length, 4);
    assert.equal(cdata[0].split(",").length, 55);
    assert.deepEqual(cdata[2].split(","), [
      "HCC_002",
      "100002",
      gen.center,
      ...gen.clinical.map(String),
    ]);
    const seven = (await Deno.readTextFile(join(a, "labels/seven_cdata.csv"))).trim().split(
      /\r?\n/,
    );
    assert.equal(seven[0], "Name,ID,Center,g0,g1,g2,g3,g4,g5,g6");
    await writeHcc(b, { cases: 3, size: 8 });
    assert.deepEqual(await differing(a, b, expected), []);
    await writeHcc(c, { cases: 2, size: 8, seed: 3 });
    const d = await differing(a, c, expected.filter((f) => f.includes("HCC_001")));
    assert.deepEqual(d, expected.filter((f) => f.includes("HCC_001")));
  });
});
