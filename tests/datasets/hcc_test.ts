import assert from "node:assert/strict";
import { join } from "node:path";
import { writeNpy } from "../../lib/io/npy.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  DataLoader,
  DatasetError,
  dilate18,
  hccCaseId,
  hccDataset,
  loadHccCases,
  readHccClinical,
} from "../../lib/datasets/mod.ts";

const [X, Y, Z] = [14, 12, 10];

async function fixture(root: string, opts: { dropPre?: string; small?: string } = {}) {
  for (const d of ["hbp", "pre", "labels"]) await Deno.mkdir(join(root, d), { recursive: true });
  const ids = ["100001", "100002", "100003", "100004"];
  for (const [n, id] of ids.entries()) {
    const p = `HCC_00${n + 1}_ZS${id}`;
    const [x, y, z] = id === opts.small ? [6, 6, 6] : [X, Y, Z];
    const hbp = new Float32Array(x * y * z), mask = new Float32Array(x * y * z);
    for (let i = 0; i < x; i++) {
      for (let j = 0; j < y; j++) {
        for (let k = 0; k < z; k++) {
          const v = (i * y + j) * z + k;
          hbp[v] = i * 10000 + j * 100 + k;
          mask[v] = i === 6 && j === 6 && k === 5 ? 1 : 0; // lesion voxel at the crop centre
        }
      }
    }
    await writeNpy(join(root, "hbp", `${p}_hbp.npy`), { data: hbp, shape: [1, x, y, z] });
    await writeNpy(join(root, "hbp", `${p}_hbp_mask.npy`), { data: mask, shape: [1, x, y, z] });
    if (id !== opts.dropPre) {
      await writeNpy(join(root, "pre", `${p}_pre.npy`), {
        data: mask.map((m) => 3 * m),
        shape: [1, x, y, z],
      });
    }
  }
  await Deno.writeTextFile(
    join(root, "labels", "new_label.csv"),
    "Name,ZS,label,fold,remark\nA,100001,0,0,x\nB,100002,2,1,\nC,100003,1,1,\nD,100004,1,2,\nE,999999,0,0,\n",
  );
  const cells = (k: number) =>
    Array.from({ length: 52 }, (_, c) => (c === 0 ? "B" : c === 1 ? "" : String(k + c / 10)));
  await Deno.writeTextFile(
    join(root, "labels", "cdata.csv"),
    [
      "Name,ID,Center," + Array.from({ length: 52 }, (_, c) => `f${c}`).join(","),
      ...ids.map((id, k) => [`N${k}`, `${id}.0`, "C1", ...cells(k)].join(",")),
    ].join("\n") + "\n",
  );
}

Deno.test("HCC ids, clinical table parsing and 18-connected dilation", async () => {
  assert.equal(hccCaseId("HCC_001_ZS100001_hbp.npy"), "100001");
  assert.equal(hccCaseId("a_b_c_hbp.npy"), "c");
  const d = dilate18({
    data: Float32Array.from({ length: 27 }, (_, i) => (i === 13 ? 1 : 0)),
    shape: [3, 3, 3],
  }, 1);
  assert.equal(d.data.reduce((a, b) => a + b, 0), 19); // centre + 6 faces + 12 edges, no corners
  assert.equal(d.data[0], 0);
  const root = await Deno.makeTempDir();
  try {
    await fixture(root);
    const cl = await readHccClinical(join(root, "labels", "cdata.csv"));
    const v = cl.get("100003")!;
    assert.equal(v.length, 52);
    assert.equal(v[0], 2); // "B"
    assert.equal(v[1], 0); // blank
    assert.ok(Math.abs(v[5] - 2.5) < 1e-6);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("HCC cases: folds, swapped-centre crop, peritumoural map, samples and targets", async () => {
  const root = await Deno.makeTempDir();
  try {
    await fixture(root);
    const { train, valid, skipped } = await loadHccCases({
      dataDir: root,
      labelDir: join(root, "labels"),
      loadCrop: [8, 8, 6],
      dilations: 1,
    });
    assert.deepEqual(valid.map((c) => c.id), ["100001"]);
    assert.deepEqual(train.map((c) => c.id), ["100002", "100003", "100004"]);
    assert.deepEqual(skipped, []);
    const c = train[0];
    assert.deepEqual(c.image.shape, [8, 8, 6, 2]);
    // dim0 starts at Y/2 − 4 = 2, dim1 at X/2 − 4 = 3 (indices swapped as the original), z at 2
    assert.equal(c.image.data[0], 2 * 10000 + 3 * 100 + 2);
    // map: lesion voxel (6,6,5) → crop (4,3,3) = 1; its 18 neighbours 1.5; corners 0
    const m = (i: number, j: number, k: number) => c.map.data[(i * 8 + j) * 6 + k];
    assert.equal(m(4, 3, 3), 1);
    assert.equal(m(5, 3, 3), 1.5);
    assert.equal(m(5, 4, 3), 1.5);
    assert.equal(m(5, 4, 4), 0);
    assert.equal(c.map.data.reduce((a, b) => a + b, 0), 1 + 18 * 1.5);

    const va = hccDataset(valid, { train: false, netCrop: [6, 6, 4] }).get(0, createRng(0));
    assert.deepEqual(va.shape, [6, 6, 4, 2]);
    assert.equal(va.image[0], 3 * 10000 + 4 * 100 + 3); // centre offsets (1, 1, 1)
    assert.deepEqual(Array.from(va.label), [0.933, 0.033, 0.033].map((v) => Math.fround(v)));
    assert.deepEqual(va.extra!.map.shape, [6, 6, 4, 2]);
    assert.deepEqual(va.extra!.clinical.shape, [52]);

    // without the affine, flips / Z flip / crop keep the pre channel (3·mask) on the map's lesion
    const tr = hccDataset(train, { train: true, netCrop: [6, 6, 4], affine: false });
    for (let s = 0; s < 20; s++) {
      const x = tr.get(1, createRng(s));
      for (let v = 0; v < 6 * 6 * 4; v++) {
        assert.equal(x.image[2 * v + 1] === 3, x.extra!.map.data[2 * v] === 1);
      }
    }
    const full = hccDataset(train, { train: true, netCrop: [6, 6, 4] });
    const dl = () => new DataLoader(full, { batchSize: 2, seed: 1 });
    const a: string[] = [], b: string[] = [];
    for await (const bt of dl().arrays()) a.push(bt.image.join());
    for await (const bt of dl().arrays()) b.push(bt.image.join());
    assert.deepEqual(a, b);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("HCC errors: missing sequence file, too-small volume; strict:false skips with reasons", async () => {
  const root = await Deno.makeTempDir();
  try {
    await fixture(root, { dropPre: "100002", small: "100003" });
    const o = {
      dataDir: root,
      labelDir: join(root, "labels"),
      loadCrop: [8, 8, 6] as [number, number, number],
      dilations: 1,
    };
    await assert.rejects(
      () => loadHccCases(o),
      (e: Error) =>
        e instanceof DatasetError && /HCC_002_ZS100002_pre\.npy: missing npy file/.test(e.message),
    );
    const r = await loadHccCases({ ...o, strict: false });
    assert.deepEqual(r.train.map((c) => c.id), ["100004"]);
    assert.equal(r.skipped.length, 2);
    assert.match(r.skipped[1].problem, /too small for the 8×8×6 crop/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
