#!/usr/bin/env python3
"""Reference for medkd's PyTorch weight import (lib/io/safetensors.ts).

Builds torchvision-layout ResNet-18/34/50 and DenseNet-121 in plain torch (torchvision is not
needed: the modules below use torchvision's parameter names), seeds them, randomises the
BatchNorm affine parameters and running statistics (so eval-mode BN is exercised), writes each
model's state_dict as .safetensors (writer below: 8-byte LE header length, JSON header, raw
little-endian data), and prints JSON {model: {input: [...], shape: [N,C,H,W], logits: [...]}}.

usage: models_safetensors.py OUT_DIR [--models resnet18,densenet121] [--width 1.0]
       [--classes 10] [--size 32] [--seed 0]
A width other than 1 scales every channel count (same names and layout; not loadable by
torchvision itself, used for the small committed fixture).
"""
import argparse
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F


def sc(c, w):
    return max(1, int(round(c * w)))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.downsample is None else self.downsample(x)
        return F.relu(y + s)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = downsample

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        s = x if self.downsample is None else self.downsample(x)
        return F.relu(y + s)


class ResNet(nn.Module):
    def __init__(self, block, layers, classes, w):
        super().__init__()
        c = sc(64, w)
        self.conv1 = nn.Conv2d(3, c, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.inplanes = c
        for i, n in enumerate(layers):
            setattr(self, f"layer{i + 1}", self._make(block, sc(64 * 2**i, w), n, 1 if i == 0 else 2))
        self.fc = nn.Linear(self.inplanes, classes)

    def _make(self, block, planes, n, stride):
        down = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            down = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        mods = [block(self.inplanes, planes, stride, down)]
        self.inplanes = planes * block.expansion
        mods += [block(self.inplanes, planes) for _ in range(n - 1)]
        return nn.Sequential(*mods)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        for i in range(4):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class DenseLayer(nn.Module):
    def __init__(self, cin, growth, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(cin)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(cin, bn_size, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(bn_size, growth, 3, 1, 1, bias=False)

    def forward(self, x):
        y = self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))
        return torch.cat([x, y], 1)


class DenseNet121(nn.Module):
    def __init__(self, classes, w):
        super().__init__()
        growth, init, bn = sc(32, w), sc(64, w), sc(128, w)
        f = nn.Sequential()
        f.add_module("conv0", nn.Conv2d(3, init, 7, 2, 3, bias=False))
        f.add_module("norm0", nn.BatchNorm2d(init))
        f.add_module("relu0", nn.ReLU())
        f.add_module("pool0", nn.MaxPool2d(3, 2, 1))
        c = init
        for i, n in enumerate([6, 12, 24, 16]):
            blk = nn.Sequential()
            for j in range(n):
                blk.add_module(f"denselayer{j + 1}", DenseLayer(c + j * growth, growth, bn))
            f.add_module(f"denseblock{i + 1}", blk)
            c += n * growth
            if i < 3:
                t = nn.Sequential()
                t.add_module("norm", nn.BatchNorm2d(c))
                t.add_module("relu", nn.ReLU())
                t.add_module("conv", nn.Conv2d(c, c // 2, 1, bias=False))
                t.add_module("pool", nn.AvgPool2d(2, 2))
                f.add_module(f"transition{i + 1}", t)
                c //= 2
        f.add_module("norm5", nn.BatchNorm2d(c))
        self.features = f
        self.classifier = nn.Linear(c, classes)

    def forward(self, x):
        x = F.relu(self.features(x))
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build(name, classes, w):
    if name == "resnet18":
        return ResNet(BasicBlock, [2, 2, 2, 2], classes, w)
    if name == "resnet34":
        return ResNet(BasicBlock, [3, 4, 6, 3], classes, w)
    if name == "resnet50":
        return ResNet(Bottleneck, [3, 4, 6, 3], classes, w)
    if name == "densenet121":
        return DenseNet121(classes, w)
    raise SystemExit(f"unknown model {name}")


DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float16: "F16"}


def write_safetensors(path, tensors):
    header, chunks, off = {}, [], 0
    for k, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[k] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        chunks.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt", "source": "medkd scripts/reference/models_safetensors.py"}
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(hb)))
        fh.write(hb)
        for c in chunks:
            fh.write(c)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--models", default="resnet18")
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    result = {}
    for name in a.models.split(","):
        torch.manual_seed(a.seed)
        m = build(name, a.classes, a.width)
        g = torch.Generator().manual_seed(a.seed + 1)
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                n = mod.num_features
                mod.weight.data = 0.5 + torch.rand(n, generator=g)
                mod.bias.data = 0.1 * torch.randn(n, generator=g)
                mod.running_mean = 0.1 * torch.randn(n, generator=g)
                mod.running_var = 0.5 + torch.rand(n, generator=g)
        m.eval()
        x = torch.randn(1, 3, a.size, a.size, generator=g)
        with torch.no_grad():
            y = m(x)
        write_safetensors(os.path.join(a.out, f"{name}.safetensors"), m.state_dict())
        result[name] = {"shape": list(x.shape), "input": x.flatten().tolist(), "logits": y.flatten().tolist()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
