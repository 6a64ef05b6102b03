import assert from "node:assert/strict";
import { join } from "node:path";
import { writeH5 } from "../../lib/io/h5.ts";
import { writeNpz } from "../../lib/io/npz.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  DataLoader,
  DatasetError,
  openSynapseTest,
  openSynapseTrain,
  synapseNormalize,
} from "../../lib/datasets/mod.ts";

const S = 6;
/** Slice k of a case: label = organ id in a block, image = 0.1·label + 0.01·k (aligned fields). */
function slice(k: number, bad = false) {
  const label = new Uint8Array(S * S);
  const image = new Float32Array(S * S);
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      label[r * S + c] = r < 3 ? (c < 3 ? 5 : 7) : c < 2 ? 1 : 0;
      image[r * S + c] = 0.1 * label[r * S + c] + 0.01 * k;
    }
  }
  if (bad) label[0] = 9;
  return { image, label };
}

async function writeFixture(root: string) {
  await Deno.mkdir(join(root, "train_npz"), { recursive: true });
  await Deno.mkdir(join(root, "test_vol_h5"), { recursive: true });
  await Deno.mkdir(join(root, "lists_Synapse"), { recursive: true });
  const names: string[] = [];
  for (let k = 0; k < 3; k++) {
    const s = slice(k);
    const n = `case0005_slice${String(k).padStart(3, "0")}`;
    names.push(n);
    await writeNpz(join(root, "train_npz", `${n}.npz`), {
      image: { data: s.image, shape: [S, S] },
      label: { data: s.label, shape: [S, S] },
    });
  }
  await Deno.writeTextFile(join(root, "lists_Synapse", "train.txt"), names.join("\n") + "\n");
  for (const [name, depth] of [["case0001", 2], ["case0002", 3]] as const) {
    const image = new Float32Array(depth * S * S), label = new Uint8Array(depth * S * S);
    for (let k = 0; k < depth; k++) {
      const s = slice(k + (name === "case0002" ? 10 : 0));
      image.set(s.image, k * S * S);
      label.set(s.label, k * S * S);
    }
    await writeH5(join(root, "test_vol_h5", `${name}.npy.h5`), {
      image: { data: image, shape: [depth, S, S] },
      label: { data: label, shape: [depth, S, S] },
    });
  }
  await Deno.writeTextFile(join(root, "lists_Synapse", "test_vol.txt"), "case0001\ncase0002\n");
}

Deno.test("Synapse Normalize: z-score (population std) then minus min (hand values)", () => {
  const y = synapseNormalize(Float32Array.of(0, 1, 2, 3));
  const sd = Math.sqrt(1.25);
  [0, 1 / sd, 2 / sd, 3 / sd].forEach((v, i) => assert.ok(Math.abs(y[i] - v) < 1e-6));
  // blank slice: eps keeps it finite (spec 03 §8 D9)
  assert.deepEqual(Array.from(synapseNormalize(new Float32Array(4).fill(0.3))), [0, 0, 0, 0]);
});

Deno.test("Synapse train npz + test h5: shapes, ids, groups, order, augmentation alignment", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeFixture(root);
    const tr = await openSynapseTrain(root);
    assert.equal(tr.length, 3);
    for (let s = 0; s < 12; s++) {
      const x = await tr.get(1, createRng(s));
      assert.deepEqual(x.shape, [S, S, 1]);
      assert.deepEqual(x.labelShape, [S, S]);
      assert.equal(x.group, "case0005");
      for (const v of x.label) assert.ok(Number.isInteger(v) && v >= 0 && v <= 8);
    }
    // nearest-label rotation keeps ids {0, 1, 5, 7}
    const nn = await openSynapseTrain(root, { rotFlip: { labelInterp: "nearest" } });
    for (let s = 0; s < 12; s++) {
      for (const v of (await nn.get(0, createRng(s))).label) assert.ok([0, 1, 5, 7].includes(v));
    }
    const big = await openSynapseTrain(root, { size: 12, rotFlip: { rotateProb: 0, flipProb: 0 } });
    const b = await big.get(0, createRng(0));
    assert.deepEqual(b.shape, [12, 12, 1]);
    assert.equal(b.label[0], 5);
    assert.equal(b.label[11 * 12], 1);
    assert.equal(b.label[11 * 12 + 11], 0);

    const te = await openSynapseTest(root);
    assert.deepEqual(te.cases.map((c) => [c.name, c.depth]), [["case0001", 2], ["case0002", 3]]);
    assert.equal(te.length, 5);
    const ids: string[] = [];
    for await (const batch of new DataLoader(te, { batchSize: 2, shuffle: false }).arrays()) {
      ids.push(...batch.ids);
      assert.deepEqual(batch.groups, batch.ids.map((i) => i.slice(0, 8)));
    }
    assert.deepEqual(ids, [
      "case0001_slice000",
      "case0001_slice001",
      "case0002_slice000",
      "case0002_slice001",
      "case0002_slice002",
    ]);
    // test: no augmentation; normalised image is a monotone map of the label-derived image
    const t = await te.get(3, createRng(0));
    const s = slice(11);
    assert.deepEqual(Array.from(t.label), Array.from(s.label));
    const order = (a: ArrayLike<number>) =>
      Array.from(a).map((v, i) => [v, i]).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
    assert.deepEqual(order(t.image), order(s.image));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("Synapse errors: missing slice, missing volume, label ids outside 0..8", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeFixture(root);
    const s = slice(0, true);
    await writeNpz(join(root, "train_npz", "case0005_slice001.npz"), {
      image: { data: s.image, shape: [S, S] },
      label: { data: s.label, shape: [S, S] },
    });
    await Deno.remove(join(root, "train_npz", "case0005_slice002.npz"));
    const tr = await openSynapseTrain(root);
    await assert.rejects(
      () => tr.get(1, createRng(0)),
      (e: Error) =>
        e instanceof DatasetError && /slice001\.npz: unexpected label values 9/.test(e.message),
    );
    await assert.rejects(() => tr.get(2, createRng(0)), /slice002\.npz: missing npz file/);
    await Deno.writeTextFile(join(root, "lists_Synapse", "test_vol.txt"), "case0003\n");
    await assert.rejects(() => openSynapseTest(root), /case0003\.npy\.h5: missing h5 volume/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
