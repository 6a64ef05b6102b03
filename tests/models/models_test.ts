import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import { buildModel, listModels, modelSpec } from "../../lib/models/registry.ts";
import { countTrainable, modelTaps, splitOutputs } from "../../lib/models/taps.ts";
import { maxAbsDiff, randomInput, saveLoad } from "./_util.ts";

await initBackend("cpu", { quiet: true });

/**
 * Expected demo-size shapes (without batch) where a spec states them: logits, then taps in order.
 * KiTS: spec 02 §11.2 (96² input); Synapse FCNs: spec 03 §3.5 / §9.2 (sides 24, 12, 12, 12).
 */
const EXPECTED: Record<
  string,
  { input?: number[]; logits: number[]; taps?: Record<string, number[]> }
> = {
  kits_unet: {
    logits: [96, 96, 2],
    taps: {
      e1: [96, 96, 8],
      e2: [48, 48, 16],
      e3: [24, 24, 32],
      e4: [12, 12, 64],
      e5: [6, 6, 128],
      d5: [12, 12, 64],
      d4: [24, 24, 32],
      d3: [48, 48, 16],
      d2: [96, 96, 8],
    },
  },
  kits_resnet18: {
    logits: [96, 96, 2],
    taps: {
      e1: [48, 48, 8],
      e2: [24, 24, 8],
      e3: [12, 12, 16],
      e4: [6, 6, 32],
      e5: [3, 3, 64],
      d5: [96, 96, 32],
      d4: [96, 96, 16],
      d3: [96, 96, 8],
      d2: [96, 96, 8],
    },
  },
  kits_unetpp: {
    input: [32, 32, 1],
    logits: [32, 32, 2],
    taps: {
      e1: [16, 16, 16],
      e2: [8, 8, 32],
      e3: [16, 16, 16],
      e4: [4, 4, 64],
      e5: [2, 2, 128],
      d5: [32, 32, 8],
      d4: [32, 32, 8],
      d3: [32, 32, 8],
      d2: [16, 16, 16],
    },
  },
  fcn_r18: {
    logits: [12, 12, 9],
    taps: {
      s1: [24, 24, 16],
      s2: [12, 12, 32],
      s3: [12, 12, 64],
      s4: [12, 12, 128],
      s4_pre: [12, 12, 128],
    },
  },
  fcn_r50: {
    logits: [12, 12, 9],
    taps: { s1: [24, 24, 64], s2: [12, 12, 128], s3: [12, 12, 256], s4: [12, 12, 512] },
  },
  unet_r18: {
    logits: [24, 24, 9],
    taps: { d3: [12, 12, 64], d1: [24, 24, 16], aux_logits: [12, 12, 9] },
  },
  att_unet_r18: { logits: [24, 24, 9], taps: { d1: [24, 24, 16] } },
  unet_r50: {
    input: [64, 64, 1],
    logits: [16, 16, 9],
    taps: { s4: [2, 2, 512], d1: [16, 16, 64] },
  },
  attn_unet_r34: { input: [64, 64, 1], logits: [16, 16, 9], taps: { d1: [16, 16, 16] } },
  unet_r18_d16: { input: [64, 64, 1], logits: [32, 32, 9], taps: { s4: [4, 4, 128] } },
  swin_unetr: {
    logits: [64, 64, 9],
    taps: { h0: [32, 32, 12], h4: [2, 2, 192], dec0: [64, 64, 12] },
  },
  transunet: {
    logits: [64, 64, 9],
    taps: {
      skip1: [8, 8, 128],
      skip2: [16, 16, 64],
      skip3: [32, 32, 16],
      tokens: [16, 192],
      dec4: [64, 64, 4],
    },
  },
  mednext: { logits: [64, 64, 9], taps: { x0: [64, 64, 8], x4: [4, 4, 128], d0: [64, 64, 8] } },
  missformer: {
    logits: [64, 64, 9],
    taps: { b1: [256, 16], b2: [64, 32], b3: [16, 80], b4: [4, 128] },
  },
  convnext_b_upernet: { logits: [16, 16, 9], taps: { s1: [16, 16, 16], s4: [2, 2, 128] } },
  fcn_r101: { input: [32, 32, 1], logits: [4, 4, 9] },
  resnet18: { logits: [10], taps: { s4: [1, 1, 64], pool: [8 * 8] } },
  densenet121: { logits: [14], taps: { b1: [16, 16, 64], b4: [2, 2, 256], pool: [256] } },
  cxr_densenet_mini: {
    logits: [14],
    taps: { b1: [14, 14, 40], b2: [7, 7, 56], b3: [3, 3, 64], pool: [64] },
  },
  eeea_c2: { logits: [14], taps: { s5: [1, 1, 40], feature: [320] } },
  cxr_eeea_mini: { logits: [14], taps: { s0: [14, 14, 8], s3: [2, 2, 24], feature: [48] } },
  lckd_dualnet: {
    logits: [16, 32, 32, 3],
    taps: { features: [2, 2, 2, 128], fused: [2, 2, 2, 128] },
  },
  visformer_small: { logits: [14], taps: { s1: [8, 8, 48], s3: [2, 2, 192], pool: [192] } },
  autoformerv2_base: { logits: [14], taps: { s1: [16, 16, 24], s4: [2, 2, 192], pool: [192] } },
  mdnet_student: { logits: [3], taps: { s: [128], s_pre: [64], s_hbp: [64] } },
  mdnet_teacher: { logits: [3], taps: { t: [128], t_pre: [64], t_hbp: [64] } },
  cxr_plain: { logits: [14], taps: { c5: [4, 4, 32], pool: [32] } },
};

for (const name of listModels()) {
  const spec = modelSpec(name);

  Deno.test(`${name}: trainable parameters at paper size equal the spec count (where given)`, () => {
    const m = buildModel(name, { ...spec.paper, shapeOnly: true });
    const n = countTrainable(m);
    m.dispose();
    if (spec.paper.params === null) {
      console.log(`${name}: ${n} parameters (spec gives no count)`);
      return;
    }
    assert.equal(n, spec.paper.params);
    if (spec.demo?.params != null) {
      const d = buildModel(name, { ...spec.demo, shapeOnly: true });
      assert.equal(countTrainable(d), spec.demo.params, `${name} demo`);
      d.dispose();
    }
  });

  Deno.test(`${name}: demo forward shapes, no leaks, save/load round trip`, async () => {
    const demo = spec.demo ?? { ...spec.paper, width: 1 };
    const exp = EXPECTED[name];
    const inputShape = exp?.input ?? demo.inputShape;
    const m = buildModel(name, { ...demo, inputShape, seed: 3 });
    const xs = m.inputs.map((inp, i) =>
      randomInput([1, ...(inp.shape.slice(1) as number[])], 10 + i)
    );
    const run = (model: tf.LayersModel) =>
      model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
    await assertNoLeak(() => tf.dispose(run(m)), { label: `${name} forward` });
    const out = splitOutputs(m, run(m));
    assert.deepEqual(modelTaps(m), Object.keys(out.taps));
    if (exp) {
      assert.deepEqual(out.logits.shape, [1, ...exp.logits], `${name} logits`);
      for (const [tap, shape] of Object.entries(exp.taps ?? {})) {
        assert.deepEqual(out.taps[tap].shape, [1, ...shape], `${name} tap ${tap}`);
      }
    }
    assert.ok(out.logits.dataSync().every(Number.isFinite), `${name}: non-finite logits`);
    const m2 = await saveLoad(m);
    const out2 = splitOutputs(m2, run(m2));
    assert.deepEqual(m2.outputNames, m.outputNames);
    assert.equal(maxAbsDiff(out.logits, out2.logits), 0);
    for (const t of modelTaps(m)) assert.equal(maxAbsDiff(out.taps[t], out2.taps[t]), 0, t);
    tf.dispose([
      out.logits,
      ...Object.values(out.taps),
      out2.logits,
      ...Object.values(out2.taps),
      ...xs,
    ]);
    m.dispose();
    m2.dispose();
  });
}
