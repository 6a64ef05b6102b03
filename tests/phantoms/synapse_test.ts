import assert from "node:assert/strict";
import { join } from "node:path";
import { readH5 } from "../../lib/io/h5.ts";
import { readNpz } from "../../lib/io/npz.ts";
import {
  SYNAPSE_CLASSES,
  synapseSliceName,
  synapseSplit,
  synapseVolume,
  writeSynapse,
} from "../../lib/phantoms/synapse.ts";
import { differing, stats, walk, withTempDir } from "./_util.ts";

Deno.test("synapse: split names reuse TransUNet's cases", () => {
  assert.deepEqual(synapseSplit(9), {
    train: ["case0005", "case0006", "case0007", "case0009", "case0010", "case0021"],
    test: ["case0001", "case0002", "case0003"],
  });
  assert.deepEqual(synapseSplit(3), { train: ["case0005", "case0006"], test: ["case0001"] });
  assert.equal(synapseSliceName("case0005", 7), "case0005_slice007");
  assert.throws(() => synapseSplit(1), /synapse cases/);
});

Deno.test("synapse: 8 organs with distinct intensity/texture, right side of the patient on the left", () => {
  const v = synapseVolume(0, "case0005"); // demo: 24 × 96 × 96
  assert.equal(v.image.length, 24 * 96 * 96);
  assert.deepEqual([...new Set(v.label)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(v.image.every((x) => x >= 0 && x <= 1));
  const hu = Float32Array.from(v.image, (x) => x * 400 - 125);
  const organ = Array.from({ length: 9 }, (_, l) => stats(hu, (i) => v.label[i] === l));
  const expected = [NaN, 250, -10, 165, 165, 100, 70, 120, NaN]; // mean HU (kidneys: cortex+medulla)
  for (let l = 1; l <= 7; l++) {
    assert.ok(Math.abs(organ[l].mean - expected[l]) < 12, `${SYNAPSE_CLASSES[l]} ${organ[l].mean}`);
  }
  assert.ok(organ[8].sd > 40, "stomach: gas/lumen/wall texture"); // the most heterogeneous organ
  for (let a = 1; a <= 8; a++) {
    for (let b = a + 1; b <= 8; b++) {
      if (a === 3 && b === 4) continue; // the two kidneys differ by side only
      const dm = Math.abs(organ[a].mean - organ[b].mean), ds = Math.abs(organ[a].sd - organ[b].sd);
      assert.ok(dm > 15 || ds > 15, `${SYNAPSE_CLASSES[a]} vs ${SYNAPSE_CLASSES[b]}`);
    }
  }
  // mean column of liver (5), right kidney (4), gallbladder (2) on the image left; spleen (7),
  // left kidney (3) on the image right
  const col = (l: number) => {
    let s = 0, n = 0;
    for (let i = 0; i < v.label.length; i++) if (v.label[i] === l) s += i % 96, n++;
    return s / n;
  };
  for (const l of [2, 4, 5]) assert.ok(col(l) < 48, SYNAPSE_CLASSES[l]);
  for (const l of [3, 7]) assert.ok(col(l) > 48, SYNAPSE_CLASSES[l]);
});

Deno.test("synapse: deterministic per seed and case name", () => {
  const a = synapseVolume(3, "case0001", 6, 32), b = synapseVolume(3, "case0001", 6, 32);
  assert.deepEqual(a.image, b.image);
  assert.deepEqual(a.label, b.label);
  assert.notDeepEqual(synapseVolume(4, "case0001", 6, 32).image, a.image);
  assert.notDeepEqual(synapseVolume(3, "case0002", 6, 32).image, a.image);
});

Deno.test("synapse: exact layout, npz/h5 round trip, list files, determinism", async () => {
  await withTempDir(async (root) => {
    const a = join(root, "a"), b = join(root, "b"), c = join(root, "c");
    const seen: string[] = [];
    const r = await writeSynapse(a, {
      cases: 3,
      depth: 3,
      size: 16,
      onCase: (p) => seen.push(`${p.done}/${p.total} ${p.name}`),
    });
    assert.deepEqual(seen, ["1/3 case0005", "2/3 case0006", "3/3 case0001"]);
    const slices = ["case0005", "case0006"].flatMap((n) =>
      [0, 1, 2].map((k) => `${n}_slice00${k}`)
    );
    const expected = [
      "lists_Synapse/test_vol.txt",
      "lists_Synapse/train.txt",
      "test_vol_h5/case0001.npy.h5",
      ...slices.map((s) => `train_npz/${s}.npz`),
    ].sort();
    assert.deepEqual(await walk(a), expected);
    assert.deepEqual(r.files, expected);
    assert.equal(
      await Deno.readTextFile(join(a, "lists_Synapse/train.txt")),
      slices.join("\n") + "\n",
    );
    assert.equal(await Deno.readTextFile(join(a, "lists_Synapse/test_vol.txt")), "case0001\n");
    const v5 = synapseVolume(0, "case0005", 3, 16), v1 = synapseVolume(0, "case0001", 3, 16);
    const z = await readNpz(join(a, "train_npz/case0005_slice002.npz"));
    assert.deepEqual(Object.keys(z).sort(), ["image", "label"]);
    assert.deepEqual([z.image.dtype, z.label.dtype], ["float32", "uint8"]);
    assert.deepEqual(z.image.shape, [16, 16]);
    assert.deepEqual(z.image.data, v5.image.slice(2 * 256, 3 * 256));
    assert.deepEqual(z.label.data, v5.label.slice(2 * 256, 3 * 256));
    const h = await readH5(join(a, "test_vol_h5/case0001.npy.h5"));
    assert.deepEqual(Object.keys(h).sort(), ["image", "label"]);
    assert.deepEqual(h.image.shape, [3, 16, 16]);
    assert.ok(h.image.data instanceof Float32Array && h.label.data instanceof Uint8Array);
    assert.deepEqual(h.image.data, v1.image);
    assert.deepEqual(h.label.data, v1.label);
    // same seed → same content. (npz/h5 bytes are compared decoded: zip entries and HDF5 objects
    // carry write timestamps in lib/io's writers.)
    await writeSynapse(b, { cases: 3, depth: 3, size: 16 });
    await writeSynapse(c, { cases: 3, depth: 3, size: 16, seed: 9 });
    const same = await readNpz(join(b, "train_npz/case0006_slice001.npz"));
    const first = await readNpz(join(a, "train_npz/case0006_slice001.npz"));
    const other = await readNpz(join(c, "train_npz/case0006_slice001.npz"));
    assert.deepEqual(same.image.data, first.image.data);
    assert.notDeepEqual(other.image.data, first.image.data);
    assert.deepEqual((await readH5(join(b, "test_vol_h5/case0001.npy.h5"))).image.data, v1.image);
    assert.deepEqual(await differing(a, b, expected.filter((f) => f.endsWith(".txt"))), []);
  });
});
