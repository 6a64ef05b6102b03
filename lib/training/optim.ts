/**
 * Optimisers over `tf.Variable`s with PyTorch's update rules and exportable state (for exact
 * resume): SGD (momentum, dampening, Nesterov, L2 weight decay added to the gradient), Adam (L2
 * weight decay added to the gradient) and AdamW (decoupled weight decay), plus global-norm
 * gradient clipping as `torch.nn.utils.clip_grad_norm_`.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";

/** Optimiser settings (the learning rate comes from the schedule at each step). */
export type OptimizerConfig =
  | { kind: "sgd"; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }
  | { kind: "adam" | "adamw"; beta1?: number; beta2?: number; eps?: number; weightDecay?: number };

/** One variable's update: `key` names its state slots (stable across rebuilds of the model). */
export type Update = { key: string; variable: tf.Variable; grad: tf.Tensor; lr: number };

/** Serialisable optimiser state: per-key step counts and slot tensors (`<key>#m`, …). */
export type OptimizerState = {
  config: OptimizerConfig;
  steps: Record<string, number>;
  slots: Record<string, tf.Tensor>;
};

/** Thrown on a bad configuration or a state that does not match. */
export class OptimizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptimizerError";
  }
}

/**
 * A PyTorch-equivalent optimiser. Call {@link Optimizer.apply} once per step with every
 * variable's gradient and learning rate.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { Optimizer } from "./optim.ts";
 * const v = tf.variable(tf.scalar(1));
 * const opt = new Optimizer({ kind: "sgd", momentum: 0.9 });
 * const g = tf.scalar(2);
 * opt.apply([{ key: "v", variable: v, grad: g, lr: 0.1 }]);
 * if (Math.abs(v.dataSync()[0] - 0.8) > 1e-7) throw new Error("bad step");
 * opt.dispose(); g.dispose(); v.dispose();
 * ```
 */
export class Optimizer {
  readonly config: OptimizerConfig;
  #steps = new Map<string, number>();
  #slots = new Map<string, tf.Tensor>();

  constructor(config: OptimizerConfig) {
    if (!["sgd", "adam", "adamw"].includes(config.kind)) {
      throw new OptimizerError(`optimizer kind "${(config as { kind: string }).kind}" unknown`);
    }
    this.config = config;
  }

  #slot(name: string, value: tf.Tensor): void {
    this.#slots.get(name)?.dispose();
    this.#slots.set(name, tf.keep(value));
  }

  /** Apply one step to each variable. Gradients are not disposed. */
  apply(updates: Update[]): void {
    for (const u of updates) {
      const t = (this.#steps.get(u.key) ?? 0) + 1;
      this.#steps.set(u.key, t);
      tf.tidy(() => {
        const next = this.config.kind === "sgd" ? this.#sgd(u) : this.#adam(u, t);
        u.variable.assign(next);
      });
    }
  }

  #sgd(u: Update): tf.Tensor {
    const c = this.config as Extract<OptimizerConfig, { kind: "sgd" }>;
    const theta = u.variable;
    let g = u.grad;
    if (c.weightDecay) g = tf.add(g, tf.mul(theta, c.weightDecay));
    const mu = c.momentum ?? 0;
    if (mu !== 0) {
      const prev = this.#slots.get(`${u.key}#buf`);
      const buf = prev ? tf.add(tf.mul(prev, mu), tf.mul(g, 1 - (c.dampening ?? 0))) : tf.clone(g);
      this.#slot(`${u.key}#buf`, buf);
      g = c.nesterov ? tf.add(g, tf.mul(buf, mu)) : buf;
    }
    return tf.sub(theta, tf.mul(g, u.lr));
  }

  #adam(u: Update, t: number): tf.Tensor {
    const c = this.config as Extract<OptimizerConfig, { kind: "adam" | "adamw" }>;
    const b1 = c.beta1 ?? 0.9, b2 = c.beta2 ?? 0.999, eps = c.eps ?? 1e-8, wd = c.weightDecay ?? 0;
    let theta: tf.Tensor = u.variable;
    let g = u.grad;
    if (wd && c.kind === "adamw") theta = tf.mul(theta, 1 - u.lr * wd);
    if (wd && c.kind === "adam") g = tf.add(g, tf.mul(theta, wd));
    const m0 = this.#slots.get(`${u.key}#m`), v0 = this.#slots.get(`${u.key}#v`);
    const m = m0 ? tf.add(tf.mul(m0, b1), tf.mul(g, 1 - b1)) : tf.mul(g, 1 - b1);
    const v = v0
      ? tf.add(tf.mul(v0, b2), tf.mul(tf.square(g), 1 - b2))
      : tf.mul(tf.square(g), 1 - b2);
    this.#slot(`${u.key}#m`, m);
    this.#slot(`${u.key}#v`, v);
    const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps);
    return tf.sub(theta, tf.mul(tf.div(m, denom), u.lr / bc1));
  }

  /** Snapshot (slot tensors are clones; dispose them after saving). */
  getState(): OptimizerState {
    const slots: Record<string, tf.Tensor> = {};
    for (const [k, v] of this.#slots) slots[k] = tf.clone(v);
    return { config: this.config, steps: Object.fromEntries(this.#steps), slots };
  }

  /** Restore a snapshot (takes copies of the slot tensors). */
  setState(state: Pick<OptimizerState, "steps" | "slots">): void {
    this.dispose();
    for (const [k, n] of Object.entries(state.steps)) this.#steps.set(k, n);
    for (const [k, v] of Object.entries(state.slots)) this.#slots.set(k, tf.keep(tf.clone(v)));
  }

  /** Free the slot tensors and forget the step counts. */
  dispose(): void {
    for (const v of this.#slots.values()) v.dispose();
    this.#slots.clear();
    this.#steps.clear();
  }
}

/**
 * Global-norm clipping (`clip_grad_norm_`): norm = √Σ‖g‖²; if maxNorm/(norm + 1e-6) < 1 every
 * gradient is scaled by it. Returns new tensors (the inputs are not disposed) and the norm.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { clipByGlobalNorm } from "./optim.ts";
 * const { grads, norm } = clipByGlobalNorm([tf.tensor1d([3, 4])], 1);
 * if (norm !== 5 || Math.abs(grads[0].dataSync()[0] - 0.6) > 1e-6) throw new Error("bad clip");
 * ```
 */
export function clipByGlobalNorm(
  grads: tf.Tensor[],
  maxNorm: number,
): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  const coef = maxNorm / (norm + 1e-6);
  return { grads: grads.map((g) => (coef < 1 ? tf.mul(g, coef) : tf.clone(g))), norm };
}

/**
 * √Σ‖g‖² over all gradients (NaN/Inf propagate).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { globalNorm } from "./optim.ts";
 * if (globalNorm([tf.tensor1d([3]), tf.tensor1d([4])]) !== 5) throw new Error("norm");
 * ```
 */
export function globalNorm(grads: tf.Tensor[]): number {
  if (grads.length === 0) return 0;
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
}
