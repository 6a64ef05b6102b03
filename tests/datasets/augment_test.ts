import assert from "node:assert/strict";
import { createRng } from "../../lib/random/mod.ts";
import {
  affine3d,
  bratsAugment,
  centerCrop,
  flip,
  gaussianFilter,
  type Nd,
  randomAffineTorchio,
  randomCrop,
  randomFlipRot90,
  randomResizedCrop,
  randomRotFlip,
  resize,
  resizedCropParams,
  rot90,
  rotate2d,
  sampleTrilinear,
  spatialTransform3d,
  tenCrop,
  transpose,
} from "../../lib/datasets/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

function ramp(shape: number[]): Nd {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: new Float32Array(n).map((_, i) => i), shape };
}

/** A label with ids 0..4 and an image derived from it (id·10 + 3), to check alignment. */
function labelAndImage(h: number, w: number, seed: number): { image: Nd; label: Nd } {
  const r = createRng(seed);
  const lab = new Float32Array(h * w).map(() => r.int(0, 5));
  return {
    label: { data: lab, shape: [h, w, 1] },
    image: { data: lab.map((v) => v * 10 + 3), shape: [h, w, 1] },
  };
}

Deno.test("flip twice and rot90 four times are the identity; rot90 matches numpy", () => {
  const a = ramp([3, 4, 2]);
  assert.deepEqual(flip(flip(a, [0, 1]), [1, 0]).data, a.data);
  let r = a;
  for (let i = 0; i < 4; i++) r = rot90(r, 1);
  assert.deepEqual(r.data, a.data);
  assert.deepEqual(r.shape, a.shape);
  // numpy: np.rot90(np.arange(6).reshape(2,3)) == [[2,5],[1,4],[0,3]]
  const m = rot90(ramp([2, 3]), 1);
  assert.deepEqual(Array.from(m.data), [2, 5, 1, 4, 0, 3]);
  assert.deepEqual(m.shape, [3, 2]);
  // k = 3 equals three single steps; k = -1 equals k = 3
  assert.deepEqual(rot90(a, 3).data, rot90(rot90(rot90(a, 1), 1), 1).data);
  assert.deepEqual(rot90(a, -1).data, rot90(a, 3).data);
  assert.deepEqual(transpose(transpose(a, [2, 0, 1]), [1, 2, 0]).data, a.data);
});

Deno.test("rotate2d by 90° (nearest) equals rot90; 4 × 90° bilinear is the identity", () => {
  const a = ramp([5, 5, 1]);
  assert.deepEqual(rotate2d(a, 90, { interp: "nearest" }).data, rot90(a, 1).data);
  let r = a;
  for (let i = 0; i < 4; i++) r = rotate2d(r, 90, { interp: "linear" });
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(r.data[i] - a.data[i]) < 1e-3);
  // a 45° rotation fills the corners with the border value
  const z = rotate2d({ data: new Float32Array(81).fill(1), shape: [9, 9, 1] }, 45, { fill: 0 });
  assert.equal(z.data[0], 0);
  assert.equal(z.data[40], 1);
});

Deno.test("HLFD flip+rot90 keeps image and label aligned and label values intact", () => {
  for (let s = 0; s < 20; s++) {
    const p = labelAndImage(6, 6, s);
    const out = randomFlipRot90(p, createRng(s));
    assert.deepEqual(out.image.data, out.label.data.map((v) => v * 10 + 3));
    assert.deepEqual([...out.label.data].sort(), [...p.label.data].sort());
  }
  // same seed → same output; different seeds give several distinct results
  const p = labelAndImage(6, 6, 0);
  assert.deepEqual(randomFlipRot90(p, createRng(7)), randomFlipRot90(p, createRng(7)));
  const distinct = new Set(
    Array.from({ length: 30 }, (_, s) => randomFlipRot90(p, createRng(s)).image.data.join()),
  );
  assert.ok(distinct.size >= 6, `only ${distinct.size} distinct transforms`);
});

Deno.test("Synapse RandomRotFlip: nearest keeps ids, bilinear makes in-between ids, ~50/25/25", () => {
  let rotated = 0, flipped = 0, untouched = 0;
  const p = labelAndImage(12, 12, 3);
  const ids = new Set(p.label.data);
  for (let s = 0; s < 400; s++) {
    const near = randomRotFlip(p, createRng(s), { labelInterp: "nearest" });
    for (const v of near.label.data) assert.ok(ids.has(v) || v === 0);
    const lin = randomRotFlip(p, createRng(s));
    for (const v of lin.label.data) assert.ok(Number.isInteger(v) && v >= 0 && v <= 4);
    if (lin.image.data.join() === p.image.data.join()) untouched++;
    else if (lin.image.data.some((v) => v === 0 || !Number.isInteger((v - 3) / 10))) rotated++;
    else {
      flipped++;
      assert.deepEqual(lin.image.data, lin.label.data.map((v) => v * 10 + 3));
    }
  }
  assert.ok(rotated > 160 && rotated < 240, `rotated ${rotated}`);
  assert.ok(flipped > 70 && flipped < 130, `flipped ${flipped}`);
  assert.ok(untouched > 70 && untouched < 130, `untouched ${untouched}`);
});

Deno.test("random and centre crops: same window for image and label, offsets cover the range", () => {
  const p = labelAndImage(10, 10, 5);
  const starts = new Set<string>();
  for (let s = 0; s < 200; s++) {
    const { arrays: [im, lb], start } = randomCrop([p.image, p.label], [8, 7], createRng(s));
    assert.deepEqual(im.data, lb.data.map((v) => v * 10 + 3));
    starts.add(start.join());
  }
  assert.equal(starts.size, 3 * 4); // offsets 0..2 × 0..3
  const c = centerCrop(ramp([20, 20, 20]), [16, 16, 16]);
  assert.equal(c.data[0], 2 * 400 + 2 * 20 + 2); // offsets (2, 2, 2), spec 01 §9.1
});

Deno.test("resize: half-pixel bilinear, PIL antialias on 2× downscale, nearest floor rule", () => {
  const up = resize({ data: Float32Array.from([0, 10]), shape: [2, 1] }, [4], "linear");
  assert.deepEqual(Array.from(up.data), [0, 2.5, 7.5, 10]);
  // PIL bilinear 4→2: triangle of width 2 → weights (1/8, 3/8, 3/8, 1/8) normalised over [0, 3)
  const dn = resize({ data: Float32Array.from([0, 8, 16, 24]), shape: [4, 1] }, [2], "linear", {
    antialias: true,
  });
  assert.ok(Math.abs(dn.data[0] - (0 * 3 + 8 * 3 + 16 * 1) / 7) < 1e-5, `${dn.data[0]}`);
  const nn = resize({ data: Float32Array.from([1, 2, 3]), shape: [3, 1] }, [6], "nearest");
  assert.deepEqual(Array.from(nn.data), [1, 1, 2, 2, 3, 3]);
});

Deno.test("RandomResizedCrop params stay in bounds; fallback is the centre crop; ten-crop order", () => {
  const r = createRng(0);
  for (let i = 0; i < 500; i++) {
    const [t, l, h, w] = resizedCropParams(32, 32, r);
    assert.ok(t >= 0 && l >= 0 && t + h <= 32 && l + w <= 32 && h > 0 && w > 0);
  }
  // impossible area (> 1) → fallback = whole image (ratio 1 within [3/4, 4/3])
  assert.deepEqual(resizedCropParams(32, 32, createRng(1), [2, 3]), [0, 0, 32, 32]);
  const y = randomResizedCrop(ramp([32, 32, 1]), [28, 28], createRng(2), { quantize: false });
  assert.deepEqual(y.shape, [28, 28, 1]);
  const crops = tenCrop(ramp([4, 4, 1]), [2, 2]);
  assert.deepEqual(crops.map((c) => c.data[0]), [0, 2, 8, 10, 5, 3, 1, 11, 9, 6]);
});

Deno.test("affine3d identity, 90° rotation permutes the grid, torchio draw pads with the minimum", () => {
  const a = ramp([3, 3, 3, 1]);
  const id = affine3d(a, { scales: [1, 1, 1], anglesDeg: [0, 0, 0] });
  for (let i = 0; i < 27; i++) assert.ok(Math.abs(id.data[i] - a.data[i]) < 1e-4);
  const rz = affine3d(a, { scales: [1, 1, 1], anglesDeg: [0, 0, 90] });
  assert.deepEqual(
    [...rz.data].map((v) => Math.round(v)).sort((x, y) => x - y),
    [...a.data].sort((x, y) => x - y),
  );
  const b = { data: new Float32Array(8 * 8 * 8 * 2).fill(5), shape: [8, 8, 8, 2] };
  b.data[0] = -2;
  const out = randomAffineTorchio(b, createRng(4));
  for (const v of out.data) assert.ok(v >= -2 - 1e-5 && v <= 5 + 1e-5);
});

Deno.test("gaussianFilter matches scipy.ndimage values (reflect and constant)", () => {
  // scipy.ndimage.gaussian_filter([0,0,1,0,0], 1.0) (mode reflect, truncate 4)
  const out = gaussianFilter(Float32Array.from([0, 0, 1, 0, 0]), [5], 1.0, "reflect");
  const ref = [0.05842299, 0.24210528, 0.39894347, 0.24210528, 0.05842299];
  out.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-6, `${i}: ${v}`));
  const c = gaussianFilter(Float32Array.from([0, 0, 1, 0, 0]), [5], 1.0, "constant");
  [0.05399113, 0.24197145, 0.39894347, 0.24197145, 0.05399113].forEach((v, i) =>
    assert.ok(Math.abs(c[i] - v) < 1e-6, `constant ${i}`)
  );
  // 2D (both axes): scipy.ndimage.gaussian_filter(np.arange(12.).reshape(3, 4)**2, 0.8, mode=…)
  const sq = Float32Array.from({ length: 12 }, (_, i) => i * i);
  const refl = [6.50685, 9.496104, 14.617919, 19.426597, 26.720628, 33.802927, 44.301507, 53.20323];
  const cons = [
    4.622987,
    8.367905,
    12.303121,
    12.14825,
    19.323536,
    31.416101,
    40.763917,
    37.199245,
  ];
  const r2 = gaussianFilter(sq, [3, 4], 0.8, "reflect"),
    c2 = gaussianFilter(sq, [3, 4], 0.8, "constant");
  refl.forEach((v, i) => assert.ok(Math.abs(r2[i] - v) < 1e-4, `reflect 2D ${i}`));
  cons.forEach((v, i) => assert.ok(Math.abs(c2[i] - v) < 1e-4, `constant 2D ${i}`));
});

Deno.test("spatialTransform3d: labels stay binary and follow the image; same seed same output", () => {
  const n = 12;
  const lab = new Float32Array(n * n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        lab[(i * n + j) * n + k] = (i - 6) ** 2 + (j - 5) ** 2 + (k - 6) ** 2 < 12 ? 1 : 0;
      }
    }
  }
  const image = { data: lab.map((v) => v * 100), shape: [n, n, n, 1] };
  const label = { data: lab, shape: [n, n, n, 1] };
  let firedCount = 0;
  for (let s = 0; s < 10; s++) {
    const o = spatialTransform3d(image, label, createRng(s), {
      pElastic: 0.5,
      pRotation: 0.5,
      pScale: 0.5,
      alpha: [0, 50],
    });
    if (o.fired) firedCount++;
    for (let i = 0; i < o.label.data.length; i++) {
      assert.ok(o.label.data[i] === 0 || o.label.data[i] === 1);
      // indicator ≥ 0.5 ⇔ interpolated image ≥ 50 (same sampler, same coordinates)
      assert.equal(o.label.data[i], o.image.data[i] >= 50 - 1e-3 ? 1 : 0);
    }
    const again = spatialTransform3d(image, label, createRng(s), {
      pElastic: 0.5,
      pRotation: 0.5,
      pScale: 0.5,
      alpha: [0, 50],
    });
    assert.deepEqual(again.image.data, o.image.data);
  }
  assert.ok(firedCount >= 5);
});

Deno.test("bratsAugment: mirror keeps alignment, gamma keeps std, reproducible", () => {
  const n = 6;
  const r = createRng(9);
  const lab = new Float32Array(n * n * n * 3).map(() => (r.bernoulli(0.3) ? 1 : 0));
  const img = new Float32Array(n * n * n * 3);
  for (let i = 0; i < img.length; i++) img[i] = lab[i] * 2 + 1;
  const s = {
    image: { data: img, shape: [n, n, n, 3] },
    label: { data: lab, shape: [n, n, n, 3] },
  };
  for (let k = 0; k < 20; k++) {
    const o = bratsAugment(s, createRng(k), {
      spatial: false,
      noise: false,
      blur: false,
      brightnessMul: false,
      brightnessAdd: false,
      contrast: false,
      lowRes: false,
      gamma: false,
    });
    assert.deepEqual(o.image.data, o.label.data.map((v) => v * 2 + 1));
  }
  // gamma alone (p 0.15 per sample): when it fires, each channel keeps its std (the original
  // re-centres on the old mean and then rescales, so the mean itself drifts — replicated)
  const only = { spatial: false, noise: false, blur: false, brightnessMul: false } as const;
  const gammaOnly = {
    ...only,
    brightnessAdd: false,
    contrast: false,
    lowRes: false,
    mirror: false,
  };
  let fired = 0;
  const ramped = {
    image: { data: img.map((v, i) => v + (i % 7)), shape: s.image.shape },
    label: s.label,
  };
  const stats = (d: Float32Array, c: number) => {
    const x = d.filter((_, i) => i % 3 === c);
    const m = x.reduce((p, q) => p + q, 0) / x.length;
    return [m, Math.sqrt(x.reduce((p, q) => p + (q - m) ** 2, 0) / x.length)];
  };
  for (let k = 0; k < 60; k++) {
    const o = bratsAugment(ramped, createRng(k), gammaOnly);
    if (o.image.data.join() === ramped.image.data.join()) continue;
    fired++;
    for (let c = 0; c < 3; c++) {
      const [m0, s0] = stats(ramped.image.data, c), [m1, s1] = stats(o.image.data, c);
      assert.ok(Math.abs(s1 - s0) < 1e-3 && m1 !== m0, `${m0} ${m1} ${s0} ${s1}`);
    }
  }
  assert.ok(fired >= 3 && fired <= 20, `gamma fired ${fired}/60`);
  const a = bratsAugment(s, createRng(5));
  const b = bratsAugment(s, createRng(5));
  assert.deepEqual(a.image.data, b.image.data);
  assert.deepEqual(a.label.data, b.label.data);
  for (const v of a.label.data) assert.ok(v === 0 || v === 1);
});

Deno.test("3D resize and 2D rotation match torch (F.interpolate, affine_grid + grid_sample)", async () => {
  const py = refPython(["torch"]);
  if (!py) return;
  const r = createRng(3);
  const src = new Float32Array(5 * 6 * 4).map(() => r.uniform(-1, 1));
  const img = new Float32Array(81).map(() => r.uniform(0, 1));
  const ref = await runPythonJson<{ lin: number[]; nn: number[]; rot: number[] }>(
    py,
    `
import json, sys, torch
import torch.nn.functional as F
d = json.load(sys.stdin)
x = torch.tensor(d["x"], dtype=torch.float64).reshape(1, 1, 5, 6, 4)
lin = F.interpolate(x, size=(8, 4, 7), mode="trilinear", align_corners=False)
nn = F.interpolate(x, size=(8, 4, 7), mode="nearest")
# rotation by 17° about the centre of a 9×9 image, bilinear, zeros outside (as cv2 BORDER_CONSTANT)
import math
t = math.radians(17)
theta = torch.tensor([[[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0]]], dtype=torch.float64)
img = torch.tensor(d["img"], dtype=torch.float64).reshape(1, 1, 9, 9)
grid = F.affine_grid(theta, (1, 1, 9, 9), align_corners=True)
rot = F.grid_sample(img, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
print(json.dumps({"lin": lin.flatten().tolist(), "nn": nn.flatten().tolist(), "rot": rot.flatten().tolist()}))
`,
    { x: Array.from(src), img: Array.from(img) },
  );
  const a = { data: src, shape: [5, 6, 4, 1] };
  const lin = resize(a, [8, 4, 7], "linear");
  const nn = resize(a, [8, 4, 7], "nearest");
  lin.data.forEach((v, i) => assert.ok(Math.abs(v - ref.lin[i]) < 1e-5, `linear ${i}`));
  nn.data.forEach((v, i) => assert.ok(Math.abs(v - ref.nn[i]) < 1e-6, `nearest ${i}`));
  // rotate2d (OpenCV convention) = torch affine_grid/grid_sample with the same centre rotation
  const rot = rotate2d({ data: img, shape: [9, 9, 1] }, 17, { interp: "linear", fill: 0 });
  rot.data.forEach((v, i) =>
    assert.ok(Math.abs(v - ref.rot[i]) < 1e-5, `rotate ${i}: ${v} ${ref.rot[i]}`)
  );
});

Deno.test("sampleTrilinear matches scipy map_coordinates(order=1, mode='constant') inside and out", async () => {
  const py = refPython(["scipy"]);
  if (!py) return;
  const r = createRng(8);
  const shape = [4, 5, 3];
  const vol = new Float32Array(60).map(() => r.uniform(-1, 1));
  const n = 200;
  const coords = new Float64Array(3 * n).map((_, i) => r.uniform(-0.7, shape[i % 3] - 0.3));
  const ref = await runPythonJson<number[]>(
    py,
    `
import json, sys, numpy as np
from scipy.ndimage import map_coordinates
d = json.load(sys.stdin)
v = np.array(d["v"], dtype=np.float64).reshape(4, 5, 3)
c = np.array(d["c"], dtype=np.float64).reshape(-1, 3).T
print(json.dumps(map_coordinates(v, c, order=1, mode="constant", cval=0.0).tolist()))
`,
    { v: Array.from(vol), c: Array.from(coords) },
  );
  const ours = sampleTrilinear({ data: vol, shape: [...shape, 1] }, coords, [n, 1, 1], 0, "scipy");
  let outside = 0;
  ref.forEach((v, i) => {
    if (v === 0) outside++;
    assert.ok(Math.abs(ours.data[i] - v) < 1e-5, `${i}: ${ours.data[i]} vs ${v}`);
  });
  assert.ok(outside > 10, "the sample should include points outside the volume");
});
