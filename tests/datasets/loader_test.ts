import assert from "node:assert/strict";
import { assertNoLeak, initBackend } from "../../lib/tf/mod.ts";
import type { Rng } from "../../lib/random/mod.ts";
import {
  type ArrayBatch,
  collate,
  DataLoader,
  DatasetError,
  disposeBatch,
  type Sample,
} from "../../lib/datasets/mod.ts";

/** Sample i: image [2, 2, 1] = i + a random jitter from the sample RNG (tests RNG plumbing). */
function toy(n: number, opts: { async?: boolean } = {}) {
  const calls: number[] = [];
  return {
    calls,
    ds: {
      length: n,
      get(i: number, rng: Rng): Sample | Promise<Sample> {
        calls.push(i);
        const s: Sample = {
          id: `s${i}`,
          image: Float32Array.from({ length: 4 }, () => i + rng.uniform(0, 0.5)),
          shape: [2, 2, 1],
          label: Float32Array.of(i % 3),
          labelShape: [1],
          extra: { clinical: { data: Float32Array.of(i, -i), shape: [2] } },
        };
        return opts.async ? new Promise((r) => setTimeout(() => r(s), 1)) : s;
      },
    },
  };
}

async function all(dl: DataLoader, limit = Infinity): Promise<ArrayBatch[]> {
  const out: ArrayBatch[] = [];
  for await (const b of dl.arrays()) {
    out.push(b);
    if (out.length >= limit) break;
  }
  return out;
}

const key = (b: ArrayBatch) => `${b.epoch}/${b.index}:${b.ids.join()}:${b.image.join()}`;

Deno.test("one epoch visits every sample once; epochs reshuffle; drop_last", async () => {
  const { ds } = toy(10);
  const bs = await all(new DataLoader(ds, { batchSize: 4, seed: 3, epochs: 2 }));
  assert.deepEqual(bs.map((b) => b.ids.length), [4, 4, 2, 4, 4, 2]);
  const e0 = bs.slice(0, 3).flatMap((b) => b.ids), e1 = bs.slice(3).flatMap((b) => b.ids);
  assert.deepEqual([...e0].sort(), Array.from({ length: 10 }, (_, i) => `s${i}`).sort());
  assert.deepEqual([...e1].sort(), [...e0].sort());
  assert.notDeepEqual(e0, e1);
  const dl = new DataLoader(ds, { batchSize: 4, dropLast: true, shuffle: false });
  const d = await all(dl);
  assert.deepEqual(d.map((b) => b.ids.join()), ["s0,s1,s2,s3", "s4,s5,s6,s7"]);
  assert.deepEqual(d[0].shape, [2, 2, 1]);
  assert.deepEqual(Array.from(d[1].extra.clinical.data.slice(0, 2)), [4, -4]);
  assert.deepEqual(dl.state(), { epoch: 1, index: 0 });
});

Deno.test("same seed → same batches (sync and async datasets, any prefetch)", async () => {
  const a = await all(new DataLoader(toy(9).ds, { batchSize: 2, seed: 11, epochs: 3 }));
  const b = await all(
    new DataLoader(toy(9, { async: true }).ds, {
      batchSize: 2,
      seed: 11,
      epochs: 3,
      prefetch: 5,
    }),
  );
  const c = await all(new DataLoader(toy(9).ds, { batchSize: 2, seed: 12, epochs: 3 }));
  assert.deepEqual(a.map(key), b.map(key));
  assert.notDeepEqual(a.map(key), c.map(key));
});

Deno.test("resume from state() yields exactly the remaining batches (mid-epoch and boundary)", async () => {
  const opts = { batchSize: 3, seed: "r", epochs: 4 };
  const full = (await all(new DataLoader(toy(11).ds, opts))).map(key);
  for (const cut of [1, 4, 7, 9]) {
    const first = new DataLoader(toy(11).ds, opts);
    const head = (await all(first, cut)).map(key);
    const st = first.state();
    const rest = (await all(new DataLoader(toy(11).ds, { ...opts, start: st }))).map(key);
    assert.deepEqual([...head, ...rest], full, `cut ${cut} at ${JSON.stringify(st)}`);
  }
});

Deno.test("infinite sampler keeps going; epoch k does not depend on what came before", async () => {
  const inf = new DataLoader(toy(5).ds, { batchSize: 2, seed: 1, epochs: Infinity });
  const bs = await all(inf, 30);
  assert.equal(bs.length, 30);
  assert.equal(bs[29].epoch, 9);
  const direct = await new DataLoader(toy(5).ds, { batchSize: 2, seed: 1 }).batch(9, 2);
  assert.equal(key(direct), key(bs[29]));
});

Deno.test("prefetch stays bounded and errors surface at the failing batch", async () => {
  const { ds, calls } = toy(40);
  const dl = new DataLoader(ds, { batchSize: 2, prefetch: 2, shuffle: false });
  const it = dl.arrays();
  await it.next();
  assert.ok(calls.length <= 2 * 4, `loaded ${calls.length} samples after one batch`);
  await it.return(undefined);
  const bad = {
    length: 4,
    get: (i: number, rng: Rng) => {
      if (i === 3) throw new DatasetError(`case_${i}`, "missing");
      return toy(4).ds.get(i, rng);
    },
  };
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const b of new DataLoader(bad, { batchSize: 2, shuffle: false }).arrays()) {
      seen.push(b.ids.join());
    }
  }, /case_3: missing/);
  assert.deepEqual(seen, ["s0,s1"]);
});

Deno.test("mismatched sample shapes in a batch give a DatasetError naming the sample", () => {
  const s = (id: string, n: number): Sample => ({
    id,
    image: new Float32Array(n),
    shape: [n, 1],
    label: new Float32Array(1),
    labelShape: [1],
  });
  assert.throws(
    () => collate([s("a", 2), s("b", 3)]),
    (e: Error) => e instanceof DatasetError && /b: image shape \[3,1\] differs/.test(e.message),
  );
});

Deno.test("tensor batches are NHWC float32 and leak-free", async () => {
  await initBackend("cpu", { quiet: true });
  await assertNoLeak(async () => {
    const dl = new DataLoader(toy(5).ds, { batchSize: 2, seed: 0 });
    const shapes: string[] = [];
    for await (const b of dl) {
      shapes.push(`${b.image.shape}|${b.label.shape}|${b.extra.clinical.shape}`);
      assert.equal(b.image.dtype, "float32");
      disposeBatch(b);
    }
    assert.deepEqual(shapes, ["2,2,2,1|2,1|2,2", "2,2,2,1|2,1|2,2", "1,2,2,1|1,1|1,2"]);
    // breaking out early leaves nothing behind either
    for await (const b of new DataLoader(toy(5).ds, { batchSize: 2, prefetch: 3 })) {
      disposeBatch(b);
      break;
    }
  });
});
