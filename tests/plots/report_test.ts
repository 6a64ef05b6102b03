import assert from "node:assert/strict";
import {
  boxFigure,
  heatmapFigure,
  learningCurves,
  mimeBundle,
  missingModalityFigure,
  perClassBars,
  rocFigure,
  saveHtml,
  sliceViewer,
} from "../../lib/plots/mod.ts";
import { refsRequired } from "../_util/reference.ts";

const CHROMIUM = Deno.env.get("MEDKD_CHROMIUM") ?? "/usr/bin/chromium";

function haveChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

Deno.test("saveHtml report renders every figure in headless Chromium without console output", async () => {
  if (!haveChromium()) {
    const msg = `chromium not found at ${CHROMIUM} (Debian: apt-get install chromium)`;
    if (refsRequired()) throw new Error(msg);
    console.warn(`skipped: ${msg}`);
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "medkd_report_" });
  try {
    const [X, Y, Z] = [24, 20, 6];
    const image = Float32Array.from({ length: X * Y * Z }, (_, i) => Math.sin(i / 7) * 100);
    const label = new Uint8Array(X * Y * Z).map((_, i) => ((i % X) > 8 && (i % X) < 15 ? 1 : 0));
    const figs = [
      learningCurves([{ name: "KD", y: [1, 0.6, 0.5, 0.45] }, {
        name: "CE",
        y: [1, 0.8, 0.7, 0.65],
      }]),
      rocFigure([{ name: "Effusion", scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1] }]),
      perClassBars(["ET", "TC", "WT"], [{
        name: "LCKD",
        values: [0.7, 0.8, 0.9],
        errors: [0.1, 0.1, 0.1],
      }]),
      boxFigure([{ name: "KD", values: [0.8, 0.7, 0.75] }, {
        name: "AT",
        values: [0.6, 0.65, 0.7],
      }]),
      heatmapFigure(["KD", "AT"], ["a", "b"], [[1, 2], [3, 4]]),
      missingModalityFigure(Array.from({ length: 15 }, (_, i) => [i / 15, 0.5, 0.9])),
      sliceViewer({ image, shape: [X, Y, Z], label, pred: label }),
    ];
    const path = `${dir}/report.html`;
    await saveHtml(figs, path, "medkd <test> report");
    // plus one notebook-style output (display's HTML fallback) drawn with the page's plotly.js
    const extra = rocFigure([{
      name: "Notebook cell",
      scores: [0.2, 0.6, 0.9],
      labels: [0, 1, 1],
    }]);
    let html = await Deno.readTextFile(path);
    html = html.replace(
      "</body>",
      `${mimeBundle(extra, { cdnFallback: false })["text/html"]}\n</body>`,
    );
    await Deno.writeTextFile(path, html);
    assert.ok(!/<script[^>]+src=/.test(html), "self-contained: no external scripts");
    const out = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${dir}/profile`,
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=15000",
        "--dump-dom",
        `file://${path}`,
      ], // deno-fmt-ignore
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dom = new TextDecoder().decode(out.stdout);
    const log = new TextDecoder().decode(out.stderr);
    const consoleLines = log.split("\n").filter((l) => l.includes(":CONSOLE"));
    assert.deepEqual(consoleLines, [], "page wrote to the console");
    // Plotly adds js-plotly-plot to each plotted div and draws its SVG layers
    const plotted = dom.match(/class="medkd-plot js-plotly-plot"/g) ?? [];
    assert.equal(plotted.length, figs.length + 1, "every figure div was plotted");
    const svgs = dom.match(/<svg class="main-svg"/g) ?? [];
    assert.ok(svgs.length >= figs.length, `main-svg count ${svgs.length}`);
    assert.ok(dom.includes("Effusion (AUC 0.750)"), "legend text rendered");
    assert.ok(dom.includes("Notebook cell (AUC 1.000)"), "notebook-style output rendered");
    assert.ok(dom.includes("<title>medkd &lt;test&gt; report</title>"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
