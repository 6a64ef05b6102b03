// lib/validate + `deno task validate`: clean phantoms of all six studies pass; each injected
// fault (label value, affine, shape, duplicate id, missing modality, list/CSV rows pointing at
// missing files, empty mask) is reported naming the file; the CLI exits 1 on errors and
// assertValidDataset throws a ValidationError carrying the report's first lines.
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertValidDataset, ValidationError } from "../../lib/validate/mod.ts";
import { FAULTS, runValidateFaults } from "./validate_faults.ts";

const root = await Deno.makeTempDir();
const { clean, results } = await runValidateFaults(root);

Deno.test("validate: clean phantoms of the six studies pass with no warnings", () => {
  assert.equal(clean.length, 6);
  for (const r of clean) {
    assert.ok(r.ok, `${r.study}: ${JSON.stringify(r.errors)}`);
    assert.deepEqual(r.warnings, [], r.study);
    assert.ok(r.cases >= 2, `${r.study}: ${r.cases} cases`);
  }
});

Deno.test("validate: every injected fault is reported naming the file", async (t) => {
  assert.equal(results.length, FAULTS.length);
  for (const x of results) {
    await t.step(x.fault.name, () => {
      const list = x.fault.level === "error" ? x.report.errors : x.report.warnings;
      assert.ok(
        list.some((i) => i.file === x.file && x.fault.problem.test(i.problem)),
        `expected ${x.fault.problem} on ${x.file}, got ${JSON.stringify(list)}`,
      );
      assert.equal(x.report.ok, x.fault.level === "warning");
      assert.ok(x.detected);
    });
  }
});

Deno.test("validate: assertValidDataset throws a ValidationError with the report's first lines", async () => {
  const bad = results.find((x) => x.fault.study === "kits" && x.fault.level === "error")!;
  const err = await assertValidDataset("kits", bad.report.dir).catch((e) => e);
  assert.ok(err instanceof ValidationError);
  assert.match(err.message, /^validate kits .* FAILED\nerrors:\n/);
  assert.ok(err.message.includes(bad.file), err.message);
  const ok = await assertValidDataset("hcc", join(root, "clean/hcc"));
  assert.equal(ok.ok, true);
  const empty = results.find((x) => x.fault.level === "warning")!;
  await assert.rejects(
    () => assertValidDataset("hcc", empty.report.dir, { strict: true }),
    /empty mask/,
  );
});

Deno.test("validate: HCC mask value 3 and a missing data folder are errors", async () => {
  const { readNpy, writeNpy } = await import("../../lib/io/npy.ts");
  const dir = join(root, "clean/hcc");
  const f = [...Deno.readDirSync(join(dir, "hbp"))].find((e) => e.name.endsWith("_mask.npy"))!;
  const p = join(dir, "hbp", f.name);
  const a = await readNpy(p);
  const d = Float32Array.from(a.data as ArrayLike<number>);
  d[0] = 3;
  await writeNpy(p, { data: d, shape: a.shape });
  const err = await assertValidDataset("hcc", dir).catch((e) => e) as ValidationError;
  assert.ok(
    err.report.errors.some((i) => i.file === p && /label values 3 outside/.test(i.problem)),
  );
  const none = await assertValidDataset("lits", join(root, "nope")).catch((e) => e);
  assert.match(none.message, /missing data folder/);
});

Deno.test("validate: the CLI prints the report and exits 1 on errors, 0 when clean, 2 on bad args", async () => {
  const run = async (...args: string[]) => {
    const o = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/validate.ts", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: o.code, out: new TextDecoder().decode(o.stdout) };
  };
  const bad = results.find((x) => x.fault.study === "brats")!;
  const a = await run("--dataset", "brats", "--data", bad.report.dir);
  assert.equal(a.code, 1);
  assert.ok(a.out.includes(bad.file), a.out);
  const b = await run("--dataset", "lits", "--data", join(root, "clean/lits"));
  assert.equal(b.code, 0, b.out);
  assert.match(b.out, /2 cases, .* 0 errors, 0 warnings — OK/);
  assert.equal((await run("--dataset", "nope", "--data", root)).code, 2);
  await Deno.remove(root, { recursive: true });
});
