/**
 * The validation report: counts, errors and warnings (each naming a file), its text form, and the
 * typed {@link ValidationError} training throws for data that fails.
 * @module
 */

/** One problem found: `file` names the file (or folder, list) concerned. */
export type Issue = { level: "error" | "warning"; file: string; problem: string };

/** What {@link validateDataset} found. `ok` is false when there is any error. */
export type ValidationReport = {
  study: string;
  dir: string;
  /** Cases (volumes, images, lesions) examined. */
  cases: number;
  /** Files opened or checked for existence. */
  files: number;
  errors: Issue[];
  warnings: Issue[];
  ok: boolean;
};

/** Accumulates issues while a study's checker walks a data set. */
export class Collector {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  files = 0;
  cases = 0;
  /** Record an error about `file`. */
  error(file: string, problem: string): void {
    this.errors.push({ level: "error", file, problem });
  }
  /** Record a warning about `file`. */
  warn(file: string, problem: string): void {
    this.warnings.push({ level: "warning", file, problem });
  }
  /** The report of everything recorded. */
  report(study: string, dir: string): ValidationReport {
    return {
      study,
      dir,
      cases: this.cases,
      files: this.files,
      errors: this.errors,
      warnings: this.warnings,
      ok: this.errors.length === 0,
    };
  }
}

/**
 * The report as text: a summary line, then the first `max` errors and warnings.
 *
 * @example
 * ```ts
 * import { formatReport } from "./report.ts";
 * const text = formatReport({ study: "kits", dir: "d", cases: 1, files: 2, ok: false, warnings: [],
 *   errors: [{ level: "error", file: "d/a.nii", problem: "missing" }] });
 * if (!text.includes("d/a.nii: missing")) throw new Error(text);
 * ```
 */
export function formatReport(r: ValidationReport, max = 10): string {
  const head = `validate ${r.study} ${r.dir}: ${r.cases} cases, ${r.files} files, ` +
    `${r.errors.length} errors, ${r.warnings.length} warnings — ${r.ok ? "OK" : "FAILED"}`;
  const part = (xs: Issue[], label: string) =>
    xs.length === 0 ? [] : [
      `${label}:`,
      ...xs.slice(0, max).map((i) => `  ${i.file}: ${i.problem}`),
      ...(xs.length > max ? [`  … and ${xs.length - max} more`] : []),
    ];
  return [head, ...part(r.errors, "errors"), ...part(r.warnings, "warnings")].join("\n");
}

/** A data set failed validation; the message holds the report's first lines. */
export class ValidationError extends Error {
  constructor(readonly report: ValidationReport) {
    super(formatReport(report, 5));
    this.name = "ValidationError";
  }
}
