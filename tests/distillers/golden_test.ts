// Every loss against scripts/reference/distill_golden.py (PyTorch float64) to 1e-5 relative.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { createRng } from "../../lib/random/mod.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import {
  abfConnector,
  atLoss,
  cwdLoss,
  cxr8FocalLoss,
  distLoss,
  dkdLoss,
  fillMissing,
  fitnetLoss,
  hclLoss,
  hlfdLoss,
  kdLoss,
  kitsTerms,
  lckdLoss,
  mdnetFocalLoss,
  mdnetLoss,
  multiLabelKdLoss,
} from "../../lib/distillers/mod.ts";

await initBackend("cpu", { quiet: true });

type Arr = { shape: number[]; data: number[] };
type Case = {
  name: string;
  inputs: Record<string, Arr>;
  params: Record<string, unknown>;
  outputs: Record<string, number>;
};
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/distill_golden.json", import.meta.url)),
) as { cases: Case[] };

function get(name: string): Case {
  const c = fixture.cases.find((c) => c.name === name);
  if (!c) throw new Error(`fixture case ${name} missing`);
  return c;
}
const ten = (a: Arr) => tf.tensor(a.data, a.shape, "float32");
const ints = (a: Arr) => tf.tensor(a.data, a.shape, "int32");

function close(name: string, got: tf.Tensor | number, want: number, rel = 1e-5) {
  const g = typeof got === "number" ? got : got.dataSync()[0];
  const err = Math.abs(g - want) / Math.max(Math.abs(want), 1e-12);
  assert.ok(err <= rel, `${name}: got ${g}, want ${want} (relative error ${err.toExponential(2)})`);
}

/** Run `fn` in a tidy scope over the case's inputs and compare the named outputs. */
async function check(
  name: string,
  fn: (i: Record<string, tf.Tensor>, p: Record<string, unknown>) => Record<string, tf.Tensor>,
  rel = 1e-5,
) {
  const c = get(name);
  await assertNoLeak(() => {
    const inputs = Object.fromEntries(
      Object.entries(c.inputs).map(([k, v]) => [k, k === "label" ? ints(v) : ten(v)]),
    );
    const got = fn(inputs, c.params);
    for (const [k, v] of Object.entries(got)) close(`${name}.${k}`, v, c.outputs[k], rel);
    tf.dispose([...Object.values(inputs), ...Object.values(got)]);
  }, { label: name });
}

Deno.test("golden: KD dense (Synapse 0.1345960), batchmean, classification", async () => {
  close("spec", get("kd_dense").outputs.loss, 0.1345960, 1e-6);
  for (const n of ["kd_dense", "kd_dense_batchmean", "kd_cls"]) {
    await check(n, (i, p) => ({
      loss: kdLoss(i.zs, i.zt, {
        temperature: p.temperature as number,
        reduction: p.reduction as "mean",
      }),
    }));
  }
});

Deno.test("golden: multi-label KD (sigmoid, softmax-raw) and CXR8 focal", async () => {
  for (const n of ["multilabel_kd_sigmoid", "multilabel_kd_softmax_raw"]) {
    await check(n, (i, p) => ({
      loss: multiLabelKdLoss(i.zs, i.zt, {
        temperature: p.temperature as number,
        mode: p.mode as "sigmoid",
      }),
    }));
  }
  await check("cxr8_focal", (i) => ({ loss: cxr8FocalLoss(i.zs, i.y, { gamma: 2 }) }));
});

Deno.test("golden: AT mean (Synapse 0.00200850) and HLFD sum with resize", async () => {
  close("spec", get("at_mean").outputs.loss, 0.00200850, 1e-5);
  for (const n of ["at_mean", "at_sum_resize"]) {
    await check(n, (i, p) => ({
      loss: atLoss(i.s, i.t, { p: p.p as number, reduction: p.reduction as "mean" }),
    }));
  }
});

Deno.test("golden: FitNet hint through a 1x1 connector", async () => {
  await check("fitnet", (i) => ({
    loss: tf.tidy(() =>
      fitnetLoss(
        tf.add(tf.conv2d(i.s as tf.Tensor4D, i.kernel as tf.Tensor4D, 1, "valid"), i.bias),
        i.t,
      )
    ),
  }));
});

Deno.test("golden: DKD dense sums K=9 (807.29290) and K=1000, classification batchmean", async () => {
  close("spec", get("dkd_K9").outputs.loss, 807.29290, 1e-7);
  close("spec", get("dkd_K1000").outputs.loss, 807.28813, 1e-7);
  for (const n of ["dkd_K9", "dkd_K1000", "dkd_cls_batchmean"]) {
    await check(n, (i, p) => {
      const r = dkdLoss(i.zs, i.zt, i.label, {
        alpha: p.alpha as number,
        beta: p.beta as number,
        temperature: p.temperature as number,
        maskScale: p.maskScale as number,
        reduction: p.reduction as "sum",
      });
      return { loss: r.loss, tckd: r.tckd, nckd: r.nckd };
    });
  }
});

Deno.test("golden: DIST flattened (2.0279045), MMRazor-4D (1.8997884), resized student", async () => {
  close("spec", get("dist_flat").outputs.loss, 2.0279045, 1e-7);
  close("spec", get("dist_mmrazor4d").outputs.loss, 1.8997884, 1e-7);
  for (const n of ["dist_flat", "dist_mmrazor4d", "dist_resize"]) {
    await check(n, (i, p) => {
      const r = distLoss(i.zs, i.zt, {
        beta: p.beta as number,
        gamma: p.gamma as number,
        temperature: p.temperature as number,
        mode: p.mode as "flattened",
      });
      return { loss: r.loss, inter: r.inter, intra: r.intra };
    });
  }
});

Deno.test("golden: CWD tau 4 (0.3344257) and tau 1 (0.2957865)", async () => {
  close("spec", get("cwd_T4").outputs.loss, 0.3344257, 1e-6);
  close("spec", get("cwd_T1").outputs.loss, 0.2957865, 1e-6);
  for (const n of ["cwd_T4", "cwd_T1"]) {
    await check(
      n,
      (i, p) => ({ loss: cwdLoss(i.zs, i.zt, { temperature: p.temperature as number }) }),
    );
  }
});

Deno.test("golden: ReviewKD HCL (3.8434622, 8x8 3.9157768, 6x6 bins) and the ABF chain", async () => {
  close("spec", get("hcl").outputs.loss, 3.8434622, 1e-7);
  close("spec", get("hcl_up8").outputs.loss, 3.9157768, 1e-7);
  await check("hcl", (i) => ({ loss: hclLoss(i.zs, i.zt) }));
  await check("hcl_6", (i) => ({ loss: hclLoss(i.zs, i.zt) }));
  await check("hcl_up8", (i) => ({
    loss: tf.tidy(() => {
      const up = (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [8, 8]);
      return hclLoss(up(i.zs), up(i.zt));
    }),
  }));
  const c = get("reviewkd_abf");
  const mid = c.params.mid as number;
  const deep = abfConnector({
    inChannels: 4,
    midChannels: mid,
    outChannels: 5,
    fuse: false,
    outSize: [2, 2],
    seed: 1,
    name: "g_deep",
  });
  const shallow = abfConnector({
    inChannels: 3,
    midChannels: mid,
    outChannels: 4,
    fuse: true,
    outSize: [8, 8],
    seed: 2,
    name: "g_shallow",
  });
  const w = (k: string) => ten(c.inputs[k]);
  const wd = [w("w1_deep"), w("w2_deep")];
  const ws = [w("w1_shallow"), w("w2_shallow"), w("watt_shallow"), w("batt_shallow")];
  // layer weight order: w1, w2, (watt, batt), γ1, β1, γ2, β2 (trainable), then BN statistics
  const stats = (m: number, o: number) => [
    tf.ones([m]),
    tf.zeros([m]),
    tf.ones([o]),
    tf.zeros([o]),
    tf.zeros([m]),
    tf.ones([m]),
    tf.zeros([o]),
    tf.ones([o]),
  ];
  const sd = stats(mid, 5), ss = stats(mid, 4);
  deep.setWeights([...wd, ...sd]);
  shallow.setWeights([...ws, ...ss]);
  tf.dispose([...wd, ...ws, ...sd, ...ss]);
  await check("reviewkd_abf", (i) => {
    const [y1, x1] = deep.apply(i.s_deep, { training: true }) as tf.Tensor[];
    const [y2, x2] = shallow.apply([i.s_shallow, x1], { training: true }) as tf.Tensor[];
    const hd = hclLoss(y1, i.t_deep), hs = hclLoss(y2, i.t_shallow);
    const loss = tf.add(hd, hs);
    tf.dispose([y1, x1, y2, x2]);
    return { loss, hcl_deep: hd, hcl_shallow: hs };
  });
  deep.dispose();
  shallow.dispose();
});

Deno.test("ReviewKD ABF connectors: trainable parameters for R18 → R50 match the spec (18,204,166)", () => {
  const chans: [number, number][] = [[512, 2048], [256, 1024], [128, 512], [64, 256]];
  const models = chans.map(([ci, co], i) =>
    abfConnector({
      inChannels: ci,
      midChannels: 512,
      outChannels: co,
      fuse: i > 0,
      outSize: null,
      seed: i,
      name: `pc${i}`,
    })
  );
  const count = (m: tf.LayersModel) =>
    m.countParams() -
    m.nonTrainableWeights.reduce((a, w) => a + (w.shape as number[]).reduce((x, y) => x * y, 1), 0);
  assert.deepEqual(models.map(count), [9704448, 4854786, 2428930, 1216002]);
  models.forEach((m) => m.dispose());
});

Deno.test("golden: HLFD pix / feat / KLrec / ATrec (KiTS §5.4)", async () => {
  await check("hlfd", (i) => {
    const a = (k: string) => ({
      kernel: i[`adapter_${k}_kernel`] as tf.Tensor4D,
      bias: i[`adapter_${k}_bias`] as tf.Tensor1D,
    });
    const { pix, feat } = hlfdLoss(i, i, { rec: a("rec"), d4: a("d4"), d3: a("d3"), d2: a("d2") });
    const loss = tf.tidy(() => tf.add(tf.mul(pix, 0.1), tf.mul(feat, 0.9)));
    return { pix, feat, loss };
  });
});

Deno.test("golden: MD-Net KL terms, clinical regression, focal", async () => {
  await check("mdnet", (i) => {
    const r = mdnetLoss(
      { logits: i.zs, pre: i.pre_s, hbp: i.hbp_s, clinical: i.clin_pred },
      { logits: i.zt, pre: i.pre_t, hbp: i.hbp_t },
      i.clin_true,
      i.w,
    );
    return { ...r, loss: tf.addN(Object.values(r)), focal_student: mdnetFocalLoss(i.zs, i.y) };
  });
});

Deno.test("golden: LCKD L1 to elected teachers, fill-in", async () => {
  const c = get("lckd");
  await check("lckd", (i, p) => {
    const feats = [i.f0, i.f1, i.f2, i.f3];
    const filled = fillMissing(feats, p.present as number[]);
    const fill = Array.from(filled[1].dataSync());
    c.inputs.fill.data.forEach((v, k) => assert.ok(Math.abs(v - fill[k]) < 1e-5));
    tf.dispose(filled);
    return { loss: lckdLoss(feats, p.present as number[], p.teachers as number[]) };
  });
});

Deno.test("golden: KiTS method switch (attn_kd, SKD, DKD ± typo fix, HIFD, IFD)", async () => {
  const maps = get("kits_maps");
  for (
    const name of [
      "kits_attn_kd",
      "kits_wo_feedback",
      "kits_deep_kd",
      "kits_deep_kd_fixed",
      "kits_indv_feedback",
      "kits_cat_feedback_ours",
    ]
  ) {
    await check(name, (i, p) => {
      const roles = Object.fromEntries(Object.entries(maps.inputs).map(([k, v]) => [k, ten(v)]));
      const adapters = Array.from({ length: p.adapters as number }, (_, j) => ({
        kernel: i[`adapter${j}_kernel`] as tf.Tensor4D,
        bias: i[`adapter${j}_bias`] as tf.Tensor1D,
      }));
      const r = kitsTerms(p.lossType as "deep_kd", roles, roles, createRng(0), {
        adapters,
        fixDkdTypo: p.fixDkdTypo as boolean,
      });
      tf.dispose(Object.values(roles));
      const out: Record<string, tf.Tensor> = { feat: r.feat };
      if (r.pix) out.pix = r.pix;
      return out;
    });
  }
});
