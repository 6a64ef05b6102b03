import assert from "node:assert/strict";
import {
  asd,
  assd,
  BRATS_EMPTY,
  EmptyMaskError,
  hausdorff,
  hd95,
  SYNAPSE_LEGACY_EMPTY,
} from "../../lib/metrics/surface.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";
import { b64, blobPair } from "./_blobs.ts";

const script = await Deno.readTextFile(
  new URL("../../scripts/reference/metrics_surface.py", import.meta.url),
);

type Ref = {
  hd95_medpy: number;
  hd95_monai: number;
  assd_medpy: number;
  assd_monai: number;
  asd: number;
  hausdorff: number;
};

function close(a: number, b: number, rel: number, msg: string) {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${msg}: ${a} vs ${b}`);
}

Deno.test("surface metrics equal the scipy EDT reference on random anisotropic 3D blobs", async () => {
  const py = refPython(["scipy", "numpy"]);
  if (!py) return;
  const shapes: [number, number, number][] = [
    [40, 33, 18],
    [25, 47, 12],
    [31, 31, 31],
    [64, 20, 7],
  ];
  const spacings = [[0.8, 1.3, 2.5], [1, 1, 1], [0.5, 0.7, 3], [2, 0.9, 1.1]];
  const cases = [];
  for (let i = 0; i < 12; i++) {
    const shape = shapes[i % shapes.length];
    const { pred, truth } = blobPair(shape, 100 + i, { specks: i % 3 });
    cases.push({ pred, truth, shape, spacing: spacings[i % spacings.length] });
  }
  const ref = await runPythonJson<{ results: Ref[] }>(py, script, {
    cases: cases.map((c) => ({ ...c, pred: b64(c.pred), truth: b64(c.truth) })),
  });
  cases.forEach((c, i) => {
    const r = ref.results[i];
    const args = [c.pred, c.truth, c.shape, c.spacing] as const;
    close(hd95(...args), r.hd95_medpy, 1e-6, `case ${i} hd95 medpy`);
    close(hd95(...args, { convention: "monai" }), r.hd95_monai, 1e-6, `case ${i} hd95 monai`);
    close(assd(...args), r.assd_medpy, 1e-6, `case ${i} assd medpy`);
    close(assd(...args, { convention: "monai" }), r.assd_monai, 1e-6, `case ${i} assd monai`);
    close(asd(...args), r.asd, 1e-6, `case ${i} asd`);
    close(hausdorff(...args), r.hausdorff, 1e-6, `case ${i} hausdorff`);
  });
  // the suite must exercise a difference between the conventions
  assert.ok(cases.some((_c, i) => ref.results[i].hd95_medpy !== ref.results[i].hd95_monai));
});

Deno.test("surface metrics in 2D and C order match the 3D F-order answer", () => {
  // 2D row-major [h=3, w=5]: row 0 has truth, row 2 has prediction, spacing [h 2, w 1]
  const truth = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const pred = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  assert.equal(hd95(pred, truth, [3, 5], [2, 1], { order: "C" }), 4);
  assert.equal(hd95(pred, truth, [5, 3], [1, 2]), 4);
  assert.equal(assd(pred, truth, [5, 3], [1, 2]), 4);
});

Deno.test("surface metrics: empty masks per convention and preset", () => {
  const e = [0, 0, 0, 0], m = [0, 1, 1, 0];
  assert.throws(() => hd95(m, e, [4]), EmptyMaskError);
  assert.throws(() => assd(e, e, [4]), EmptyMaskError);
  assert.ok(Number.isNaN(hd95(e, e, [4], undefined, { convention: "monai" })));
  assert.ok(Number.isNaN(hd95(m, e, [4], undefined, { convention: "monai" })));
  assert.equal(assd(m, e, [4], undefined, { convention: "monai" }), Infinity);
  assert.ok(Number.isNaN(assd(e, e, [4], undefined, { convention: "monai" })));
  assert.equal(asd(e, m, [4], undefined, { convention: "monai" }), Infinity);
  assert.equal(hd95(e, e, [4], undefined, { empty: BRATS_EMPTY }), 0);
  assert.equal(hd95(e, m, [4], undefined, { empty: BRATS_EMPTY }), 373.13);
  assert.equal(hd95(m, e, [4], undefined, { empty: BRATS_EMPTY, convention: "monai" }), 373.13);
  assert.equal(hd95(m, e, [4], undefined, { empty: SYNAPSE_LEGACY_EMPTY }), 0);
});

Deno.test("surface metrics: hand-computed values", () => {
  // cube 3x3x3 inside 5x5x5: every voxel but the centre is on the surface
  const X = 5;
  const cube = new Uint8Array(125);
  for (let z = 1; z < 4; z++) {
    for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) cube[x + X * (y + X * z)] = 1;
  }
  assert.equal(hd95(cube, cube, [5, 5, 5]), 0);
  // shift by one voxel along x with spacing 0.5 on x
  const shifted = new Uint8Array(125);
  for (let i = 0; i < 124; i++) shifted[i + 1] = cube[i];
  assert.equal(hausdorff(cube, shifted, [5, 5, 5], [0.5, 1, 1]), 0.5);
  assert.throws(() => hd95(cube, shifted, [5, 5, 4]), /holds 100 voxels/);
  assert.throws(() => hd95(cube, shifted, [5, 5, 5], [1, 1]), /spacing has 2 values/);
});
