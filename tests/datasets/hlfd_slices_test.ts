import assert from "node:assert/strict";
import { join } from "node:path";
import { writeNpz } from "../../lib/io/npz.ts";
import { createRng } from "../../lib/random/mod.ts";
import { DatasetError, openHlfdSlices, readNpyStrings } from "../../lib/datasets/mod.ts";

/** Hand-built NumPy `<U{n}` 1-D array file (what `np.save(path, np.array(names))` writes). */
export function unicodeNpy(items: string[]): Uint8Array {
  const n = Math.max(1, ...items.map((s) => s.length));
  let h = `{'descr': '<U${n}', 'fortran_order': False, 'shape': (${items.length},), }`;
  h += " ".repeat((64 - ((10 + h.length + 1) % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + h.length + items.length * n * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  const v = new DataView(out.buffer);
  items.forEach((s, i) => {
    for (let c = 0; c < s.length; c++) {
      v.setUint32(10 + h.length + (i * n + c) * 4, s.charCodeAt(c), true);
    }
  });
  return out;
}

/** An 8×8 slice: HU = 10·col − 300 (spans the window), mask 2 in rows 2–4 / cols 3–5, 1 around. */
async function writeSlices(dir: string) {
  const S = 8;
  const ct = new Float64Array(S * S), mask = new Int8Array(S * S);
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      ct[r * S + c] = 100 * c - 300;
      mask[r * S + c] = r >= 2 && r <= 4 && c >= 3 && c <= 5 ? 2 : r >= 1 && r <= 5 ? 1 : 0;
    }
  }
  await writeNpz(join(dir, "00003_7.npz"), {
    ct: { data: ct, shape: [S, S] },
    mask: { data: mask, shape: [S, S] },
  }, { compress: true });
  const bad = Int8Array.from(mask, (v) => (v === 2 ? 3 : v));
  await writeNpz(join(dir, "00004_1.npz"), {
    ct: { data: ct, shape: [S, S] },
    mask: { data: bad, shape: [S, S] },
  });
  await Deno.writeFile(
    join(dir, "kits_tumor_slices.npy"),
    unicodeNpy(["00003_7.npz", "00004_1.npz", "00005_0.npz"]),
  );
}

Deno.test("HLFD SliceDataset: list, binarise, window to [−1, 1], crop, one-hot; errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSlices(dir);
    assert.deepEqual(await readNpyStrings(join(dir, "kits_tumor_slices.npy")), [
      "00003_7.npz",
      "00004_1.npz",
      "00005_0.npz",
    ]);
    const crop = { row0: 1, col0: 2, size: 5 };
    const ds = await openHlfdSlices(dir, { dataset: "kits", task: "tumor", train: false, crop });
    assert.equal(ds.length, 3);
    const s = await ds.get(0, createRng(0));
    assert.equal(s.id, "00003_7");
    assert.equal(s.group, "00003");
    assert.deepEqual(s.shape, [5, 5, 1]);
    assert.deepEqual(s.labelShape, [5, 5, 2]);
    // image[r][c] = window(100·(c + 2) − 300) over [−200, 300] → 2(x + 200)/500 − 1
    const win = (hu: number) => (2 * (Math.min(300, Math.max(-200, hu)) + 200)) / 500 - 1;
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 5; c++) {
        assert.ok(Math.abs(s.image[r * 5 + c] - win(100 * (c + 2) - 300)) < 1e-6);
        const tumour = r + 1 >= 2 && r + 1 <= 4 && c + 2 >= 3 && c + 2 <= 5 ? 1 : 0; // kidney → 0
        assert.equal(s.label[(r * 5 + c) * 2 + 1], tumour);
        assert.equal(s.label[(r * 5 + c) * 2], 1 - tumour);
      }
    }
    // organ task: any foreground
    await Deno.copyFile(join(dir, "kits_tumor_slices.npy"), join(dir, "kits_organ_slices.npy"));
    const org = await openHlfdSlices(dir, { dataset: "kits", task: "organ", train: false, crop });
    const so = await org.get(0, createRng(0));
    assert.equal(so.label[1], 1); // row 1 is kidney (label 1): foreground for organ
    assert.equal(s.label[1], 0); // … and background for tumour
    // training: label stays aligned with the image (tumour sits at HU 0..200 columns)
    const tr = await openHlfdSlices(dir, {
      dataset: "kits",
      task: "tumor",
      train: true,
      crop: { row0: 0, col0: 0, size: 8 },
    });
    const seen = new Set<string>();
    for (let k = 0; k < 12; k++) {
      const t = await tr.get(0, createRng(k));
      const tumourPix = [...Array(64).keys()].filter((i) => t.label[2 * i + 1] === 1);
      assert.equal(tumourPix.length, 9);
      seen.add(tumourPix.join());
    }
    assert.ok(seen.size > 2);
    await assert.rejects(
      () => ds.get(1, createRng(0)),
      (e: Error) =>
        e instanceof DatasetError && /00004_1\.npz: unexpected label values 3/.test(e.message),
    );
    await assert.rejects(
      () => ds.get(2, createRng(0)),
      (e: Error) => e instanceof DatasetError && /00005_0\.npz: missing npz file/.test(e.message),
    );
    await assert.rejects(
      () => openHlfdSlices(dir, { dataset: "lits", task: "tumor", train: false }),
      /lits_tumor_slices\.npy: missing list file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
