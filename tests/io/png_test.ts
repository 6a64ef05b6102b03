// PNG: round trips, PIL parity (when python3-pil is installed) and error cases.
import assert from "node:assert/strict";
import { PngError } from "../../lib/io/errors.ts";
import zlib from "node:zlib";
import { decode } from "fast-png";
import { decodePngBytes, encodePngBytes, readPng, writePng } from "../../lib/io/png.ts";
import { findPython, runPythonJson } from "../_util/reference.ts";
import { createRng } from "../../lib/random/mod.ts";

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

/** A PNG built by hand: row y uses filter y % 5 (None, Sub, Up, Average, Paeth). */
function handPng(px: Uint8Array, w: number, h: number, colour: number, bpp: number): Uint8Array {
  const stride = w * bpp;
  const raw = new Uint8Array(h * (stride + 1));
  const at = (y: number, x: number) => (y < 0 || x < 0 ? 0 : px[y * stride + x]);
  for (let y = 0; y < h; y++) {
    const f = y % 5;
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const [a, b, c] = [at(y, x - bpp), at(y - 1, x), at(y - 1, x - bpp)];
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      raw[y * (stride + 1) + 1 + x] = (px[y * stride + x] - pred) & 255;
    }
  }
  const chunk = (type: string, data: Uint8Array) => {
    const c = new Uint8Array(12 + data.length);
    new DataView(c.buffer).setUint32(0, data.length);
    c.set(new TextEncoder().encode(type), 4);
    c.set(data, 8); // CRC left 0: neither decoder checks it
    return c;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([colour === 0 && bpp === 2 ? 16 : 8, colour, 0, 0, 0], 8);
  const idat = zlib.deflateSync(raw);
  // split IDAT in two chunks to exercise concatenation
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat.subarray(0, 10)),
    chunk("IDAT", idat.subarray(10)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

Deno.test("png: every row filter decodes to the original pixels (fast path and fast-png agree)", () => {
  const w = 7, h = 10;
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 53 + ((i * i) % 17)) & 255);
  const a = decodePngBytes(handPng(rgb, w, h, 2, 3), "rgb.png");
  assert.deepEqual([a.channels, a.bitDepth], [3, 8]);
  assert.deepEqual(Array.from(a.data), Array.from(rgb));
  assert.deepEqual(Array.from(decode(handPng(rgb, w, h, 2, 3)).data), Array.from(rgb));
  // few distinct values: Paeth's ties (pa = pb, pa = pc) are common
  const rng = createRng(3);
  const ties = Uint8Array.from({ length: 16 * 40 }, () => rng.int(0, 4));
  const tied = decodePngBytes(handPng(ties, 16, 40, 0, 1), "t.png");
  assert.deepEqual(Array.from(tied.data), Array.from(ties));
  // 16-bit grey: big-endian sample bytes, filters work on bytes with bpp = 2
  const g16 = Uint16Array.from({ length: w * h }, (_, i) => (i * 7919) % 65536);
  const bytes = new Uint8Array(w * h * 2);
  g16.forEach((v, i) => bytes.set([v >> 8, v & 255], 2 * i));
  const b = decodePngBytes(handPng(bytes, w, h, 0, 2), "g16.png");
  assert.deepEqual([b.channels, b.bitDepth], [1, 16]);
  assert.deepEqual(Array.from(b.data), Array.from(g16));
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
    ["cut.png", good.subarray(0, good.length - 30), /truncated/],
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
