/**
 * Leaner gradients for the ops that dominate BatchNorm training, valid on every backend (same
 * maths as TF.js's, fewer full-size passes): FusedBatchNorm (no tiled copy of the inverse
 * standard deviation, no eager temporaries), and Mean / Sum (broadcast instead of multiplying
 * by a tensor of ones), and ReLU (one fused `dy·(x > 0)` kernel on the fast CPU backend).
 * @module
 */
import * as tf from "../tf.ts";
import { f32, isFastKernelActive, type KernelArgs } from "./registry.ts";

type Attrs = Record<string, unknown>;

function expandedShape(xShape: number[], axisAttr: unknown): number[] {
  const r = xShape.length;
  const axes = axisAttr === undefined || axisAttr === null
    ? xShape.map((_, i) => i)
    : (Array.isArray(axisAttr) ? axisAttr : [axisAttr]) as number[];
  const s = [...xShape];
  for (const a of axes) s[a < 0 ? a + r : a] = 1;
  return s;
}

const meanGrad: tf.GradConfig = {
  kernelName: "Mean",
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const shape = expandedShape(x.shape, (attrs as Attrs).axis);
    const count = x.size / Math.max(1, shape.reduce((a, b) => a * b, 1));
    return {
      x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, shape), count), x.shape),
    };
  },
};

const sumGrad: tf.GradConfig = {
  kernelName: "Sum",
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const shape = expandedShape(x.shape, (attrs as Attrs).axis);
    return { x: () => tf.broadcastTo(tf.reshape(dy as tf.Tensor, shape), x.shape) };
  },
};

function batchNormGrad(original: tf.GradConfig | undefined): tf.GradConfig {
  return {
    kernelName: "FusedBatchNorm",
    inputsToSave: ["x", "mean", "variance", "scale"],
    gradFunc: (dyIn, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const dy = dyIn as tf.Tensor;
      const c = x.shape[x.rank - 1];
      const perChannel = (t: tf.Tensor | undefined) =>
        !t || t.size === 1 || (t.rank === 1 && t.shape[0] === c);
      if (!perChannel(mean) || !perChannel(variance) || !perChannel(scale) || !original) {
        return original!.gradFunc(dyIn, saved, attrs);
      }
      const eps = (attrs as Attrs).varianceEpsilon as number;
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const k = () => tf.rsqrt(tf.add(variance, eps)); // 1/sqrt(var + eps), [C]
      const s = () => (scale ? scale : tf.scalar(1));
      const shaped = (t: tf.Tensor, like: tf.Tensor) => tf.reshape(t, like.shape);
      // Σ dy·(x − mean) over N·H·W, shared by the scale and variance gradients
      const dyXmm = () => tf.sum(tf.mul(dy, tf.sub(x, mean)), axes);
      return {
        x: () => tf.mul(dy, tf.mul(k(), s())),
        mean: () => shaped(tf.mul(tf.neg(tf.mul(k(), s())), tf.sum(dy, axes)), mean),
        variance: () =>
          shaped(
            tf.mul(tf.mul(tf.mul(tf.pow(k(), 3), -0.5), s()), dyXmm()),
            variance,
          ),
        scale: () => shaped(tf.mul(k(), dyXmm()), scale ?? tf.scalar(1)),
        offset: () => shaped(tf.sum(dy, axes), mean),
      };
    },
  };
}

/** CPU kernel `MedkdReluGrad`: `dy` where `x > 0`, else 0 (NaN in x propagates, as Step does). */
function reluGradKernel(args: KernelArgs) {
  const { dy, x } = args.inputs;
  const dyv = f32(args.backend, dy), xv = f32(args.backend, x);
  if (!dyv || !xv || dyv.length !== xv.length) throw new Error("MedkdReluGrad: float32 same shape");
  const o = new Float32Array(xv.length);
  for (let i = 0; i < o.length; i++) {
    const v = xv[i];
    o[i] = v > 0 ? dyv[i] : Number.isNaN(v) ? NaN : 0;
  }
  return args.backend.makeTensorInfo([...x.shape], "float32", o);
}

function reluGrad(original: tf.GradConfig | undefined): tf.GradConfig {
  return {
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      if (
        tf.getBackend() !== "cpu" || !isFastKernelActive("Multiply") || x.dtype !== "float32" ||
        d.dtype !== "float32" || !original
      ) {
        return original!.gradFunc(dy, saved, attrs);
      }
      return { x: () => tf.engine().runKernel("MedkdReluGrad", { dy: d, x }) as tf.Tensor };
    },
  };
}

const originals: tf.GradConfig[] = [];
let lean: tf.GradConfig[] = [];

/**
 * Register the leaner BatchNorm / Mean / Sum / ReLU gradients (idempotent, any backend).
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
import { f32, isFastKernelActive, type KernelArgs } from "./registry.ts";
 * import { registerLeanGradients } from "./grads.ts";
 * registerLeanGradients();
 * const g = tf.grad((x: tf.Tensor) => tf.mean(x, 0).sum())(tf.ones([4, 2]));
 * if (g.dataSync()[0] !== 0.25) throw new Error("bad mean gradient");
 * ```
 */
export function registerLeanGradients(): void {
  if (lean.length === 0) {
    if (!tf.getKernel("MedkdReluGrad", "cpu")) {
      tf.registerKernel({
        kernelName: "MedkdReluGrad",
        backendName: "cpu",
        kernelFunc: reluGradKernel as unknown as tf.KernelFunc,
      });
    }
    for (const name of ["FusedBatchNorm", "Mean", "Sum", "Relu"]) {
      const o = tf.getGradient(name);
      if (o) originals.push(o);
    }
    lean = [
      batchNormGrad(tf.getGradient("FusedBatchNorm")),
      meanGrad,
      sumGrad,
      reluGrad(tf.getGradient("Relu")),
    ];
  }
  for (const g of lean) tf.registerGradient(g);
}

/** Run `fn` with TF.js's own BatchNorm / Mean / Sum / ReLU gradients, then restore the lean ones. */
export async function withOriginalGradients<T>(fn: () => T | Promise<T>): Promise<T> {
  for (const g of originals) tf.registerGradient(g);
  try {
    return await fn();
  } finally {
    for (const g of lean) tf.registerGradient(g);
  }
}
