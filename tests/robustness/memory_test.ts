// Memory: 200 training steps of the tiny run keep tf.memory().numTensors constant after warm-up
// and RSS steady; a volume beyond MEDKD_MEMORY_BUDGET fails before allocation, naming the file.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { train } from "../../lib/training/mod.ts";
import { checkMemoryBudget, memoryBudget, MemoryBudgetError } from "../../lib/io/budget.ts";
import { writeNifti } from "../../lib/io/nifti.ts";
import { tinyRun } from "./_tiny_run.ts";

await initBackend("cpu", { quiet: true });

Deno.test("memory: no tensor growth and steady RSS over 200 training steps", async () => {
  const { student, opts } = tinyRun(3);
  const tensors: number[] = [], rss: number[] = [];
  const t0 = performance.now();
  await train({
    ...opts,
    steps: 200,
    onStep: (r) => {
      tensors[r.step] = tf.memory().numTensors;
      if (r.step === 50 || r.step === 200) rss[r.step] = Deno.memoryUsage().rss;
    },
  });
  const secs = (performance.now() - t0) / 1000;
  const after = tensors.slice(10);
  assert.ok(after.every((n) => n === tensors[10]), `numTensors drifted: ${[...new Set(after)]}`);
  const growth = rss[200] - rss[50];
  console.log(
    `  200 steps in ${secs.toFixed(1)} s; numTensors ${tensors[10]}; RSS +${
      (growth / 2 ** 20).toFixed(1)
    } MiB from step 50 to 200`,
  );
  assert.ok(growth < 48 * 2 ** 20, `RSS grew ${growth} bytes from step 50 to 200`);
  student.dispose();
});

Deno.test("memory: checkMemoryBudget refuses sizes over the budget, naming the file", () => {
  checkMemoryBudget(1000, "a.nii", 1000);
  assert.throws(
    () => checkMemoryBudget(1001, "big.nii.gz", 1000),
    (e) => e instanceof MemoryBudgetError && /^big\.nii\.gz: needs 1001 bytes/.test(e.message),
  );
  const total = Deno.systemMemoryInfo().total;
  if (Deno.env.get("MEDKD_MEMORY_BUDGET") === undefined) {
    assert.equal(memoryBudget(), Math.floor(total * 0.7));
  }
});

Deno.test("memory: readNifti of a volume beyond MEDKD_MEMORY_BUDGET fails before allocating", async () => {
  const dir = await Deno.makeTempDir();
  const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const vol = {
    data: new Int16Array(32 * 32 * 8),
    shape: [32, 32, 8],
    spacing: [1, 1, 1],
    affine: I,
  };
  await writeNifti(`${dir}/big.nii.gz`, vol);
  await writeNifti(`${dir}/big.nii`, vol);
  const code = `import { readNifti } from "./lib/io/nifti.ts";
    for (const f of ["big.nii.gz", "big.nii"]) {
      try { await readNifti("${dir}/" + f); console.log("loaded"); }
      catch (e) { console.log(e.name + " " + e.message); }
    }`;
  const run = async (budget: string) => {
    const o = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      env: { MEDKD_MEMORY_BUDGET: budget },
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(o.stdout).trim().split("\n");
  };
  const small = await run("10000"); // 16 KiB of voxels > 10000 bytes
  assert.equal(small.length, 2);
  for (const [i, f] of ["big.nii.gz", "big.nii"].entries()) {
    assert.match(small[i], new RegExp(`^MemoryBudgetError ${dir}/${f}: needs \\d+ bytes`));
    assert.match(small[i], /MEDKD_MEMORY_BUDGET/);
  }
  assert.deepEqual(await run("1000000"), ["loaded", "loaded"]);
  await Deno.remove(dir, { recursive: true });
});
