// Optimisers and clipping vs PyTorch (scripts/reference/distill_golden.py) on a fixed quadratic;
// schedules against hand-computed values.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import {
  clipByGlobalNorm,
  cosineLr,
  Optimizer,
  type OptimizerConfig,
  perEpoch,
  polyLr,
  stepLr,
  warmupLr,
} from "../../lib/training/mod.ts";

await initBackend("cpu", { quiet: true });

type OptCase = {
  name: string;
  steps: number;
  clip: number | null;
  lrs: number[] | null;
  theta: number[][];
};
const fx = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/distill_golden.json", import.meta.url)),
).optimizer as { c: number[]; d: number[]; theta0: number[]; cases: OptCase[] };

const configs: Record<string, [OptimizerConfig, number]> = {
  sgd_nesterov_wd: [{ kind: "sgd", momentum: 0.9, nesterov: true, weightDecay: 0.01 }, 0.05],
  sgd_momentum_wd_poly: [{ kind: "sgd", momentum: 0.9, weightDecay: 5e-4 }, 0.05],
  sgd_plain: [{ kind: "sgd" }, 0.1],
  adam: [{ kind: "adam", weightDecay: 0.01 }, 0.1],
  adamw: [{ kind: "adamw", weightDecay: 0.1 }, 0.1],
  adam_clip: [{ kind: "adam" }, 0.1],
};

for (const oc of fx.cases) {
  Deno.test(`optimizer golden: ${oc.name} matches torch.optim to 1e-5`, async () => {
    const [cfg, lr0] = configs[oc.name];
    const theta = tf.variable(tf.tensor1d(fx.theta0));
    const c = tf.tensor1d(fx.c), d = tf.tensor1d(fx.d);
    const opt = new Optimizer(cfg);
    await assertNoLeak(() => {
      for (let i = 0; i < oc.steps; i++) {
        const { value, grads } = tf.variableGrads(
          () => tf.mul(0.5, tf.sum(tf.mul(c, tf.square(tf.sub(theta, d))))) as tf.Scalar,
          [theta],
        );
        value.dispose();
        let g = grads[theta.name];
        if (oc.clip !== null) {
          const r = clipByGlobalNorm([g], oc.clip);
          g.dispose();
          g = r.grads[0];
        }
        opt.apply([{ key: "theta", variable: theta, grad: g, lr: oc.lrs?.[i] ?? lr0 }]);
        g.dispose();
        const got = theta.dataSync();
        oc.theta[i].forEach((want, j) => {
          const err = Math.abs(got[j] - want) / Math.max(Math.abs(want), 1e-3);
          assert.ok(err < 1e-5, `${oc.name} step ${i + 1} θ[${j}]: ${got[j]} vs ${want}`);
        });
      }
    }, {
      allowed: oc.clip === null && cfg.kind === "sgd" && !("momentum" in cfg)
        ? 0
        : (cfg.kind === "sgd" ? 1 : 2),
    });
    opt.dispose();
    tf.dispose([theta, c, d]);
  });
}

Deno.test("optimizer state round trip continues identically", () => {
  const run = (split: boolean) => {
    const v = tf.variable(tf.tensor1d([1, -2, 3]));
    let opt = new Optimizer({ kind: "adamw", weightDecay: 0.05 });
    for (let i = 0; i < 4; i++) {
      if (split && i === 2) {
        const st = opt.getState();
        opt.dispose();
        opt = new Optimizer(st.config);
        opt.setState(st);
        tf.dispose(Object.values(st.slots));
      }
      const g = tf.tidy(() => tf.mul(v, 0.3 + i));
      opt.apply([{ key: "v", variable: v, grad: g, lr: 0.01 }]);
      g.dispose();
    }
    const out = Array.from(v.dataSync());
    opt.dispose();
    v.dispose();
    return out;
  };
  assert.deepEqual(run(true), run(false));
});

Deno.test("schedules: hand-computed poly, cosine, step, warm-up", () => {
  const poly = polyLr({ base: 0.01, total: 80000, power: 0.9, min: 1e-4 });
  assert.equal(poly(0), 0.01);
  assert.ok(Math.abs(poly(40000) - (1e-4 + 0.0099 * Math.pow(0.5, 0.9))) < 1e-15);
  assert.equal(poly(80000), 1e-4);
  // LCKD phase 2 restart: 1e-2·(35001/115000)^0.9 ≈ 3.43e-3
  const lckd = polyLr({ base: 1e-2, total: 115000 });
  assert.ok(Math.abs(lckd(79999) - 3.43e-3) < 5e-6);
  const cos = cosineLr({ base: 2e-4, total: 39500 });
  assert.equal(cos(0), 2e-4);
  assert.ok(Math.abs(cos(39500)) < 1e-20);
  assert.ok(Math.abs(cos(19750) - 1e-4) < 1e-15);
  // MD-Net: StepLR(2, 0.9) per epoch; epoch e (1-based) uses 3e-4·0.9^⌊(e−1)/2⌋
  const md = perEpoch(stepLr({ base: 3e-4, stepSize: 2, gamma: 0.9 }), 10);
  assert.equal(md(0), 3e-4);
  assert.equal(md(19), 3e-4);
  assert.ok(Math.abs(md(20) - 2.7e-4) < 1e-18);
  assert.ok(Math.abs(md(199) - 3e-4 * 0.9 ** 9) < 1e-15);
  // Swin-UNETR: warm-up 500 from 1e-6 (shift), then cosine over 39,500
  const swin = warmupLr(cosineLr({ base: 2e-4, total: 39500 }), {
    steps: 500,
    startFactor: 1e-6,
    mode: "shift",
  });
  assert.ok(Math.abs(swin(0) - 2e-10) < 1e-19);
  assert.ok(Math.abs(swin(250) - 2e-4 * (1 - 0.5 * (1 - 1e-6))) < 1e-15);
  assert.equal(swin(500), 2e-4);
  // mmcv warm-up scales the regular lr at the same iteration
  const conv = warmupLr(polyLr({ base: 1e-4, total: 80000, power: 1 }), {
    steps: 1500,
    startFactor: 1e-6,
  });
  assert.ok(Math.abs(conv(750) - 1e-4 * (1 - 750 / 80000) * (1 - 0.5 * (1 - 1e-6))) < 1e-18);
  assert.equal(conv(1500), 1e-4 * (1 - 1500 / 80000));
});
