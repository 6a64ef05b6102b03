/** The headless notebook runner's helpers (fast; the notebooks themselves are in notebooks_test). */
import assert from "node:assert/strict";
import { findNotebooks, NB_DIR, TRANSPORT_ERROR } from "../../scripts/run_notebooks.ts";

Deno.test("findNotebooks: the five studies, filtered by prefix or stem", async () => {
  const all = await findNotebooks(NB_DIR, []);
  assert.deepEqual(all.map((f) => f.slice(0, 3)), ["01_", "02_", "03_", "04_", "05_"]);
  assert.deepEqual(await findNotebooks(NB_DIR, ["02"]), ["02_kits_hlfd.ipynb"]);
  assert.deepEqual(await findNotebooks(NB_DIR, ["05_brats_lckd.ipynb"]), ["05_brats_lckd.ipynb"]);
  assert.deepEqual(await findNotebooks(NB_DIR, ["99"]), []);
});

Deno.test("TRANSPORT_ERROR: a rejected kernel message, not an error in a cell", () => {
  // the end of nbconvert's stderr in the failed CI run (jupyter_client 8, Deno 2.9.6 kernel)
  const ci = [
    '  File "/usr/lib/python3/dist-packages/jupyter_client/session.py", line 1060, in deserialize',
    '    raise ValueError("Invalid Signature: %r" % signature)',
    "ValueError: Invalid Signature: b'3693c8d668c3a9933ad6d499810ea8744c05727142c134531fe63ce2a22daa87'",
  ].join("\n");
  assert.ok(TRANSPORT_ERROR.test(ci));
  assert.ok(TRANSPORT_ERROR.test("ValueError: Duplicate Signature: b'c1a2'"));
  const cellError = [
    "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:",
    "Error: kits: case_00003/imaging.nii.gz: not a NIfTI-1 file (sizeof_hdr 0)",
  ].join("\n");
  assert.ok(!TRANSPORT_ERROR.test(cellError));
  assert.ok(!TRANSPORT_ERROR.test("DeadKernelError: Kernel died"));
});
