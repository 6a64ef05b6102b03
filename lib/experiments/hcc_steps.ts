/**
 * HCC-MVI step helpers: fixed validation batches and softmax predictions (BatchNorm uses batch
 * statistics, so the batch split is part of the protocol), best-epoch selection, the model input
 * split (channel 0 HBP, channel 1 pre) and the MD-Net distiller adapter.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import { mdnetDistiller } from "../distillers/mod.ts";
import type { Distiller } from "../distillers/mod.ts";
import { collate, type HccCase, hccDataset } from "../datasets/mod.ts";
import type { Batch, Outputs } from "../training/mod.ts";
import { createRng } from "../random/mod.ts";
import type { HccPreset } from "./hcc_types.ts";

/** One validation pass: softmax probabilities per case (rows) and macro OvR AUC / accuracy. */
export type HccEval = { epoch: number; auc: number; acc: number; probs: number[][] };

/** Best epoch (strictly higher AUC than every earlier epoch wins, as the original's selection). */
export function bestEpoch(h: HccEval[]): number {
  let best = -1, v = -Infinity;
  for (const e of h) if (e.auc > v) (v = e.auc, best = e.epoch);
  return best;
}

function softmaxRows(logits: tf.Tensor): number[][] {
  const p = tf.softmax(logits);
  const rows = p.arraySync() as number[][];
  p.dispose();
  return rows;
}

/** Validation tensors in fixed batches: [hbp, pre, clinical] per batch. */
export function validBatches(cases: HccCase[], preset: HccPreset) {
  const ds = hccDataset(cases, { train: false, netCrop: preset.data.netCrop });
  const rng = createRng(0); // the validation transform draws nothing
  const out: { image: Float32Array; shape: number[]; clinical: Float32Array }[] = [];
  for (let i = 0; i < cases.length; i += preset.train.evalBatch) {
    const idx = Array.from(
      { length: Math.min(preset.train.evalBatch, cases.length - i) },
      (_, k) => i + k,
    );
    const b = collate(idx.map((j) => ds.get(j, rng)));
    out.push({ image: b.image, shape: [idx.length, ...b.shape], clinical: b.extra.clinical.data });
  }
  return out;
}

export function predict(
  model: tf.LayersModel,
  batches: ReturnType<typeof validBatches>,
  withClinical: boolean,
): number[][] {
  const rows: number[][] = [];
  for (const b of batches) {
    const logits = tf.tidy(() => {
      const [hbp, pre] = tf.split(tf.tensor(b.image, b.shape), 2, 4);
      const ins = withClinical ? [hbp, pre, tf.tensor2d(b.clinical, [b.shape[0], 52])] : [hbp, pre];
      const out = model.apply(ins, { training: false }) as tf.Tensor[];
      return out[0];
    });
    rows.push(...softmaxRows(logits));
    logits.dispose();
  }
  return rows;
}

/**
 * The MD-Net distiller with both tap spellings visible (`s_pre`/`t_pre` of the model zoo and the
 * plain `pre`/`hbp` an older distiller API reads), so either version of lib/distillers works.
 */
export function mdnetWithAliases(freezeW: boolean): Distiller {
  const d = mdnetDistiller({ freezeW });
  const alias = (o: Outputs | undefined, k: string): Outputs | undefined =>
    o && {
      logits: o.logits,
      taps: { ...o.taps, pre: o.taps[`${k}_pre`], hbp: o.taps[`${k}_hbp`] },
    };
  return { ...d, loss: (s, t, b, ctx) => d.loss(alias(s, "s")!, alias(t, "t"), b, ctx) };
}

export function splitInput(b: Batch): tf.Tensor[] {
  return tf.split(b.x as tf.Tensor, 2, 4);
}
