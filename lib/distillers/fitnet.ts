/**
 * FitNet (Romero et al.): a hint layer of the student, projected by a trained 1×1 conv connector
 * to the teacher's channels, regressed onto the teacher's guided layer.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { DistillerError } from "./types.ts";
import { sameShape, stopGradient, tap, torchUniform } from "./util.ts";

/**
 * FitNet hint loss: `mean((connector(s) − t)²)` over every element (PyTorch `mse_loss` mean, as
 * mdistiller). Pass the already projected student feature. Teacher not differentiated.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { fitnetLoss } from "./fitnet.ts";
 * const l = fitnetLoss(tf.zeros([1, 2, 2, 1]), tf.ones([1, 2, 2, 1]));
 * if (l.dataSync()[0] !== 1) throw new Error("expected 1");
 * ```
 */
export function fitnetLoss(sProjected: tf.Tensor, tFeat: tf.Tensor): tf.Scalar {
  sameShape("fitnetLoss", sProjected, tFeat);
  return tf.tidy(() => tf.mean(tf.squaredDifference(sProjected, stopGradient(tFeat))));
}

/**
 * A 1×1 conv connector (with bias) from `cin` to `cout` channels, weights U(±1/√cin) from `rng`
 * (PyTorch's default), as a small functional model `[N, h, w, cin] → [N, h, w, cout]`.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { conv1x1Connector } from "./fitnet.ts";
 * const c = conv1x1Connector("hint", 4, 8, createRng(1));
 * if (c.countParams() !== 4 * 8 + 8) throw new Error("params");
 * c.dispose();
 * ```
 */
export function conv1x1Connector(
  name: string,
  cin: number,
  cout: number,
  rng: { uniform(lo: number, hi: number): number },
): tf.LayersModel {
  const input = tf.input({ shape: [null, null, cin], name: `${name}_in` });
  const conv = tf.layers.conv2d({ filters: cout, kernelSize: 1, name: `${name}_conv` });
  const model = tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor, name });
  const w = [torchUniform(rng, [1, 1, cin, cout], cin), torchUniform(rng, [cout], cin)];
  model.setWeights(w);
  tf.dispose(w);
  return model;
}

/**
 * FitNet distiller: one hint pair, one connector.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { fitnetDistiller } from "./fitnet.ts";
 * const d = fitnetDistiller({ student: "s2", teacher: "t2" });
 * const [c] = d.build({ studentShapes: { s2: [null, 4, 4, 3] }, teacherShapes: { t2: [null, 4, 4, 5] }, rng: createRng(0) });
 * if (c.outputs[0].shape.at(-1) !== 5) throw new Error("connector width");
 * c.dispose();
 * ```
 */
export function fitnetDistiller(opts: { student: string; teacher: string }): Distiller {
  let connector: tf.LayersModel | undefined;
  return {
    name: "fitnet",
    taps: { student: [opts.student], teacher: [opts.teacher] },
    build({ studentShapes, teacherShapes, rng }) {
      const cs = studentShapes[opts.student]?.at(-1);
      const ct = teacherShapes[opts.teacher]?.at(-1);
      if (!cs || !ct) throw new DistillerError(`fitnet: unknown channels for ${opts.student}`);
      connector = conv1x1Connector("fitnet_connector", cs, ct, rng);
      return [connector];
    },
    loss(s, t) {
      if (!connector) throw new DistillerError("fitnet: build() was not called");
      const c = connector;
      return {
        hint: tf.tidy(() =>
          fitnetLoss(
            c.apply(tap("fitnet", s, opts.student)) as tf.Tensor,
            tap("fitnet", t, opts.teacher),
          )
        ),
      };
    },
  };
}
