/**
 * Phantom → loader for the two classification / 3D-crop studies (ChestX-ray14, HCC-MVI).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeChestXray14 } from "../../lib/phantoms/chestxray14.ts";
import { writeHcc } from "../../lib/phantoms/hcc.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  assertPatientDisjoint,
  DataLoader,
  hccDataset,
  loadHccCases,
  openCxrDataset,
  readCxrList,
  readDataEntry,
} from "../../lib/datasets/mod.ts";

Deno.test("ChestX-ray14 phantom → lists, Data_Entry, train and ten-crop test samples", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeChestXray14(dir, { cases: 12, size: 32 });
    const train = await readCxrList(join(dir, "labels", "train_list_224.txt"));
    const test = await readCxrList(join(dir, "labels", "test_list_224.txt"));
    assertPatientDisjoint(train, test); // the labelled split is patient-disjoint
    const entry = await readDataEntry(join(dir, "Data_Entry_2017.csv"));
    for (const e of [...train, ...test]) assert.deepEqual(entry.get(e.name)!.labels, e.labels);
    const ds = await openCxrDataset(dir, "labels/train_list_224.txt", {
      train: true,
      resize: 32,
      crop: 28,
    });
    for await (const b of new DataLoader(ds, { batchSize: 4, seed: 0 }).arrays()) {
      assert.deepEqual(b.shape, [28, 28, 3]);
      assert.deepEqual(b.labelShape, [14]);
      for (const v of b.label) assert.ok(v === 0 || v === 1);
    }
    const te = await openCxrDataset(dir, "labels/test_list_224.txt", {
      train: false,
      resize: 32,
      crop: 28,
    });
    const x = await te.get(0, createRng(0));
    assert.deepEqual(x.shape, [10, 28, 28, 3]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HCC phantom → cases (demo crops 20³ → 16³), folds, clinical, samples", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeHcc(dir, { cases: 10, size: 24 });
    const { train, valid, skipped } = await loadHccCases({
      dataDir: dir,
      labelDir: join(dir, "labels"),
      loadCrop: [20, 20, 20],
      dilations: 4,
    });
    assert.deepEqual(skipped, []);
    assert.equal(train.length + valid.length, 10);
    assert.ok(valid.length >= 1 && train.length >= 1);
    for (const c of [...train, ...valid]) {
      assert.deepEqual(c.image.shape, [20, 20, 20, 2]);
      assert.ok(c.map.data.some((v) => v === 1) && c.map.data.some((v) => v === 1.5));
      for (const v of c.map.data) assert.ok(v === 0 || v === 1 || v === 1.5);
    }
    const ds = hccDataset(train, { train: true, netCrop: [16, 16, 16] });
    for await (const b of new DataLoader(ds, { batchSize: 4, seed: 0 }).arrays()) {
      assert.deepEqual(b.shape, [16, 16, 16, 2]);
      assert.deepEqual(b.labelShape, [3]);
      assert.deepEqual(b.extra.clinical.shape, [52]);
      assert.deepEqual(b.extra.map.shape, [16, 16, 16, 2]);
      for (const v of b.label) assert.ok(Math.abs(v - 0.933) < 1e-6 || Math.abs(v - 0.033) < 1e-6);
    }
    const v = hccDataset(valid, { train: false, netCrop: [16, 16, 16] }).get(0, createRng(0));
    assert.deepEqual(v.shape, [16, 16, 16, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
