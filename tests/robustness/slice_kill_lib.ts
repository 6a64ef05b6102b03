/**
 * SliceMaker under a real SIGKILL (shared by `slice_kill_test.ts` and `scripts/reliability.ts`):
 * `scripts/slice.ts` on a KiTS phantom is killed mid-run after 1, 3 and 5 cases have their
 * done-markers (plus a seeded 0–20 ms; 8 cases, so the last kill leaves three to do), then re-run to the end and compared with an uninterrupted
 * run.
 * @module
 */
import { fileURLToPath } from "node:url";
import { createRng } from "../../lib/random/mod.ts";
import { writePhantom } from "../../lib/phantoms/mod.ts";
import { snapshot } from "../slicer/_cases.ts";

const script = fileURLToPath(new URL("../../scripts/slice.ts", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slice(inpath: string, outpath: string) {
  const args = ["--inpath", inpath, "--outpath", outpath, "--dataset", "kits", "--task", "tumor"];
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args, "--slice-size", "16"],
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

/** What {@link sliceKillExperiment} saw. */
export type SliceKillResult = {
  cases: number;
  /** Finished cases (done-markers) right after each kill. */
  doneAtKill: number[];
  /** Runs that ended on their own before their kill. */
  finishedEarly: number;
  rerunCode: number;
  processed: number;
  alreadyDone: number;
  identical: boolean;
  tempFiles: string[];
  summary: string;
};

/** Kill at each of `targets` finished cases, re-run, compare with an uninterrupted run. */
export async function sliceKillExperiment(
  o: { seed?: number; cases?: number; targets?: number[] } = {},
): Promise<SliceKillResult> {
  const dir = await Deno.makeTempDir({ prefix: "medkd_slicekill_" });
  const rng = createRng(o.seed ?? 31), cases = o.cases ?? 8;
  try {
    await writePhantom("kits", `${dir}/in`, { cases });
    const ref = await slice(`${dir}/in`, `${dir}/ref`).output();
    if (ref.code !== 0) throw new Error(new TextDecoder().decode(ref.stderr));
    const doneAtKill: number[] = [];
    let finishedEarly = 0;
    for (const target of o.targets ?? [1, 3, 5]) {
      const child = slice(`${dir}/in`, `${dir}/out`).spawn();
      let exited = false;
      const status = child.status.then((s) => (exited = true, s));
      while (!exited && (await markers(`${dir}/out`)) < target) await sleep(3);
      await sleep(rng.uniform(0, 20));
      if (exited) finishedEarly++;
      else child.kill("SIGKILL");
      await status;
      await child.stdout.cancel();
      await child.stderr.cancel();
      doneAtKill.push(await markers(`${dir}/out`));
    }
    const rerun = await slice(`${dir}/in`, `${dir}/out`).output();
    const td = new TextDecoder();
    const text = td.decode(rerun.stdout) + td.decode(rerun.stderr);
    const m = /(\d+) cases: (\d+) processed, (\d+) already done/.exec(text);
    const [want, got] = [await snapshot(`${dir}/ref`), await snapshot(`${dir}/out`)];
    const same = (a: Uint8Array, b?: Uint8Array) =>
      b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
    const identical = want.size === got.size && [...want].every(([k, v]) => same(v, got.get(k)));
    return {
      cases,
      doneAtKill,
      finishedEarly,
      rerunCode: rerun.code,
      processed: m ? Number(m[2]) : -1,
      alreadyDone: m ? Number(m[3]) : -1,
      identical,
      tempFiles: [...got.keys()].filter((n) => n.includes(".tmp-")),
      summary: text.trim().split("\n").find((l) => /processed/.test(l)) ?? text,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
