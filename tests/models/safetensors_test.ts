import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { buildModel } from "../../lib/models/mod.ts";
import {
  encodeSafetensors,
  loadTorchWeights,
  parseSafetensors,
  readSafetensors,
  SafetensorsError,
  torchStateDict,
} from "../../lib/io/safetensors.ts";
import { refPython } from "../_util/reference.ts";

await initBackend("cpu", { quiet: true });

const FIX = new URL("../fixtures/models/", import.meta.url);
type Ref = { shape: number[]; input: number[]; logits: number[] };

/** Load `st` into `name` (input side from the reference) and return max |medkd − torch|. */
function compare(
  name: string,
  width: number,
  st: Map<string, ReturnType<typeof parseSafetensors> extends Map<string, infer V> ? V : never>,
  ref: Ref,
): number {
  const [, , h, w] = ref.shape;
  const m = buildModel(name, {
    inputShape: [h, w, 3],
    classes: ref.logits.length,
    width,
    shapeOnly: true,
  });
  loadTorchWeights(m, st);
  const diff = tf.tidy(() => {
    const x = tf.transpose(tf.tensor4d(ref.input, ref.shape as [number, number, number, number]), [
      0,
      2,
      3,
      1,
    ]);
    const y = (m.predict(x) as tf.Tensor[])[0];
    return tf.max(tf.abs(tf.sub(y, tf.tensor2d([ref.logits])))).dataSync()[0];
  });
  m.dispose();
  return diff;
}

Deno.test("safetensors: committed width-1/8 torchvision-layout ResNet-18 gives torch's logits to 1e-4", async () => {
  const st = await readSafetensors(new URL("resnet18_w8.safetensors", FIX).pathname);
  const ref = JSON.parse(await Deno.readTextFile(new URL("resnet18_w8.json", FIX))) as Ref;
  assert.ok(st.has("layer1.0.bn1.num_batches_tracked"), "fixture carries BN counters (ignored)");
  const d = compare("resnet18", 1 / 8, st, ref);
  assert.ok(d < 1e-4, `max |Δ| = ${d}`);
});

Deno.test("safetensors: full ResNet-18/34/50 and DenseNet-121 from python3-torch match to 1e-4", async () => {
  const py = refPython(["torch"]);
  if (!py) return;
  const dir = await Deno.makeTempDir();
  try {
    const script =
      new URL("../../scripts/reference/models_safetensors.py", import.meta.url).pathname;
    const names = ["resnet18", "resnet34", "resnet50", "densenet121"];
    const out = await new Deno.Command(py, {
      args: [script, dir, "--models", names.join(",")],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const refs = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<string, Ref>;
    for (const n of names) {
      const st = await readSafetensors(`${dir}/${n}.safetensors`);
      const d = compare(n, 1, st, refs[n]);
      assert.ok(d < 1e-4, `${n}: max |Δ| = ${d}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("safetensors: format round trip, dtypes, and typed errors", () => {
  const bytes = encodeSafetensors({ a: { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) } }, {
    k: "v",
  });
  assert.equal(new DataView(bytes.buffer).getBigUint64(0, true) % 8n, 0n);
  assert.deepEqual(Array.from(parseSafetensors(bytes).get("a")!.data), [1, 2, 3, 4]);
  // F16 and BF16 by hand: 0x3c00 = 1.0 (F16), 0x4040 = 3.0 (BF16).
  const hdr = JSON.stringify({
    h: { dtype: "F16", shape: [1], data_offsets: [0, 2] },
    b: { dtype: "BF16", shape: [1], data_offsets: [2, 4] },
  });
  const raw = new Uint8Array(8 + hdr.length + 4);
  new DataView(raw.buffer).setBigUint64(0, BigInt(hdr.length), true);
  raw.set(new TextEncoder().encode(hdr), 8);
  new DataView(raw.buffer).setUint16(8 + hdr.length, 0x3c00, true);
  new DataView(raw.buffer).setUint16(8 + hdr.length + 2, 0x4040, true);
  const p = parseSafetensors(raw);
  assert.equal(p.get("h")!.data[0], 1);
  assert.equal(p.get("b")!.data[0], 3);
  assert.throws(() => parseSafetensors(bytes.subarray(0, 20), "x.safetensors"), SafetensorsError);
  const x = tf.input({ shape: [2] });
  const m = tf.model({
    inputs: x,
    outputs: tf.layers.dense({ units: 1, name: "fc" }).apply(x) as tf.SymbolicTensor,
  });
  const bad = parseSafetensors(
    encodeSafetensors({
      "fc.weight": { shape: [2, 1], data: Float32Array.of(1, 2) },
      "fc.bias": { shape: [1], data: Float32Array.of(0) },
    }),
  );
  assert.throws(() => loadTorchWeights(m, bad), /shape \[2,1\] does not fit/);
  assert.throws(() => loadTorchWeights(m, new Map()), /missing fc.weight/);
  m.dispose();
});

Deno.test("safetensors: torchStateDict → encode → parse → loadTorchWeights reproduces a model", () => {
  for (const name of ["resnet18", "densenet121"]) {
    const opts = { inputShape: [32, 32, 3], classes: 5, width: 1 / 8 };
    const a = buildModel(name, { ...opts, seed: 1 }), b = buildModel(name, { ...opts, seed: 2 });
    const sd = torchStateDict(a);
    assert.deepEqual(sd["conv1.weight"]?.shape ?? sd["features.conv0.weight"].shape, [8, 3, 7, 7]);
    loadTorchWeights(b, parseSafetensors(encodeSafetensors(sd)));
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, "float32", 3);
    const ya = (a.predict(x) as tf.Tensor[])[0], yb = (b.predict(x) as tf.Tensor[])[0];
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0]) === 0, name);
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  }
});
