/**
 * HCC-MVI results: per-method summaries (best-epoch validation AUC per fold, mean ± sd over folds
 * as spec 01 §6 asks; out-of-fold pooled AUC / accuracy / sensitivity / specificity / F1 with
 * bootstrap intervals), the comparison, per-fold and per-class tables, and the figures (ROC
 * curves, per-fold bars, validation AUC per epoch, training losses).
 *
 * @module
 */
import {
  type Figure,
  learningCurves,
  perClassBars,
  rocFigure,
  rocFigureMultiLabel,
} from "../plots/mod.ts";
import type { MethodResult, Table } from "./types.ts";
import type { HccEval, HccStage } from "./hcc_train.ts";
import { hccBootstrap, perClassAuc } from "./hcc_metrics.ts";
import type { HccPreset } from "./hcc_types.ts";

/** The three evaluated networks. */
export type HccMethod = "teacher" | "baseline" | "mdnet";

/** Display names of the methods. */
export const HCC_METHOD_NAMES: Record<HccMethod, string> = {
  teacher: "teacher (images + clinical)",
  baseline: "student baseline (no KD)",
  mdnet: "MD-Net student (distilled)",
};

const CLASS_NAMES = ["M0", "M1", "M2"];

/** One fold of one method: its best and last validation epoch. */
type Pick = { fold: number; ids: string[]; labels: number[]; best: HccEval; last: HccEval };

function picks(stages: HccStage[], m: HccMethod): Pick[] {
  const want = m === "baseline" ? "baseline" : "mdnet";
  return stages.filter((s) => s.stage === want).map((s) => {
    const run = m === "teacher" ? s.teacher! : s.student;
    const best = run.history.find((h) => h.epoch === run.bestEpoch)!;
    return { fold: s.fold, ids: s.ids, labels: s.labels, best, last: run.history.at(-1)! };
  });
}

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const sd = (a: number[]) =>
  a.length < 2 ? NaN : Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1));
const ci = (lo: number, hi: number) => `[${lo.toFixed(3)}, ${hi.toFixed(3)}]`;

/** Out-of-fold predictions of a method (best epoch of each fold), in fold order. */
export function outOfFold(stages: HccStage[], m: HccMethod) {
  const p = picks(stages, m);
  return {
    ids: p.flatMap((f) => f.ids),
    labels: p.flatMap((f) => f.labels),
    probs: p.flatMap((f) => f.best.probs),
  };
}

/**
 * Summaries, tables and figures of finished stages (every fold's `baseline` and `mdnet`).
 *
 * @example
 * ```ts ignore
 * const { methods, tables, figures } = summariseHcc(stages, hccPresets.demo, 0);
 * ```
 */
export function summariseHcc(stages: HccStage[], preset: HccPreset, seed: number) {
  const keys: HccMethod[] = ["teacher", "baseline", "mdnet"];
  const methods: MethodResult[] = [];
  const comparison: Table = {
    title:
      `Comparison: ${
        new Set(stages.map((s) => s.fold)).size
      }-fold CV, best-epoch validation (macro one-vs-rest AUC on softmax; ACC/SEN/SPE/F1 from argmax, ` +
      `macro over M0/M1/M2); pooled = out-of-fold predictions, ${
        100 * preset.bootstrap.level
      }% bootstrap CI`,
    columns: [
      "method",
      "AUC (fold mean)",
      "AUC (fold sd)",
      "AUC last epoch (fold mean)",
      "AUC pooled",
      "AUC CI",
      "ACC",
      "ACC CI",
      "SEN",
      "SEN CI",
      "SPE",
      "SPE CI",
      "F1",
      "F1 CI",
    ],
    rows: [],
  };
  const perClass: Table = {
    title: "Pooled out-of-fold one-vs-rest AUC per class",
    columns: ["method", ...CLASS_NAMES],
    rows: [],
  };
  for (const k of keys) {
    const p = picks(stages, k);
    const aucs = p.map((f) => f.best.auc);
    const oof = outOfFold(stages, k);
    const b = hccBootstrap(oof.probs, oof.labels, {
      seed: `${seed}:bootstrap`,
      resamples: preset.bootstrap.resamples,
      level: preset.bootstrap.level,
    });
    const pc = perClassAuc(oof.probs, oof.labels);
    const used = stages.filter((s) => s.stage === (k === "baseline" ? "baseline" : "mdnet"));
    const metrics: Record<string, number> = {
      auc: mean(aucs),
      auc_sd: sd(aucs),
      auc_last: mean(p.map((f) => f.last.auc)),
      acc_fold: mean(p.map((f) => f.best.acc)),
      folds: p.length,
    };
    for (const [n, iv] of Object.entries(b)) {
      metrics[n === "auc" ? "auc_pooled" : n] = iv.estimate;
      metrics[`${n}_lo`] = iv.lower;
      metrics[`${n}_hi`] = iv.upper;
    }
    methods.push({
      method: HCC_METHOD_NAMES[k],
      role: k === "teacher" ? "teacher" : k === "baseline" ? "student" : "distilled",
      metrics,
      perClass: Object.fromEntries(CLASS_NAMES.map((c, i) => [c, pc[i]])),
      perCase: Object.fromEntries(oof.ids.map((id, i) => [id, oof.probs[i][oof.labels[i]]])),
      trainSeconds: used.reduce((s, st) => s + (st.reused ? 0 : st.trainSeconds), 0),
      checkpoint: `fold${p[0]?.fold ?? 0}/${
        k === "baseline" ? "baseline" : "mdnet"
      }/checkpoints/best`,
    });
    comparison.rows.push([
      HCC_METHOD_NAMES[k],
      metrics.auc,
      metrics.auc_sd,
      metrics.auc_last,
      b.auc.estimate,
      ci(b.auc.lower, b.auc.upper),
      b.acc.estimate,
      ci(b.acc.lower, b.acc.upper),
      b.sen.estimate,
      ci(b.sen.lower, b.sen.upper),
      b.spe.estimate,
      ci(b.spe.lower, b.spe.upper),
      b.f1.estimate,
      ci(b.f1.lower, b.f1.upper),
    ]);
    perClass.rows.push([HCC_METHOD_NAMES[k], ...pc]);
  }
  const byFold = keys.map((k) => picks(stages, k));
  const perFold: Table = {
    title: "Per fold: best-epoch validation macro AUC, and the epoch where each was reached",
    columns: [
      "fold",
      "validation cases",
      "teacher AUC",
      "baseline AUC",
      "MD-Net AUC",
      "teacher epoch",
      "baseline epoch",
      "MD-Net epoch",
    ],
    rows: byFold[0].map((t, i) => [
      `fold ${t.fold}`,
      String(t.ids.length),
      t.best.auc,
      byFold[1][i]?.best.auc ?? NaN,
      byFold[2][i]?.best.auc ?? NaN,
      String(t.best.epoch),
      String(byFold[1][i]?.best.epoch ?? "–"),
      String(byFold[2][i]?.best.epoch ?? "–"),
    ]),
  };
  return {
    methods,
    tables: [comparison, perFold, perClass],
    figures: hccFigures(stages, keys, byFold),
  };
}

function hccFigures(stages: HccStage[], keys: HccMethod[], byFold: Pick[][]): Figure[] {
  const figs: Figure[] = [];
  const oofs = keys.map((k) => outOfFold(stages, k));
  figs.push(rocFigure(
    keys.map((k, i) => ({
      name: HCC_METHOD_NAMES[k],
      scores: oofs[i].probs.map((r) => r[1] + r[2]),
      labels: oofs[i].labels.map((l) => (l > 0 ? 1 : 0)),
    })),
    { title: "ROC, out-of-fold: any MVI (M1 or M2) vs M0, score p(M1) + p(M2)" },
  ));
  keys.forEach((k, i) => {
    figs.push(rocFigureMultiLabel(
      oofs[i].probs.flat(),
      oofs[i].labels.flatMap((l) => [0, 1, 2].map((c) => (c === l ? 1 : 0))),
      CLASS_NAMES,
      { title: `ROC one-vs-rest, out-of-fold: ${HCC_METHOD_NAMES[k]}` },
    ));
  });
  figs.push(perClassBars(
    byFold[0].map((f) => `fold ${f.fold}`),
    keys.map((k, i) => ({ name: HCC_METHOD_NAMES[k], values: byFold[i].map((f) => f.best.auc) })),
    { title: "Best-epoch validation macro AUC per fold", yTitle: "macro AUC" },
  ));
  const epochsAuc = (k: HccMethod) => {
    const st = stages.filter((s) => s.stage === (k === "baseline" ? "baseline" : "mdnet"));
    const hs = st.map((s) => (k === "teacher" ? s.teacher! : s.student).history);
    const n = Math.min(...hs.map((h) => h.length));
    return Array.from({ length: n }, (_, e) => mean(hs.map((h) => h[e].auc)));
  };
  figs.push(learningCurves(
    keys.map((k) => ({ name: HCC_METHOD_NAMES[k], y: epochsAuc(k) })),
    {
      smoothing: 0,
      title: "Validation macro AUC per epoch (mean over folds)",
      xTitle: "epoch",
      yTitle: "macro AUC",
    },
  ));
  const base = stages.find((s) => s.stage === "baseline"),
    md = stages.find((s) => s.stage === "mdnet");
  const runs = [
    base && { name: "baseline student focal", y: base.curves.task ?? [] },
    md && { name: "MD-Net student focal", y: md.curves.task ?? [] },
    md && { name: "teacher focal", y: md.curves.teacher ?? [] },
    md && {
      name: "MD-Net KD + clinical terms",
      y: (md.curves["mdnet.kl_logits"] ?? []).map((_, i) =>
        ["kl_logits", "kl_pre", "kl_hbp", "clinical"].reduce(
          (s, t) => s + (md.curves[`mdnet.${t}`]?.[i] ?? 0),
          0,
        )
      ),
    },
  ].filter((r): r is { name: string; y: number[] } => !!r && r.y.length > 0);
  figs.push(learningCurves(runs, {
    title: `Training losses, fold ${base?.fold ?? md?.fold ?? 0}`,
    yTitle: "loss",
  }));
  return figs;
}
