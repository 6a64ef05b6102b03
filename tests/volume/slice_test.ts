import assert from "node:assert/strict";
import {
  extractSlice,
  extractSliceInto,
  extractSlices,
  VolumeError,
} from "../../lib/volume/mod.ts";

// shape [2, 3, 4], value = x + 10 y + 100 z (x fastest)
const shape = [2, 3, 4];
const data = Int16Array.from({ length: 24 }, (_, q) => {
  const x = q % 2, y = Math.floor(q / 2) % 3, z = Math.floor(q / 6);
  return x + 10 * y + 100 * z;
});

Deno.test("extractSlice follows np.take along each axis (rows = first remaining axis)", () => {
  const a0 = extractSlice(data, shape, 0, 1); // vol[1] : (y, z)
  assert.deepEqual([a0.rows, a0.cols], [3, 4]);
  assert.deepEqual([...a0.data.slice(0, 4)], [1, 101, 201, 301]);
  const a1 = extractSlice(data, shape, 1, 2); // vol[:, 2] : (x, z)
  assert.deepEqual([...a1.data], [20, 120, 220, 320, 21, 121, 221, 321]);
  const a2 = extractSlice(data, shape, 2, 3); // vol[:, :, 3] : (x, y)
  assert.deepEqual([...a2.data], [300, 310, 320, 301, 311, 321]);
  const t2 = extractSlice(data, shape, 2, 3, { transpose: true }); // (y, x), the stored plane
  assert.deepEqual([t2.rows, t2.cols], [3, 2]);
  assert.deepEqual([...t2.data], [300, 301, 310, 311, 320, 321]);
  assert.ok(a2.data instanceof Int16Array);
  assert.throws(() => extractSlice(data, shape, 2, 4), VolumeError);
  assert.throws(() => extractSlice(data, shape, 3, 0), VolumeError);
});

Deno.test("extractSlices / extractSliceInto equal extractSlice on every axis, converting type", () => {
  const shp = [5, 3, 17]; // > 16 columns to cross the block edge
  const d = Int16Array.from({ length: 5 * 3 * 17 }, (_, q) => (q * 7919) % 1000 - 500);
  for (const axis of [0, 1, 2]) {
    const n = shp[axis];
    const all = extractSlices(d, shp, axis, 1, n - 2, (m) => new Float64Array(m));
    all.forEach((s, i) => {
      const ref = extractSlice(d, shp, axis, i + 1);
      assert.ok(s.data instanceof Float64Array);
      assert.deepEqual([s.rows, s.cols], [ref.rows, ref.cols]);
      assert.deepEqual([...s.data], [...ref.data]);
      const into = extractSliceInto(d, shp, axis, i + 1, new Int32Array(ref.data.length));
      assert.deepEqual([...into.data], [...ref.data]);
    });
  }
  assert.throws(() => extractSlices(d, shp, 0, 3, 3, (m) => new Uint8Array(m)), VolumeError);
});
