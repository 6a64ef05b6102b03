/**
 * Study 02 tables and figures: results table, per-case Dice, the thresholded counts per case,
 * the paper's (unretrieved) numbers, learning curves, Dice box plot and a slice viewer with
 * prediction overlays.
 * @module
 */
import type { Sample } from "../datasets/types.ts";
import { boxFigure, type Figure, learningCurves, sliceViewer } from "../plots/mod.ts";
import type { KitsStage } from "./kits_stage.ts";
import type { Table } from "./types.ts";

/** A stage with its display label and role. */
export type LabelledStage = { label: string; role: "teacher" | "student" | "distilled" } & {
  stage: KitsStage;
};

/** Main results table (means over test cases with tumour). */
export function resultsTable(rows: LabelledStage[], dataset: string): Table {
  return {
    title: `${dataset} tumour segmentation: per-case Dice (softmax > 0.4), last epoch`,
    columns: ["method", "Dice", "VOE*", "RVD*", "best-epoch Dice", "params", "train s"],
    rows: rows.map(({ label, stage: s }) => [
      label,
      s.eval.dice,
      s.eval.voe,
      s.eval.rvd,
      s.epochDice.value.length ? Math.max(...s.epochDice.value) : NaN,
      s.params,
      s.trainSeconds,
    ]),
  };
}

/** Per-case Dice of every method (cases as rows). */
export function perCaseTable(rows: LabelledStage[]): Table {
  const cases = Object.keys(rows[0].stage.eval.perCase).sort();
  return {
    title: "Per-case Dice (pooled over the case's tumour slices)",
    columns: ["case", ...rows.map((r) => r.label)],
    rows: cases.map((c) => [c, ...rows.map((r) => r.stage.eval.perCase[c]?.dice ?? NaN)]),
  };
}

/** The thresholded pixel counts (P predicted, G truth, I overlap) per case of one method. */
export function countsTable(row: LabelledStage): Table {
  const pc = row.stage.eval.perCase;
  return {
    title: `Thresholded counts per case (${row.label}; P = #prob > 0.4, G = #truth, I = overlap)`,
    columns: ["case", "slices", "P", "G", "I", "Dice"],
    rows: Object.keys(pc).sort().map((c) => [
      c,
      pc[c].slices,
      pc[c].p,
      pc[c].g,
      pc[c].i,
      pc[c].dice,
    ]),
  };
}

/** The paper's numbers: the result tables were not retrievable (spec 02 §8), so none are given. */
export function paperTable(labels: string[]): Table {
  return {
    title: "Published (Gorade et al., ISBI 2024) — the paper's numbers, not medkd's",
    columns: ["method", "KiTS19 tumour Dice", "LiTS tumour Dice"],
    rows: [
      ...labels.map((l) => [l, "not reported here", "not reported here"]),
      [
        "HLFD vs student w/o KD (abstract)",
        "> 10% better (metric not named)",
        "not stated",
      ],
    ],
  };
}

/** Learning curves, Dice box plot, and slice viewers (truth vs prediction) of chosen stages. */
export function kitsFigures(
  rows: LabelledStage[],
  test: Sample[],
  viewers: LabelledStage[],
): Figure[] {
  const figs: Figure[] = [
    learningCurves(
      rows.map((r) => ({ name: r.label, x: r.stage.loss.step, y: r.stage.loss.value })),
      { title: "Training loss (task + distillation terms)", xTitle: "step", yTitle: "loss" },
    ),
  ];
  if (rows.some((r) => r.stage.epochDice.value.length)) {
    figs.push(learningCurves(
      rows.map((r) => ({ name: r.label, x: r.stage.epochDice.epoch, y: r.stage.epochDice.value })),
      { smoothing: 0, title: "Test Dice after each epoch", xTitle: "epoch", yTitle: "Dice" },
    ));
  }
  figs.push(boxFigure(
    rows.map((r) => ({
      name: r.label,
      values: Object.values(r.stage.eval.perCase).filter((c) => c.g > 0).map((c) => c.dice),
    })),
    { metric: "Dice", title: "Per-case Dice by method" },
  ));
  const [h, w] = test[0].shape;
  const image = new Float32Array(h * w * test.length);
  const label = new Uint8Array(h * w * test.length);
  test.forEach((s, k) => {
    image.set(s.image, k * h * w);
    for (let q = 0; q < h * w; q++) label[k * h * w + q] = s.label[2 * q + 1] > 0.5 ? 1 : 0;
  });
  for (const v of viewers) {
    const pred = new Uint8Array(h * w * test.length);
    v.stage.eval.predictions?.forEach((p, k) => pred.set(p, k * h * w));
    figs.push(sliceViewer(
      { image, shape: [w, h, test.length], label, pred, window: [-1, 1] },
      { title: `Test slices: truth (left) vs ${v.label} (right)` },
    ));
  }
  return figs;
}
