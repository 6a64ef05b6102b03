/**
 * Data set validation before training: {@link validateDataset} returns a report (counts, errors
 * and warnings naming files), {@link assertValidDataset} throws a {@link ValidationError} with its
 * first lines. CLI: `deno task validate --dataset <study> --data DIR [--strict]`.
 * @module
 */
export {
  assertValidDataset,
  validateDataset,
  type ValidatedStudy,
  VALIDATORS,
} from "./validate.ts";
export {
  Collector,
  formatReport,
  type Issue,
  ValidationError,
  type ValidationReport,
} from "./report.ts";
