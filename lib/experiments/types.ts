/**
 * The contract every study experiment follows: typed presets (`demo`, `paper`), one run
 * function, and one result shape that reports, notebooks and README tables read.
 * @module
 */
import type { Figure } from "../plots/mod.ts";

/** The five studies (and LiTS as a KiTS variant preset). */
export type StudyId = "hcc" | "kits" | "synapse" | "cxr8" | "brats";

/** Scale of a preset: demo (phantoms, minutes on 2 CPU cores) or paper (original hyperparameters). */
export type Scale = "demo" | "paper";

/** Options of every run. */
export type RunOptions = {
  /** Data root in the study's original on-disk layout. Demo: phantoms are generated here if absent. */
  dataDir: string;
  /** Where models, logs, `metrics.json` and `report.html` go (created if missing). */
  outDir: string;
  /** Master seed; every random choice forks from it. */
  seed: number;
  /** Print progress (default true). */
  verbose?: boolean;
  /** Reuse finished stages (teacher, baselines) found in `outDir` (default true). */
  resume?: boolean;
};

/** One trained model's evaluation. */
export type MethodResult = {
  /** e.g. "teacher (U-Net)", "student baseline", "KD", "HLFD". */
  method: string;
  role: "teacher" | "student" | "distilled";
  /** Headline metrics, e.g. { dice: 0.81 } or { auc: 0.74, acc: 0.6 }. */
  metrics: Record<string, number>;
  /** Optional per-class values (class name → value) for tables and bar plots. */
  perClass?: Record<string, number>;
  /** Optional per-case values for box plots and paired tests (case id → value). */
  perCase?: Record<string, number>;
  /** Training wall time in seconds (0 when loaded from a finished stage). */
  trainSeconds: number;
  /** Path of the model checkpoint, relative to outDir. */
  checkpoint?: string;
};

/** A results table: first column labels, the rest numbers (NaN shown as "–"). */
export type Table = { title: string; columns: string[]; rows: (string | number)[][] };

/** What a run returns and writes as `metrics.json`. */
export type ExperimentResult = {
  study: StudyId;
  preset: string;
  scale: Scale;
  seed: number;
  methods: MethodResult[];
  tables: Table[];
  /** Published numbers, labelled as the paper's (never mixed with medkd's). */
  paper?: Table;
  /** Honest remarks: where distillation does not help at demo scale, deviations, etc. */
  notes: string[];
  /** Paths relative to outDir. */
  metricsPath: string;
  reportPath: string;
  wallSeconds: number;
};

/** Fields every preset has. `phantom`: the phantom study written when no data is given. */
export type PresetBase = { name: string; scale: Scale; phantom: string };

/** A study's experiment: presets plus the run function. */
export type Experiment<P extends PresetBase = PresetBase> = {
  id: StudyId;
  title: string;
  presets: Record<string, P>;
  run(preset: P, opts: RunOptions): Promise<ExperimentResult & { figures: Figure[] }>;
};
