/**
 * Positional CSV rows (every line, header included, as string arrays) through `lib/io`'s CSV
 * parser, for tables the originals read with Python's `csv.reader` (no fixed header names).
 * @module
 */
import { parseCsv } from "../io/csv.ts";
import { requireFile } from "./files.ts";

/**
 * All rows of a CSV file as arrays of strings, the first line included (quoted fields, BOM and
 * CRLF handled by `lib/io/csv.ts`); blank lines dropped.
 *
 * @example
 * ```ts
 * import { readRows } from "./tables.ts";
 * const p = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(p, 'Name,ZS,label\nHCC_1,"100001",2\n');
 * const rows = await readRows(p);
 * if (rows.length !== 2 || rows[1][1] !== "100001" || rows[0][0] !== "Name") throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function readRows(path: string): Promise<string[][]> {
  await requireFile(path, "CSV table");
  const text = await Deno.readTextFile(path);
  // A synthetic header of generous width lets the header-keyed parser return every line.
  const width = 1 + Math.max(...text.split(/\r?\n/, 50).map((l) => l.split(",").length));
  const keys = Array.from({ length: width + 8 }, (_, i) => `c${i}`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const recs = parseCsv(`${keys.join(",")}\n${body}`, { ragged: true }, path);
  return recs
    .map((r) => {
      const row: string[] = [];
      for (const k of keys) {
        const v = r[k];
        if (v === undefined || v === null) break;
        row.push(String(v));
      }
      const extra = (r as Record<string, unknown>).__parsed_extra;
      if (Array.isArray(extra)) row.push(...extra.map(String));
      return row;
    })
    .filter((row) => row.length > 0 && !(row.length === 1 && row[0] === ""));
}
