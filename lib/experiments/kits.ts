/**
 * Study 02 — HLFD (Gorade et al., ISBI 2024): kidney / liver tumour segmentation with a U-Net
 * teacher distilled into a decoder-free ResNet-18 student. Pipeline: SliceMaker → HLFD
 * SliceDataset → teacher → student w/o KD → the KD method switch (§5.3) and HLFD (§5.4) →
 * per-case pooled Dice with the 0.4 threshold (§7) → tables, figures, report.
 *
 * Stage functions (`prepareData`, `trainStage`, `evaluateSegmentation`, `kitsFigures`) are
 * exported for the notebook; {@link runKits} composes them.
 * @module
 */
import type { KitsLossType } from "../distillers/mod.ts";
import { prepareData } from "./kits_data.ts";
import { loadAll } from "./kits_eval.ts";
import { KITS_METHOD_LABELS, KITS_PRESETS, type KitsPreset } from "./kits_presets.ts";
import {
  countsTable,
  kitsFigures,
  type LabelledStage,
  paperTable,
  perCaseTable,
  resultsTable,
} from "./kits_report.ts";
import { type KitsContext, type KitsStage, trainStage } from "./kits_stage.ts";
import { writeReport } from "./report.ts";
import type { Experiment, ExperimentResult, MethodResult, RunOptions } from "./types.ts";
import type { Figure } from "../plots/mod.ts";

export { KITS_METHOD_LABELS, KITS_PRESETS, type KitsPreset } from "./kits_presets.ts";
export { prepareData, splitCases } from "./kits_data.ts";
export type { KitsData } from "./kits_data.ts";
export { addSlice, caseScores, evaluateSegmentation, loadAll } from "./kits_eval.ts";
export type { CaseCounts, KitsEval } from "./kits_eval.ts";
export { hlfdSegLoss, hlfdSegTerms } from "./kits_loss.ts";
export { kitsTapMaps, trainStage } from "./kits_stage.ts";
export type { KitsContext, KitsStage } from "./kits_stage.ts";
export { countsTable, kitsFigures, paperTable, perCaseTable, resultsTable } from "./kits_report.ts";

/** Stage name of a distilled student. */
export const kdStageName = (m: KitsLossType): string => `kd_${m}`;

/** The KD students' recipe: the student's model with the KD epochs, lr and seed. */
export function kdSpec(p: KitsPreset): KitsPreset["student"] {
  return { ...p.student, epochs: p.kd.epochs, lr: p.kd.lr, seed: p.kd.seed };
}

/** A run's context: data prepared and sliced, test samples loaded. */
export async function kitsContext(preset: KitsPreset, opts: RunOptions): Promise<KitsContext> {
  const verbose = opts.verbose ?? true;
  const log = (s: string) => verbose && console.error(`kits: ${s}`);
  const data = await prepareData(preset, opts.dataDir, opts.outDir, opts.seed, log);
  log(`train cases ${data.trainCases.join(",")}; test cases ${data.testCases.join(",")}`);
  return {
    preset,
    data,
    test: await loadAll(data.test),
    outDir: opts.outDir,
    seed: opts.seed,
    verbose,
    resume: opts.resume ?? true,
  };
}

function notes(p: KitsPreset, rows: LabelledStage[]): string[] {
  const base = rows.find((r) => r.role === "student")!.stage.eval.dice;
  const kd = rows.filter((r) => r.role === "distilled");
  const better = kd.filter((r) => r.stage.eval.dice > base).map((r) => r.label);
  const n = rows[0].stage.eval.perCase ? Object.keys(rows[0].stage.eval.perCase).length : 0;
  const out = [
    `Metric: the original's per-case Dice (counts pooled over a case's tumour slices, +1 ` +
    `smoothing), averaged over ${n} test case(s); only tumour-containing slices are evaluated.`,
    better.length
      ? `Distilled students above the no-KD student (${base.toFixed(4)}): ${better.join(", ")}.`
      : `At this scale no distilled student beats the no-KD student (${base.toFixed(4)}).`,
    "Faithful choices: last-epoch weights, random untrained 1×1 adapters re-drawn every call " +
    "(K1), the deep_kd s_d5→s_d5 typo (K3), the test set doubles as per-epoch validation (D6).",
    "Known deviations: fp32 on one device (no AMP / data-parallel BN chunks, K6).",
  ];
  if (p.scale === "demo") {
    out.push(
      `Demo scale: phantom ${p.phantom} data, widths × ${p.teacher.width}, ${p.teacher.epochs} ` +
        `epochs, Adam lr ${p.teacher.lr} (paper 1e-2); with ${n} test cases the numbers are a ` +
        "smoke test, not a claim about KD.",
      "Seeds as the original: teacher and no-KD student 42, KD students 123 (+1000 × --seed), " +
        "so the no-KD and KD students start from different initialisations.",
    );
  }
  return out;
}

/**
 * Run study 02 end to end and write `metrics.json` + `report.html` into `opts.outDir`.
 *
 * @example
 * ```ts ignore
 * const r = await runKits(KITS_PRESETS.demo, { dataDir: "data/phantoms/kits", outDir: "runs/kits", seed: 0 });
 * console.log(r.tables[0]);
 * ```
 */
export async function runKits(
  preset: KitsPreset,
  opts: RunOptions,
): Promise<ExperimentResult & { figures: Figure[] }> {
  const t0 = performance.now();
  const ctx = await kitsContext(preset, opts);
  const stages: KitsStage[] = [];
  const freed = new Set<KitsStage>();
  const free = (s: KitsStage) => {
    if (!freed.has(s)) s.model.dispose();
    freed.add(s);
  };
  try {
    const teacher = await trainStage(ctx, "teacher", preset.teacher);
    stages.push(teacher);
    const rows: LabelledStage[] = [
      { label: `teacher (${preset.teacher.model})`, role: "teacher", stage: teacher },
    ];
    const student = await trainStage(ctx, "student", preset.student);
    stages.push(student);
    rows.push({ label: "student w/o KD", role: "student", stage: student });
    free(student);
    for (const m of preset.methods) {
      const s = await trainStage(ctx, kdStageName(m), kdSpec(preset), teacher.model, m);
      stages.push(s);
      free(s);
      rows.push({ label: KITS_METHOD_LABELS[m], role: "distilled", stage: s });
    }
    free(teacher);
    const methods: MethodResult[] = rows.map((r) => ({
      method: r.label,
      role: r.role,
      metrics: {
        dice: r.stage.eval.dice,
        voe: r.stage.eval.voe,
        rvd: r.stage.eval.rvd,
        ...(r.stage.epochDice.value.length
          ? { bestEpochDice: Math.max(...r.stage.epochDice.value) }
          : {}),
      },
      perCase: Object.fromEntries(
        Object.entries(r.stage.eval.perCase).map(([c, v]) => [c, v.dice]),
      ),
      trainSeconds: r.stage.trainSeconds,
      checkpoint: `${r.stage.name}/checkpoints/last`,
    }));
    const hlfd = rows.find((r) => r.label === "HLFD") ?? rows[rows.length - 1];
    const tables = [
      resultsTable(rows, preset.dataset === "kits" ? "KiTS" : "LiTS"),
      perCaseTable(rows),
      countsTable(hlfd),
    ];
    const viewers = [rows.find((r) => r.role === "student")!, hlfd];
    const figures = kitsFigures(rows, ctx.test, viewers);
    const result = {
      study: "kits" as const,
      preset: preset.name,
      scale: preset.scale,
      seed: opts.seed,
      methods,
      tables,
      paper: paperTable(rows.map((r) => r.label)),
      notes: notes(preset, rows),
      wallSeconds: (performance.now() - t0) / 1000,
    };
    await writeReport(
      opts.outDir,
      result,
      figures,
      `medkd — study 02 HLFD (${preset.dataset}, preset ${preset.name})`,
    );
    return { ...result, metricsPath: "metrics.json", reportPath: "report.html", figures };
  } finally {
    stages.forEach(free);
  }
}

/** The registered experiment of study 02. */
export const kitsExperiment: Experiment<KitsPreset> = {
  id: "kits",
  title: "02 HLFD — KiTS / LiTS tumour segmentation",
  presets: KITS_PRESETS,
  run: runKits,
};
