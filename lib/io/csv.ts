/**
 * CSV via `papaparse`: quoted fields (with commas, quotes and line breaks inside), a UTF-8 BOM,
 * CRLF or LF line ends. Values stay strings unless `{ dynamicTyping: true }`. A row with the wrong
 * number of fields or an unclosed quote raises {@link CsvError} naming the file and the line.
 * @module
 */

// @ts-types="@types/papaparse"
import Papa from "papaparse";
import { CsvError } from "./errors.ts";

/** Options of {@link parseCsv} / {@link readCsv}. */
export type CsvOptions = {
  /** Field separator (default ","). */
  delimiter?: string;
  /** Convert numbers and booleans, empty fields to null (default false: all strings). */
  dynamicTyping?: boolean;
  /** Accept rows whose field count differs from the header's (default false: CsvError). */
  ragged?: boolean;
};

/** One CSV row keyed by the header. */
export type CsvRecord = Record<string, string | number | boolean | null>;

/**
 * Parse CSV text with a header row into records. `name` is used in error messages.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * const rows = parseCsv('\uFEFFImage Index,Finding Labels\r\na.png,"Mass|Nodule"\r\nb.png,No Finding\r\n');
 * if (rows.length !== 2 || rows[0]["Finding Labels"] !== "Mass|Nodule") throw new Error();
 * ```
 */
export function parseCsv(text: string, opts: CsvOptions = {}, name = "<csv text>"): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw new CsvError(name, "empty file: expected a header row");
  const rows: CsvRecord[] = [];
  let fields = 0;
  let problem: string | null = null;
  const seen = new Map<string, number>();
  Papa.parse<CsvRecord>(body, {
    header: true,
    // repeated column names become name_1, name_2 … (papaparse's own renaming, minus its warning)
    transformHeader(h) {
      const k = seen.get(h) ?? 0;
      seen.set(h, k + 1);
      return k ? `${h}_${k}` : h;
    },
    delimiter: opts.delimiter ?? ",",
    dynamicTyping: opts.dynamicTyping ?? false,
    skipEmptyLines: true,
    step(res, parser) {
      fields ||= res.meta.fields?.length ?? 0;
      for (const err of res.errors) {
        const mismatch = err.code === "TooFewFields" || err.code === "TooManyFields";
        if (mismatch && opts.ragged) continue;
        if (mismatch) {
          // the row ends just before the cursor's line break
          let end = res.meta.cursor;
          while (end > 0 && "\r\n".includes(body[end - 1])) end--;
          const extra = (res.data as { __parsed_extra?: unknown[] }).__parsed_extra;
          const found = extra ? fields + extra.length : Object.keys(res.data).length;
          problem = `line ${lineAt(body, end)}: expected ${fields} fields, found ${found}`;
        } else {
          const at = typeof err.index === "number" ? err.index : res.meta.cursor;
          problem = `line ${lineAt(body, at)}: ${err.message}`;
        }
        parser.abort();
        return;
      }
      rows.push(res.data);
    },
  });
  if (problem) throw new CsvError(name, problem);
  return rows;
}

/** 1-based line number of character `pos` (CRLF, LF and lone CR all end a line). */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/**
 * Read a CSV file with a header row.
 *
 * @example
 * ```ts
 * import { readCsv, writeCsv } from "./csv.ts";
 * const p = await Deno.makeTempFile({ suffix: ".csv" });
 * await writeCsv(p, [{ id: "a", note: 'says "hi", twice' }]);
 * const rows = await readCsv(p);
 * if (rows[0].note !== 'says "hi", twice') throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function readCsv(path: string, opts: CsvOptions = {}): Promise<CsvRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new CsvError(path, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseCsv(text, opts, path);
}

/**
 * CSV text of records (columns: `header`, else the first record's keys) or of plain rows
 * (arrays, written under `header` when given). Fields are quoted when they need it; lines end
 * in "\n".
 *
 * @example
 * ```ts
 * import { formatCsv } from "./csv.ts";
 * const text = formatCsv([["x", 1], ["y, z", 2]], ["name", "n"]);
 * if (text !== 'name,n\nx,1\n"y, z",2\n') throw new Error(text);
 * ```
 */
export function formatCsv(
  rows: Record<string, unknown>[] | unknown[][],
  header?: string[],
): string {
  const isArrays = rows.length > 0 && Array.isArray(rows[0]);
  const fields = header ?? (isArrays || rows.length === 0 ? [] : Object.keys(rows[0]));
  const data = isArrays
    ? rows as unknown[][]
    : (rows as Record<string, unknown>[]).map((r) => fields.map((f) => r[f] ?? ""));
  const text = Papa.unparse({ fields, data }, { newline: "\n", header: fields.length > 0 });
  return text === "" ? "" : text + "\n";
}

/**
 * Write records (or plain rows with a `header`) as a CSV file.
 *
 * @example
 * ```ts
 * import { readCsv, writeCsv } from "./csv.ts";
 * const p = await Deno.makeTempFile({ suffix: ".csv" });
 * await writeCsv(p, [[1, 2]], ["a", "b"]);
 * if ((await readCsv(p))[0].b !== "2") throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function writeCsv(
  path: string,
  rows: Record<string, unknown>[] | unknown[][],
  header?: string[],
): Promise<void> {
  await Deno.writeTextFile(path, formatCsv(rows, header));
}
