/**
 * Benchmark: HD95 on a 512×512×100 mask pair, medkd vs the scipy reference
 * (`scripts/reference/metrics_surface.py`) in the same run.
 *
 * Run: `deno run -A scripts/bench/metrics.ts`
 *
 * Two reference variants: medpy-style (erosion + EDT over the whole volume, what
 * `medpy.metric.hd95` does) and MONAI-style (cropped to the union's bounding box first, as
 * `get_mask_edges(crop=True)`). medkd always crops. Times are the best of `repeat` runs.
 */
import { hd95 } from "../../lib/metrics/surface.ts";
import { findPython } from "../../tests/_util/reference.ts";
import { blobPair } from "../../tests/metrics/_blobs.ts";

/** One benchmark row: medkd and reference times in ms, ratio = medkd / reference. */
export type BenchRow = { name: string; medkdMs: number; refMs: number; ratio: number };

/** Run the metrics benchmark (needs /usr/bin/python3 with scipy for the reference times). */
export async function benchMetrics(repeat = 3): Promise<BenchRow[]> {
  const shape: [number, number, number] = [512, 512, 100];
  const spacing = [0.7, 0.7, 2.5];
  const { pred, truth } = blobPair(shape, 7, { blobs: 3, radius: [0.08, 0.2], specks: 2 });
  let best = Infinity;
  let value = NaN;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    value = hd95(pred, truth, shape, spacing);
    best = Math.min(best, performance.now() - t0);
  }
  const py = findPython(["scipy", "numpy"]);
  if (!py) throw new Error("bench/metrics: python3 with scipy not found (set MEDKD_PYTHON)");
  const dir = await Deno.makeTempDir({ prefix: "medkd_bench_" });
  try {
    await Deno.writeFile(`${dir}/pred.raw`, pred);
    await Deno.writeFile(`${dir}/truth.raw`, truth);
    const script = await Deno.readTextFile(
      new URL("../reference/metrics_surface.py", import.meta.url),
    );
    const rows: BenchRow[] = [];
    for (const crop of [false, true]) {
      const out = await new Deno.Command(py, {
        args: ["-c", script],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = out.stdin.getWriter();
      const req = {
        cases: [{ predPath: `${dir}/pred.raw`, truthPath: `${dir}/truth.raw`, shape, spacing }],
        crop,
        repeat,
      };
      await w.write(new TextEncoder().encode(JSON.stringify(req)));
      await w.close();
      const res = await out.output();
      if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
      const ref = JSON.parse(new TextDecoder().decode(res.stdout));
      const refValue = ref.results[0].hd95_medpy;
      if (Math.abs(refValue - value) > 1e-6 * Math.max(1, refValue)) {
        throw new Error(`bench/metrics: hd95 ${value} differs from scipy ${refValue}`);
      }
      rows.push({
        name: `hd95 512x512x100 vs scipy ${
          crop ? "(MONAI-style bbox crop)" : "(medpy-style full volume)"
        }`,
        medkdMs: best,
        refMs: ref.ms[0],
        ratio: best / ref.ms[0],
      });
    }
    return rows;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  for (const r of await benchMetrics()) {
    console.log(
      `${r.name}: medkd ${r.medkdMs.toFixed(0)} ms, scipy ${r.refMs.toFixed(0)} ms, ` +
        `ratio ${r.ratio.toFixed(3)} (< 1 = medkd faster)`,
    );
  }
}
