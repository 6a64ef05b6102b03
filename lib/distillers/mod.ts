/**
 * Distillation methods of the five studies: each a pure loss function plus a {@link Distiller}
 * factory, and a registry by name.
 *
 * @example
 * ```ts
 * import { createDistiller, listDistillers } from "./mod.ts";
 * if (!listDistillers().includes("dkd")) throw new Error("dkd missing");
 * const d = createDistiller("kd", { temperature: 2 });
 * if (d.name !== "kd") throw new Error(d.name);
 * ```
 * @module
 */
import type { Distiller } from "./types.ts";
import { DistillerError } from "./types.ts";
import { kdDistiller } from "./kd.ts";
import { atDistiller } from "./at.ts";
import { fitnetDistiller } from "./fitnet.ts";
import { dkdDistiller } from "./dkd.ts";
import { distDistiller } from "./dist.ts";
import { cwdDistiller } from "./cwd.ts";
import { reviewKdDistiller } from "./reviewkd.ts";
import { hlfdDistiller } from "./hlfd_distiller.ts";
import { mdnetDistiller } from "./mdnet.ts";
import { lckdDistiller } from "./lckd.ts";

export type { BuildContext, Distiller, StepContext, TapShapes, VariableGroup } from "./types.ts";
export { DistillerError } from "./types.ts";
export { cxr8FocalLoss, kdDistiller, kdLoss, multiLabelKdLoss } from "./kd.ts";
export type { KdOptions, MultiLabelKdOptions } from "./kd.ts";
export { atDistiller, atLoss, attentionMap } from "./at.ts";
export type { AtOptions } from "./at.ts";
export { conv1x1Connector, fitnetDistiller, fitnetLoss } from "./fitnet.ts";
export { dkdDistiller, dkdLoss } from "./dkd.ts";
export type { DkdOptions } from "./dkd.ts";
export { distDistiller, distLoss } from "./dist.ts";
export type { DistOptions } from "./dist.ts";
export { cwdDistiller, cwdLoss } from "./cwd.ts";
export { abfConnector, AbfLayer, adaptiveAvgPool, hclLoss, reviewKdDistiller } from "./reviewkd.ts";
export type { AbfConfig } from "./reviewkd.ts";
export {
  atCat,
  atRec,
  hlfdAt,
  hlfdKl,
  hlfdLoss,
  klCat,
  klProjected,
  klRec,
  sampleAdapter,
} from "./hlfd.ts";
export type { Adapter, HlfdAdapters } from "./hlfd.ts";
export { hlfdDistiller } from "./hlfd_distiller.ts";
export { kitsRoles, kitsTerms } from "./hlfd_variants.ts";
export type { KitsLossType } from "./hlfd_variants.ts";
export { mdnetDistiller, mdnetFocalLoss, mdnetLoss, mdnetSmoothTargets } from "./mdnet.ts";
export { electTeachers, fillMissing, lckdDistiller, lckdLoss, presentModalities } from "./lckd.ts";

// deno-lint-ignore no-explicit-any
const factories: Record<string, (opts: any) => Distiller> = {
  kd: kdDistiller,
  at: atDistiller,
  fitnet: fitnetDistiller,
  dkd: dkdDistiller,
  dist: distDistiller,
  cwd: cwdDistiller,
  reviewkd: reviewKdDistiller,
  hlfd: hlfdDistiller,
  mdnet: mdnetDistiller,
  lckd: lckdDistiller,
};

/** Names accepted by {@link createDistiller}. */
export function listDistillers(): string[] {
  return Object.keys(factories);
}

/** Build a distiller by name with its options (see each factory for the option type). */
export function createDistiller(name: string, opts: Record<string, unknown> = {}): Distiller {
  const f = factories[name];
  if (!f) {
    throw new DistillerError(`unknown distiller "${name}" (known: ${listDistillers().join(", ")})`);
  }
  return f(opts);
}
