/**
 * Tables and figures of study 05: the 15-subset Dice table in the paper's layout (● present,
 * ○ absent; ET, TC, WT per method) with the mean row, heatmaps, learning curves, a slice viewer.
 * @module
 */
import { BRATS_SUBSETS } from "../metrics/mod.ts";
import {
  type Figure,
  learningCurves,
  missingModalityFigure,
  sliceViewer,
  subsetLabel,
} from "../plots/mod.ts";
import type { SubsetScores } from "./brats_eval.ts";
import type { PhaseLog } from "./brats_train.ts";
import type { Table } from "./types.ts";

type Run = { method: string; warmup: PhaseLog; log: PhaseLog; scores: SubsetScores };

const label = (m: string) => (m === "lckd" ? "LCKD" : "baseline");

/**
 * The paper-format table: one row per subset (+ "Average"), columns ET/TC/WT per method.
 *
 * @example
 * ```ts
 * import { bratsTables } from "./brats_report.ts";
 * const s = { dice: Array.from({ length: 15 }, () => [0.5, 0.6, 0.7]), perCase: {}, example: null as never };
 * const log = { steps: [], loss: [], kd: [], elections: [], seconds: 0 };
 * const t = bratsTables([{ method: "lckd", warmup: log, log, scores: s }]);
 * if (t[0].rows.length !== 16 || t[0].rows[15][1] !== 0.5) throw new Error();
 * ```
 */
export function bratsTables(runs: Run[]): Table[] {
  const columns = ["subset (flair t1 t1ce t2)"];
  for (const r of ["ET", "TC", "WT"]) {
    for (const run of runs) columns.push(`${r} ${label(run.method)}`);
  }
  const rows: (string | number)[][] = BRATS_SUBSETS.map((s, i) => {
    const row: (string | number)[] = [subsetLabel(s)];
    for (let j = 0; j < 3; j++) for (const run of runs) row.push(run.scores.dice[i][j]);
    return row;
  });
  const avg: (string | number)[] = ["Average"];
  for (let j = 0; j < 3; j++) {
    for (const run of runs) {
      avg.push(run.scores.dice.reduce((a, r) => a + r[j], 0) / BRATS_SUBSETS.length);
    }
  }
  rows.push(avg);
  return [{ title: "Dice per available-modality subset (medkd, local test list)", columns, rows }];
}

/** Heatmap per method, learning curves (loss, KD term) and a slice viewer of one test case. */
export function bratsFigures(runs: Run[]): Figure[] {
  const figs: Figure[] = runs.map((r) =>
    missingModalityFigure(r.scores.dice, { title: `${label(r.method)}: Dice per subset` })
  );
  const curve = (r: Run) => ({
    name: label(r.method),
    x: [...r.warmup.steps, ...r.log.steps],
    y: [...r.warmup.loss, ...r.log.loss],
  });
  figs.push(
    learningCurves(runs.map(curve), {
      title: "Training loss (warm-up all modalities, then random missing modalities)",
      xTitle: "iteration",
      yTitle: "Dice + BCE (+ 0.1·L_KD)",
    }),
  );
  const kd = runs.find((r) => r.method === "lckd");
  if (kd) {
    figs.push(
      learningCurves([{ name: "0.1·L_KD", x: kd.log.steps, y: kd.log.kd }], {
        title: "LCKD distillation term (phase 2)",
        xTitle: "iteration",
        yTitle: "0.1·L_KD",
      }),
    );
  }
  const ex = (kd ?? runs[0]).scores.example;
  if (ex) {
    const [D, H, W] = ex.shape;
    const flair = new Float32Array(D * H * W);
    for (let v = 0; v < flair.length; v++) flair[v] = ex.image[4 * v];
    // C-order [D, H, W] is first-axis-fastest [W, H, D]; slices along D
    figs.push(
      sliceViewer({ image: flair, shape: [W, H, D], label: ex.truth, pred: ex.pred, axis: 2 }, {
        title: `${ex.id}: flair, truth (left) and ${
          label((kd ?? runs[0]).method)
        } with all modalities (right)`,
      }),
    );
  }
  return figs;
}
