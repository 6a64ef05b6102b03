/**
 * ReviewKD (Chen et al., CVPR 2021) with the Synapse conventions (§4.2): attention-based fusion
 * (ABF) connectors processed deep → shallow, and the hierarchical context loss (HCL) per stage.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Distiller } from "./types.ts";
import { DistillerError } from "./types.ts";
import { resizeNearest, sameShape, side, stopGradient, tap } from "./util.ts";

/**
 * Adaptive average pooling of an NHWC map to l×l bins (bin i: ⌊i·H/l⌋ … ⌈(i+1)·H/l⌉).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { adaptiveAvgPool } from "./reviewkd.ts";
 * const p = adaptiveAvgPool(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), 2);
 * if (p.dataSync().join() !== "3,4,6,7") throw new Error(p.dataSync().join());
 * ```
 */
export function adaptiveAvgPool(x: tf.Tensor4D, l: number): tf.Tensor4D {
  const [h, w] = side(x);
  if (h % l === 0 && w % l === 0) return tf.avgPool(x, [h / l, w / l], [h / l, w / l], "valid");
  return tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < l; i++) {
      const h0 = Math.floor((i * h) / l), h1 = Math.ceil(((i + 1) * h) / l);
      const cols: tf.Tensor[] = [];
      for (let j = 0; j < l; j++) {
        const w0 = Math.floor((j * w) / l), w1 = Math.ceil(((j + 1) * w) / l);
        cols.push(tf.mean(tf.slice(x, [0, h0, w0, 0], [-1, h1 - h0, w1 - w0, -1]), [1, 2], true));
      }
      rows.push(tf.concat(cols, 2));
    }
    return tf.concat(rows, 1) as tf.Tensor4D;
  });
}

/**
 * Hierarchical context loss: L = MSE(y, t) (mean over all elements); then for l in (4, 2, 1),
 * skipping l ≥ H, the weight halves for each level used (0.5, 0.25, …) and
 * L += weight·MSE(pool_l(y), pool_l(t)); finally L /= 1 + Σ weights. Teacher not differentiated.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { hclLoss } from "./reviewkd.ts";
 * const y = tf.ones([1, 4, 4, 1]);
 * if (hclLoss(y, y).dataSync()[0] !== 0) throw new Error("expected 0");
 * ```
 */
export function hclLoss(y: tf.Tensor, t: tf.Tensor): tf.Scalar {
  sameShape("hclLoss", y, t);
  return tf.tidy(() => {
    const tt = stopGradient(t) as tf.Tensor4D, yy = y as tf.Tensor4D;
    let loss: tf.Tensor = tf.mean(tf.squaredDifference(yy, tt));
    let cnt = 1, tot = 1;
    for (const l of [4, 2, 1]) {
      if (l >= side(yy)[0]) continue;
      cnt /= 2;
      const d = tf.mean(tf.squaredDifference(adaptiveAvgPool(yy, l), adaptiveAvgPool(tt, l)));
      loss = tf.add(loss, tf.mul(d, cnt));
      tot += cnt;
    }
    return tf.div(loss, tot) as tf.Scalar;
  });
}

/** Config of {@link AbfLayer}. */
export type AbfConfig = {
  inChannels: number;
  midChannels: number;
  outChannels: number;
  fuse: boolean;
  /** Teacher side the output is resized to (nearest); null = keep. */
  outSize: [number, number] | null;
  seed: number;
  name?: string;
};

function bn(
  x: tf.Tensor,
  [gamma, beta, mean, vari]: tf.LayerVariable[],
  training: boolean,
): tf.Tensor {
  return tf.add(tf.mul(bnTrain(x, mean, vari, training), gamma.read()), beta.read());
}

function bnTrain(x: tf.Tensor, mean: tf.LayerVariable, vari: tf.LayerVariable, training: boolean) {
  if (!training) return tf.div(tf.sub(x, mean.read()), tf.sqrt(tf.add(vari.read(), 1e-5)));
  const m = tf.moments(x, [0, 1, 2]);
  const count = x.size / x.shape[3]!;
  tf.tidy(() => {
    // PyTorch: running = 0.9·running + 0.1·batch (unbiased variance).
    const unbiased = tf.mul(m.variance, count / Math.max(count - 1, 1));
    mean.write(tf.add(tf.mul(mean.read(), 0.9), tf.mul(m.mean, 0.1)));
    vari.write(tf.add(tf.mul(vari.read(), 0.9), tf.mul(unbiased, 0.1)));
  });
  return tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5)));
}

/**
 * ABF connector as one serialisable layer. Inputs `[x]` (deepest stage) or `[x, r]`; outputs
 * `[y, x']`: x' = BN(1×1 conv(x)) (no bias), fused with r (resized nearest to x's side) by
 * z = σ(1×1 conv([x', r]) → 2 maps, with bias): x' ← x'·z₀ + r·z₁; y = BN(3×3 conv(x')) (no bias,
 * pad 1) resized nearest to `outSize`. BN as PyTorch's BatchNorm2d: batch statistics in training
 * (running averages with momentum 0.1, unbiased variance), eps 1e-5, learnable γ (1) and β (0).
 * Convs: Kaiming-uniform a = 1 (U(±√(3/fan_in))); bias U(±1/√fan_in). Trainable parameters
 * match the spec (18,204,166 for the four R18 → R50 connectors).
 * Deviation from the original ReviewKD code: x' is not resized before conv2 (the Synapse spec's
 * order); identical when stage sides agree, as in the canonical FCN pair.
 */
export class AbfLayer extends tf.layers.Layer {
  static className = "MedkdAbf";
  readonly cfg: AbfConfig;
  private w1!: tf.LayerVariable;
  private w2!: tf.LayerVariable;
  private watt?: tf.LayerVariable;
  private batt?: tf.LayerVariable;
  private bn1!: tf.LayerVariable[];
  private bn2!: tf.LayerVariable[];

  constructor(cfg: AbfConfig) {
    super({ name: cfg.name });
    this.cfg = cfg;
  }

  override build(): void {
    const { inChannels: ci, midChannels: m, outChannels: co, seed } = this.cfg;
    const ku = (s: number) =>
      tf.initializers.varianceScaling({
        scale: 1,
        mode: "fanIn",
        distribution: "uniform",
        seed: s,
      });
    this.w1 = this.addWeight("w1", [1, 1, ci, m], "float32", ku(seed));
    this.w2 = this.addWeight("w2", [3, 3, m, co], "float32", ku(seed + 1));
    if (this.cfg.fuse) {
      this.watt = this.addWeight("watt", [1, 1, 2 * m, 2], "float32", ku(seed + 2));
      const b = 1 / Math.sqrt(2 * m);
      const bi = tf.initializers.randomUniform({ minval: -b, maxval: b, seed: seed + 3 });
      this.batt = this.addWeight("batt", [2], "float32", bi);
    }
    const z = tf.initializers.zeros(), o = tf.initializers.ones();
    const affine = (p: string, n: number) => [
      this.addWeight(`${p}_gamma`, [n], "float32", o),
      this.addWeight(`${p}_beta`, [n], "float32", z),
    ];
    const [g1, b1] = affine("bn1", m), [g2, b2] = affine("bn2", co);
    this.bn1 = [g1, b1, this.addWeight("bn1_mean", [m], "float32", z, undefined, false)];
    this.bn1.push(this.addWeight("bn1_var", [m], "float32", o, undefined, false));
    this.bn2 = [g2, b2, this.addWeight("bn2_mean", [co], "float32", z, undefined, false)];
    this.bn2.push(this.addWeight("bn2_var", [co], "float32", o, undefined, false));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = this.cfg.outSize ?? [s[1], s[2]];
    return [[s[0], out[0], out[1], this.cfg.outChannels], [s[0], s[1], s[2], this.cfg.midChannels]];
  }

  // deno-lint-ignore no-explicit-any
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: any): tf.Tensor[] {
    const training = Boolean(kwargs?.training);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const pre = tf.conv2d(list[0] as tf.Tensor4D, this.w1.read() as tf.Tensor4D, 1, "valid");
    let x = bn(pre, this.bn1, training) as tf.Tensor4D;
    if (this.cfg.fuse) {
      if (list.length < 2) throw new DistillerError(`${this.name}: fused ABF needs [x, residual]`);
      const r = resizeNearest(list[1] as tf.Tensor4D, side(x));
      const zl = tf.conv2d(tf.concat([x, r], 3), this.watt!.read() as tf.Tensor4D, 1, "valid");
      const z = tf.sigmoid(tf.add(zl, this.batt!.read()));
      const [z0, z1] = tf.split(z, 2, 3);
      x = tf.add(tf.mul(x, z0), tf.mul(r, z1));
    }
    const y0 = tf.conv2d(x, this.w2.read() as tf.Tensor4D, 1, "same");
    let y = bn(y0, this.bn2, training) as tf.Tensor4D;
    if (this.cfg.outSize) y = resizeNearest(y, this.cfg.outSize);
    return [y, x];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _n, ...rest } = this.cfg;
    return { ...super.getConfig(), ...rest } as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config) as T;
  }
}
tf.serialization.registerClass(AbfLayer);

/**
 * One ABF connector as a functional model: inputs [x] or [x, residual] → [y, x'].
 *
 * @example
 * ```ts
 * import { abfConnector } from "./reviewkd.ts";
 * const m = abfConnector({ inChannels: 3, midChannels: 4, outChannels: 5, fuse: true, outSize: null, seed: 1 });
 * if (m.inputs.length !== 2 || m.outputs[0].shape.at(-1) !== 5) throw new Error("shape");
 * m.dispose();
 * ```
 */
export function abfConnector(cfg: AbfConfig & { residualChannels?: number }): tf.LayersModel {
  const name = cfg.name ?? "abf";
  const x = tf.input({ shape: [null, null, cfg.inChannels], name: `${name}_x` });
  const ins = [x];
  if (cfg.fuse) ins.push(tf.input({ shape: [null, null, cfg.midChannels], name: `${name}_r` }));
  const layer = new AbfLayer({ ...cfg, name: `${name}_layer` });
  const outs = layer.apply(cfg.fuse ? ins : x) as tf.SymbolicTensor[];
  return tf.model({ inputs: ins, outputs: outs, name });
}

/**
 * ReviewKD distiller. `pairs` from the DEEPEST stage to the shallowest (s4, s3, s2, s1); one ABF
 * per stage (mid 512 in the Synapse study), HCL per stage with weight 1 each (logged
 * `hcl_<studentTap>`). Taps are the pre-ReLU residual sums (Synapse §3.5).
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { reviewKdDistiller } from "./reviewkd.ts";
 * const d = reviewKdDistiller({ pairs: [["s4", "t4"], ["s3", "t3"]], midChannels: 8 });
 * const abfs = d.build({
 *   studentShapes: { s4: [null, 2, 2, 6], s3: [null, 4, 4, 3] },
 *   teacherShapes: { t4: [null, 2, 2, 7], t3: [null, 4, 4, 5] },
 *   rng: createRng(0),
 * });
 * if (abfs.length !== 2 || abfs[1].inputs.length !== 2) throw new Error("one ABF per stage");
 * abfs.forEach((m) => m.dispose());
 * ```
 */
export function reviewKdDistiller(
  opts: { pairs: [student: string, teacher: string][]; midChannels?: number; weights?: number[] },
): Distiller {
  let abfs: tf.LayersModel[] = [];
  const mid = opts.midChannels ?? 512;
  return {
    name: "reviewkd",
    taps: { student: opts.pairs.map((p) => p[0]), teacher: opts.pairs.map((p) => p[1]) },
    build({ studentShapes, teacherShapes, rng }) {
      abfs = opts.pairs.map(([s, t], i) => {
        const ss = studentShapes[s], ts = teacherShapes[t];
        if (!ss || !ts) throw new DistillerError(`reviewkd: unknown tap shapes for ${s} / ${t}`);
        const outSize = ts[1] && ts[2] ? [ts[1], ts[2]] as [number, number] : null;
        return abfConnector({
          inChannels: ss.at(-1)!,
          midChannels: mid,
          outChannels: ts.at(-1)!,
          fuse: i > 0,
          outSize,
          seed: rng.seed(),
          name: `reviewkd_abf${i}`,
        });
      });
      return abfs;
    },
    loss(s, t) {
      if (abfs.length !== opts.pairs.length) {
        throw new DistillerError("reviewkd: build() not called");
      }
      return tf.tidy(() => {
        const out: Record<string, tf.Scalar> = {};
        let r: tf.Tensor | undefined;
        opts.pairs.forEach(([sn, tn], i) => {
          const x = tap("reviewkd", s, sn);
          const [y, xm] = abfs[i].apply(r ? [x, r] : x, { training: true }) as tf.Tensor[];
          out[`hcl_${sn}`] = tf.mul(hclLoss(y, tap("reviewkd", t, tn)), opts.weights?.[i] ?? 1);
          r = xm;
        });
        return out;
      });
    },
  };
}
