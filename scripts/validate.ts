/**
 * `deno task validate --dataset <study> --data DIR [--strict] [--max N] [--json]`
 *
 * Checks a data set before training and prints a report; exits 1 on errors (on warnings too with
 * `--strict`), 2 on bad arguments.
 * @module
 */
import { parseArgs } from "node:util";
import { formatReport, validateDataset, VALIDATORS } from "../lib/validate/mod.ts";

const HELP = `Usage: deno task validate --dataset <${Object.keys(VALIDATORS).join("|")}> --data DIR

Checks a data set in its original layout before training: image/label shape and affine
mismatch, label values outside the study's set, missing modality files, duplicate case ids,
list/CSV rows pointing at missing files (errors) and empty masks (warnings).

Options:
  --dataset S   study
  --data DIR    data folder
  --strict      treat warnings as errors
  --max N       problems listed per kind (default 20)
  --json        print the full report as JSON
  -h, --help    show this help
`;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    dataset: { type: "string" },
    data: { type: "string" },
    strict: { type: "boolean", default: false },
    max: { type: "string", default: "20" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  Deno.exit(0);
}
if (!values.dataset || !values.data || !(values.dataset in VALIDATORS)) {
  console.error(
    `validate: --dataset (one of ${
      Object.keys(VALIDATORS).join(", ")
    }) and --data are required\n\n${HELP}`,
  );
  Deno.exit(2);
}
const report = await validateDataset(values.dataset, values.data, { strict: values.strict });
console.log(
  values.json ? JSON.stringify(report, null, 2) : formatReport(report, Number(values.max) || 20),
);
Deno.exit(report.ok ? 0 : 1);
