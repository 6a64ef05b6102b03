/** Minimal `.npz` / `.npy` reader for the slicer tests (independent of the writer's code). */
import zlib from "node:zlib";

export type Npy = { descr: string; shape: number[]; bytes: Uint8Array };

export function parseNpy(b: Uint8Array): Npy {
  if (b[0] !== 0x93 || String.fromCharCode(...b.subarray(1, 6)) !== "NUMPY") {
    throw new Error("not npy");
  }
  const hl = b[8] | (b[9] << 8);
  const h = new TextDecoder().decode(b.subarray(10, 10 + hl));
  const descr = /'descr': '([^']+)'/.exec(h)![1];
  const shape = /'shape': \(([^)]*)\)/.exec(h)![1].split(",").map((s) => s.trim()).filter((s) => s)
    .map(Number);
  if ((10 + hl) % 64 !== 0) throw new Error("npy header not 64-aligned");
  return { descr, shape, bytes: b.slice(10 + hl) };
}

export function readNpz(b: Uint8Array): Record<string, Npy> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Record<string, Npy> = {};
  let p = 0;
  while (v.getUint32(p, true) === 0x04034b50) {
    const method = v.getUint16(p + 8, true), csize = v.getUint32(p + 18, true);
    const nlen = v.getUint16(p + 26, true), xlen = v.getUint16(p + 28, true);
    const name = new TextDecoder().decode(b.subarray(p + 30, p + 30 + nlen));
    const body = b.subarray(p + 30 + nlen + xlen, p + 30 + nlen + xlen + csize);
    const raw = method === 8 ? new Uint8Array(zlib.inflateRawSync(body)) : body;
    out[name.replace(/\.npy$/, "")] = parseNpy(raw);
    p += 30 + nlen + xlen + csize;
  }
  return out;
}

export function f64(n: Npy): number[] {
  return [...new Float64Array(n.bytes.slice().buffer)];
}
export function i8(n: Npy): number[] {
  return [...new Int8Array(n.bytes.slice().buffer)];
}
export function strings(n: Npy): string[] {
  const w = Number(n.descr.slice(2));
  const u = new Uint32Array(n.bytes.slice().buffer);
  return Array.from(
    { length: n.shape[0] },
    (_, i) => String.fromCodePoint(...[...u.subarray(i * w, (i + 1) * w)].filter((c) => c !== 0)),
  );
}
