// A kill during a checkpoint write never corrupts the latest checkpoint: a child process rewrites
// `last` (every weight = the checkpoint's step) in a loop and is SIGKILLed at seeded random times;
// each time the latest checkpoint loads and is not a mix of two writes. Plus the two recovery
// rules of writeAtomicDir (lib/io/checkpoint.ts) that make this hold across repeated kills.
import assert from "node:assert/strict";
import { initBackend } from "../../lib/tf/backend.ts";
import { resolveCheckpointDir, writeAtomicDir } from "../../lib/io/checkpoint.ts";
import { checkpointWriteKills } from "./kill_lib.ts";

await initBackend("cpu", { quiet: true });

Deno.test("checkpoint kill: SIGKILL while writing in a loop (4 kills) never corrupts the latest checkpoint", async () => {
  const r = await checkpointWriteKills({ kills: 4, seed: 11 });
  console.log(
    `  ${r.kills} kills in ${r.seconds.toFixed(1)} s; loaded steps ${r.steps.join(", ")}`,
  );
  assert.equal(r.kills, 4);
  assert.equal(r.loaded, 4);
  assert.equal(r.consistent, 4);
});

Deno.test("checkpoint kill: a lone dir.old (crash between renames) is restored before it could be removed", async () => {
  const root = await Deno.makeTempDir();
  await writeAtomicDir(`${root}/last`, (t) => Deno.writeTextFile(`${t}/a`, "1"));
  await Deno.rename(`${root}/last`, `${root}/last.old`); // the crash window
  await writeAtomicDir(`${root}/last`, async (t) => {
    // while the next checkpoint is being written, the complete old one is back under its name
    assert.equal(await resolveCheckpointDir(`${root}/last`), `${root}/last`);
    assert.equal(await Deno.readTextFile(`${root}/last/a`), "1");
    await Deno.writeTextFile(`${t}/a`, "2");
  });
  assert.equal(await Deno.readTextFile(`${root}/last/a`), "2");
  assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["last"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("checkpoint kill: temp folders left by killed writers are removed by the next write", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/last.tmp-999999-3/student`, { recursive: true });
  await Deno.mkdir(`${root}/other.tmp-999999-1`);
  await writeAtomicDir(`${root}/last`, (t) => Deno.writeTextFile(`${t}/a`, "1"));
  const names = [...Deno.readDirSync(root)].map((e) => e.name).sort();
  assert.deepEqual(names, ["last", "other.tmp-999999-1"]);
  await Deno.remove(root, { recursive: true });
});
