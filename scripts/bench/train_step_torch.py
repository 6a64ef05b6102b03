"""PyTorch CPU reference for scripts/bench/train_step.ts: the same architectures and steps.

Usage: /usr/bin/python3 scripts/bench/train_step_torch.py <workload> [reps] [threads]
Prints one JSON line {"workload", "backend": "pytorch", "detail", "params", "ms": [...], "cpuMs": [...]}.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def cbr(cin, cout, k=3, s=1, dim=2):
    Conv = nn.Conv2d if dim == 2 else nn.Conv3d
    Bn = nn.BatchNorm2d if dim == 2 else nn.BatchNorm3d
    return nn.Sequential(Conv(cin, cout, k, s, padding=k // 2, bias=False), Bn(cout, eps=1e-5, momentum=0.1),
                         nn.ReLU(inplace=True))


def cil(cin, cout, k=3, s=1, dim=3):
    """(c2) 3D conv + InstanceNorm (affine) + LeakyReLU(0.01), the nnU-Net / LCKD block."""
    assert dim == 3
    return nn.Sequential(nn.Conv3d(cin, cout, k, s, padding=k // 2, bias=False),
                         nn.InstanceNorm3d(cout, eps=1e-5, affine=True), nn.LeakyReLU(0.01, inplace=True))


class UNet(nn.Module):
    """(a) / (c) / (c2): 2x (conv3 + norm + activation) per level, max-pool down, 2x transposed conv up."""

    def __init__(self, cin=1, classes=2, widths=(16, 32, 64, 128), dim=2, block=cbr):
        super().__init__()
        self.dim = dim
        self.enc = nn.ModuleList()
        c = cin
        for w in widths:
            self.enc.append(nn.Sequential(block(c, w, dim=dim), block(w, w, dim=dim)))
            c = w
        Up = nn.ConvTranspose2d if dim == 2 else nn.ConvTranspose3d
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(Up(c, w, 2, 2))
            self.dec.append(nn.Sequential(block(2 * w, w, dim=dim), block(w, w, dim=dim)))
            c = w
        Conv = nn.Conv2d if dim == 2 else nn.Conv3d
        self.head = Conv(c, classes, 1)

    def forward(self, x):
        pool = F.max_pool2d if self.dim == 2 else F.max_pool3d
        skips = []
        for i, e in enumerate(self.enc):
            x = e(x)
            if i < len(self.enc) - 1:
                skips.append(x)
                x = pool(x, 2)
        for up, dec in zip(self.up, self.dec):
            x = up(x)
            x = dec(torch.cat([skips.pop(), x], 1))
        return self.head(x)


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = cbr(cin, cout, 3, stride)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.sc = None
        if stride != 1 or cin != cout:
            self.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.b2(self.c2(self.c1(x)))
        return F.relu(y + (self.sc(x) if self.sc is not None else x))


class ResUNet(nn.Module):
    """(b) ResNet-18 encoder + U-Net decoder (256/128/64/32/16), nearest x2 upsampling."""

    def __init__(self, cin=3, classes=2):
        super().__init__()
        self.stem = cbr(cin, 64, 7, 2)
        layers, c = [], 64
        for i, f in enumerate((64, 128, 256, 512)):
            layers.append(nn.Sequential(Basic(c, f, 1 if i == 0 else 2), Basic(f, f, 1)))
            c = f
        self.layers = nn.ModuleList(layers)
        skip_ch = [256, 128, 64, 64, 0]
        dec = []
        for f, s in zip((256, 128, 64, 32, 16), skip_ch):
            dec.append(nn.Sequential(cbr(c + s, f), cbr(f, f)))
            c = f
        self.dec = nn.ModuleList(dec)
        self.head = nn.Conv2d(c, classes, 3, padding=1)

    def forward(self, x):
        c1 = self.stem(x)
        x = F.max_pool2d(c1, 3, 2, 1)
        feats = [c1]
        for l in self.layers:
            x = l(x)
            feats.append(x)
        skips = [feats[3], feats[2], feats[1], feats[0], None]
        for d, s in zip(self.dec, skips):
            x = F.interpolate(x, scale_factor=2, mode="nearest")
            if s is not None:
                x = torch.cat([x, s], 1)
            x = d(x)
        return self.head(x)


WORKLOADS = {
    "unet2d": (lambda: UNet(), (16, 1, 64, 64), True),
    "resunet": (lambda: ResUNet(), (4, 3, 224, 224), True),
    "unet3d": (lambda: UNet(4, 2, (16, 32, 64), 3), (2, 4, 16, 64, 64), True),
    "unet3d_in": (lambda: UNet(4, 2, (16, 32, 64), 3, cil), (2, 4, 16, 64, 64), True),
    "unet2d_infer": (lambda: UNet(), (16, 1, 64, 64), False),
    "resunet_infer": (lambda: ResUNet(), (4, 3, 224, 224), False),
}


def main():
    name = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    build, shape, train = WORKLOADS[name]
    model = build()
    x = torch.randn(*shape)
    out_shape = model.eval()(x[:1]).shape
    y = torch.randint(0, out_shape[1], (shape[0],) + tuple(out_shape[2:]))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        if train:
            model.train()
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        else:
            model.eval()
            with torch.no_grad():
                model(x)

    step()
    ms, cpu_ms = [], []
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1000)
        cpu_ms.append((time.process_time() - c0) * 1000)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"workload": name, "backend": "pytorch", "params": params,
                      "detail": f"torch {torch.__version__}, {threads} threads", "ms": ms, "cpuMs": cpu_ms}))


if __name__ == "__main__":
    main()
