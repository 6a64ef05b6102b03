/**
 * Model registry: `buildModel(name, options)` → a functional `tf.LayersModel` with outputs
 * `[logits, ...taps]` (see `taps.ts`), `listModels()`, and `modelSpec(name)` for an
 * architecture's paper/demo configuration and the spec's parameter count.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import { Builder, named } from "./build.ts";
import type { ModelOptions, ModelSpec } from "./types.ts";
import { KITS_MODELS } from "./seg2d/kits.ts";
import { FCN_MODELS } from "./seg2d/fcn.ts";
import { UNET_NECKS } from "./seg2d/unet_neck.ts";
import { SWIN_UNETR } from "./seg2d/swin_unetr.ts";
import { TRANSUNET } from "./seg2d/transunet.ts";
import { MEDNEXT } from "./seg2d/mednext.ts";
import { MISSFORMER } from "./seg2d/missformer.ts";
import { UPERNET } from "./seg2d/upernet.ts";
import { CLS_RESNETS } from "./cls2d/classifiers.ts";
import { DENSENETS } from "./cls2d/densenet.ts";
import { MOBILENETS } from "./cls2d/mobilenetv3.ts";
import { PLAIN } from "./cls2d/plain.ts";
import { CXR_TRANSFORMERS } from "./cls2d/transformers.ts";
import { MDNETS } from "./cls3d/mdnet.ts";
import { LCKD } from "./seg3d/lckd.ts";

const SPECS: ModelSpec[] = [
  ...KITS_MODELS,
  ...FCN_MODELS,
  ...UNET_NECKS,
  ...SWIN_UNETR,
  ...TRANSUNET,
  ...MEDNEXT,
  ...MISSFORMER,
  ...UPERNET,
  ...CLS_RESNETS,
  ...DENSENETS,
  ...MOBILENETS,
  ...PLAIN,
  ...CXR_TRANSFORMERS,
  ...MDNETS,
  ...LCKD,
];
const BY_NAME = new Map(SPECS.map((s) => [s.name, s]));

/** Thrown for an unknown model name or unusable options. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelError";
  }
}

/**
 * Every registered architecture name.
 *
 * @example
 * ```ts
 * import { listModels } from "./registry.ts";
 * if (!listModels().includes("kits_unet")) throw new Error("missing");
 * ```
 */
export function listModels(): string[] {
  return SPECS.map((s) => s.name);
}

/** The registered spec (paper/demo configuration, spec parameter count, deviations). */
export function modelSpec(name: string): ModelSpec {
  const s = BY_NAME.get(name);
  if (!s) throw new ModelError(`unknown model "${name}" (known: ${listModels().join(", ")})`);
  return s;
}

/**
 * Build a registered model. Outputs are `[logits, ...taps]`, named; weights are initialised from
 * `seed` (default 0) as the original does (PyTorch defaults unless the spec says otherwise).
 *
 * @example
 * ```ts
 * import { buildModel } from "./registry.ts";
 * import { modelTaps } from "./taps.ts";
 * const m = buildModel("kits_unet", { inputShape: [32, 32, 1], classes: 2, width: 1 / 16 });
 * if (modelTaps(m)[0] !== "e1") throw new Error("bad taps");
 * m.dispose();
 * ```
 */
export function buildModel(name: string, options: ModelOptions): tf.LayersModel {
  const spec = modelSpec(name);
  const width = options.width ?? 1;
  if (!(width > 0)) throw new ModelError(`${name}: width must be > 0, got ${width}`);
  if (options.inputShape.length !== spec.paper.inputShape.length) {
    throw new ModelError(
      `${name}: inputShape [${options.inputShape}] must have rank ${spec.paper.inputShape.length} ` +
        `(channels last, e.g. [${spec.paper.inputShape}])`,
    );
  }
  if (!(Number.isInteger(options.classes) && options.classes > 0)) {
    throw new ModelError(`${name}: classes must be a positive integer, got ${options.classes}`);
  }
  const b = new Builder(options.seed ?? 0, options.shapeOnly ?? false);
  const g = spec.build(b, { ...options, width });
  const name1 = (t: tf.SymbolicTensor, n: string) => (t.sourceLayer.name === n ? t : named(t, n));
  const outputs = [name1(g.logits, "logits"), ...g.taps.map(([n, t]) => name1(t, n))];
  return tf.model({ inputs: g.inputs, outputs, name });
}
