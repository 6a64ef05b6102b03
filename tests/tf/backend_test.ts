import assert from "node:assert/strict";
import { assertNoLeak, initBackend, TensorLeakError, tf } from "../../lib/tf/mod.ts";

Deno.test("initBackend('cpu') selects the CPU backend and is idempotent", async () => {
  const a = await initBackend("cpu", { quiet: true });
  assert.equal(a.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  const b = await initBackend(undefined, { quiet: true });
  assert.equal(b.name, a.name);
});

Deno.test("assertNoLeak passes for tidy code and reports a leak", async () => {
  await initBackend("cpu", { quiet: true });
  const v = await assertNoLeak(() => tf.tidy(() => tf.ones([3]).sum().arraySync() as number));
  assert.equal(v, 3);
  let leaked: tf.Tensor | undefined;
  await assert.rejects(
    () =>
      assertNoLeak(() => {
        leaked = tf.zeros([2]);
      }, { label: "leaky" }),
    (e: unknown) => e instanceof TensorLeakError && /leaky: 1 tensor/.test(e.message),
  );
  leaked?.dispose();
});

Deno.test("MEDKD_BACKEND rejects unknown names in a subprocess", async () => {
  const code = `import { initBackend } from "${new URL(
    "../../lib/tf/backend.ts",
    import.meta.url,
  )}";
try { await initBackend(); console.log("no error"); } catch (e) { console.log(e.name + ": " + e.message); }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { MEDKD_BACKEND: "tpu" },
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.match(text, /BackendError: MEDKD_BACKEND=tpu: unknown backend/);
});
