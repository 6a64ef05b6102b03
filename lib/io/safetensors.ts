/**
 * `.safetensors` (Hugging Face) reading and writing, and import of PyTorch weights into medkd
 * models.
 *
 * Format: 8-byte little-endian u64 header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the raw
 * little-endian tensor bytes (offsets relative to the end of the header).
 *
 * PyTorch → medkd mapping ({@link loadTorchWeights}): medkd layers are named by PyTorch module
 * path (`layer1.0.conv1`, `features.denseblock1.denselayer1.norm1`, `fc`), so each layer reads
 * `<name>.weight`, `<name>.bias`, and for BatchNorm `running_mean` / `running_var`. Kernels are
 * transposed: conv OI(D)HW → (D)HWIO, depthwise (C·m)1HW → HWCm, transposed conv
 * IO(D)HW → (D)HWOI, linear (out, in) → (in, out). `num_batches_tracked` is ignored.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import { IoError } from "./errors.ts";

/** A safetensors file is malformed, or its weights do not fit a model. */
export class SafetensorsError extends IoError {}

/** Supported dtypes (read); floats are converted to Float32Array. */
export type SafeDtype =
  | "F64"
  | "F32"
  | "F16"
  | "BF16"
  | "I64"
  | "I32"
  | "I16"
  | "I8"
  | "U8"
  | "BOOL";

/** One tensor: float data as Float32Array (integers as Float64Array-safe numbers in Float32). */
export type SafeTensor = { dtype: SafeDtype; shape: number[]; data: Float32Array };

const SIZES: Record<SafeDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function decode(dt: SafeDtype, view: DataView, n: number): Float32Array {
  if (dt === "F32" && LITTLE) {
    // Copy (also aligns) and reinterpret: the fast path for the common case.
    return new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + 4 * n));
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (dt) {
      case "F32":
        out[i] = view.getFloat32(4 * i, true);
        break;
      case "F64":
        out[i] = view.getFloat64(8 * i, true);
        break;
      case "F16":
        out[i] = f16(view.getUint16(2 * i, true));
        break;
      case "BF16": {
        const b = new DataView(new ArrayBuffer(4));
        b.setUint32(0, view.getUint16(2 * i, true) << 16, true);
        out[i] = b.getFloat32(0, true);
        break;
      }
      case "I64":
        out[i] = Number(view.getBigInt64(8 * i, true));
        break;
      case "I32":
        out[i] = view.getInt32(4 * i, true);
        break;
      case "I16":
        out[i] = view.getInt16(2 * i, true);
        break;
      case "I8":
        out[i] = view.getInt8(i);
        break;
      case "U8":
      case "BOOL":
        out[i] = view.getUint8(i);
        break;
    }
  }
  return out;
}

/**
 * Parse safetensors bytes into named tensors (insertion order of the header).
 *
 * @example
 * ```ts
 * import { encodeSafetensors, parseSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ w: { shape: [2], data: Float32Array.of(1.5, -2) } });
 * const t = parseSafetensors(bytes).get("w")!;
 * if (t.data[1] !== -2 || t.shape[0] !== 2) throw new Error("bad round trip");
 * ```
 */
export function parseSafetensors(bytes: Uint8Array, file = "<bytes>"): Map<string, SafeTensor> {
  if (bytes.length < 8) throw new SafetensorsError(file, `too short (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > bytes.length) {
    throw new SafetensorsError(file, `header length ${n} exceeds file size ${bytes.length}`);
  }
  let header: Record<string, { dtype: SafeDtype; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(file, `header is not JSON (${(e as Error).message})`);
  }
  const base = 8 + n;
  const out = new Map<string, SafeTensor>();
  for (const [name, h] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const size = SIZES[h.dtype];
    if (!size) throw new SafetensorsError(file, `${name}: unsupported dtype ${h.dtype}`);
    const count = h.shape.reduce((a, b) => a * b, 1);
    const [b0, b1] = h.data_offsets;
    if (b1 - b0 !== count * size || base + b1 > bytes.length) {
      throw new SafetensorsError(
        file,
        `${name}: data_offsets [${b0}, ${b1}] do not fit shape [${h.shape}] ${h.dtype}`,
      );
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset + base + b0, b1 - b0);
    out.set(name, { dtype: h.dtype, shape: h.shape, data: decode(h.dtype, view, count) });
  }
  return out;
}

/** Read a `.safetensors` file. */
export async function readSafetensors(path: string): Promise<Map<string, SafeTensor>> {
  return parseSafetensors(await Deno.readFile(path), path);
}

/** Encode float32 tensors as safetensors bytes (header padded to 8 bytes). */
export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: "F32", shape: t.shape, data_offsets: [off, off + 4 * t.data.length] };
    off += 4 * t.data.length;
  }
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.length + off);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, p += 4) dv.setFloat32(p, t.data[i], true);
  }
  return out;
}

/** Permutation from a PyTorch weight layout to the TF.js one for a layer class. */
function permutation(cls: string, rank: number): number[] | null {
  if (rank <= 1) return null;
  if (cls === "Dense") return [1, 0];
  if (cls === "DepthwiseConv2D") return [2, 3, 0, 1]; // (C·m, 1, kh, kw) → (kh, kw, C·m, 1)
  if (cls === "Conv2DTranspose" || cls === "Conv3DTranspose" || cls === "MedkdPatchConvTranspose") {
    return rank === 4 ? [2, 3, 1, 0] : [2, 3, 4, 1, 0]; // (I, O, k…) → (k…, O, I)
  }
  return rank === 4 ? [2, 3, 1, 0] : rank === 5 ? [2, 3, 4, 1, 0] : null; // (O, I, k…) → (k…, I, O)
}

/** Which PyTorch suffix feeds each TF.js weight of a layer, by weight order. */
function suffixes(layer: tf.layers.Layer): string[] {
  const cls = layer.getClassName();
  const n = layer.weights.length;
  if (cls === "BatchNormalization") return ["weight", "bias", "running_mean", "running_var"];
  return ["weight", "bias"].slice(0, n);
}

function inverse(perm: number[]): number[] {
  const inv = new Array(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/**
 * The inverse of {@link loadTorchWeights}: a PyTorch-layout state dict (`<layer>.weight`,
 * `.bias`, BatchNorm `running_mean` / `running_var`) of a model whose layers carry PyTorch names,
 * ready for {@link encodeSafetensors}. Layers with fused weights (medkd's attention layers) keep
 * their own layout and are exported under their TF.js weight names.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { torchStateDict } from "./safetensors.ts";
 * const x = tf.input({ shape: [3] });
 * const m = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2, name: "fc" }).apply(x) as tf.SymbolicTensor });
 * const sd = torchStateDict(m);
 * if (sd["fc.weight"].shape.join() !== "2,3") throw new Error("bad export");
 * ```
 */
export function torchStateDict(
  model: tf.LayersModel,
): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const cls = layer.getClassName();
    const fused = cls === "MedkdMultiHeadSelfAttention" || cls === "MedkdWindowAttention" ||
      cls === "MedkdCrossAttention" || cls === "MedkdPatchMerging";
    const names = suffixes(layer);
    layer.getWeights().forEach((w, i) => {
      let t = w;
      const suf = fused ? layer.weights[i].originalName.split("/").pop()! : names[i];
      const perm = fused ? null : permutation(cls, w.rank);
      if (perm && suf === "weight") t = tf.transpose(w, inverse(perm));
      out[`${layer.name}.${suf}`] = { shape: t.shape.slice(), data: t.dataSync() as Float32Array };
      if (t !== w) t.dispose();
    });
  }
  return out;
}

/** Report of {@link loadTorchWeights}. */
export type TorchLoadReport = { loaded: string[]; unused: string[] };

/**
 * Copy PyTorch weights into a medkd model whose layers carry PyTorch module names.
 * `rename` maps a checkpoint key to medkd's (e.g. strip `module.`); unknown keys are errors
 * unless `strict` is false. Throws {@link SafetensorsError} on a missing key or shape mismatch.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { encodeSafetensors, loadTorchWeights, parseSafetensors } from "./safetensors.ts";
 * const x = tf.input({ shape: [2] });
 * const m = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1, name: "fc" }).apply(x) as tf.SymbolicTensor });
 * const st = parseSafetensors(encodeSafetensors({
 *   "fc.weight": { shape: [1, 2], data: Float32Array.of(2, 3) },
 *   "fc.bias": { shape: [1], data: Float32Array.of(1) },
 * }));
 * loadTorchWeights(m, st);
 * const y = (m.predict(tf.tensor2d([[1, 1]])) as tf.Tensor).dataSync()[0];
 * if (y !== 6) throw new Error(String(y));
 * ```
 */
export function loadTorchWeights(
  model: tf.LayersModel,
  tensors: Map<string, SafeTensor>,
  opts: { rename?: (key: string) => string; strict?: boolean; file?: string } = {},
): TorchLoadReport {
  const file = opts.file ?? "<safetensors>";
  const byName = new Map<string, SafeTensor>();
  for (const [k, t] of tensors) byName.set(opts.rename ? opts.rename(k) : k, t);
  const used = new Set<string>();
  const loaded: string[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const cls = layer.getClassName();
    const values = suffixes(layer).map((suf, i) => {
      const key = `${layer.name}.${suf}`;
      const t = byName.get(key);
      const want = layer.weights[i].shape as number[];
      if (!t) throw new SafetensorsError(file, `missing ${key} for layer ${layer.name} (${cls})`);
      used.add(key);
      return tf.tidy(() => {
        let v = tf.tensor(t.data, t.shape);
        const perm = permutation(cls, t.shape.length);
        if (perm && suf === "weight") v = tf.transpose(v, perm);
        if (v.shape.join() !== want.join()) {
          throw new SafetensorsError(
            file,
            `${key}: shape [${t.shape}] does not fit ${layer.name} weight [${want}]`,
          );
        }
        return v;
      });
    });
    layer.setWeights(values);
    tf.dispose(values);
    loaded.push(layer.name);
  }
  const unused = [...byName.keys()].filter((k) =>
    !used.has(k) && !k.endsWith("num_batches_tracked")
  );
  if (unused.length && (opts.strict ?? true)) {
    throw new SafetensorsError(
      file,
      `${unused.length} checkpoint tensor(s) not used by ${model.name}: ${
        unused.slice(0, 5).join(", ")
      }`,
    );
  }
  return { loaded, unused };
}
