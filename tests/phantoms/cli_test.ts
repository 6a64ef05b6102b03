import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { walk, withTempDir } from "./_util.ts";

const script = fromFileUrl(new URL("../../scripts/phantom.ts", import.meta.url));
const config = fromFileUrl(new URL("../../deno.json", import.meta.url));

async function cli(...args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", config, script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("phantom CLI: --help, errors, a progress line per case", async () => {
  const help = await cli("--help");
  assert.equal(help.code, 0);
  for (const s of ["kits", "lits", "synapse", "chestxray14", "brats", "hcc", "--out", "--cases"]) {
    assert.ok(help.out.includes(s), s);
  }
  const bad = await cli("mnist", "--out", "x");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown study "mnist"/);
  assert.equal((await cli("kits")).code, 2); // --out missing
  assert.match(
    (await cli("kits", "--out", "x", "--cases", "two")).err,
    /--cases must be an integer/,
  );
  await withTempDir(async (dir) => {
    const r = await cli("hcc", "--out", dir, "--cases", "3", "--seed", "4");
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split("\n");
    assert.match(lines[0], /^\[1\/3\] HCC_001_ZS100001 /);
    assert.match(lines[2], /^\[3\/3\] HCC_003_ZS100003 /);
    assert.match(lines[3], /^hcc: 3 cases, 12 files in /);
    assert.equal((await walk(dir)).length, 12);
    const again = await cli("hcc", "--out", join(dir, "again"), "--cases", "3", "--seed", "4");
    assert.equal(again.code, 0);
    const x = await Deno.readFile(join(dir, "pre/HCC_002_ZS100002_pre.npy"));
    const y = await Deno.readFile(join(dir, "again/pre/HCC_002_ZS100002_pre.npy"));
    assert.deepEqual(x, y);
  });
});
