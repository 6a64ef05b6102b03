/**
 * The five study notebooks, executed headless at demo scale (nbconvert, Deno kernel), as a user
 * would run them top to bottom. Slow (minutes each), so they run in their own task:
 * `deno task test:notebooks` (part of README's test command and `.ci/run`), and are ignored by
 * `deno task test` unless `MEDKD_NOTEBOOKS=1`.
 *
 * Each test asserts the notebook ran without an error cell, that its inline outputs include Plotly
 * figures and tables, and that its `metrics.json` holds a finite headline metric for every model.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { executeNotebook, findNotebooks, NB_DIR } from "../../scripts/run_notebooks.ts";

const enabled = Deno.env.get("MEDKD_NOTEBOOKS") === "1";
const files = enabled ? await findNotebooks(NB_DIR, []) : [];

type Output = { output_type: string; data?: Record<string, unknown>; ename?: string };
type Cell = { cell_type: string; outputs?: Output[] };

for (const file of enabled ? files : ["(notebooks)"]) {
  Deno.test({
    name: `notebook ${file} runs headless at demo scale`,
    ignore: !enabled,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const r = await executeNotebook(file);
      const runs = r.attempts > 1
        ? ` (${r.attempts} runs: the first lost its kernel connection)`
        : "";
      console.log(`${r.name}: ${r.ok ? "ok" : "FAILED"} in ${r.seconds.toFixed(1)} s${runs}`);
      assert.ok(r.ok, `${file} failed:\n${r.error}`);

      const nb = JSON.parse(await Deno.readTextFile(r.executed)) as { cells: Cell[] };
      const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
      const errors = outputs.filter((o) => o.output_type === "error");
      assert.equal(errors.length, 0, `error cells: ${errors.map((e) => e.ename).join(", ")}`);
      const mimes = outputs.flatMap((o) => Object.keys(o.data ?? {}));
      assert.ok(
        mimes.some((m) => m.includes("plotly") || m === "text/html"),
        `${file}: no inline figure among the outputs (${[...new Set(mimes)].join(", ")})`,
      );
      assert.ok(mimes.includes("text/markdown"), `${file}: no results table`);

      const metrics = JSON.parse(await Deno.readTextFile(join(r.outDir, "metrics.json"))) as {
        scale: string;
        methods: { method: string; metrics: Record<string, number> }[];
      };
      assert.equal(metrics.scale, "demo");
      assert.ok(metrics.methods.length >= 2, `${file}: fewer than two models in metrics.json`);
      for (const m of metrics.methods) {
        const values = Object.values(m.metrics).filter((v) => typeof v === "number");
        assert.ok(values.length > 0, `${file}: ${m.method} has no metric`);
        assert.ok(values.some(Number.isFinite), `${file}: ${m.method} has no finite metric`);
      }
      const report = await Deno.readTextFile(join(r.outDir, "report.html"));
      assert.ok(report.includes("Plotly"), `${file}: report.html has no Plotly figure`);
    },
  });
}
