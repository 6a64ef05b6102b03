// CSV: BOM, CRLF, quotes, typed errors with line numbers, round trips, parity with Python's csv.
import assert from "node:assert/strict";
import { CsvError } from "../../lib/io/errors.ts";
import { formatCsv, parseCsv, readCsv, writeCsv } from "../../lib/io/csv.ts";
import { findPython, runPythonJson } from "../_util/reference.ts";

const dir = await Deno.makeTempDir({ prefix: "medkd_csv_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

// ChestX-ray14's Data_Entry_2017.csv layout (trailing empty column included)
const cxr = "\uFEFFImage Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender," +
  "View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],\r\n" +
  "00000001_000.png,Cardiomegaly,0,1,58,M,PA,2682,2749,0.143,0.143,\r\n" +
  '00000001_001.png,"Cardiomegaly|Emphysema",1,1,58,M,PA,2894,2729,0.143,0.143,\r\n';

Deno.test("parseCsv: BOM, CRLF, header with brackets, quoted pipes", () => {
  // the bracketed names contain commas, so they split, exactly as pandas reads them
  const rows = parseCsv(cxr, {}, "Data_Entry_2017.csv");
  assert.equal(rows[0]["OriginalImage[Width"], "2682");
  assert.equal(rows[0]["Height]"], "2749");
  assert.equal(rows[0][""], "");
  assert.equal(rows.length, 2);
  assert.equal(rows[0]["Image Index"], "00000001_000.png"); // BOM stripped from the first name
  assert.equal(rows[1]["Finding Labels"], "Cardiomegaly|Emphysema");
  assert.equal(rows[1]["Patient Age"], "58");
});

Deno.test("parseCsv: quotes, embedded line breaks, escaped quotes, blank lines, typing", () => {
  const text = 'id,text,n\n1,"a, b",2.5\n\n2,"line1\nline2",-3\n3,"say ""hi""",\n';
  const rows = parseCsv(text);
  assert.deepEqual(rows, [
    { id: "1", text: "a, b", n: "2.5" },
    { id: "2", text: "line1\nline2", n: "-3" },
    { id: "3", text: 'say "hi"', n: "" },
  ]);
  const typed = parseCsv(text, { dynamicTyping: true });
  assert.equal(typed[0].n, 2.5);
  assert.equal(typed[1].id, 2);
  assert.deepEqual(parseCsv("a;b\r\n1;2", { delimiter: ";" }), [{ a: "1", b: "2" }]);
  assert.deepEqual(parseCsv("a,a,b\n1,2,3\n"), [{ a: "1", a_1: "2", b: "3" }]);
});

Deno.test("CSV errors are CsvError naming the file and the line", async () => {
  const cases: [string, string, RegExp][] = [
    ["empty.csv", "", /empty file/],
    ["bom_only.csv", "\uFEFF\r\n", /empty file/],
    ["short.csv", "a,b,c\r\n1,2,3\r\n4,5\r\n", /^line 3: expected 3 fields, found 2$/],
    ["long.csv", "a,b\n1,2\n\n3,4,5,6\n", /^line 4: expected 2 fields, found 4$/],
    ["quote.csv", 'a,b\n1,2\n3,"open\n', /^line 3: .*[Qq]uote/],
    ["after_multiline.csv", 'a,b\n"x\ny",1\n2\n', /^line 4: expected 2 fields, found 1$/],
  ];
  for (const [f, text, re] of cases) {
    const p = `${dir}/${f}`;
    await Deno.writeTextFile(p, text);
    await assert.rejects(readCsv(p), (e: unknown) => {
      assert.ok(e instanceof CsvError, `${f}: ${e}`);
      assert.equal(e.file, p);
      assert.ok(e.message.startsWith(`${p}: `));
      assert.match(e.problem, re, `${f}: ${e.problem}`);
      return true;
    });
  }
  await assert.rejects(readCsv(`${dir}/missing.csv`), CsvError);
  assert.deepEqual(parseCsv("a,b,c\n1,2\n", { ragged: true }), [{ a: "1", b: "2" }]);
});

Deno.test("writeCsv → readCsv round trip, and Python's csv module agrees", async () => {
  const rows = [
    { case: "case_00000", note: 'has "quotes", commas', n: 1 },
    { case: "case_00001", note: "two\nlines", n: -2.5 },
    { case: "case_00002", note: "", n: 0 },
  ];
  const p = `${dir}/rt.csv`;
  await writeCsv(p, rows);
  const back = await readCsv(p, { dynamicTyping: true });
  assert.deepEqual(back, rows.map((r) => ({ ...r, note: r.note || null }))); // typed: "" → null
  assert.equal(formatCsv([]), "");
  const py = findPython([]);
  if (!py) return;
  const ref = await runPythonJson<Record<string, string>[]>(
    py,
    "import csv, json, sys\nf = json.load(sys.stdin)\njson.dump(list(csv.DictReader(open(f, newline='', encoding='utf-8-sig'))), sys.stdout)",
    p,
  );
  assert.deepEqual(ref, rows.map((r) => ({ case: r.case, note: r.note, n: String(r.n) })));
  // and medkd reads what Python writes (CRLF, minimal quoting)
  const q = `${dir}/py.csv`;
  await runPythonJson(
    py,
    "import csv, json, sys\nf = json.load(sys.stdin)\nw = csv.writer(open(f, 'w', newline=''))\nw.writerows([['a', 'b'], ['x,y', 'say \"hi\"'], ['1', 'm\\nn']])\nprint('null')",
    q,
  );
  assert.deepEqual(await readCsv(q), [{ a: "x,y", b: 'say "hi"' }, { a: "1", b: "m\nn" }]);
});
