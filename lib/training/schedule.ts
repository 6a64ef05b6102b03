/**
 * Learning-rate schedules as pure functions of the 0-based iteration index (so resuming needs
 * only the step): constant, poly, cosine, step decay and linear warm-up.
 *
 * @module
 */

/** `lr = schedule(i)` for iteration i = 0, 1, … */
export type Schedule = (step: number) => number;

/**
 * A constant learning rate.
 *
 * @example
 * ```ts
 * import { constantLr } from "./schedule.ts";
 * if (constantLr(0.1)(1000) !== 0.1) throw new Error();
 * ```
 */
export function constantLr(lr: number): Schedule {
  return () => lr;
}

/**
 * Poly (mmseg / LCKD): `min + (base − min)·(1 − i/total)^power`, i clamped to total.
 *
 * @example
 * ```ts
 * import { polyLr } from "./schedule.ts";
 * const s = polyLr({ base: 0.01, total: 100, power: 0.9 });
 * if (s(0) !== 0.01 || s(100) !== 0) throw new Error("bad poly");
 * ```
 */
export function polyLr(o: { base: number; total: number; power?: number; min?: number }): Schedule {
  const min = o.min ?? 0, p = o.power ?? 0.9;
  return (i) => min + (o.base - min) * Math.pow(1 - Math.min(i, o.total) / o.total, p);
}

/**
 * Cosine annealing: `min + (base − min)·(1 + cos(π·i/total))/2`, i clamped to total.
 *
 * @example
 * ```ts
 * import { cosineLr } from "./schedule.ts";
 * const s = cosineLr({ base: 1, total: 10 });
 * if (Math.abs(s(5) - 0.5) > 1e-12) throw new Error("bad cosine");
 * ```
 */
export function cosineLr(o: { base: number; total: number; min?: number }): Schedule {
  const min = o.min ?? 0;
  return (i) =>
    min + ((o.base - min) * (1 + Math.cos((Math.PI * Math.min(i, o.total)) / o.total))) / 2;
}

/**
 * Step decay (StepLR): `base·gamma^⌊i/stepSize⌋` (i in the unit the caller steps: iterations, or
 * epochs via `i = ⌊iteration / itersPerEpoch⌋`).
 *
 * @example
 * ```ts
 * import { stepLr } from "./schedule.ts";
 * if (stepLr({ base: 1, stepSize: 2, gamma: 0.5 })(5) !== 0.25) throw new Error("bad step");
 * ```
 */
export function stepLr(o: { base: number; stepSize: number; gamma: number }): Schedule {
  return (i) => o.base * Math.pow(o.gamma, Math.floor(i / o.stepSize));
}

/**
 * Evaluate a per-epoch schedule per iteration: epoch = ⌊i / itersPerEpoch⌋.
 *
 * @example
 * ```ts
 * import { perEpoch, stepLr } from "./schedule.ts";
 * const s = perEpoch(stepLr({ base: 1, stepSize: 1, gamma: 0.5 }), 10);
 * if (s(9) !== 1 || s(10) !== 0.5) throw new Error();
 * ```
 */
export function perEpoch(inner: Schedule, itersPerEpoch: number): Schedule {
  return (i) => inner(Math.floor(i / itersPerEpoch));
}

/**
 * Linear warm-up over `steps` iterations from `startFactor`.
 * `mode: "scale"` (mmcv, default): for i < steps, `inner(i)·(1 − (1 − i/steps)(1 − startFactor))`,
 * then `inner(i)`. `mode: "shift"` (warm-up, then the inner schedule restarted):
 * i < steps → `inner(0)·(same factor)`, then `inner(i − steps)`.
 *
 * @example
 * ```ts
 * import { constantLr, warmupLr } from "./schedule.ts";
 * const s = warmupLr(constantLr(1), { steps: 4, startFactor: 0 });
 * if (s(0) !== 0 || s(2) !== 0.5 || s(4) !== 1) throw new Error("bad warm-up");
 * ```
 */
export function warmupLr(
  inner: Schedule,
  o: { steps: number; startFactor?: number; mode?: "scale" | "shift" },
): Schedule {
  const f0 = o.startFactor ?? 0;
  const factor = (i: number) => 1 - (1 - i / o.steps) * (1 - f0);
  if ((o.mode ?? "scale") === "scale") {
    return (i) => (i < o.steps ? inner(i) * factor(i) : inner(i));
  }
  return (i) => (i < o.steps ? inner(0) * factor(i) : inner(i - o.steps));
}
