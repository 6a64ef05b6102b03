/**
 * Checkpoints on disk in the TF.js layers format — `model.json` (topology + weights manifest) and
 * `weights.bin` — loadable with `tf.loadLayersModel("…/model.json")` in a browser, plus named
 * tensor files (optimiser slots, extra variables) and atomic directory writes (temp, then rename).
 *
 * @module
 */
import * as tf from "../tf/tf.ts";

/** Thrown when a checkpoint is missing, malformed or does not fit the model. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

type ModelJson = {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
};

function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

async function readJson<T>(path: string): Promise<T> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new CheckpointError(`${path}: cannot read (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new CheckpointError(`${path}: invalid JSON (${(e as Error).message})`);
  }
}

async function readBin(path: string): Promise<ArrayBuffer> {
  try {
    const b = await Deno.readFile(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch (e) {
    throw new CheckpointError(`${path}: cannot read (${(e as Error).message})`);
  }
}

/**
 * Save a layers model into `dir` (created) as `model.json` + `weights.bin`.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { loadModel, saveModel } from "./checkpoint.ts";
 * const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
 * const dir = await Deno.makeTempDir();
 * await saveModel(dir, m);
 * const back = await loadModel(dir);
 * const x = tf.ones([1, 3]);
 * const d = tf.sub(m.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor).abs().max();
 * if (d.dataSync()[0] !== 0) throw new Error("round trip differs");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveModel(
  dir: string,
  model: tf.LayersModel,
  metadata?: Record<string, unknown>,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) });
  }));
  if (!artifacts) throw new CheckpointError(`${dir}: model produced no artifacts`);
  const json: ModelJson = {
    modelTopology: artifacts.modelTopology,
    format: "layers-model",
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
    ...(metadata ? { userDefinedMetadata: metadata } : {}),
  };
  await Deno.writeFile(joinPath(dir, "weights.bin"), toBytes(artifacts.weightData));
  await Deno.writeTextFile(joinPath(dir, "model.json"), JSON.stringify(json));
}

async function readModelDir(
  dir: string,
): Promise<{ json: ModelJson; specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const json = await readJson<ModelJson>(joinPath(dir, "model.json"));
  if (!Array.isArray(json.weightsManifest)) {
    throw new CheckpointError(`${dir}/model.json: field weightsManifest missing`);
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const parts = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readBin(joinPath(dir, p))),
  );
  return { json, specs, data: tf.io.CompositeArrayBuffer.join(parts) };
}

/** Load a model saved by {@link saveModel} (custom layers must be registered first). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const { json, specs, data } = await readModelDir(dir);
  return await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology as tf.io.ModelArtifacts["modelTopology"],
    weightSpecs: specs,
    weightData: data,
  }));
}

/**
 * Load the weights saved by {@link saveModel} into an already built model of the same
 * architecture, by position (layer names may differ between builds in one process).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { loadWeightsInto, saveModel } from "./checkpoint.ts";
 * const mk = () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const a = mk(), b = mk();
 * const dir = await Deno.makeTempDir();
 * await saveModel(dir, a);
 * await loadWeightsInto(dir, b);
 * if (a.getWeights()[0].dataSync().join() !== b.getWeights()[0].dataSync().join()) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadWeightsInto(dir: string, model: tf.LayersModel): Promise<void> {
  const { specs, data } = await readModelDir(dir);
  if (specs.length !== model.weights.length) {
    throw new CheckpointError(
      `${dir}: ${specs.length} weights in the checkpoint, the model has ${model.weights.length}`,
    );
  }
  const named = tf.io.decodeWeights(data, specs);
  const tensors = specs.map((s, i) => {
    const t = named[s.name];
    const want = model.weights[i].shape;
    if (!t || t.shape.join() !== want.join()) {
      throw new CheckpointError(
        `${dir}: weight ${i} (${s.name}) has shape [${t?.shape}], model wants [${want}]`,
      );
    }
    return t;
  });
  model.setWeights(tensors);
  tf.dispose(Object.values(named));
}

/**
 * Save named tensors as `<name>.json` (specs) + `<name>.bin` in `dir`.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { loadTensors, saveTensors } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * await saveTensors(dir, "opt", { "w#m": tf.tensor1d([1, 2]) });
 * const back = await loadTensors(dir, "opt");
 * if (back["w#m"].dataSync().join() !== "1,2") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveTensors(
  dir: string,
  name: string,
  tensors: Record<string, tf.Tensor>,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await Deno.writeFile(joinPath(dir, `${name}.bin`), new Uint8Array(data));
  await Deno.writeTextFile(joinPath(dir, `${name}.json`), JSON.stringify(specs));
}

/** Load tensors saved by {@link saveTensors}; the caller disposes them. */
export async function loadTensors(dir: string, name: string): Promise<Record<string, tf.Tensor>> {
  const specs = await readJson<tf.io.WeightsManifestEntry[]>(joinPath(dir, `${name}.json`));
  const data = await readBin(joinPath(dir, `${name}.bin`));
  return tf.io.decodeWeights(data, specs);
}

let tmpCounter = 0;

/**
 * Write a checkpoint directory atomically: `write(tmp)` fills a sibling temp directory, which then
 * replaces `dir` by rename (the previous `dir` is moved to `dir.old` first and removed after).
 * A crash leaves either the old or the new checkpoint; {@link resolveCheckpointDir} finds it.
 *
 * @example
 * ```ts
 * import { resolveCheckpointDir, writeAtomicDir } from "./checkpoint.ts";
 * const root = await Deno.makeTempDir();
 * await writeAtomicDir(`${root}/last`, (tmp) => Deno.writeTextFile(`${tmp}/a.txt`, "1"));
 * await writeAtomicDir(`${root}/last`, (tmp) => Deno.writeTextFile(`${tmp}/a.txt`, "2"));
 * const dir = await resolveCheckpointDir(`${root}/last`);
 * if (!dir || (await Deno.readTextFile(`${dir}/a.txt`)) !== "2") throw new Error("not replaced");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function writeAtomicDir(
  dir: string,
  write: (tmpDir: string) => Promise<void>,
): Promise<void> {
  const tmp = `${dir}.tmp-${Deno.pid}-${++tmpCounter}`;
  const old = `${dir}.old`;
  // a crash between the two renames of an earlier write left only `dir.old`: put it back first,
  // so that removing `.old` below never deletes the only complete checkpoint
  if (!(await exists(dir)) && (await exists(old))) await Deno.rename(old, dir);
  await Deno.mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
  await Deno.remove(old, { recursive: true }).catch(() => {});
  const hadDir = await exists(dir);
  if (hadDir) await Deno.rename(dir, old);
  await Deno.rename(tmp, dir);
  if (hadDir) await Deno.remove(old, { recursive: true });
  await removeStaleTemps(dir);
}

/** Remove `dir.tmp-*` folders that other (killed) processes left half-written. */
async function removeStaleTemps(dir: string): Promise<void> {
  const cut = dir.lastIndexOf("/");
  const parent = cut < 0 ? "." : dir.slice(0, cut) || "/";
  const prefix = `${dir.slice(cut + 1)}.tmp-`, mine = `${prefix}${Deno.pid}-`;
  try {
    for await (const e of Deno.readDir(parent)) {
      if (e.name.startsWith(prefix) && !e.name.startsWith(mine)) {
        await Deno.remove(`${parent}/${e.name}`, { recursive: true }).catch(() => {});
      }
    }
  } catch {
    // best effort: a leftover temp folder wastes space but never hides a checkpoint
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The directory holding the newest complete checkpoint at `dir` (or its `.old` copy), or null. */
export async function resolveCheckpointDir(dir: string): Promise<string | null> {
  if (await exists(dir)) return dir;
  if (await exists(`${dir}.old`)) return `${dir}.old`;
  return null;
}
