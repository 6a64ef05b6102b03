import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { buildModel } from "../../lib/models/mod.ts";
import { randomInput } from "./_util.ts";

await initBackend("cpu", { quiet: true });

/** Tiny configurations: one gradient step must be finite and lower a simple loss. */
const CASES: [
  string,
  { inputShape: number[]; classes: number; width?: number; variant?: string },
][] = [
  ["kits_unet", { inputShape: [16, 16, 1], classes: 2, width: 1 / 16 }],
  ["kits_resnet18", { inputShape: [32, 32, 1], classes: 2, width: 1 / 16 }],
  ["fcn_r18", { inputShape: [32, 32, 1], classes: 9, width: 1 / 8 }],
  ["swin_unetr", { inputShape: [32, 32, 1], classes: 9, width: 1 / 8 }],
  ["missformer", { inputShape: [32, 32, 1], classes: 9, width: 1 / 8 }],
  ["mdnet_teacher", { inputShape: [16, 16, 16, 1], classes: 3, width: 1 / 16 }],
  ["lckd_dualnet", { inputShape: [16, 32, 32, 4], classes: 3, variant: "demo" }],
  ["cxr_eeea_mini", { inputShape: [28, 28, 3], classes: 14 }],
];

for (const [name, cfg] of CASES) {
  Deno.test(`${name}: one SGD step has finite gradients and lowers the loss`, () => {
    const m = buildModel(name, { ...cfg, seed: 4 });
    const xs = m.inputs.map((inp, i) => {
      const shape = [1, ...(inp.shape.slice(1) as number[])];
      return inp.name.startsWith("present") ? tf.ones(shape) : randomInput(shape, 20 + i);
    });
    const loss = () =>
      tf.tidy(() => {
        const outs = m.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor[];
        return tf.mean(tf.square(tf.sub(outs[0], 0.5))) as tf.Scalar;
      });
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = tf.tidy(() => loss().dataSync()[0]);
    const { value, grads } = tf.variableGrads(loss, vars);
    let nonzero = 0;
    for (const v of vars) {
      const g = grads[v.name].dataSync();
      assert.ok(g.every(Number.isFinite), `${name}: non-finite gradient for ${v.name}`);
      if (g.some((x) => x !== 0)) nonzero++;
    }
    assert.ok(
      nonzero >= vars.length / 2,
      `${name}: only ${nonzero}/${vars.length} weights get gradient`,
    );
    tf.tidy(() => {
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 1e-2)));
    });
    const after = tf.tidy(() => loss().dataSync()[0]);
    assert.ok(after < before, `${name}: loss ${before} → ${after}`);
    tf.dispose([value, ...Object.values(grads), ...xs]);
    m.dispose();
  });
}
