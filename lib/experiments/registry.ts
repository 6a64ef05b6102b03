/**
 * Study id → experiment. Each study file registers itself here with one line.
 * @module
 */
import type { Experiment, StudyId } from "./types.ts";

/** Lazily loaded experiments, in the studies' order (01 … 05). */
export const EXPERIMENTS: Partial<Record<StudyId, () => Promise<Experiment>>> = {
  hcc: () => import("./hcc.ts").then((m) => m.hccExperiment as unknown as Experiment),
  kits: () => import("./kits.ts").then((m) => m.kitsExperiment as unknown as Experiment),
  synapse: () => import("./synapse.ts").then((m) => m.synapseExperiment as unknown as Experiment),
  cxr8: () => import("./cxr8.ts").then((m) => m.cxr8Experiment as unknown as Experiment),
  brats: () => import("./brats.ts").then((m) => m.bratsExperiment as unknown as Experiment),
};

/** Study ids with a registered experiment. */
export function listExperiments(): StudyId[] {
  return Object.keys(EXPERIMENTS) as StudyId[];
}

/** Load a study's experiment or throw naming the known ones. */
export async function getExperiment(id: string): Promise<Experiment> {
  const load = EXPERIMENTS[id as StudyId];
  if (!load) {
    throw new Error(`unknown study "${id}"; expected one of ${listExperiments().join(", ")}`);
  }
  return await load();
}
