import assert from "node:assert/strict";
import { meanStd, minMax, VolumeError, windowHU, zScore } from "../../lib/volume/mod.ts";

Deno.test("windowHU: clip and each rescale, hand-computed", () => {
  const x = [-1000, -125, 75, 275, 3000];
  assert.deepEqual([...windowHU(x, -125, 275)], [-125, -125, 75, 275, 275]);
  assert.deepEqual([...windowHU(x, -125, 275, { scale: "unit" })], [0, 0, 0.5, 1, 1]);
  assert.deepEqual([...windowHU(x, -125, 275, { scale: "symmetric" })], [-1, -1, 0, 1, 1]);
  assert.deepEqual([...windowHU(x, -125, 275, { scale: "byte" })], [0, 0, 127.5, 255, 255]);
  // HLFD KiTS window: 2*(x+200)/500 - 1 in float64, then float32
  assert.equal(windowHU([0], -200, 300, { scale: "symmetric" })[0], Math.fround(2 * 200 / 500 - 1));
  assert.throws(() => windowHU(x, 1, 1), VolumeError);
});

Deno.test("minMax: full, range, non-zero only, constant input", () => {
  assert.deepEqual([...minMax([1, 3, 5], { range: [0, 255] })], [0, 127.5, 255]);
  assert.deepEqual([...minMax([0, 2, 4, 6], { nonZero: true })], [0, 0, 0.5, 1]);
  assert.deepEqual([...minMax([7, 7])], [0, 0]);
});

Deno.test("zScore: population std, non-zero mask, background value, constant → zeros", () => {
  // mean 2.5, population std sqrt(1.25)
  const z = zScore([1, 2, 3, 4]);
  const s = Math.sqrt(1.25);
  [-1.5, -0.5, 0.5, 1.5].forEach((v, i) => assert.ok(Math.abs(z[i] - v / s) < 1e-6));
  const nz = zScore([0, 1, 3, 0], { nonZero: true });
  assert.deepEqual([...nz], [0, -1, 1, 0]);
  const bg = zScore([9, 1, 3, 9], { background: 9 });
  assert.deepEqual([...bg], [0, -1, 1, 0]);
  assert.deepEqual([...zScore([5, 5, 5])], [0, 0, 0]);
  const ms = meanStd(Int16Array.of(0, 2, 4), { nonZero: true });
  assert.deepEqual(ms, { mean: 3, std: 1, count: 2 });
});
