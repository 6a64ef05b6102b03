/**
 * Showing figures: inline in Jupyter (Deno kernel) through the Plotly MIME bundle, or as a
 * self-contained HTML report with plotly.js inlined (for headless runs and CI artefacts).
 *
 * `Deno.jupyter` exists only inside the Deno Jupyter kernel; outside it {@link display} does
 * nothing and returns false.
 *
 * @module
 */
import { createRequire } from "node:module";
import type { Figure } from "./figures.ts";

/** Thrown when the plotly.js bundle cannot be located. */
export class PlotlyBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlotlyBundleError";
  }
}

let bundle: string | undefined;

/**
 * Text of the minified plotly.js bundle from the npm package `plotly.js-dist-min` (pinned in
 * deno.json). The JSON import makes Deno install the package under `deno run`; the file is then
 * found next to its package.json (or through Node resolution as a fallback).
 */
export async function plotlyBundle(): Promise<string> {
  if (bundle) return bundle;
  const pkg = await import("plotly.js-dist-min/package.json", { with: { type: "json" } });
  const tries: (() => string)[] = [
    () => import.meta.resolve("plotly.js-dist-min/plotly.min.js"),
    () => createRequire(import.meta.url).resolve("plotly.js-dist-min/plotly.min.js"),
  ];
  for (const t of tries) {
    try {
      const where = t();
      const path = where.startsWith("file:") ? new URL(where) : where;
      if (where.startsWith("npm:")) continue;
      bundle = await Deno.readTextFile(path);
      return bundle;
    } catch {
      // try the next way
    }
  }
  throw new PlotlyBundleError(
    `display.ts: plotly.min.js of plotly.js-dist-min ${pkg.default.version} not found ` +
      `(run with nodeModulesDir "auto" and --allow-read)`,
  );
}

function escapeJson(fig: Figure): string {
  // safe inside <script>: no "</script>" or HTML comment openers
  return JSON.stringify(fig).replace(/</g, "\\u003c");
}

let counter = 0;

/** An HTML `<div>` plus script that draws `fig` (needs `window.Plotly`). */
export function figureDiv(fig: Figure, height = 480): string {
  const id = `medkd-plot-${Date.now().toString(36)}-${counter++}`;
  const h = (fig.layout.height as number | undefined) ?? height;
  return `<div id="${id}" class="medkd-plot" style="width:100%;height:${h}px"></div>\n` +
    `<script>(function(){var f=${escapeJson(fig)};` +
    `Plotly.newPlot(${JSON.stringify(id)},f.data,f.layout,{responsive:true});})();</script>`;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

/**
 * A self-contained HTML page showing `figs` in order (plotly.js inlined, no network needed).
 *
 * @example
 * ```ts
 * import { reportHtml } from "./display.ts";
 * const html = await reportHtml([{ data: [{ type: "bar", y: [1, 2] }], layout: {} }], "t");
 * if (!html.includes("<title>t</title>") || html.length < 1e6) throw new Error();
 * ```
 */
export async function reportHtml(figs: Figure[], title = "medkd report"): Promise<string> {
  const lib = (await plotlyBundle()).replace(/<\/script/gi, "<\\/script");
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${
    escapeHtml(title)
  }</title>\n` +
    `<script>${lib}</script>\n<style>body{font-family:sans-serif;margin:1em 2em}</style>\n` +
    `</head><body>\n<h1>${escapeHtml(title)}</h1>\n${figs.map((f) => figureDiv(f)).join("\n")}\n` +
    `</body></html>\n`;
}

/**
 * Write {@link reportHtml} to `path` (atomically: temp file, then rename).
 *
 * @example
 * ```ts
 * import { saveHtml } from "./display.ts";
 * const dir = await Deno.makeTempDir();
 * await saveHtml([{ data: [{ type: "scatter", y: [1, 3, 2] }], layout: {} }], `${dir}/r.html`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveHtml(figs: Figure[], path: string, title?: string): Promise<void> {
  const tmp = `${path}.tmp-${Date.now()}`;
  await Deno.writeTextFile(tmp, await reportHtml(figs, title));
  await Deno.rename(tmp, path);
}

type JupyterNs = { display(obj: unknown, opts?: { raw?: boolean }): Promise<void> };

/** Options of {@link mimeBundle} and {@link display}. */
export type DisplayOptions = {
  /** `"auto"` (default): HTML fallback included; `"none"`: Plotly JSON only. */
  html?: "auto" | "none";
  /** Inline plotly.js in the HTML fallback (guarded by `if (!window.Plotly)`). */
  includeLib?: boolean;
};

/**
 * The Jupyter MIME bundle of a figure: `application/vnd.plotly.v1+json` (the spec itself) and,
 * unless `html: "none"`, a `text/html` fallback that draws it with `window.Plotly` (plotly.js
 * inlined first when `includeLib`; require.js's `define` is hidden meanwhile so the UMD bundle
 * sets `window.Plotly` in the classic notebook too).
 *
 * @example
 * ```ts
 * import { mimeBundle } from "./display.ts";
 * const b = await mimeBundle({ data: [{ type: "bar", y: [1] }], layout: {} });
 * if (!("application/vnd.plotly.v1+json" in b) || !String(b["text/html"]).includes("newPlot")) {
 *   throw new Error();
 * }
 * ```
 */
export async function mimeBundle(
  fig: Figure,
  opts: DisplayOptions = {},
): Promise<Record<string, unknown>> {
  const bundleMime: Record<string, unknown> = { "application/vnd.plotly.v1+json": fig };
  if ((opts.html ?? "auto") === "none") return bundleMime;
  let head = "";
  if (opts.includeLib) {
    const lib = (await plotlyBundle()).replace(/<\/script/gi, "<\\/script");
    head = "<script>if(!window.Plotly){var __medkdDefine=window.define;window.define=undefined;\n" +
      lib + "\nwindow.define=__medkdDefine;}</script>\n";
  }
  bundleMime["text/html"] = head + figureDiv(fig);
  return bundleMime;
}

let libSent = false;

/**
 * Show `fig` inline in a Deno Jupyter notebook with {@link mimeBundle}: the Plotly JSON is
 * rendered by JupyterLab / VS Code's Plotly renderer, the HTML fallback by nbconvert HTML and
 * front-ends without it. plotly.js is inlined in the FIRST figure of the kernel session only;
 * later figures reuse `window.Plotly` (as plotly.py's offline mode does). Returns false and does
 * nothing outside Jupyter (`Deno.jupyter` exists only in the Deno kernel).
 *
 * @example
 * ```ts
 * import { display } from "./display.ts";
 * if (await display({ data: [], layout: {} }) !== false) throw new Error("not in Jupyter");
 * ```
 */
export async function display(fig: Figure, opts: DisplayOptions = {}): Promise<boolean> {
  let jupyter: JupyterNs | undefined;
  try {
    // the getter throws outside `deno jupyter`
    jupyter = (Deno as unknown as { jupyter?: JupyterNs }).jupyter;
  } catch {
    return false;
  }
  if (!jupyter || typeof jupyter.display !== "function") return false;
  const includeLib = opts.includeLib ?? !libSent;
  const b = await mimeBundle(fig, { ...opts, includeLib });
  if (includeLib && b["text/html"]) libSent = true;
  await jupyter.display(b, { raw: true });
  return true;
}
