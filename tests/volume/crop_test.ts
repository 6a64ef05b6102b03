import assert from "node:assert/strict";
import {
  boundingBox,
  centreOffset,
  cropOrPad,
  cropVolume,
  VolumeError,
} from "../../lib/volume/mod.ts";

Deno.test("cropOrPad: centred crop and pad (MONAI offsets), hand-computed 2D", () => {
  // 4×3 (x fastest), value = x + 10 y
  const a = Int16Array.from({ length: 12 }, (_, i) => (i % 4) + 10 * Math.floor(i / 4));
  const c = cropOrPad(a, [4, 3], [2, 1]);
  assert.deepEqual([...c], [11, 12]); // x 1..2, y 1
  const p = cropOrPad(a, [4, 3], [5, 4], { padValue: -1 });
  // x offset 0 with 1 pad after (⌊1/2⌋ = 0 before); y: 0 before, 1 after
  assert.deepEqual(centreOffset([4, 3], [5, 4]), [-0, -0]);
  assert.deepEqual([...p.slice(0, 5)], [0, 1, 2, 3, -1]);
  assert.deepEqual([...p.slice(15, 20)], [-1, -1, -1, -1, -1]);
  const q = cropOrPad(a, [4, 3], [6, 3], { padValue: 9 });
  assert.deepEqual([...q.slice(0, 6)], [9, 0, 1, 2, 3, 9]);
});

Deno.test("cropOrPad: explicit offset partly outside, round trip crop∘pad is the identity", () => {
  const a = Float32Array.from({ length: 5 * 4 * 3 }, (_, i) => i + 1);
  const padded = cropOrPad(a, [5, 4, 3], [9, 6, 7], { offset: [-2, -1, -3] });
  const back = cropOrPad(padded, [9, 6, 7], [5, 4, 3], { offset: [2, 1, 3] });
  assert.deepEqual(back, a);
  const edge = cropOrPad(Uint8Array.of(1, 2, 3), [3], [3], { offset: [2] });
  assert.deepEqual([...edge], [3, 0, 0]);
  const none = cropOrPad(Uint8Array.of(1, 2, 3), [3], [2], { offset: [5] });
  assert.deepEqual([...none], [0, 0]);
  assert.throws(() => cropOrPad(a, [5, 4], [1, 1]), VolumeError);
});

Deno.test("boundingBox: non-zero, threshold, margin clipped, empty → null", () => {
  const shape = [5, 4, 3];
  const a = new Uint8Array(60);
  a[1 + 5 * (2 + 4 * 1)] = 2; // (1,2,1)
  a[3 + 5 * (2 + 4 * 2)] = 1; // (3,2,2)
  assert.deepEqual(boundingBox(a, shape), { start: [1, 2, 1], end: [4, 3, 3] });
  assert.deepEqual(boundingBox(a, shape, { threshold: 1 }), { start: [1, 2, 1], end: [2, 3, 2] });
  assert.deepEqual(boundingBox(a, shape, { margin: [1, 5, 0] }), {
    start: [0, 0, 1],
    end: [5, 4, 3],
  });
  assert.equal(boundingBox(new Uint8Array(60), shape), null);
});

Deno.test("cropVolume: box crop keeps world positions; 4D keeps the last axis", () => {
  const v = {
    data: Float32Array.from({ length: 3 * 3 * 2 * 2 }, (_, i) => i),
    shape: [3, 3, 2, 2],
    spacing: [1, 2, 3, 1],
    affine: [[1, 0, 0, 5], [0, 2, 0, 6], [0, 0, 3, 7], [0, 0, 0, 1]],
  };
  const c = cropVolume(v, { start: [1, 1, 1], end: [3, 2, 2] });
  assert.deepEqual(c.shape, [2, 1, 1, 2]);
  // voxel (0,0,0,t) of the crop = (1,1,1,t) of the input
  assert.deepEqual([...c.data], [1 + 3 + 9, 2 + 3 + 9, 13 + 18, 14 + 18]);
  assert.deepEqual(c.affine.map((r) => r[3]), [6, 8, 10, 1]);
  const padded = cropVolume(v, { target: [5, 3, 2] });
  assert.deepEqual(padded.affine[0][3], 4);
});
