/**
 * Backend selection: native TensorFlow → WebGPU on a hardware adapter → CPU (with medkd's fast
 * kernels when they load) → WebGPU on a software adapter.
 *
 * `MEDKD_BACKEND=cpu|webgpu|tensorflow` (or the `preference` argument) forces one. The choice is
 * printed once.
 *
 * Native TensorFlow is optional and never a dependency of medkd: add it to your own project
 * (`deno add npm:@tensorflow/tfjs-node` or `npm:@tensorflow/tfjs-node-gpu`, version 4.22.0 to share
 * medkd's tfjs-core) and `initBackend` finds it.
 *
 * @module
 */
import { installFastKernels, registerDilatedGradients } from "./kernels/mod.ts";
import * as tf from "./tf.ts";

/** Names a user may ask for. `auto` applies the order described in the module doc. */
export type BackendPreference = "auto" | "tensorflow" | "webgpu" | "cpu";

/** What {@link initBackend} chose. */
export type BackendInfo = {
  /** TF.js backend name now active (`tensorflow`, `webgpu` or `cpu`). */
  name: string;
  /** Human-readable detail: package, adapter, BLAS library. */
  detail: string;
  /** True when the CPU backend runs medkd's fast kernels. */
  fastKernels: boolean;
};

/** Thrown when a backend the user named explicitly cannot be started. */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendError";
  }
}

let chosen: BackendInfo | undefined;
let announced = false;

/** The active backend, if {@link initBackend} ran. */
export function currentBackend(): BackendInfo | undefined {
  return chosen;
}

function parsePreference(p: string | undefined): BackendPreference {
  const v = (p ?? "auto").trim().toLowerCase();
  if (v === "" || v === "auto") return "auto";
  if (v === "tensorflow" || v === "native" || v === "node") return "tensorflow";
  if (v === "webgpu" || v === "cpu") return v;
  throw new BackendError(
    `MEDKD_BACKEND=${p}: unknown backend (expected auto, cpu, webgpu or tensorflow)`,
  );
}

function envBackend(): string | undefined {
  try {
    return Deno.env.get("MEDKD_BACKEND");
  } catch {
    return undefined; // no --allow-env
  }
}

async function tryNative(): Promise<string | undefined> {
  // Bare specifiers, resolved only if the user's project lists the package; kept in variables so
  // no tool tries to install them for medkd.
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(pkg);
      if (tf.findBackend("tensorflow") && (await tf.setBackend("tensorflow"))) return pkg;
    } catch {
      // not installed, or its native library failed to load: try the next option
    }
  }
  return undefined;
}

type WebGpuAdapter = { software: boolean; description: string };

async function probeWebGpu(): Promise<WebGpuAdapter | undefined> {
  // deno-lint-ignore no-explicit-any
  const gpu = (globalThis.navigator as any)?.gpu;
  if (!gpu) return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return undefined;
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture, info.device, info.description]
      .filter((s: unknown) => typeof s === "string" && s.length > 0).join(" ") || "unknown adapter";
    const software = Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter) ||
      /llvmpipe|lavapipe|swiftshader|software|cpu/i.test(description);
    return { software, description };
  } catch {
    return undefined;
  }
}

async function startWebGpu(): Promise<boolean> {
  try {
    await import("@tensorflow/tfjs-backend-webgpu");
    return await tf.setBackend("webgpu");
  } catch {
    return false;
  }
}

let blasName: string | null = null;

async function startCpu(): Promise<boolean> {
  await tf.setBackend("cpu");
  await tf.ready();
  const fast = await installFastKernels();
  blasName = fast.blas;
  return fast.kernels.length > 0;
}

/**
 * Choose and start a backend; safe to call many times (later calls return the first choice
 * unless a different explicit preference is given).
 *
 * @example
 * ```ts
 * import { initBackend } from "./backend.ts";
 * const info = await initBackend("cpu", { quiet: true });
 * if (info.name !== "cpu") throw new Error(info.name);
 * ```
 */
export async function initBackend(
  preference?: BackendPreference,
  opts: { quiet?: boolean } = {},
): Promise<BackendInfo> {
  const want = preference ?? parsePreference(envBackend());
  registerDilatedGradients();
  if (chosen && (want === "auto" || want === chosen.name)) return chosen;

  let info: BackendInfo | undefined;
  if (want === "tensorflow" || want === "auto") {
    const pkg = await tryNative();
    if (pkg) info = { name: "tensorflow", detail: pkg, fastKernels: false };
    else if (want === "tensorflow") {
      throw new BackendError(
        "MEDKD_BACKEND=tensorflow but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node " +
          "could be imported (add one to your project's imports)",
      );
    }
  }
  if (!info && (want === "webgpu" || want === "auto")) {
    const adapter = await probeWebGpu();
    if (want === "webgpu" || (adapter && !adapter.software)) {
      if (adapter && (await startWebGpu())) {
        info = { name: "webgpu", detail: adapter.description, fastKernels: false };
      } else if (want === "webgpu") {
        throw new BackendError(
          "MEDKD_BACKEND=webgpu but no WebGPU adapter is available " +
            "(on Linux without a GPU, install mesa-vulkan-drivers)",
        );
      }
    }
  }
  if (!info) {
    const fast = await startCpu();
    info = {
      name: "cpu",
      detail: fast ? `fast kernels, ${blasName}` : "TF.js reference kernels",
      fastKernels: fast,
    };
  }
  chosen = info;
  if (!announced && !opts.quiet) {
    announced = true;
    console.error(`medkd: backend ${info.name} (${info.detail})`);
  }
  return info;
}
