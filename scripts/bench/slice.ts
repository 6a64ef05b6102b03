/**
 * Benchmark (not a timed test): medkd's SliceMaker (1 and 2 workers) vs the equivalent Python
 * nibabel + NumPy script (`scripts/reference/slicemaker.py`, single thread) on the same
 * synthetic KiTS cases (512 × 512 × `slices`, int16, gzip), in the same run. Both are timed as
 * whole processes (start-up included), writing compressed `.npz` slices as the original does.
 *
 * Run: `deno run -A scripts/bench/slice.ts [--cases 3] [--slices 60]`
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeNifti } from "../../lib/io/nifti.ts";
import { createRng } from "../../lib/random/mod.ts";
import { findPython } from "../../tests/_util/reference.ts";

/**
 * One benchmark row: `ratio` = medkdMs / refMs with 1 worker (< 1: medkd faster; same convention
 * as the other benches), `ratio2` the same with 2 workers.
 */
export type SliceBench = {
  name: string;
  medkdMs: number;
  refMs: number;
  ratio: number;
  medkd2Ms: number;
  ratio2: number;
  /** CPU seconds (user + sys) of each run, NaN without GNU time: robust on a busy machine. */
  cpuMs: { medkd: number; medkd2: number; ref: number };
  /** The same CPU times under the field names `scripts/bench/mod.ts` tabulates. */
  medkdCpuMs: number;
  refCpuMs: number;
  cases: number;
  slicesPerCase: number;
};

/** Write `n` phantom-like KiTS cases (body, spine, kidneys, tumour, noise) under `root`. */
export async function writeKitsPhantoms(root: string, n: number, slices: number, size = 512) {
  const X = slices, Y = size, Z = size, N = X * Y * Z;
  for (let c = 0; c < n; c++) {
    const rng = createRng(1000 + c);
    const ct = new Int16Array(N), seg = new Uint8Array(N);
    const cy = Y / 2, cz = Z / 2, ry = 0.39 * Y, rz = 0.3 * Z;
    const kid = [[0.33, 0.6], [0.67, 0.6]].map(([a, b]) => [a * Z, b * Y]);
    const tum = { i: X / 2 + rng.int(-3, 4), k: kid[0][0] + 0.04 * Z, j: kid[0][1], r: 0.03 * Y };
    for (let k = 0; k < Z; k++) {
      for (let j = 0; j < Y; j++) {
        const e = ((j - cy) / ry) ** 2 + ((k - cz) / rz) ** 2;
        let base = e > 1 ? -1000 : e > 0.87 ? -100 : 40;
        if ((j - 0.7 * Y) ** 2 + (k - cz) ** 2 < (0.035 * Y) ** 2) base = 700;
        const row = X * (j + Y * k);
        for (let i = 0; i < X; i++) {
          let v = base, l = 0;
          for (const [kk, jj] of kid) {
            const d = ((k - kk) / (0.05 * Z)) ** 2 + ((j - jj) / (0.07 * Y)) ** 2 +
              ((i - X / 2) / (0.3 * X)) ** 2;
            if (d < 1) (v = d < 0.25 ? 130 : 180, l = 1);
          }
          const t = ((k - tum.k) ** 2 + (j - tum.j) ** 2) / tum.r ** 2 +
            ((i - tum.i) / (0.12 * X)) ** 2;
          if (t < 1) (v = 80, l = 2);
          if (base > -1000) v += 12 * rng.normal();
          ct[row + i] = Math.max(-1024, Math.min(3071, Math.round(v)));
          seg[row + i] = l;
        }
      }
    }
    const dir = join(root, `case_${String(c).padStart(5, "0")}`);
    await Deno.mkdir(dir, { recursive: true });
    const vol = {
      shape: [X, Y, Z],
      spacing: [3, 0.78, 0.78],
      affine: [[0, 0, -0.78, 0], [0, -0.78, 0, 0], [-3, 0, 0, 0], [0, 0, 0, 1]],
    };
    await writeNifti(join(dir, "imaging.nii.gz"), { ...vol, data: ct });
    await writeNifti(join(dir, "segmentation.nii.gz"), { ...vol, data: seg });
  }
}

/** Wall time of a command, and its CPU time (user + sys, children included) when GNU time exists. */
async function timed(cmd: string, args: string[]): Promise<{ ms: number; cpuMs: number }> {
  const gnuTime = await Deno.stat("/usr/bin/time").then(() => true, () => false);
  const tf = await Deno.makeTempFile();
  try {
    const t0 = performance.now();
    const out = await new Deno.Command(gnuTime ? "/usr/bin/time" : cmd, {
      args: gnuTime ? ["-o", tf, "-f", "%U %S", cmd, ...args] : args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const ms = performance.now() - t0;
    if (!out.success) {
      throw new Error(`${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
    }
    const [u, sy] = gnuTime ? (await Deno.readTextFile(tf)).trim().split(/\s+/).map(Number) : [];
    return { ms, cpuMs: gnuTime ? (u + sy) * 1000 : NaN };
  } finally {
    await Deno.remove(tf);
  }
}

/** Python interpreter with nibabel + numpy (Debian's first). */
function python(): string {
  const exe = findPython(["nibabel", "numpy"]);
  if (!exe) throw new Error("no python3 with nibabel and numpy (Debian: bash scripts/setup.sh)");
  return exe;
}

/** Time medkd (1 and 2 workers) and the Python reference on the same synthetic KiTS cases. */
export async function benchSlice(
  opts: { cases?: number; slices?: number } = {},
): Promise<SliceBench> {
  const cases = opts.cases ?? 3, slices = opts.slices ?? 60;
  const dir = await Deno.makeTempDir({ prefix: "medkd_bench_slice_" });
  try {
    await writeKitsPhantoms(join(dir, "in"), cases, slices);
    const script = new URL("../slice.ts", import.meta.url).pathname;
    const ref = new URL("../reference/slicemaker.py", import.meta.url).pathname;
    const common = ["--inpath", join(dir, "in"), "--dataset", "kits", "--task", "tumor"];
    const medkd = (out: string, w: number) =>
      timed(Deno.execPath(), [
        "run",
        "-A",
        script,
        ...common,
        "--outpath",
        out,
        "--workers",
        `${w}`,
      ]);
    await medkd(join(dir, "warm"), 1); // compile cache / page cache warm-up, not timed
    const py = python();
    const r = await timed(py, [ref, ...common, "--outpath", join(dir, "py")]);
    const m1 = await medkd(join(dir, "m1"), 1);
    const m2 = await medkd(join(dir, "m2"), 2);
    const [refMs, medkdMs, medkd2Ms] = [r.ms, m1.ms, m2.ms];
    // Same listed slices as the Python script (a cheap consistency check).
    const check = await new Deno.Command(py, {
      args: [
        "-c",
        "import sys, numpy as np; a, b = (np.load(p) for p in sys.argv[1:]); " +
        "sys.exit(0 if list(a) == list(b) else 1)",
        join(dir, "py", "train", "kits_tumor_slices.npy"),
        join(dir, "m1", "train", "kits_tumor_slices.npy"),
      ],
    }).output();
    if (!check.success) throw new Error("medkd and Python index lists differ");
    return {
      name: `slice kits ${cases}×(${slices}×512×512) int16.gz → npz`,
      medkdMs,
      refMs,
      ratio: medkdMs / refMs,
      medkd2Ms,
      ratio2: medkd2Ms / refMs,
      cpuMs: { medkd: m1.cpuMs, medkd2: m2.cpuMs, ref: r.cpuMs },
      medkdCpuMs: m1.cpuMs,
      refCpuMs: r.cpuMs,
      cases,
      slicesPerCase: slices,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const a = parseArgs({
    args: Deno.args,
    options: { cases: { type: "string" }, slices: { type: "string" } },
  }).values;
  const r = await benchSlice({
    cases: a.cases ? Number(a.cases) : undefined,
    slices: a.slices ? Number(a.slices) : undefined,
  });
  console.log(JSON.stringify(r));
  console.log(
    `${r.name}: python ${(r.refMs / 1000).toFixed(2)} s, medkd 1 worker ` +
      `${(r.medkdMs / 1000).toFixed(2)} s (ratio ${r.ratio.toFixed(2)}), 2 workers ` +
      `${(r.medkd2Ms / 1000).toFixed(2)} s (ratio ${
        r.ratio2.toFixed(2)
      }); ratio = medkd / python; ` +
      `CPU s: python ${(r.cpuMs.ref / 1000).toFixed(1)}, medkd ${
        (r.cpuMs.medkd / 1000).toFixed(1)
      }` +
      ` / ${(r.cpuMs.medkd2 / 1000).toFixed(1)} (1 / 2 workers)`,
  );
}
