import assert from "node:assert/strict";
import { join } from "node:path";
import { markdownTable, setAside, summarise } from "../../scripts/demo_table.ts";

Deno.test("demo table: mean ± sample sd per model over seeds, NaN-safe, one block per study", () => {
  const run = (seed: number, t: number, s: number) => ({
    study: "kits" as const,
    seed,
    wallSeconds: 100 + seed,
    methods: [
      { method: "teacher", role: "teacher", metrics: { dice: t } },
      { method: "HLFD (distilled)", role: "distilled", metrics: { dice: s } },
    ],
  });
  const rows = summarise("kits", [run(0, 0.5, 0.1), run(1, 0.7, NaN), run(2, 0.6, 0.3)]);
  assert.equal(rows.length, 2);
  assert.ok(Math.abs(rows[0].mean - 0.6) < 1e-12);
  assert.ok(Math.abs(rows[0].sd - 0.1) < 1e-12); // sample sd of 0.5, 0.7, 0.6
  assert.ok(Math.abs(rows[1].mean - 0.2) < 1e-12); // the NaN seed is left out
  assert.ok(Math.abs(rows[1].sd - Math.SQRT2 / 10) < 1e-12);
  const md = markdownTable(rows, { kits: [100, 101, 102] }).split("\n");
  assert.equal(md.length, 4);
  assert.match(
    md[2],
    /^\| kits \| teacher \(teacher\) \| tumour Dice.* \| 0\.600 ± 0\.100 \| 0\.500 \/ 0\.700 \/ 0\.600 \| 100 \/ 101 \/ 102 \|$/,
  );
  assert.match(
    md[3],
    /^\| {2}\| HLFD \(distilled\) \| {2}\| 0\.200 ± 0\.141 \| 0\.100 \/ — \/ 0\.300 \| {2}\|$/,
  );
});

Deno.test("demo table: a re-run sets the earlier output folder aside (renamed, never deleted)", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "demo-seed0");
    assert.equal(await setAside(dir), null); // nothing there yet
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "metrics.json"), "{}");
    const t = new Date("2026-12-03T07:30:00.000Z");
    const first = await setAside(dir, t);
    assert.equal(first, `${dir}.previous-2026-12-03T07-30-00-000Z`);
    assert.equal(await Deno.readTextFile(join(first!, "metrics.json")), "{}");
    await Deno.mkdir(dir);
    const second = await setAside(dir, t); // same stamp: a suffix keeps both
    assert.equal(second, `${dir}.previous-2026-12-03T07-30-00-000Z-1`);
    assert.equal(await Deno.stat(dir).then(() => true, () => false), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
