/**
 * Phantom → (SliceMaker →) loader, for every study, at tiny sizes: the loaders read exactly what
 * `lib/phantoms` and `lib/slicer` write, with the shapes and label values the specs give.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeBrats } from "../../lib/phantoms/brats.ts";
import { writeKits } from "../../lib/phantoms/kits.ts";
import { writeLits } from "../../lib/phantoms/lits.ts";
import { writeSynapse } from "../../lib/phantoms/synapse.ts";
import { runSliceMaker } from "../../lib/slicer/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  bratsTrainDataset,
  DataLoader,
  listBratsNpz,
  listKitsCases,
  listLitsCases,
  loadBratsCase,
  loadBratsNpz,
  loadKitsCase,
  loadLitsCase,
  openHlfdSlices,
  openSynapseTest,
  openSynapseTrain,
  readBratsDatalist,
} from "../../lib/datasets/mod.ts";

const quiet = { workers: 1, compress: false };

Deno.test("KiTS phantom → SliceMaker → SliceDataset; raw loader agrees with the slices", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const grid = { slices: 10, rows: 40, cols: 40, spacing: [3, 0.8, 0.8] };
    await writeKits(join(dir, "raw"), { cases: 3, grid });
    const cases = await listKitsCases(join(dir, "raw", "train_cases"));
    assert.deepEqual(cases, ["case_00000", "case_00001"]);
    const c = await loadKitsCase(join(dir, "raw", "train_cases", cases[1]));
    assert.deepEqual(c.shape, [10, 40, 40]);
    assert.deepEqual([...new Set(c.label)].sort(), [0, 1, 2]);
    const s = await runSliceMaker({
      inpath: join(dir, "raw", "train_cases"),
      outpath: join(dir, "slices"),
      dataset: "kits",
      task: "tumor",
      mode: "train",
      sliceSize: 40,
      ...quiet,
    });
    assert.deepEqual(s.failed, []);
    const ds = await openHlfdSlices(join(dir, "slices", "train"), {
      dataset: "kits",
      task: "tumor",
      train: false,
      crop: { row0: 0, col0: 0, size: 40 },
    });
    assert.ok(ds.length >= 2, `${ds.length} tumour slices`);
    for (let i = 0; i < ds.length; i++) {
      const x = await ds.get(i, createRng(0));
      assert.deepEqual(x.shape, [40, 40, 1]);
      assert.deepEqual(x.labelShape, [40, 40, 2]);
      assert.ok(x.label.some((v, k) => k % 2 === 1 && v === 1), `${x.id} lists no tumour`);
      if (x.group !== "00001") continue;
      // the slice equals the raw case slice, windowed to [−200, 300] → [−1, 1]
      const k = Number(x.id.split("_")[1]);
      for (let p = 0; p < 1600; p += 37) {
        const hu = Math.min(300, Math.max(-200, c.image[k * 1600 + p]));
        assert.ok(Math.abs(x.image[p] - ((2 * (hu + 200)) / 500 - 1)) < 1e-6);
        assert.equal(x.label[2 * p + 1], c.label![k * 1600 + p] === 2 ? 1 : 0);
      }
    }
    const tr = await openHlfdSlices(join(dir, "slices", "train"), {
      dataset: "kits",
      task: "tumor",
      train: true,
      crop: { row0: 4, col0: 5, size: 32 },
    });
    for await (const b of new DataLoader(tr, { batchSize: 4, seed: 42 }).arrays()) {
      assert.deepEqual(b.shape, [32, 32, 1]);
      for (const v of b.label) assert.ok(v === 0 || v === 1);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("LiTS phantom → raw loader and → SliceMaker → SliceDataset (LiTS window)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const grid = { slices: 8, rows: 36, cols: 36, spacing: [0.8, 0.8, 3] };
    await writeLits(join(dir, "raw"), { cases: 2, grid });
    const es = await listLitsCases(join(dir, "raw"));
    assert.ok(es.length === 2);
    const c = await loadLitsCase(es[0]);
    assert.deepEqual(c.shape, [8, 36, 36]);
    assert.ok(c.label!.includes(2));
    const s = await runSliceMaker({
      inpath: join(dir, "raw"),
      outpath: join(dir, "slices"),
      dataset: "lits",
      task: "tumor",
      sliceSize: 36,
      ...quiet,
    });
    assert.deepEqual(s.failed, []);
    const ds = await openHlfdSlices(join(dir, "slices", "train"), {
      dataset: "lits",
      task: "tumor",
      train: false,
      crop: { row0: 2, col0: 2, size: 32 },
    });
    assert.ok(ds.length >= 2);
    const x = await ds.get(0, createRng(0));
    assert.deepEqual(x.shape, [32, 32, 1]);
    for (const v of x.image) assert.ok(v >= -1 && v <= 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Synapse phantom → train npz and test h5 loaders (ids 0..8, grouping)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSynapse(dir, { cases: 3, depth: 4, size: 24 });
    const tr = await openSynapseTrain(dir);
    const te = await openSynapseTest(dir);
    assert.equal(tr.length + te.length, 12);
    const seen = new Set<number>();
    for await (const b of new DataLoader(tr, { batchSize: 2, seed: 0 }).arrays()) {
      assert.deepEqual(b.shape, [24, 24, 1]);
      assert.deepEqual(b.labelShape, [24, 24]);
      for (const v of b.label) seen.add(v);
    }
    for (const v of seen) assert.ok(Number.isInteger(v) && v >= 0 && v <= 8);
    assert.ok(seen.size >= 4, `organs seen: ${[...seen]}`);
    const t = await te.get(0, createRng(0));
    assert.equal(t.group, te.cases[0].name);
    let lo = Infinity;
    for (const v of t.image) lo = Math.min(lo, v);
    assert.ok(Math.abs(lo) < 1e-6); // Normalize ends with x − min
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BraTS phantom → datalists → raw loader = SliceMaker cache loader; patches", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeBrats(join(dir, "raw"), { cases: 5, shape: [24, 24, 16] });
    const lists = join(dir, "raw", "datalist", "BraTS18");
    const train = await readBratsDatalist(join(lists, "BraTS18_train.csv"));
    const all = await readBratsDatalist(join(lists, "BraTS18_train_all.csv"));
    assert.ok(train.length >= 2 && all.length === 4);
    const raw = await loadBratsCase(all[0], { countThreshold: 1 });
    assert.deepEqual(raw.image.shape, [16, 24, 24, 4]);
    assert.deepEqual(raw.label!.shape, [16, 24, 24, 3]);
    const wt = raw.label!.data.filter((_, i) => i % 3 === 1).reduce((a, b) => a + b, 0);
    assert.ok(wt > 0, "no tumour");
    const s = await runSliceMaker({
      inpath: join(dir, "raw"),
      outpath: join(dir, "npz"),
      dataset: "brats",
      task: "volumes",
      histThreshold: 1,
      ...quiet,
    });
    assert.deepEqual(s.failed, []);
    const cached = await listBratsNpz(join(dir, "npz"));
    const viaSlicer = await loadBratsNpz(cached.find((p) => p.includes(raw.id))!);
    assert.deepEqual(viaSlicer.image.shape, raw.image.shape);
    let maxDiff = 0;
    raw.image.data.forEach((
      v,
      i,
    ) => (maxDiff = Math.max(maxDiff, Math.abs(v - viaSlicer.image.data[i]))));
    assert.ok(maxDiff < 1e-4, `two normalisation implementations differ by ${maxDiff}`);
    assert.deepEqual(viaSlicer.label!.data, raw.label!.data);
    const ds = bratsTrainDataset(train, {
      patch: [8, 16, 16],
      margins: [0, 3, 2],
      countThreshold: 1,
    });
    for await (const b of new DataLoader(ds, { batchSize: 2, seed: 7 }).arrays()) {
      assert.deepEqual(b.shape, [8, 16, 16, 4]);
      assert.deepEqual(b.labelShape, [8, 16, 16, 3]);
      for (const v of b.label) assert.ok(v === 0 || v === 1);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
