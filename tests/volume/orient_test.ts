import assert from "node:assert/strict";
import { axisCodes, permuteFlip, reorient, type Volume } from "../../lib/volume/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

function world(v: Volume, i: number, j: number, k: number): number[] {
  return [0, 1, 2].map((r) =>
    v.affine[r][0] * i + v.affine[r][1] * j + v.affine[r][2] * k + v.affine[r][3]
  );
}

function sample(): Volume {
  // LPS-like, permuted: voxel axes point to (P, I, L)
  const shape = [4, 3, 2];
  return {
    data: Int16Array.from({ length: 24 }, (_, i) => i * 3 - 7),
    shape,
    spacing: [0.5, 2, 1.5],
    affine: [[0, 0, -1.5, 20], [-0.5, 0, 0, 10], [0, -2, 0, -3], [0, 0, 0, 1]],
  };
}

Deno.test("axisCodes on hand-made affines", () => {
  assert.equal(axisCodes(sample().affine), "PIL");
  assert.equal(axisCodes([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), "RAS");
  assert.equal(axisCodes([[-0.9, 0.1, 0, 0], [0.1, -1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]]), "LPS");
});

Deno.test("reorient: RAS/LPS preserve every voxel's world position; there and back is identity", () => {
  const v = sample();
  for (const target of ["RAS", "LPS", "SAR"]) {
    const r = reorient(v, target);
    assert.equal(axisCodes(r.affine), target);
    // every voxel value sits at the same world coordinate
    const pos = new Map<string, number>();
    for (let k = 0; k < v.shape[2]; k++) {
      for (let j = 0; j < v.shape[1]; j++) {
        for (let i = 0; i < v.shape[0]; i++) {
          pos.set(world(v, i, j, k).join(), v.data[i + 4 * (j + 3 * k)]);
        }
      }
    }
    const [a, b] = r.shape;
    for (let q = 0; q < r.data.length; q++) {
      const i = q % a, j = Math.floor(q / a) % b, k = Math.floor(q / (a * b));
      assert.equal(pos.get(world(r, i, j, k).join()), r.data[q]);
    }
    const back = reorient(r, "PIL");
    assert.deepEqual(back.data, v.data);
    assert.deepEqual(back.shape, v.shape);
    assert.deepEqual(back.spacing, v.spacing);
    assert.deepEqual(back.affine, v.affine);
  }
  assert.deepEqual(reorient(v, "RAS").spacing, [1.5, 0.5, 2]);
});

Deno.test("permuteFlip keeps a 4th axis and flips", () => {
  const r = permuteFlip(Uint8Array.of(1, 2, 3, 4), [2, 1, 1, 2], [0, 1, 2], [true, false, false]);
  assert.deepEqual([...r.data], [2, 1, 4, 3]);
});

Deno.test("reorient matches nibabel as_closest_canonical (data and affine)", async () => {
  const py = refPython(["nibabel", "numpy"]);
  if (!py) return;
  const v = sample();
  const ref = await runPythonJson<{ data: number[]; affine: number[][]; codes: string }>(
    py,
    `
import sys, json, numpy as np, nibabel as nib
inp = json.load(sys.stdin)
a = np.array(inp['data'], dtype=np.int16).reshape(inp['shape'], order='F')
img = nib.as_closest_canonical(nib.Nifti1Image(a, np.array(inp['affine'])))
print(json.dumps({'data': np.asarray(img.dataobj).flatten(order='F').tolist(),
  'affine': img.affine.tolist(), 'codes': ''.join(nib.aff2axcodes(np.array(inp['affine'])))}))
`,
    { data: [...v.data], shape: v.shape, affine: v.affine },
  );
  const r = reorient(v, "RAS");
  assert.equal(axisCodes(v.affine), ref.codes);
  assert.deepEqual([...r.data], ref.data);
  assert.deepEqual(r.affine, ref.affine);
});
