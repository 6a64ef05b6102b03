import assert from "node:assert/strict";
import { runSliceMaker } from "../../lib/slicer/mod.ts";
import { ctValue, S, snapshot, writeKitsCases, X } from "./_cases.ts";
import { f64, i8, parseNpy, readNpz, strings } from "./_npz.ts";

Deno.test("SliceMaker kits: every slice written with exact values, tumour slices listed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeKitsCases(`${dir}/in`, 2);
    const s = await runSliceMaker({
      inpath: `${dir}/in`,
      outpath: `${dir}/out`,
      dataset: "kits",
      task: "tumor",
      sliceSize: S,
    });
    assert.deepEqual([s.cases, s.done, s.written, s.listed, s.failed.length], [2, 2, 6, 2, 0]);
    const files = [...(await snapshot(`${dir}/out/train`)).keys()].filter((k) => !k.startsWith("."))
      .sort();
    assert.deepEqual(files, [
      "00000_0.npz",
      "00000_1.npz",
      "00000_2.npz",
      "00001_0.npz",
      "00001_1.npz",
      "00001_2.npz",
      "kits_tumor_slices.npy",
    ]);
    for (const c of [0, 1]) {
      for (let i = 0; i < X; i++) {
        const z = readNpz(await Deno.readFile(`${dir}/out/train/0000${c}_${i}.npz`));
        assert.deepEqual([z.ct.descr, z.ct.shape, z.mask.descr, z.mask.shape], [
          "<f8",
          [S, S],
          "|i1",
          [S, S],
        ]);
        // vol[i][j][k]: rows j, cols k
        const want = Array.from(
          { length: S * S },
          (_, q) => ctValue(c, i, Math.floor(q / S), q % S),
        );
        assert.deepEqual(f64(z.ct), want);
        const m = new Array(S * S).fill(0);
        if (i === 1) m[1 * S + 1] = 2;
        if (i === 2) m[2 * S + 2] = 1;
        assert.deepEqual(i8(z.mask), m);
      }
    }
    const l = parseNpy(await Deno.readFile(`${dir}/out/train/kits_tumor_slices.npy`));
    assert.equal(l.descr, "<U11");
    assert.deepEqual(strings(l), ["00000_1.npz", "00001_1.npz"]);
    // organ task lists slices 1 and 2 of each case
    const o = await runSliceMaker({
      inpath: `${dir}/in`,
      outpath: `${dir}/out`,
      dataset: "kits",
      task: "organ",
      sliceSize: S,
      mode: "test",
    });
    assert.equal(o.listed, 4);
    const lo = parseNpy(await Deno.readFile(`${dir}/out/test/kits_organ_slices.npy`));
    assert.deepEqual(strings(lo), ["00000_1.npz", "00000_2.npz", "00001_1.npz", "00001_2.npz"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SliceMaker kits: resize to a larger slice size is half-pixel bilinear (ct) / nearest (mask)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeKitsCases(`${dir}/in`, 1);
    await runSliceMaker({
      inpath: `${dir}/in`,
      outpath: `${dir}/out`,
      dataset: "kits",
      task: "tumor",
      sliceSize: 8,
    });
    const z = readNpz(await Deno.readFile(`${dir}/out/train/00000_1.npz`));
    assert.deepEqual(z.ct.shape, [8, 8]);
    const ct = f64(z.ct);
    // row r ↔ j = clamp((r+.5)/2 − .5), col c ↔ k likewise; value 10 + j − k is linear
    const src = (o: number) => Math.min(Math.max((o + 0.5) / 2 - 0.5, 0), S - 1);
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) assert.equal(ct[r * 8 + c], 10 + src(r) - src(c));
    }
    const m = i8(z.mask);
    // nearest ⌊o/2⌋: label 2 at (1,1) covers rows/cols 2..3
    assert.deepEqual(
      m.flatMap((v, q) => (v ? [[Math.floor(q / 8), q % 8, v]] : [])),
      [[2, 2, 2], [2, 3, 2], [3, 2, 2], [3, 3, 2]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
