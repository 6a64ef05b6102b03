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

/** plotly.js on the official CDN, same version as the npm bundle (used only as a fallback). */
export const PLOTLY_CDN = "https://cdn.plot.ly/plotly-3.7.0.min.js";

/**
 * An HTML `<div>` plus script that draws `fig` with `window.Plotly`. With `cdnFallback`, a page
 * that has no plotly.js yet loads it once from {@link PLOTLY_CDN} (needs network when viewed).
 */
export function figureDiv(fig: Figure, height = 480, cdnFallback = false): string {
  const id = `medkd-plot-${Date.now().toString(36)}-${counter++}`;
  const h = (fig.layout.height as number | undefined) ?? height;
  const draw = `function d(){Plotly.newPlot(${
    JSON.stringify(id)
  },f.data,f.layout,{responsive:true});}`;
  const load = cdnFallback
    ? `else{var w=window;(w.__medkdWait=w.__medkdWait||[]).push(d);if(!w.__medkdLoading){` +
      `w.__medkdLoading=1;var s=document.createElement("script");s.src=${
        JSON.stringify(PLOTLY_CDN)
      };` +
      `s.onload=function(){w.__medkdWait.forEach(function(g){g();});};document.head.appendChild(s);}}`
    : "";
  return `<div id="${id}" class="medkd-plot" style="width:100%;height:${h}px"></div>\n` +
    `<script>(function(){var f=${
      escapeJson(fig)
    };${draw}if(window.Plotly){d();}${load}})();</script>`;
}

/**
 * Insert the inlined plotly.js into the `<head>` of an HTML document (e.g. a notebook exported by
 * nbconvert whose outputs came from {@link display}), so its figures render offline. Idempotent.
 *
 * @example
 * ```ts
 * import { injectPlotly } from "./display.ts";
 * const html = await injectPlotly("<html><head></head><body></body></html>");
 * if (!html.includes("medkd-plotly-bundle") || (await injectPlotly(html)) !== html) throw new Error();
 * ```
 */
export async function injectPlotly(html: string): Promise<string> {
  if (html.includes('id="medkd-plotly-bundle"')) return html;
  const lib = (await plotlyBundle()).replace(/<\/script/gi, "<\\/script");
  const tag = `<script id="medkd-plotly-bundle">${lib}</script>`;
  const m = /<head[^>]*>/i.exec(html);
  if (!m) return tag + html;
  const at = m.index + m[0].length;
  return html.slice(0, at) + tag + html.slice(at);
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
  /** HTML fallback loads plotly.js from the CDN when the page has none (default true). */
  cdnFallback?: boolean;
};

/**
 * The Jupyter MIME bundle of a figure: `application/vnd.plotly.v1+json` (the spec itself, drawn
 * offline by JupyterLab's / VS Code's Plotly renderer) and, unless `html: "none"`, a small
 * `text/html` fallback for front-ends without that renderer and for nbconvert HTML: it draws
 * with `window.Plotly` if the page has it (see {@link injectPlotly}), else loads the CDN copy.
 *
 * plotly.js is deliberately NOT inlined in kernel messages: the Deno kernel (2.x) can deliver
 * multi-megabyte display messages after the cell has finished, so nbclient drops them or files
 * them under the next cell.
 *
 * @example
 * ```ts
 * import { mimeBundle } from "./display.ts";
 * const b = mimeBundle({ data: [{ type: "bar", y: [1] }], layout: {} });
 * if (!("application/vnd.plotly.v1+json" in b) || !String(b["text/html"]).includes("newPlot")) {
 *   throw new Error();
 * }
 * ```
 */
export function mimeBundle(fig: Figure, opts: DisplayOptions = {}): Record<string, unknown> {
  const bundleMime: Record<string, unknown> = { "application/vnd.plotly.v1+json": fig };
  if ((opts.html ?? "auto") !== "none") {
    bundleMime["text/html"] = figureDiv(fig, 480, opts.cdnFallback ?? true);
  }
  return bundleMime;
}

/**
 * Show `fig` inline in a Deno Jupyter notebook with {@link mimeBundle}. Returns false and does
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
  await jupyter.display(mimeBundle(fig, opts), { raw: true });
  return true;
}
