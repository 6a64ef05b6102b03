/**
 * In-place bias and activation epilogues for fused convolution and matmul kernels, with the same
 * formulas as TF.js's CPU kernels.
 * @module
 */

/**
 * Add `bias` (length 1, `channels`, or `out.length`) in place; false if the shape is unsupported.
 */
export function addBias(out: Float32Array, bias: Float32Array, channels: number): boolean {
  const b = bias.length;
  if (b === 1) {
    const v = bias[0];
    for (let i = 0; i < out.length; i++) out[i] += v;
  } else if (b === channels) {
    for (let i = 0; i < out.length; i += b) for (let c = 0; c < b; c++) out[i + c] += bias[c];
  } else if (b === out.length) {
    for (let i = 0; i < out.length; i++) out[i] += bias[i];
  } else return false;
  return true;
}

/** Activations TF.js fuses. */
export type Activation = "linear" | "relu" | "relu6" | "elu" | "prelu" | "leakyrelu" | "sigmoid";

/** True when {@link applyActivation} can handle this case. */
export function activationSupported(
  act: string | undefined,
  alpha: Float32Array | null,
  channels: number,
  size: number,
): boolean {
  if (!act || ["linear", "relu", "relu6", "elu", "leakyrelu", "sigmoid"].includes(act)) return true;
  return act === "prelu" && alpha !== null &&
    (alpha.length === 1 || alpha.length === channels || alpha.length === size);
}

/** Apply `act` in place (caller checked {@link activationSupported}). */
export function applyActivation(
  out: Float32Array,
  act: string | undefined,
  channels: number,
  prelu: Float32Array | null,
  leakyAlpha = 0.2,
): void {
  const n = out.length;
  switch (act ?? "linear") {
    case "linear":
      return;
    case "relu":
      for (let i = 0; i < n; i++) if (out[i] < 0) out[i] = 0;
      return;
    case "relu6":
      for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(out[i], 0), 6);
      return;
    case "elu":
      for (let i = 0; i < n; i++) if (out[i] < 0) out[i] = Math.exp(out[i]) - 1;
      return;
    case "leakyrelu":
      for (let i = 0; i < n; i++) if (out[i] < 0) out[i] *= leakyAlpha;
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-out[i]));
      return;
    case "prelu": {
      const a = prelu!;
      const m = a.length === 1 ? 0 : a.length === channels ? channels : n;
      for (let i = 0; i < n; i++) if (out[i] < 0) out[i] *= m === 0 ? a[0] : a[i % m];
      return;
    }
  }
}
