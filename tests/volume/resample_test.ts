import assert from "node:assert/strict";
import {
  resampleToSpacing,
  resize,
  resizeVolume,
  VolumeError,
  zoomShape,
} from "../../lib/volume/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

const eye = () => [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

Deno.test("resize: hand-computed linear and nearest under each alignment", () => {
  // corners: x = o·(n−1)/(m−1) = 0, 0.5, 1, 1.5, 2
  assert.deepEqual([...resize([0, 10, 20], [3], [5], { order: 1 })], [0, 5, 10, 15, 20]);
  // half-pixel: x = (o+.5)·3/6 − .5 = −.25→0, .25, .75, 1.25, 1.75, 2.25→2
  assert.deepEqual(
    [...resize([0, 10, 20], [3], [6], { order: 1, align: "half_pixel" })],
    [0, 2.5, 7.5, 12.5, 17.5, 20],
  );
  // asymmetric nearest: ⌊o·3/6⌋
  assert.deepEqual(
    [...resize(Uint8Array.of(1, 2, 3), [3], [6], { order: 0, align: "asymmetric" })],
    [1, 1, 2, 2, 3, 3],
  );
  // corners nearest rounds half up: x = 0, .5, 1, 1.5, 2 → 0, 1, 1, 2, 2
  const n = resize(Int16Array.of(7, 8, 9), [3], [5], { order: 0 });
  assert.ok(n instanceof Int16Array);
  assert.deepEqual([...n], [7, 8, 8, 9, 9]);
  // 2D bilinear: separable product
  const r = resize([0, 1, 2, 3], [2, 2], [3, 3], { order: 1 });
  assert.deepEqual([...r], [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
  assert.throws(() => resize([1, 2], [2], [3], { order: 3, align: "half_pixel" }), VolumeError);
  assert.throws(() => resize([1, 2], [3], [3]), VolumeError);
});

Deno.test("resize: cubic B-spline keeps constants and is the identity at equal shapes", () => {
  const c = resize(new Float64Array(6).fill(4), [6], [11], { order: 3, dtype: "float64" });
  for (const v of c) assert.ok(Math.abs(v - 4) < 1e-12);
  // identity when shapes match
  const x = Float64Array.of(1, 5, 2, 8);
  assert.deepEqual([...resize(x, [4], [4], { order: 3, dtype: "float64" })], [...x]);
});

Deno.test("zoomShape follows Python round() (half to even)", () => {
  assert.deepEqual(zoomShape([5, 3, 7], [0.5, 0.5, 1.5]), [2, 2, 10]);
});

Deno.test("resizeVolume / resampleToSpacing keep world coordinates of sampled points", () => {
  const v = {
    data: Float32Array.from({ length: 4 * 3 * 2 }, (_, i) => i),
    shape: [4, 3, 2],
    spacing: [2, 1, 3],
    affine: [[2, 0, 0, 10], [0, 1, 0, -5], [0, 0, 3, 1], [0, 0, 0, 1]],
  };
  const c = resizeVolume(v, [7, 3, 2], { align: "corners" });
  // corners: out voxel 6 ↔ in voxel 3 → world x = 10 + 2·3 = 16
  assert.equal(c.affine[0][0] * 6 + c.affine[0][3], 16);
  assert.equal(c.spacing[0], 1);
  const h = resampleToSpacing(v, [1, 1, 1.5]);
  assert.deepEqual(h.shape, [8, 3, 4]);
  // half-pixel: out voxel o ↔ in (o+.5)/2 − .5 → world x = 10 + 2·((o+.5)/2 − .5)
  for (const o of [0, 3, 7]) {
    const w = h.affine[0][0] * o + h.affine[0][3];
    assert.ok(Math.abs(w - (10 + 2 * ((o + 0.5) / 2 - 0.5))) < 1e-12);
  }
  assert.deepEqual(h.spacing, [1, 1, 1.5]);
  const lab = resampleToSpacing({ ...v, data: new Uint8Array(24), affine: eye() }, [1, 1, 1], {
    order: 0,
  });
  assert.ok(lab.data instanceof Uint8Array);
});

Deno.test("resize matches scipy.ndimage.zoom (orders 0, 1, 3) and torch-style half-pixel linear", async () => {
  const py = refPython(["scipy", "numpy"]);
  if (!py) return;
  const shape = [7, 5, 4];
  const data = Array.from({ length: 140 }, (_, i) => Math.sin(i * 1.3) * 100 + i);
  const cases: [number[], number][] = [
    [[13, 3, 9], 0],
    [[13, 3, 9], 1],
    [[13, 3, 9], 3],
    [
      [3, 11, 2],
      3,
    ],
    [[4, 5, 1], 1],
    [[14, 10, 8], 0],
  ];
  const script = `
import sys, json, numpy as np
from scipy import ndimage
inp = json.load(sys.stdin)
a = np.array(inp['data']).reshape(inp['shape'], order='F')
res = []
for out, order in inp['cases']:
    f = [o / s for o, s in zip(out, inp['shape'])]
    z = ndimage.zoom(a, f, order=order)
    res.append({'shape': list(z.shape), 'data': z.flatten(order='F').tolist()})
# half-pixel linear == zoom(grid_mode=True, mode='nearest') (edge replicate)
z = ndimage.zoom(a, [2, 1.4, 0.5], order=1, grid_mode=True, mode='nearest')
res.append({'shape': list(z.shape), 'data': z.flatten(order='F').tolist()})
print(json.dumps(res))
`;
  const ref = await runPythonJson<{ shape: number[]; data: number[] }[]>(py, script, {
    data,
    shape,
    cases,
  });
  const all: [number[], number, "corners" | "half_pixel"][] = [
    ...cases.map(([s, o]) => [s, o, "corners"] as [number[], number, "corners"]),
    [[14, 7, 2], 1, "half_pixel"],
  ];
  all.forEach(([out, order, align], k) => {
    assert.deepEqual(ref[k].shape, out);
    const r = resize(Float64Array.from(data), shape, out, {
      order: order as 0 | 1 | 3,
      align,
      dtype: "float64",
    });
    let md = 0;
    for (let i = 0; i < r.length; i++) md = Math.max(md, Math.abs(r[i] - ref[k].data[i]));
    assert.ok(md < 1e-9, `case ${k} (order ${order}, ${align}): max diff ${md}`);
  });
});
