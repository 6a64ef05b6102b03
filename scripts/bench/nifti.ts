/**
 * Benchmark: read a 512×512×100 int16 `.nii.gz` (a CT-like phantom, gzip level 1) with medkd's
 * `readNifti` and with nibabel (`np.asanyarray(nib.load(f).dataobj)`) in the same run; also
 * times the bare gunzip on both sides (node:zlib vs Python's zlib) to show where time goes.
 *
 * Run: `deno run -A scripts/bench/nifti.ts` (needs /usr/bin/python3 with nibabel). Times are
 * medians of `repeat` runs; ratio = medkd / nibabel (below 1: medkd faster).
 */
import zlib from "node:zlib";
import { readNifti, writeNifti } from "../../lib/io/nifti.ts";
import { createRng } from "../../lib/random/mod.ts";
import { findPython } from "../../tests/_util/reference.ts";

/** One benchmark row: medkd and reference times in ms, ratio = medkd / reference. */
export type BenchRow = { name: string; medkdMs: number; refMs: number; ratio: number };

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A CT-like int16 volume: air, an elliptic body with soft tissue noise, a bright "spine". */
function phantom(nx: number, ny: number, nz: number): Int16Array {
  const rng = createRng(2024);
  const out = new Int16Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const u = (x - nx / 2) / (nx * 0.42), v = (y - ny / 2) / (ny * 0.3);
        const r2 = u * u + v * v;
        const spine = (x - nx / 2) ** 2 + (y - ny * 0.68) ** 2 < (nx * 0.04) ** 2;
        const base = r2 > 1 ? -1000 : spine ? 700 : 40 + 20 * Math.sin(z / 7 + x / 40);
        out[(z * ny + y) * nx + x] = Math.round(base + rng.normal() * (r2 > 1 ? 5 : 15));
      }
    }
  }
  return out;
}

const refScript = `
import json, sys, time, zlib
import numpy as np, nibabel as nib
req = json.load(sys.stdin)
load, gz = [], []
for _ in range(req["repeat"]):
    t = time.perf_counter(); d = np.asanyarray(nib.load(req["path"]).dataobj); load.append(time.perf_counter() - t)
raw = open(req["path"], "rb").read()
for _ in range(req["repeat"]):
    t = time.perf_counter(); zlib.decompress(raw, 31); gz.append(time.perf_counter() - t)
json.dump({"loadMs": float(np.median(load)) * 1000, "gunzipMs": float(np.median(gz)) * 1000,
           "sum": float(d.astype(np.float64).sum()), "shape": list(d.shape)}, sys.stdout)
`;

/** Run the NIfTI read benchmark; prints a short report and returns one row. */
export async function benchNifti(repeat = 5): Promise<BenchRow> {
  const py = findPython(["nibabel", "numpy"]);
  if (!py) throw new Error("bench/nifti: python3 with nibabel not found (set MEDKD_PYTHON)");
  const [nx, ny, nz] = [512, 512, 100];
  const dir = await Deno.makeTempDir({ prefix: "medkd_bench_nifti_" });
  const path = `${dir}/ct.nii.gz`;
  try {
    const affine = [[0.7, 0, 0, -180], [0, 0.7, 0, -180], [0, 0, 2.5, -120], [0, 0, 0, 1]];
    const data = phantom(nx, ny, nz);
    await writeNifti(path, { data, shape: [nx, ny, nz], spacing: [0.7, 0.7, 2.5], affine });
    const gz = await Deno.readFile(path);
    const times: number[] = [];
    const gunzip: number[] = [];
    let sum = 0;
    for (let r = 0; r < repeat; r++) {
      const t0 = performance.now();
      const v = await readNifti(path);
      times.push(performance.now() - t0);
      if (r === 0) { for (let i = 0; i < v.data.length; i++) sum += v.data[i]; }
      const t1 = performance.now();
      zlib.gunzipSync(gz);
      gunzip.push(performance.now() - t1);
    }
    const child = new Deno.Command(py, {
      args: ["-c", refScript],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(JSON.stringify({ path, repeat })));
    await w.close();
    const res = await child.output();
    if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
    const ref = JSON.parse(new TextDecoder().decode(res.stdout));
    if (ref.sum !== sum) throw new Error(`bench/nifti: medkd sum ${sum} ≠ nibabel ${ref.sum}`);
    const medkdMs = median(times);
    const row = {
      name: "nifti read 512×512×100 int16 .nii.gz",
      medkdMs,
      refMs: ref.loadMs,
      ratio: medkdMs / ref.loadMs,
    };
    console.log(
      `${row.name} (${(gz.length / 1e6).toFixed(1)} MB gz, ${
        (data.byteLength / 1e6).toFixed(1)
      } MB raw), ` +
        `median of ${repeat}:\n` +
        `  medkd readNifti ${medkdMs.toFixed(0)} ms (node:zlib gunzip alone ${
          median(gunzip).toFixed(0)
        } ms)\n` +
        `  nibabel         ${ref.loadMs.toFixed(0)} ms (python zlib alone ${
          ref.gunzipMs.toFixed(0)
        } ms)\n` +
        `  ratio medkd/nibabel = ${row.ratio.toFixed(2)}`,
    );
    return row;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await benchNifti();
