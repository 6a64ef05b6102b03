// Training faults before step 1: an unwritable output folder and a full disk fail in preflight,
// before any step runs or any log line is written. The full disk is a real 64 KiB tmpfs when this
// process may mount one (root), otherwise only the injected free-space check is exercised.
// (NaN loss → step number + last good checkpoint kept: tests/training/loop_test.ts "NaN guard".)
import assert from "node:assert/strict";
import { initBackend } from "../../lib/tf/backend.ts";
import { dfFreeBytes, PreflightError, preflightOutput, train } from "../../lib/training/mod.ts";
import { tinyRun } from "./_tiny_run.ts";

await initBackend("cpu", { quiet: true });

async function trainFails(runDir: string, extra: Record<string, unknown> = {}) {
  const { student, opts } = tinyRun();
  let steps = 0;
  const err = await train({ ...opts, steps: 3, runDir, onStep: () => steps++, ...extra })
    .catch((e) => e);
  student.dispose();
  assert.equal(steps, 0, "training started");
  return err as Error;
}

Deno.test("preflight: an unwritable output folder fails before training starts", async () => {
  const root = await Deno.makeTempDir();
  // a regular file where a folder is needed: unwritable even for root
  await Deno.writeTextFile(`${root}/file`, "x");
  const err = await trainFails(`${root}/file/run`);
  assert.ok(err instanceof PreflightError, String(err));
  assert.match(err.message, /file\/run: cannot create the output folder/);
  if (Deno.uid() !== 0) {
    await Deno.mkdir(`${root}/ro`, { mode: 0o500 });
    const e2 = await trainFails(`${root}/ro`);
    assert.ok(e2 instanceof PreflightError && /probe/.test(e2.message), String(e2));
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("preflight: a full disk (injected free space) fails before training starts", async () => {
  const root = await Deno.makeTempDir();
  const err = await trainFails(`${root}/run`, {
    preflight: { freeBytes: () => Promise.resolve(1000) },
  });
  assert.ok(err instanceof PreflightError, String(err));
  assert.match(err.message, /disk full: 1000 bytes free, a checkpoint needs about \d+/);
  assert.deepEqual([...Deno.readDirSync(`${root}/run`)], [], "probe or log left behind");
  assert.ok(((await dfFreeBytes(root)) ?? 0) > 1 << 20, "df gives the free bytes");
  await preflightOutput(`${root}/run`, 1 << 20); // a real disk with room passes
  assert.deepEqual([...Deno.readDirSync(`${root}/run`)], []);
  await Deno.remove(root, { recursive: true });
});

/** Mount a tmpfs of `size` at a new temp folder, or null when not permitted. */
async function tinyTmpfs(size: string): Promise<string | null> {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return null;
  const dir = await Deno.makeTempDir();
  const o = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
    stderr: "null",
    stdout: "null",
  }).output().catch(() => null);
  if (!o?.success) {
    await Deno.remove(dir);
    return null;
  }
  return dir;
}

async function unmount(dir: string) {
  await new Deno.Command("umount", { args: [dir] }).output();
  await Deno.remove(dir);
}

Deno.test("preflight: a real full disk (64 KiB tmpfs) fails via df and via the probe write", async (t) => {
  const mnt = await tinyTmpfs("64k");
  if (!mnt) {
    console.log("  (skipped: cannot mount a tmpfs here; the injected check above covers it)");
    return;
  }
  try {
    await t.step("df sees too little space", async () => {
      const err = await trainFails(`${mnt}/run`);
      assert.ok(err instanceof PreflightError, String(err));
      assert.match(err.message, /disk full/);
    });
    await t.step("free space unknown: the fsynced probe hits ENOSPC", async () => {
      const err = await trainFails(`${mnt}/run2`, {
        preflight: { freeBytes: () => Promise.resolve(null) },
      });
      assert.ok(err instanceof PreflightError, String(err));
      assert.match(err.message, /cannot write a \d+-byte checkpoint probe/);
      assert.deepEqual([...Deno.readDirSync(`${mnt}/run2`)], [], "probe left behind");
    });
  } finally {
    await unmount(mnt);
  }
});
