/**
 * Writing an experiment's results: `metrics.json` (machine-readable) and `report.html`
 * (self-contained: tables + Plotly figures, plotly.js inlined).
 * @module
 */
import type { Figure } from "../plots/mod.ts";
import { reportHtml } from "../plots/display.ts";
import type { ExperimentResult, Table } from "./types.ts";

function fmt(v: string | number): string {
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return "–";
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

function esc(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

/**
 * A table as Markdown (for notebooks, README and terminals).
 *
 * @example
 * ```ts
 * import { tableMarkdown } from "./report.ts";
 * const md = tableMarkdown({ title: "t", columns: ["method", "dice"], rows: [["KD", 0.5]] });
 * if (!md.includes("| KD | 0.5000 |")) throw new Error(md);
 * ```
 */
export function tableMarkdown(t: Table): string {
  return [
    `**${t.title}**`,
    "",
    `| ${t.columns.join(" | ")} |`,
    `|${t.columns.map(() => "---").join("|")}|`,
    ...t.rows.map((r) => `| ${r.map(fmt).join(" | ")} |`),
  ].join("\n");
}

/** A table as an HTML `<table>`. */
export function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join("");
  const body = t.rows.map((r) => `<tr>${r.map((v) => `<td>${esc(fmt(v))}</td>`).join("")}</tr>`)
    .join("\n");
  return `<h3>${
    esc(t.title)
  }</h3>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Write a file atomically (temp file in the same folder, then rename). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}

/**
 * Write `metrics.json` and `report.html` into `outDir`; returns their paths (absolute).
 * The report shows the notes, medkd's tables, the paper's table (labelled as such) and figures.
 */
export async function writeReport(
  outDir: string,
  result: Omit<ExperimentResult, "metricsPath" | "reportPath">,
  figures: Figure[],
  title: string,
): Promise<{ metricsPath: string; reportPath: string }> {
  await Deno.mkdir(outDir, { recursive: true });
  const metricsPath = `${outDir}/metrics.json`;
  const reportPath = `${outDir}/report.html`;
  await writeAtomic(
    metricsPath,
    JSON.stringify({ ...result, metricsPath: "metrics.json", reportPath: "report.html" }, null, 2),
  );
  const scaleNote = result.scale === "demo"
    ? "<p><b>Demo scale</b>: procedurally generated phantoms and small models; these numbers are " +
      "not the paper's and are not comparable to them.</p>"
    : "";
  const tables = result.tables.map(tableHtml).join("\n");
  const paper = result.paper
    ? `<h2>Published numbers (the paper's, for reference)</h2>\n${tableHtml(result.paper)}`
    : "";
  const notes = result.notes.length
    ? `<h2>Notes</h2><ul>${result.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`
    : "";
  const body = `<p>preset ${esc(result.preset)}, seed ${result.seed}, ` +
    `${result.wallSeconds.toFixed(0)} s</p>\n${scaleNote}\n<h2>medkd results</h2>\n${tables}\n` +
    `${paper}\n${notes}\n<h2>Figures</h2>\n` +
    "<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}</style>";
  // reportHtml writes `<h1>title</h1>` first: the tables and notes go right after it.
  const html = (await reportHtml(figures, title)).replace("</h1>", () => `</h1>\n${body}`);
  await writeAtomic(reportPath, html);
  return { metricsPath, reportPath };
}
