/**
 * Saving and restoring everything a resumed run needs (weights, optimiser slots, extra variables,
 * RNG, data position, distiller state) as one atomic checkpoint directory:
 * `student/` (TF.js layers format, browser-loadable), `teacher/` (co-trained only), `connector_<i>/`,
 * `optimizer.{json,bin}`, `extras.{json,bin}`, `state.json`.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import {
  loadTensors,
  loadWeightsInto,
  resolveCheckpointDir,
  saveModel,
  saveTensors,
  writeAtomicDir,
} from "../io/checkpoint.ts";
import type { Optimizer } from "./optim.ts";

/** The models and variables a checkpoint covers. */
export type RunParts = {
  student: tf.LayersModel;
  teacher?: tf.LayersModel;
  connectors: tf.LayersModel[];
  extras: tf.Variable[];
  optimizer: Optimizer;
};

/**
 * Write a checkpoint of `parts` plus the JSON `state` to `dir`, atomically.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { Optimizer } from "./optim.ts";
 * import { loadRunState, saveRunState } from "./run_state.ts";
 * const mk = () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const parts = { student: mk(), connectors: [], extras: [], optimizer: new Optimizer({ kind: "sgd" }) };
 * const dir = await Deno.makeTempDir();
 * await saveRunState(`${dir}/last`, parts, { step: 7 });
 * const st = await loadRunState(`${dir}/last`, { ...parts, student: mk() });
 * if (st?.step !== 7) throw new Error("step");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveRunState(
  dir: string,
  parts: RunParts,
  state: Record<string, unknown>,
): Promise<void> {
  await writeAtomicDir(dir, async (tmp) => {
    await saveModel(`${tmp}/student`, parts.student, { step: state.step });
    if (parts.teacher) await saveModel(`${tmp}/teacher`, parts.teacher);
    for (const [i, c] of parts.connectors.entries()) await saveModel(`${tmp}/connector_${i}`, c);
    const opt = parts.optimizer.getState();
    try {
      await saveTensors(tmp, "optimizer", opt.slots);
    } finally {
      tf.dispose(Object.values(opt.slots));
    }
    await saveTensors(tmp, "extras", Object.fromEntries(parts.extras.map((v, i) => [`x${i}`, v])));
    const full = { ...state, optimizer: { config: opt.config, steps: opt.steps } };
    await Deno.writeTextFile(`${tmp}/state.json`, JSON.stringify(full));
  });
}

/**
 * Restore a checkpoint written by {@link saveRunState} into already built parts; returns its
 * JSON state, or null when there is no checkpoint at `dir`.
 */
export async function loadRunState(
  dir: string,
  parts: RunParts,
  opts: { optimizer?: boolean } = {},
): Promise<Record<string, unknown> | null> {
  const at = await resolveCheckpointDir(dir);
  if (!at) return null;
  const state = JSON.parse(await Deno.readTextFile(`${at}/state.json`));
  await loadWeightsInto(`${at}/student`, parts.student);
  if (parts.teacher) await loadWeightsInto(`${at}/teacher`, parts.teacher);
  for (const [i, c] of parts.connectors.entries()) await loadWeightsInto(`${at}/connector_${i}`, c);
  if (opts.optimizer ?? true) {
    const slots = await loadTensors(at, "optimizer");
    parts.optimizer.setState({ steps: state.optimizer.steps, slots });
    tf.dispose(Object.values(slots));
  }
  const extras = await loadTensors(at, "extras");
  parts.extras.forEach((v, i) => v.assign(extras[`x${i}`]));
  tf.dispose(Object.values(extras));
  return state;
}
