#!/usr/bin/env python3
"""Reference for medkd's WindowAttention (lib/models/layers/window.ts): Swin's shifted-window
multi-head self-attention written directly in torch from the published algorithm (pad to a
multiple of the window, torch.roll by -shift, window partition, q·kᵀ/√d + relative-position bias
+ the -100 region mask, softmax, projection, reverse partition, roll back, crop).

stdin JSON: {x: [N,H,W,C] nested list, heads, window, shift, qkv_w: [C,3C], qkv_b: [3C],
proj_w: [C,C], proj_b: [C], table: [(2w-1)^2, heads]} (kernels in x @ W layout).
stdout JSON: {y: nested list [N,H,W,C]}.
"""
import json
import sys

import torch


def main():
    a = json.load(sys.stdin)
    x = torch.tensor(a["x"], dtype=torch.float64)
    heads, w, s = a["heads"], a["window"], a["shift"]
    qkv_w, qkv_b = torch.tensor(a["qkv_w"], dtype=torch.float64), torch.tensor(a["qkv_b"], dtype=torch.float64)
    proj_w, proj_b = torch.tensor(a["proj_w"], dtype=torch.float64), torch.tensor(a["proj_b"], dtype=torch.float64)
    table = torch.tensor(a["table"], dtype=torch.float64)
    n, h, wd, c = x.shape
    if min(h, wd) <= w:
        w, s = min(h, wd), 0
    hp, wp = -(-h // w) * w, -(-wd // w) * w
    x = torch.nn.functional.pad(x, (0, 0, 0, wp - wd, 0, hp - h))
    if s:
        x = torch.roll(x, shifts=(-s, -s), dims=(1, 2))
    win = x.view(n, hp // w, w, wp // w, w, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, w * w, c)
    qkv = (win @ qkv_w + qkv_b).reshape(win.shape[0], w * w, 3, heads, c // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = (q * (c // heads) ** -0.5) @ k.transpose(-2, -1)
    coords = torch.stack(torch.meshgrid(torch.arange(w), torch.arange(w), indexing="ij")).flatten(1)
    rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (a["window"] - 1)
    index = rel[:, :, 0] * (2 * a["window"] - 1) + rel[:, :, 1]
    attn = attn + table[index.view(-1)].view(w * w, w * w, -1).permute(2, 0, 1)[None]
    if s:
        img = torch.zeros(1, hp, wp, 1)
        cnt = 0
        for hs in (slice(0, -w), slice(-w, -s), slice(-s, None)):
            for ws in (slice(0, -w), slice(-w, -s), slice(-s, None)):
                img[:, hs, ws, :] = cnt
                cnt += 1
        mw = img.view(1, hp // w, w, wp // w, w, 1).permute(0, 1, 3, 2, 4, 5).reshape(-1, w * w)
        mask = (mw[:, None, :] - mw[:, :, None]).ne(0).double() * -100.0
        nw = mask.shape[0]
        attn = attn.view(-1, nw, heads, w * w, w * w) + mask[None, :, None]
        attn = attn.view(-1, heads, w * w, w * w)
    out = (attn.softmax(-1) @ v).transpose(1, 2).reshape(-1, w * w, c) @ proj_w + proj_b
    y = out.view(n, hp // w, wp // w, w, w, c).permute(0, 1, 3, 2, 4, 5).reshape(n, hp, wp, c)
    if s:
        y = torch.roll(y, shifts=(s, s), dims=(1, 2))
    print(json.dumps({"y": y[:, :h, :wd, :].tolist()}))


if __name__ == "__main__":
    main()
