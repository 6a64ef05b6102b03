/**
 * Benchmark: HD95 on a 512×512×100 mask pair, medkd vs the scipy reference
 * (`scripts/reference/metrics_surface.py`) in the same run.
 *
 * Run: `deno run -A scripts/bench/metrics.ts`
 *
 * Two reference variants: medpy-style (erosion + EDT over the whole volume, what
 * `medpy.metric.hd95` does) and MONAI-style (cropped to the union's bounding box first, as
 * `get_mask_edges(crop=True)`). medkd always crops (exact: no distance depends on voxels outside the box).
 */
import { hd95 } from "../../lib/metrics/surface.ts";
import { findPython } from "../../tests/_util/reference.ts";
import { blobPair } from "../../tests/metrics/_blobs.ts";

/** One benchmark row: medkd and reference times in ms, ratio = medkd / reference. */
export type BenchRow = { name: string; medkdMs: number; refMs: number; ratio: number };

async function scipyMs(
  py: string,
  script: string,
  req: Record<string, unknown>,
): Promise<{ ms: number; value: number }> {
  const child = new Deno.Command(py, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(req)));
  await w.close();
  const res = await child.output();
  if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
  const out = JSON.parse(new TextDecoder().decode(res.stdout));
  return { ms: out.ms[0], value: out.results[0].hd95_medpy };
}

/**
 * Run the metrics benchmark (needs python3 with scipy for the reference times). medkd and the
 * two scipy variants are timed in alternation for `rounds` rounds (best time of each kept), so a
 * load change on a shared machine hits all of them alike.
 */
export async function benchMetrics(rounds = 2): Promise<BenchRow[]> {
  const shape: [number, number, number] = [512, 512, 100];
  const spacing = [0.7, 0.7, 2.5];
  const { pred, truth } = blobPair(shape, 7, { blobs: 3, radius: [0.08, 0.2], specks: 2 });
  const py = findPython(["scipy", "numpy"]);
  if (!py) throw new Error("bench/metrics: python3 with scipy not found (set MEDKD_PYTHON)");
  const script = await Deno.readTextFile(
    new URL("../reference/metrics_surface.py", import.meta.url),
  );
  const dir = await Deno.makeTempDir({ prefix: "medkd_bench_" });
  try {
    await Deno.writeFile(`${dir}/pred.raw`, pred);
    await Deno.writeFile(`${dir}/truth.raw`, truth);
    const cases = [{ predPath: `${dir}/pred.raw`, truthPath: `${dir}/truth.raw`, shape, spacing }];
    const best = { medkd: Infinity, full: Infinity, crop: Infinity };
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const value = hd95(pred, truth, shape, spacing);
      best.medkd = Math.min(best.medkd, performance.now() - t0);
      for (const crop of [false, true]) {
        const ref = await scipyMs(py, script, { cases, crop, repeat: 1 });
        if (Math.abs(ref.value - value) > 1e-6 * Math.max(1, ref.value)) {
          throw new Error(`bench/metrics: hd95 ${value} differs from scipy ${ref.value}`);
        }
        best[crop ? "crop" : "full"] = Math.min(best[crop ? "crop" : "full"], ref.ms);
      }
    }
    const row = (name: string, refMs: number): BenchRow => ({
      name,
      medkdMs: best.medkd,
      refMs,
      ratio: best.medkd / refMs,
    });
    return [
      row("hd95 512x512x100 vs scipy (medpy-style, full volume)", best.full),
      row("hd95 512x512x100 vs scipy (MONAI-style, union bbox crop)", best.crop),
    ];
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
