import assert from "node:assert/strict";
import { writeKitsCases } from "./_cases.ts";
import { parseNpy, strings } from "./_npz.ts";

const script = new URL("../../scripts/slice.ts", import.meta.url).pathname;

async function cli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  return { code: out.code, text: td.decode(out.stdout) + td.decode(out.stderr) };
}

Deno.test("slice CLI: --help, usage errors (exit 2), failures (exit 1), summary and plain progress", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const h = await cli(["--help"]);
    assert.equal(h.code, 0);
    assert.match(h.text, /--workers N/);
    assert.equal((await cli(["--inpath", dir])).code, 2);
    assert.equal((await cli(["--inpath", dir, "--outpath", dir, "--dataset", "nope"])).code, 2);
    await writeKitsCases(`${dir}/in`, 2);
    // original spellings accepted
    const ok = await cli([
      "--in_path",
      `${dir}/in`,
      "--out_path",
      `${dir}/out`,
      "--dataset",
      "kits",
      "--task",
      "tumor",
      "--slice-size",
      "4",
      "--process_num",
      "2",
    ]);
    assert.equal(ok.code, 0, ok.text);
    assert.match(ok.text, /2\/2 cases \(100%\)/);
    assert.match(ok.text, /2 processed, 0 already done .* 0 failed; 6 files written, 2 listed/);
    const l = parseNpy(await Deno.readFile(`${dir}/out/train/kits_tumor_slices.npy`));
    assert.deepEqual(strings(l), ["00000_1.npz", "00001_1.npz"]);
    await Deno.writeFile(`${dir}/in/case_00001/imaging.nii.gz`, new Uint8Array(3));
    const bad = await cli([
      "--inpath",
      `${dir}/in`,
      "--outpath",
      `${dir}/out2`,
      "--dataset",
      "kits",
      "--slice-size",
      "4",
    ]);
    assert.equal(bad.code, 1, bad.text);
    assert.match(bad.text, /FAILED 00001: NiftiError/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
