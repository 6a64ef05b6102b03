import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { buildModel, splitOutputs } from "../../lib/models/mod.ts";
import { maxAbsDiff, randomInput } from "./_util.ts";

await initBackend("cpu", { quiet: true });

Deno.test("lckd_dualnet: absent modalities are filled with the mean of present ones", () => {
  const m = buildModel("lckd_dualnet", {
    inputShape: [16, 32, 32, 4],
    classes: 3,
    variant: "demo",
    seed: 1,
  });
  const x = randomInput([1, 16, 32, 32, 4], 2);
  const present = tf.tensor2d([[1, 0, 1, 0]]);
  const out = splitOutputs(m, m.predict([x, present]) as tf.Tensor[]);
  const c = 32;
  const f = tf.split(out.taps.features, 4, 4), g = tf.split(out.taps.fused, 4, 4);
  const mean = tf.div(tf.add(f[0], f[2]), 2);
  assert.ok(maxAbsDiff(g[0], f[0]) === 0 && maxAbsDiff(g[2], f[2]) === 0, "present slots kept");
  assert.ok(maxAbsDiff(g[1], mean) < 1e-6 && maxAbsDiff(g[3], mean) < 1e-6, "absent slots = mean");
  assert.equal(out.taps.features.shape[4], 4 * c);
  // Absent image channels are ignored: changing them does not change the logits.
  const x2 = tf.add(x, tf.tensor1d([0, 5, 0, 5]));
  const out2 = splitOutputs(m, m.predict([x2, present]) as tf.Tensor[]);
  assert.ok(maxAbsDiff(out.logits, out2.logits) < 1e-5);
  tf.dispose([
    x,
    x2,
    present,
    out.logits,
    out2.logits,
    ...Object.values(out.taps),
    ...Object.values(out2.taps),
    ...f,
    ...g,
    mean,
  ]);
  m.dispose();
});

Deno.test("mdnet_teacher: clinical features gate the backbones; student taps split s", () => {
  const t = buildModel("mdnet_teacher", {
    inputShape: [16, 16, 16, 1],
    classes: 3,
    width: 1 / 8,
    seed: 1,
  });
  const hbp = randomInput([2, 16, 16, 16, 1], 3), pre = randomInput([2, 16, 16, 16, 1], 4);
  const c1 = randomInput([2, 52], 5), c2 = randomInput([2, 52], 6);
  const a = t.predict([hbp, pre, c1]) as tf.Tensor[], b = t.predict([hbp, pre, c2]) as tf.Tensor[];
  assert.ok(maxAbsDiff(a[0], b[0]) > 1e-4, "clinical input must matter");
  const s = buildModel("mdnet_student", {
    inputShape: [16, 16, 16, 1],
    classes: 3,
    width: 1 / 8,
    seed: 1,
  });
  const o = splitOutputs(s, s.predict([hbp, pre]) as tf.Tensor[]);
  const [p0, p1] = tf.split(o.taps.s, 2, 1);
  assert.equal(maxAbsDiff(p0, o.taps.s_pre), 0);
  assert.equal(maxAbsDiff(p1, o.taps.s_hbp), 0);
  tf.dispose([hbp, pre, c1, c2, ...a, ...b, o.logits, ...Object.values(o.taps), p0, p1]);
  t.dispose();
  s.dispose();
});

Deno.test("kits_resnet18: decoder taps are align-corners resizes of encoder taps", () => {
  const m = buildModel("kits_resnet18", {
    inputShape: [32, 32, 1],
    classes: 2,
    width: 1 / 8,
    seed: 2,
  });
  const x = randomInput([1, 32, 32, 1], 7);
  const o = splitOutputs(m, m.predict(x) as tf.Tensor[]);
  const up = tf.image.resizeBilinear(o.taps.e4 as tf.Tensor4D, [32, 32], true);
  assert.ok(maxAbsDiff(up, o.taps.d5) < 1e-5);
  // Corners of an align-corners resize equal the source corners.
  assert.ok(Math.abs(o.taps.d2.dataSync()[0] - o.taps.e1.dataSync()[0]) < 1e-6);
  tf.dispose([x, up, o.logits, ...Object.values(o.taps)]);
  m.dispose();
});

Deno.test("seeds: same seed → same weights, different seed → different", () => {
  const a = buildModel("cxr_plain", { inputShape: [8, 8, 3], classes: 2, seed: 5 });
  const b = buildModel("cxr_plain", { inputShape: [8, 8, 3], classes: 2, seed: 5 });
  const c = buildModel("cxr_plain", { inputShape: [8, 8, 3], classes: 2, seed: 6 });
  const w = (m: tf.LayersModel) => m.getWeights()[0];
  assert.equal(maxAbsDiff(w(a), w(b)), 0);
  assert.ok(maxAbsDiff(w(a), w(c)) > 0);
  // PyTorch default conv init: U(±1/√fan_in), fan_in = 3·3·3.
  const v = w(a).dataSync();
  const bound = 1 / Math.sqrt(27);
  assert.ok(v.every((x) => Math.abs(x) <= bound) && Math.max(...v.map(Math.abs)) > 0.8 * bound);
  a.dispose();
  b.dispose();
  c.dispose();
});

Deno.test("buildModel rejects unknown names and bad options with ModelError", async () => {
  const { ModelError } = await import("../../lib/models/mod.ts");
  assert.throws(() => buildModel("nope", { inputShape: [8, 8, 1], classes: 2 }), ModelError);
  assert.throws(() => buildModel("kits_unet", { inputShape: [8, 8, 8, 1], classes: 2 }), /rank 3/);
  assert.throws(() => buildModel("kits_unet", { inputShape: [8, 8, 1], classes: 0 }), /classes/);
  assert.throws(
    () => buildModel("kits_unet", { inputShape: [8, 8, 1], classes: 2, width: 0 }),
    /width/,
  );
});
