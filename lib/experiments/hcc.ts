/**
 * Study 01 — MVI prediction in HCC with MD-Net (modality-aware distillation; spec
 * `01-hcc-mvi-mdnet.md`). Per validation fold: the image-only student baseline (focal loss, the
 * original's `--no_kd`) and MD-Net's joint step, where a clinical-aware teacher (HBP + pre +
 * 52 clinical values, focal loss only) is trained together with the image-only student (focal +
 * logit KL + per-sequence token KL + weighted clinical regression). Every fold of
 * `new_label.csv` is validated in turn (cross-validation); each network is taken at its best
 * validation epoch (the original's selection) and evaluated with the spec's 3-class protocol.
 *
 * Stage functions for notebooks: {@link prepareHccData}, {@link trainHccStage},
 * {@link hccSampleFigure}, {@link finishHcc}; {@link runHcc} composes them.
 *
 * @module
 */
import { join } from "node:path";
import type { HccCase } from "../datasets/mod.ts";
import { type Figure, sliceViewer } from "../plots/mod.ts";
import { writeReport } from "./report.ts";
import type { Experiment, ExperimentResult, RunOptions, Table } from "./types.ts";
import type { HccPreset } from "./hcc_types.ts";
import { hccPresets } from "./hcc_presets.ts";
import { type HccData, type HccStage, prepareHccData, trainHccStage } from "./hcc_train.ts";
import { summariseHcc } from "./hcc_report.ts";

export type { HccPreset } from "./hcc_types.ts";
export { hccPresets } from "./hcc_presets.ts";
export { HccExperimentError, prepareHccData, trainHccStage } from "./hcc_train.ts";
export type { HccData, HccEval, HccModelRun, HccStage } from "./hcc_train.ts";
export { HCC_METHOD_NAMES, outOfFold, summariseHcc } from "./hcc_report.ts";
export type { HccMethod } from "./hcc_report.ts";
export {
  accuracyOf,
  hccBootstrap,
  HccMetricError,
  hccScores,
  macroAuc,
  perClassAuc,
} from "./hcc_metrics.ts";
export type { HccScores } from "./hcc_metrics.ts";

/** The paper's numbers: none could be located (spec 01 §7); nothing is invented. */
export const HCC_PAPER_TABLE: Table = {
  title: "MD-Net paper (Modality-aware Distillation Network for MVI prediction of HCC from MRI): " +
    "published results — the paper's, not medkd's. No copy of the paper or its tables could be " +
    "located (spec 01 §7); data-set size, class balance, fold count, AUC and ACC are unknown.",
  columns: ["method", "AUC", "ACC", "SEN", "SPE", "F1"],
  rows: ["teacher (images + clinical)", "student baseline", "MD-Net student"].map((m) => [
    m,
    ...Array(5).fill("not reported"),
  ]),
};

/**
 * Slice viewer of one loaded case: channel 0 (HBP) or 1 (pre) with the lesion (1) and the
 * peritumoural ring (2) of the carried map as the overlay.
 *
 * @example
 * ```ts
 * import { hccSampleFigure } from "./hcc.ts";
 * const c = { id: "1", prefix: "P", label: 2, fold: 0, clinical: new Float32Array(52),
 *   image: { data: new Float32Array(4 * 4 * 4 * 2), shape: [4, 4, 4, 2] },
 *   map: { data: new Float32Array(64).fill(1.5, 0, 8), shape: [4, 4, 4] } };
 * if (hccSampleFigure(c as never).data.length === 0) throw new Error();
 * ```
 */
export function hccSampleFigure(c: HccCase, channel = 0): Figure {
  const [X, Y, Z, C] = c.image.shape;
  const image = new Float32Array(X * Y * Z), label = new Uint8Array(X * Y * Z);
  for (let x = 0; x < X; x++) {
    for (let y = 0; y < Y; y++) {
      for (let z = 0; z < Z; z++) {
        const src = (x * Y + y) * Z + z, dst = x + X * (y + Y * z); // C order → first-axis-fastest
        image[dst] = c.image.data[src * C + channel];
        const m = c.map.data[src];
        label[dst] = m === 1 ? 1 : m > 0 ? 2 : 0;
      }
    }
  }
  return sliceViewer({ image, shape: [X, Y, Z], label }, {
    title: `${c.prefix}: ${channel === 0 ? "HBP" : "pre-contrast"}, M${c.label} ` +
      "(overlay: lesion, peritumoural ring)",
  });
}

function notes(
  stages: HccStage[],
  res: { methods: ExperimentResult["methods"] },
  preset: HccPreset,
) {
  const m = Object.fromEntries(res.methods.map((r) => [r.role, r.metrics]));
  const f = (v: number) => v.toFixed(3);
  const out = [
    `${m.student.folds}-fold cross-validation (every fold of new_label.csv validated in turn), ` +
    `${preset.train.epochs} epochs per fold, batch ${preset.train.batchSize}, lr ${preset.train.lr} ` +
    `(StepLR 2 / 0.9 per epoch), width ×${preset.model.width}. Each network is taken at its best ` +
    "validation epoch (the original selects on the validation fold; there is no separate test " +
    "set), so every figure is optimistic; last-epoch AUCs are listed too.",
    `Distilled student AUC ${f(m.distilled.auc)} ± ${f(m.distilled.auc_sd)} vs baseline ` +
    `${f(m.student.auc)} ± ${f(m.student.auc_sd)} (fold mean ± sd): ` +
    (m.distilled.auc > m.student.auc + m.student.auc_sd
      ? "MD-Net is ahead by more than one fold sd."
      : m.distilled.auc > m.student.auc
      ? "MD-Net is ahead, but within the fold-to-fold spread; at this scale this is not evidence."
      : "at demo scale distillation does NOT beat the baseline."),
    `Teacher (sees the clinical vector) AUC ${f(m.teacher.auc)} vs baseline student ${
      f(m.student.auc)
    }: ` +
    (m.teacher.auc > m.student.auc
      ? "the clinical features help, as the phantom design intends."
      : "the teacher is not better than the image-only student here."),
    "Teacher rows: the co-trained teacher at its own best validation epoch (the original stores " +
    "it in the checkpoint of the student's best epoch). Teacher and MD-Net student share one " +
    "joint training run, whose time is counted for both.",
    "BatchNorm normalises with batch statistics at evaluation too (ContBatchNorm3d); validation " +
    `runs in fixed, unshuffled batches of ${preset.train.evalBatch}.`,
  ];
  const vz = stages.flatMap((s) => (s.vNonZero?.length ? [s.vNonZero.at(-1)!] : []));
  if (vz.length) {
    out.push(
      `Learnable clinical weights v = ReLU(w / max w), non-zero entries after the last epoch ` +
        `per fold: ${vz.join(", ")} of 52. The original collapses to about one within a few ` +
        "dozen steps (spec §4). " +
        (Math.max(...vz) > 1
          ? "Here it has not (fully) collapsed: w starts at 52 tied ones and TF.js's max " +
            "gradient gives every tied element the full gradient (PyTorch shares it), so all w " +
            "first grow together and the collapse starts only once the ties break."
          : "Here it has collapsed too."),
    );
  }
  if (preset.scale === "demo") {
    out.push(
      "Demo scale: procedural phantoms (40 lesions of 24³) and nets at 1/8 width; nothing here " +
        "is comparable with the paper, whose numbers are not available anyway.",
    );
  }
  return out;
}

/**
 * Run study 01 end to end: load the cases, train the baseline and MD-Net stage of every fold
 * (reusing finished stages in `outDir` when `resume`), evaluate, write `metrics.json` and
 * `report.html`.
 *
 * @example
 * ```ts ignore
 * const r = await runHcc(hccPresets.demo, { dataDir: "data/phantoms/hcc", outDir: "runs/hcc", seed: 0 });
 * ```
 */
export async function runHcc(
  preset: HccPreset,
  opts: RunOptions,
): Promise<ExperimentResult & { figures: Figure[] }> {
  const t0 = performance.now();
  const log = (s: string) => opts.verbose !== false && console.error(`hcc: ${s}`);
  const data = await prepareHccData(opts.dataDir, preset);
  for (const s of data.skipped) log(`skipped ${s.file}: ${s.problem}`);
  const folds = preset.folds === "all" ? data.folds : preset.folds;
  log(`${data.cases.length} cases, folds ${folds.join(", ")}`);
  const stages: HccStage[] = [];
  for (const fold of folds) {
    for (const stage of ["baseline", "mdnet"] as const) {
      const st = await trainHccStage(data, fold, stage, preset, {
        outDir: opts.outDir,
        seed: opts.seed,
        resume: opts.resume,
        verbose: opts.verbose,
      });
      const s = st.student.history.find((h) => h.epoch === st.student.bestEpoch)!;
      log(
        `fold ${fold} ${stage}: best student AUC ${s.auc.toFixed(3)} (epoch ${s.epoch})` +
          (st.reused ? " [reused]" : ` in ${st.trainSeconds.toFixed(0)} s`),
      );
      stages.push(st);
    }
  }
  return await finishHcc(data, stages, preset, opts, t0);
}

/**
 * Summarise finished stages, write `metrics.json` and `report.html` into `opts.outDir`, and
 * return the result with its figures (a sample case, ROC curves, per-fold bars, curves).
 *
 * @example
 * ```ts ignore
 * const result = await finishHcc(data, stages, hccPresets.demo, { dataDir, outDir, seed: 0 });
 * ```
 */
export async function finishHcc(
  data: HccData,
  stages: HccStage[],
  preset: HccPreset,
  opts: RunOptions,
  startedAt = performance.now(),
): Promise<ExperimentResult & { figures: Figure[] }> {
  const res = summariseHcc(stages, preset, opts.seed);
  const result = {
    study: "hcc" as const,
    preset: preset.name,
    scale: preset.scale,
    seed: opts.seed,
    methods: res.methods,
    tables: res.tables,
    paper: HCC_PAPER_TABLE,
    notes: notes(stages, res, preset),
    wallSeconds: (performance.now() - startedAt) / 1000,
  };
  const figures = [hccSampleFigure(data.cases[0]), ...res.figures];
  await writeReport(opts.outDir, result, figures, "Study 01 — HCC MVI, MD-Net");
  return { ...result, metricsPath: "metrics.json", reportPath: "report.html", figures };
}

/** The registered experiment of study 01. */
export const hccExperiment: Experiment<HccPreset> = {
  id: "hcc",
  title: "HCC MVI prediction — MD-Net modality-aware distillation",
  presets: hccPresets,
  run: runHcc,
};

/** Paths of a stage's files inside `outDir` (for notebooks). */
export function hccStageDir(outDir: string, fold: number, stage: "baseline" | "mdnet"): string {
  return join(outDir, `fold${fold}`, stage);
}
