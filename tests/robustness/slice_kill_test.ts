// SliceMaker under a real SIGKILL: `deno task slice` (scripts/slice.ts) on a 6-case KiTS phantom
// is killed three times mid-run (after 1, 3 and 5 cases have their done-markers, plus a seeded
// 0–60 ms), then re-run: the re-run finishes only the rest, the output equals an uninterrupted
// run's byte for byte, and no temp or half-written slice file remains.
import assert from "node:assert/strict";
import { createRng } from "../../lib/random/mod.ts";
import { writePhantom } from "../../lib/phantoms/mod.ts";
import { snapshot } from "../slicer/_cases.ts";

const script = new URL("../../scripts/slice.ts", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slice(inpath: string, outpath: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      script,
      "--inpath",
      inpath,
      "--outpath",
      outpath,
      "--dataset",
      "kits",
      "--task",
      "tumor",
      "--slice-size",
      "16",
    ],
    stdout: "piped",
    stderr: "piped",
  });
}

async function markers(out: string): Promise<number> {
  let n = 0;
  try {
    for await (const e of Deno.readDir(`${out}/train/.slicemaker/kits_tumor`)) {
      if (e.name.endsWith(".json")) n++;
    }
  } catch {
    return 0;
  }
  return n;
}

Deno.test("slice kill: SIGKILL mid-run ×3, the re-run finishes the rest; output identical, no temp files", async () => {
  const dir = await Deno.makeTempDir();
  const rng = createRng(31);
  try {
    await writePhantom("kits", `${dir}/in`, { cases: 6 });
    const ref = await slice(`${dir}/in`, `${dir}/ref`).output();
    assert.equal(ref.code, 0, new TextDecoder().decode(ref.stderr));
    const done: number[] = [];
    for (const target of [1, 3, 5]) {
      const child = slice(`${dir}/in`, `${dir}/out`).spawn();
      let exited = false;
      const status = child.status.then((s) => (exited = true, s));
      while (!exited && (await markers(`${dir}/out`)) < target) await sleep(3);
      await sleep(rng.uniform(0, 60));
      assert.ok(!exited, `run finished before the kill at ${target} cases`);
      child.kill("SIGKILL");
      await status;
      await child.stdout.cancel();
      await child.stderr.cancel();
      done.push(await markers(`${dir}/out`));
    }
    assert.ok(done[2] < 6, `killed runs completed every case (${done})`);
    const rerun = await slice(`${dir}/in`, `${dir}/out`).output();
    const text = new TextDecoder().decode(rerun.stdout) + new TextDecoder().decode(rerun.stderr);
    assert.equal(rerun.code, 0, text);
    const m = /6 cases: (\d+) processed, (\d+) already done/.exec(text);
    assert.ok(m, text);
    assert.equal(Number(m[1]) + Number(m[2]), 6);
    assert.equal(Number(m[2]), done[2], "re-run redid finished cases");
    const [want, got] = [await snapshot(`${dir}/ref`), await snapshot(`${dir}/out`)];
    const names = [...got.keys()];
    assert.ok(
      !names.some((n) => n.includes(".tmp-")),
      `temp files left: ${names.filter((n) => n.includes(".tmp-"))}`,
    );
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, v] of want) {
      assert.deepEqual(got.get(k), v, `${k} differs from the uninterrupted run`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
