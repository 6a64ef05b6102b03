import assert from "node:assert/strict";
import { decode } from "fast-png";
import {
  boxFigure,
  display,
  emaSmooth,
  extractSlice,
  heatmapFigure,
  injectPlotly,
  learningCurves,
  mimeBundle,
  missingModalityFigure,
  perClassBars,
  PLOTLY_CDN,
  rocFigure,
  rocFigureMultiLabel,
  slicePng,
  sliceViewer,
} from "../../lib/plots/mod.ts";

type AnyRec = Record<string, unknown>;
const title = (o: unknown) => ((o as AnyRec).title as AnyRec).text;

Deno.test("emaSmooth: TensorBoard debiased EMA by hand", () => {
  const s = emaSmooth([2, 4], 0.5);
  assert.equal(s[0], 2);
  // m1 = 1, m2 = 0.5 + 2 = 2.5, debias 1 − 0.25 → 10/3
  assert.ok(Math.abs(s[1] - 10 / 3) < 1e-12);
  assert.deepEqual(emaSmooth([1, 5], 0), [1, 5]);
  assert.ok(Number.isNaN(emaSmooth([1, NaN, 3], 0.5)[1]));
  assert.throws(() => emaSmooth([1], 1), /weight 1/);
});

Deno.test("learningCurves: raw + smoothed trace per run, axis titles", () => {
  const f = learningCurves(
    [{ name: "KD", y: [1, 0.5, 0.4] }, { name: "CE", y: [1, 0.7, 0.6], x: [10, 20, 30] }],
    { smoothing: 0.5, yTitle: "loss", logY: true },
  );
  assert.equal(f.data.length, 4);
  assert.deepEqual(f.data.map((t) => t.name), ["KD (raw)", "KD", "CE (raw)", "CE"]);
  assert.deepEqual(f.data[3].x, [10, 20, 30]);
  assert.deepEqual(f.data[1].y, emaSmooth([1, 0.5, 0.4], 0.5));
  assert.equal(title(f.layout.yaxis), "loss");
  assert.equal((f.layout.yaxis as AnyRec).type, "log");
  assert.equal(learningCurves([{ name: "a", y: [1] }], { smoothing: 0 }).data.length, 1);
});

Deno.test("rocFigure: one curve per class with AUC in the legend, chance line, axes", () => {
  const f = rocFigure([
    { name: "Effusion", scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1] },
    { name: "Mass", fpr: [0, 0.5, 1], tpr: [0, 1, 1], auc: 0.75 },
  ]);
  assert.deepEqual(f.data.map((t) => t.name), [
    "Effusion (AUC 0.750)",
    "Mass (AUC 0.750)",
    "chance",
  ]);
  assert.deepEqual(f.data[0].x, [0, 0, 0.5, 0.5, 1]);
  assert.equal(title(f.layout.xaxis), "False positive rate");
  assert.equal(title(f.layout.yaxis), "True positive rate");
  JSON.stringify(f); // serialisable (no Infinity thresholds in the spec)
  assert.ok(!JSON.stringify(f).includes("null"));
});

Deno.test("rocFigureMultiLabel: per-class curves from N×C arrays, one-class labels skipped", () => {
  // 4 cases × 3 classes; class C has only negatives
  const scores = [0.9, 0.1, 0.5, 0.2, 0.8, 0.4, 0.6, 0.75, 0.2, 0.4, 0.7, 0.1];
  const labels = [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0];
  const f = rocFigureMultiLabel(scores, labels, ["A", "B", "C"]);
  assert.deepEqual(f.data.map((t) => t.name), ["A (AUC 1.000)", "B (AUC 0.750)", "chance"]);
  assert.match(String(title(f.layout)), /one class only: C/);
  assert.throws(() => rocFigureMultiLabel([1, 2], [0, 1, 1], ["a"]), /2 scores, 3 labels/);
});

Deno.test("perClassBars, boxFigure, heatmapFigure structures", () => {
  const b = perClassBars(["ET", "TC", "WT"], [
    { name: "LCKD", values: [0.7, 0.8, 0.9], errors: [0.1, 0.1, 0.05] },
    { name: "base", values: [0.6, 0.7, 0.85] },
  ]);
  assert.deepEqual(b.data.map((t) => t.type), ["bar", "bar"]);
  assert.equal(b.layout.barmode, "group");
  assert.deepEqual((b.data[0].error_y as AnyRec).array, [0.1, 0.1, 0.05]);
  assert.equal(b.data[1].error_y, undefined);
  const x = boxFigure([
    { name: "KD", values: [0.8, NaN, 0.7, Infinity], classes: ["a", "b", "a", "b"] },
    { name: "AT", values: [0.6, 0.5, 0.4, 0.3], classes: ["a", "b", "a", "b"] },
  ], { metric: "HD95" });
  assert.deepEqual(x.data.map((t) => t.name), ["KD (2 non-finite)", "AT"]);
  assert.deepEqual(x.data[0].y, [0.8, 0.7]);
  assert.deepEqual(x.data[0].x, ["a", "a"]);
  assert.equal(x.layout.boxmode, "group");
  assert.equal(title(x.layout.yaxis), "HD95");
  const h = heatmapFigure(["KD", "AT"], ["c1", "c2", "c3"], [[1, 2, NaN], [4, 5, 6]], {
    format: ".1f",
  });
  assert.deepEqual(h.data[0].z, [[1, 2, null], [4, 5, 6]]);
  assert.equal(h.data[0].texttemplate, "%{z:.1f}");
  assert.throws(() => heatmapFigure(["a"], ["b"], [[1, 2]]), /must be 1 × 1/);
});

Deno.test("missingModalityFigure: 15 subsets + mean, ●/○ labels, region columns", () => {
  const v = Array.from({ length: 15 }, (_, i) => [i / 15, 0.5, i === 3 ? NaN : 1]);
  const f = missingModalityFigure(v);
  const y = f.data[0].y as string[];
  assert.equal(y.length, 16);
  assert.equal(y[0], "●○○○ flair");
  assert.equal(y[14], "●●●● flair+t1+t1ce+t2");
  assert.equal(y[15], "mean");
  assert.deepEqual(f.data[0].x, ["ET", "TC", "WT"]);
  const z = f.data[0].z as (number | null)[][];
  assert.ok(Math.abs(z[15][0]! - 7 / 15) < 1e-12);
  assert.equal(z[15][2], 1);
  assert.equal(z[3][2], null);
  assert.throws(() => missingModalityFigure([[1, 2, 3]]), /1 rows for 15 subsets/);
});

Deno.test("sliceViewer: slider steps, PNG image traces per slice, visibility", () => {
  const [X, Y, Z] = [6, 5, 10];
  const image = Float32Array.from({ length: X * Y * Z }, (_, i) => i);
  const label = new Uint8Array(X * Y * Z).map((_, i) => (i % 7 === 0 ? 2 : 0));
  const f = sliceViewer({ image, shape: [X, Y, Z], label, pred: label, window: [0, 255] }, {
    maxSlices: 4,
    opacity: 0.5,
  });
  const sl = (f.layout.sliders as AnyRec[])[0];
  const steps = sl.steps as { label: string; args: [{ visible: boolean[] }] }[];
  assert.deepEqual(steps.map((s) => s.label), ["0", "3", "6", "9"]);
  assert.equal(f.data.length, 4 * 2);
  assert.ok(f.data.every((t) => t.type === "image"));
  assert.ok(
    steps.every((s, k) =>
      s.args[0].visible.filter(Boolean).length === 2 && s.args[0].visible[2 * k]
    ),
  );
  assert.equal(f.data.filter((t) => t.visible).length, 2);
  assert.equal(sl.active, 2);
  assert.equal(f.data[1].xaxis, "x2");
  // slice 0 (z = 0), left panel: grey = value (window [0, 255]), label 2 blended at α = 0.5
  const src = f.data[0].source as string;
  assert.ok(src.startsWith("data:image/png;base64,"));
  const png = decode(Uint8Array.from(atob(src.split(",")[1]), (c) => c.charCodeAt(0)));
  assert.equal(png.width, X);
  assert.equal(png.height, Y);
  const px = (x: number, y: number) =>
    Array.from(png.data.slice((y * X + x) * 4, (y * X + x) * 4 + 4));
  assert.deepEqual(px(2, 1), [X + 2, X + 2, X + 2, 255]); // row = y, column = x; voxel 8 unlabelled
  const c = [0x3c, 0xb4, 0x4b]; // LABEL_COLORS[1] for label 2 at voxel 0 (value 0)
  assert.deepEqual(px(0, 0), [...c.map((v) => Math.round(0.5 * v)), 255]);
  const only = sliceViewer({ image, shape: [X, Y, Z], axis: 0 });
  assert.equal(only.data.length, X);
  const p0 = decode(
    Uint8Array.from(atob((only.data[0].source as string).split(",")[1]), (c) => c.charCodeAt(0)),
  );
  assert.equal(p0.width, Y);
  assert.equal(p0.height, Z);
});

Deno.test("slicePng: side-by-side overlay PNG decodes with blended colours", () => {
  const [X, Y] = [3, 2];
  const image = new Float32Array([0, 50, 100, 0, 50, 100]);
  const label = new Uint8Array([1, 0, 0, 0, 0, 0]);
  const png = slicePng(
    { image, shape: [X, Y], label, pred: new Uint8Array(6), window: [0, 100] },
    0,
    { alpha: 0.5 },
  );
  const img = decode(png);
  assert.equal(img.width, 2 * X + 4);
  assert.equal(img.height, Y);
  const px = (x: number, y: number) =>
    Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
  assert.deepEqual(px(0, 0), [
    Math.round(0.5 * 0xe6),
    Math.round(0.5 * 0x19),
    Math.round(0.5 * 0x4b),
    255,
  ]);
  assert.deepEqual(px(2, 1), [255, 255, 255, 255]);
  assert.deepEqual(px(X + 4, 0), [0, 0, 0, 255]); // prediction panel: no overlay
  assert.deepEqual(Array.from(extractSlice(image, [X, Y], 2, 0).data), Array.from(image));
});

Deno.test("display is a harmless no-op outside Jupyter; the MIME bundle it would send", async () => {
  const fig = rocFigure([{ name: "A", scores: [0.1, 0.9], labels: [0, 1] }]);
  assert.equal(await display(fig), false);
  const b = mimeBundle(fig);
  assert.deepEqual(Object.keys(b).sort(), ["application/vnd.plotly.v1+json", "text/html"]);
  assert.equal(b["application/vnd.plotly.v1+json"], fig);
  const html = String(b["text/html"]);
  assert.ok(html.length < 5000, "no library inside kernel messages");
  assert.ok(html.includes("Plotly.newPlot") && html.includes(PLOTLY_CDN));
  assert.ok(!String(mimeBundle(fig, { cdnFallback: false })["text/html"]).includes(PLOTLY_CDN));
  assert.deepEqual(Object.keys(mimeBundle(fig, { html: "none" })), [
    "application/vnd.plotly.v1+json",
  ]);
});

Deno.test("injectPlotly: bundle once in <head>, cannot close its script early, idempotent", async () => {
  const page = `<html><head><title>x</title></head><body>${
    mimeBundle(rocFigure([]))["text/html"]
  }</body></html>`;
  const out = await injectPlotly(page);
  assert.ok(out.length > 1e6);
  assert.ok(out.indexOf('id="medkd-plotly-bundle"') < out.indexOf("<title>"));
  // bundle script + figure script: exactly two closing tags
  assert.equal(out.match(/<\/script/gi)?.length, 2);
  assert.equal(await injectPlotly(out), out);
  assert.ok((await injectPlotly("<p>no head</p>")).startsWith('<script id="medkd-plotly-bundle">'));
});
