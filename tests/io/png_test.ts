// PNG: round trips, PIL parity (when python3-pil is installed) and error cases.
import assert from "node:assert/strict";
import { PngError } from "../../lib/io/errors.ts";
import { decodePngBytes, encodePngBytes, readPng, writePng } from "../../lib/io/png.ts";
import { findPython, runPythonJson } from "../_util/reference.ts";

const dir = await Deno.makeTempDir({ prefix: "medkd_png_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

Deno.test("png round trips: 8/16-bit grey, grey+alpha, RGB, RGBA", async () => {
  const w = 5, h = 3;
  for (const channels of [1, 2, 3, 4] as const) {
    for (const bitDepth of [8, 16] as const) {
      const n = w * h * channels;
      const data = bitDepth === 8
        ? Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256)
        : Uint16Array.from({ length: n }, (_, i) => (i * 4099) % 65536);
      const p = `${dir}/rt_${channels}_${bitDepth}.png`;
      await writePng(p, { data, width: w, height: h, channels, bitDepth });
      const img = await readPng(p);
      assert.deepEqual(
        [img.width, img.height, img.channels, img.bitDepth],
        [w, h, channels, bitDepth],
      );
      assert.deepEqual(Array.from(img.data), Array.from(data));
    }
  }
});

const pilWrite = `
import json, sys
import numpy as np
from PIL import Image
d = json.load(sys.stdin)["dir"]
rng = np.random.default_rng(5)
out = {}
def save(name, im, vals, channels, depth):
    im.save(f"{d}/{name}")
    out[name] = {"vals": np.asarray(vals).ravel().astype(int).tolist(), "channels": channels, "depth": depth,
                 "w": im.size[0], "h": im.size[1]}
g = rng.integers(0, 256, (7, 6), dtype=np.uint8)
save("grey8.png", Image.fromarray(g), g, 1, 8)
g16 = rng.integers(0, 65536, (4, 5)).astype(np.uint16)
save("grey16.png", Image.fromarray(g16), g16, 1, 16)
rgb = rng.integers(0, 256, (3, 4, 3), dtype=np.uint8)
save("rgb.png", Image.fromarray(rgb), rgb, 3, 8)
rgba = rng.integers(0, 256, (3, 4, 4), dtype=np.uint8)
save("rgba.png", Image.fromarray(rgba), rgba, 4, 8)
la = Image.fromarray(rgba[..., :2].copy(), "LA")
save("la.png", la, np.asarray(la), 2, 8)
pal = Image.fromarray(rgb).quantize(colors=8)
save("palette.png", pal, np.asarray(pal.convert("RGB")), 3, 8)
bits = rng.integers(0, 2, (3, 11)).astype(bool)
b1 = Image.fromarray(bits)
save("bits.png", b1, np.asarray(b1.convert("L")), 1, 8)
json.dump(out, sys.stdout)
`;

const pilRead = `
import json, sys
import numpy as np
from PIL import Image
out = {}
for f in json.load(sys.stdin):
    im = Image.open(f)
    out[f] = {"mode": im.mode, "size": list(im.size), "vals": np.asarray(im).ravel().astype(int).tolist()}
json.dump(out, sys.stdout)
`;

Deno.test("png parity with PIL: PIL files read by medkd, medkd files read by PIL", async () => {
  const py = findPython(["PIL", "numpy"]);
  if (!py) {
    console.warn("skipped: python3 with PIL not found (Debian: apt-get install python3-pil)");
    return;
  }
  type Ref = { vals: number[]; channels: number; depth: number; w: number; h: number };
  const ref = await runPythonJson<Record<string, Ref>>(py, pilWrite, { dir });
  assert.equal(Object.keys(ref).length, 7);
  for (const [f, r] of Object.entries(ref)) {
    const img = await readPng(`${dir}/${f}`);
    assert.deepEqual([img.width, img.height, img.channels, img.bitDepth], [
      r.w,
      r.h,
      r.channels,
      r.depth,
    ], f);
    assert.deepEqual(Array.from(img.data), r.vals, f);
  }
  const g16 = Uint16Array.from({ length: 6 }, (_, i) => i * 10000 + 3);
  const rgb = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 13);
  const mine: [string, Parameters<typeof writePng>[1]][] = [
    ["m16.png", { data: g16, width: 3, height: 2, channels: 1, bitDepth: 16 }],
    ["m8.png", {
      data: Uint8Array.of(0, 9, 255, 128),
      width: 2,
      height: 2,
      channels: 1,
      bitDepth: 8,
    }],
    ["mrgb.png", { data: rgb, width: 3, height: 2, channels: 3, bitDepth: 8 }],
    ["mrgba.png", {
      data: Uint8Array.of(1, 2, 3, 4),
      width: 1,
      height: 1,
      channels: 4,
      bitDepth: 8,
    }],
  ];
  for (const [f, img] of mine) await writePng(`${dir}/${f}`, img);
  const back = await runPythonJson<
    Record<string, { mode: string; size: number[]; vals: number[] }>
  >(
    py,
    pilRead,
    mine.map(([f]) => `${dir}/${f}`),
  );
  const get = (f: string) => back[`${dir}/${f}`];
  assert.deepEqual(get("m16.png").size, [3, 2]);
  assert.ok(get("m16.png").mode.startsWith("I"), get("m16.png").mode);
  assert.deepEqual(get("m16.png").vals, Array.from(g16));
  assert.deepEqual(get("m8.png"), { mode: "L", size: [2, 2], vals: [0, 9, 255, 128] });
  assert.deepEqual(get("mrgb.png"), { mode: "RGB", size: [3, 2], vals: Array.from(rgb) });
  assert.deepEqual(get("mrgba.png"), { mode: "RGBA", size: [1, 1], vals: [1, 2, 3, 4] });
});

Deno.test("png errors are PngError naming the file", async () => {
  const good = encodePngBytes({
    data: new Uint8Array(64 * 64),
    width: 64,
    height: 64,
    channels: 1,
    bitDepth: 8,
  });
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(16, 1 << 30); // width 2^30
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty.png", new Uint8Array(0), /empty file/],
    ["text.png", new TextEncoder().encode("GIF89a, not a png at all, really not"), /bad signature/],
    ["huge.png", huge, /claims 1073741824×64 pixels/],
    ["cut.png", good.subarray(0, good.length - 30), /corrupt PNG|decoded/],
  ];
  for (const [f, b, re] of cases) {
    const p = `${dir}/${f}`;
    await Deno.writeFile(p, b);
    await assert.rejects(readPng(p), (e: unknown) => {
      assert.ok(e instanceof PngError, `${f}: ${e}`);
      assert.equal(e.file, p);
      assert.match(e.problem, re, `${f}: ${e.problem}`);
      return true;
    });
  }
  assert.throws(
    () =>
      encodePngBytes(
        { data: new Uint8Array(3), width: 2, height: 2, channels: 1, bitDepth: 8 },
        "w.png",
      ),
    (e: unknown) => e instanceof PngError && e.file === "w.png",
  );
  assert.throws(
    () =>
      encodePngBytes({ data: new Uint8Array(4), width: 2, height: 2, channels: 1, bitDepth: 16 }),
    PngError,
  );
  assert.throws(() => decodePngBytes(new Uint8Array(0), "x.png"), PngError);
});
