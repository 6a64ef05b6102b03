import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { WindowAttention } from "../../lib/models/layers/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";
import { randn } from "./_grad.ts";

await initBackend("cpu", { quiet: true });

const SCRIPT = await Deno.readTextFile(
  new URL("../../scripts/reference/models_swin.py", import.meta.url),
);

for (
  const [h, w, c, heads, window, shift] of [[4, 4, 4, 2, 2, 1], [6, 5, 6, 3, 4, 2], [
    3,
    3,
    4,
    2,
    7,
    3,
  ]]
) {
  Deno.test(`WindowAttention equals a torch Swin reference (${h}×${w}×${c}, window ${window}, shift ${shift})`, async () => {
    const py = refPython(["torch"]);
    if (!py) return;
    const layer = new WindowAttention({
      heads,
      window,
      shift,
      kernelInit: { kind: "normal", std: 0.5, seed: 1 },
      tableInit: { kind: "normal", std: 1, seed: 2 },
    });
    const x = randn([2, h, w, c], 3);
    const y = layer.apply(x) as tf.Tensor;
    const [table, qkvW, qkvB, projW, projB] = layer.getWeights();
    // Non-zero biases so their placement is checked too.
    const qb = randn(qkvB.shape, 4), pb = randn(projB.shape, 5);
    layer.setWeights([table, qkvW, qb, projW, pb]);
    const y2 = layer.apply(x) as tf.Tensor;
    const ref = await runPythonJson<{ y: number[] }>(py, SCRIPT, {
      x: x.arraySync(),
      heads,
      window,
      shift,
      qkv_w: qkvW.arraySync(),
      qkv_b: qb.arraySync(),
      proj_w: projW.arraySync(),
      proj_b: pb.arraySync(),
      table: table.arraySync(),
    });
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(y2, tf.tensor(ref.y)))).dataSync()[0]);
    assert.ok(d < 1e-4, `max |Δ| = ${d}`);
    tf.dispose([x, y, y2, qb, pb]);
  });
}
