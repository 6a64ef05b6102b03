// lib/io/checkpoint.ts: TF.js layers format (served over HTTP and loaded with tf.loadLayersModel,
// as a browser would), custom-layer round trip, named tensors, atomic directory replacement.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { abfConnector } from "../../lib/distillers/mod.ts";
import {
  CheckpointError,
  loadModel,
  loadTensors,
  loadWeightsInto,
  resolveCheckpointDir,
  saveModel,
  saveTensors,
  writeAtomicDir,
} from "../../lib/io/checkpoint.ts";
import { segNet } from "./_tiny.ts";

await initBackend("cpu", { quiet: true });

const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

Deno.test("checkpoint: model.json + weights.bin served over HTTP load with tf.loadLayersModel", async () => {
  const dir = await Deno.makeTempDir();
  const m = segNet("ck", 3, 3, 1, true);
  await saveModel(dir, m, { note: "test" });
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.equal(json.format, "layers-model");
  assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
  assert.equal(json.userDefinedMetadata.note, "test");
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const name = new URL(req.url).pathname.slice(1);
    if (name !== "model.json" && name !== "weights.bin") return new Response("no", { status: 404 });
    return new Response(await Deno.readFile(`${dir}/${name}`));
  });
  try {
    const back = await tf.loadLayersModel(`http://127.0.0.1:${server.addr.port}/model.json`);
    const x = tf.randomNormal([2, 6, 6, 1], 0, 1, "float32", 3);
    const a = m.predict(x) as tf.Tensor[], b = back.predict(x) as tf.Tensor[];
    a.forEach((t, i) => assert.equal(maxDiff(t, b[i]), 0));
    assert.deepEqual(back.outputNames, m.outputNames);
    tf.dispose([x, ...a, ...b]);
    back.dispose();
  } finally {
    await server.shutdown();
  }
  m.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkpoint: custom ABF layer round trip; loadWeightsInto by position; shape mismatch is typed", async () => {
  const dir = await Deno.makeTempDir();
  const abf = abfConnector({
    inChannels: 3,
    midChannels: 4,
    outChannels: 5,
    fuse: true,
    outSize: [4, 4],
    seed: 9,
    name: "ck_abf",
  });
  await saveModel(`${dir}/abf`, abf);
  const back = await loadModel(`${dir}/abf`);
  const x = tf.randomNormal([1, 2, 2, 3], 0, 1, "float32", 1),
    r = tf.randomNormal([1, 1, 1, 4], 0, 1, "float32", 2);
  const a = abf.predict([x, r]) as tf.Tensor[], b = back.predict([x, r]) as tf.Tensor[];
  assert.deepEqual(a[0].shape, [1, 4, 4, 5]);
  a.forEach((t, i) => assert.equal(maxDiff(t, b[i]), 0));
  const fresh = abfConnector({
    inChannels: 3,
    midChannels: 4,
    outChannels: 5,
    fuse: true,
    outSize: [4, 4],
    seed: 10,
    name: "ck_abf2",
  });
  await loadWeightsInto(`${dir}/abf`, fresh);
  const c = fresh.predict([x, r]) as tf.Tensor[];
  assert.equal(maxDiff(a[0], c[0]), 0);
  const other = abfConnector({
    inChannels: 2,
    midChannels: 4,
    outChannels: 5,
    fuse: true,
    outSize: null,
    seed: 1,
  });
  await assert.rejects(() => loadWeightsInto(`${dir}/abf`, other), CheckpointError);
  await assert.rejects(() => loadModel(`${dir}/missing`), CheckpointError);
  tf.dispose([x, r, ...a, ...b, ...c]);
  [abf, back, fresh, other].forEach((m) => m.dispose());
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkpoint: named tensors and atomic replacement (a failed write keeps the old one)", async () => {
  const root = await Deno.makeTempDir();
  const t = { a: tf.tensor1d([1, 2, 3]), "b/m": tf.tensor2d([[4.5]]) };
  await writeAtomicDir(`${root}/last`, (tmp) => saveTensors(tmp, "opt", t));
  await assert.rejects(() =>
    writeAtomicDir(`${root}/last`, async (tmp) => {
      await Deno.writeTextFile(`${tmp}/opt.json`, "[]");
      throw new Error("disk full");
    })
  );
  const dir = await resolveCheckpointDir(`${root}/last`);
  assert.equal(dir, `${root}/last`);
  const back = await loadTensors(dir!, "opt");
  assert.deepEqual(Array.from(back.a.dataSync()), [1, 2, 3]);
  assert.deepEqual(back["b/m"].shape, [1, 1]);
  const leftovers = [...Deno.readDirSync(root)].map((e) => e.name);
  assert.deepEqual(leftovers, ["last"]);
  // crash between the two renames: only last.old exists → it is found
  await Deno.rename(`${root}/last`, `${root}/last.old`);
  assert.equal(await resolveCheckpointDir(`${root}/last`), `${root}/last.old`);
  tf.dispose([...Object.values(t), ...Object.values(back)]);
  await Deno.remove(root, { recursive: true });
});
