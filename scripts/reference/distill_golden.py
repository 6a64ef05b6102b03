#!/usr/bin/python3
"""Golden values for medkd's distillation losses and optimisers (PyTorch, float64).

Every loss is re-implemented here in plain torch from the study specs (shared/papers):
Synapse §4.2 (KD, AT, DKD, DIST, CWD, ReviewKD/HCL+ABF), KiTS §5.2-5.4 (HLFD), HCC §4 (MD-Net),
BraTS §4 (LCKD), CXR8 §4.2/§7 (multi-label KD, focal), FitNet (hint MSE after a 1x1 conv).
Inputs are fixed: the Synapse §9.4 closed forms, or a seeded numpy generator. Torch computes in
NCHW; the JSON stores every array channels-last (NHWC / NDHWC), flattened row-major, with its
shape. Run: /usr/bin/python3 scripts/reference/distill_golden.py > tests/fixtures/distill_golden.json
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20240611)


def nhwc(t):
    """torch NC... -> numpy N...C"""
    a = t.detach().numpy()
    return np.moveaxis(a, 1, -1)


def arr(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}


def tin(a_nhwc):
    """numpy N...C -> torch NC..."""
    return torch.tensor(np.moveaxis(np.asarray(a_nhwc, dtype=np.float64), -1, 1))


def rand(*shape, scale=1.0):
    # rounded to 6 decimals so the JSON stays small and holds exactly the values torch used
    return np.round(rng.normal(size=shape) * scale, 6)


cases = []


def case(name, inputs, params, outputs):
    cases.append({
        "name": name,
        "inputs": {k: arr(v) for k, v in inputs.items()},
        "params": params,
        "outputs": {k: float(v) for k, v in outputs.items()},
    })


# ---- Synapse §9.4 inputs (NCHW closed forms) ----
N, C, H, W = 2, 9, 4, 4
n_, c_, h_, w_ = np.meshgrid(np.arange(N), np.arange(C), np.arange(H), np.arange(W), indexing="ij")
zs_np = 3 * np.sin(0.3 * (n_ + 1) * (c_ + 1) + 0.1 * h_ - 0.2 * w_)
zt_np = 3 * np.cos(0.2 * (c_ + 1) + 0.15 * (n_ + 1) * h_ + 0.05 * w_)
nn_, hh_, ww_ = np.meshgrid(np.arange(N), np.arange(H), np.arange(W), indexing="ij")
label_np = (nn_ + hh_ + 2 * ww_) % 9
zs, zt = torch.tensor(zs_np), torch.tensor(zt_np)
label = torch.tensor(label_np)
syn = {"zs": np.moveaxis(zs_np, 1, -1), "zt": np.moveaxis(zt_np, 1, -1)}


def kl_sum(q_log_t, log_s):
    return (q_log_t.exp() * (q_log_t - log_s)).sum()


# KD (dense, "mean" over every element, T^2)
def kd(s, t, T, reduction="mean", dim=1):
    ls, lt = F.log_softmax(s / T, dim=dim), F.log_softmax(t / T, dim=dim)
    k = kl_sum(lt, ls)
    div = s.numel() if reduction == "mean" else s.numel() / s.shape[dim]
    return T * T * k / div


case("kd_dense", syn, {"temperature": 2, "reduction": "mean"}, {"loss": kd(zs, zt, 2)})
case("kd_dense_batchmean", syn, {"temperature": 3, "reduction": "batchmean"},
     {"loss": kd(zs, zt, 3, "batchmean")})
cs, ct = rand(5, 7, scale=2), rand(5, 7, scale=2)
case("kd_cls", {"zs": cs, "zt": ct}, {"temperature": 4, "reduction": "batchmean"},
     {"loss": kd(torch.tensor(cs), torch.tensor(ct), 4, "batchmean")})


# multi-label KD (CXR8): sigmoid BCE mode and softmax-raw mode; focal
ms, mt, my = rand(4, 14, scale=2), rand(4, 14, scale=2), (rng.random((4, 14)) < 0.3) * 1.0
tms, tmt, tmy = torch.tensor(ms), torch.tensor(mt), torch.tensor(my)
T = 2.0
bce_sig = F.binary_cross_entropy(torch.sigmoid(tms / T), torch.sigmoid(tmt / T)) * T * T
soft_raw = ((F.softmax(tms / T, 1) - F.softmax(tmt / T, 1)) ** 2).mean() * T * T
p = torch.sigmoid(tms).clamp(1e-7, 1 - 1e-7)
focal = (-(1 - p) ** 2 * tmy * torch.log(p) - p ** 2 * (1 - tmy) * torch.log(1 - p)).mean()
case("multilabel_kd_sigmoid", {"zs": ms, "zt": mt}, {"temperature": T, "mode": "sigmoid"},
     {"loss": bce_sig})
case("multilabel_kd_softmax_raw", {"zs": ms, "zt": mt}, {"temperature": T, "mode": "softmax-raw"},
     {"loss": soft_raw})
case("cxr8_focal", {"zs": ms, "y": my}, {"gamma": 2}, {"loss": focal})


# AT (MMRazor mean, p=2) and HLFD sum (p=4), with resizing of the student
def att_map(f, p):
    m = (f ** p).mean(1).flatten(1)
    return m / m.norm(dim=1, keepdim=True).clamp_min(1e-12)


def bil(x, size):
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


def at(s, t, p, reduction):
    if s.shape[2:] != t.shape[2:]:
        s = bil(s, t.shape[2:])
    d = (att_map(s, p) - att_map(t, p)) ** 2
    return d.mean() if reduction == "mean" else d.sum(1).mean()


zt18 = torch.cat([zt, zt / 2], 1)
case("at_mean", {"s": syn["zs"], "t": nhwc(zt18)}, {"p": 2, "reduction": "mean"},
     {"loss": at(zs, zt18, 2, "mean")})
as_, at_ = rand(2, 8, 8, 3), rand(2, 4, 4, 5)
case("at_sum_resize", {"s": as_, "t": at_}, {"p": 4, "reduction": "sum"},
     {"loss": at(tin(as_), tin(at_), 4, "sum")})


# FitNet: 1x1 conv connector then MSE (mean)
fs, ft = rand(2, 3, 3, 4), rand(2, 3, 3, 6)
fk, fb = rand(1, 1, 4, 6, scale=0.5), rand(6, scale=0.1)
proj = F.conv2d(tin(fs), torch.tensor(fk).permute(3, 2, 0, 1), torch.tensor(fb))
case("fitnet", {"s": fs, "t": ft, "kernel": fk, "bias": fb}, {},
     {"loss": F.mse_loss(proj, tin(ft))})


# DKD (dense, sums, K*M masking)
def dkd(s, t, lab, alpha, beta, T, K):
    M = F.one_hot(lab, s.shape[1]).permute(0, 3, 1, 2).double()
    ps, pt = F.softmax(s / T, 1), F.softmax(t / T, 1)
    bs = torch.stack([(ps * M).sum(1), (ps * (1 - M)).sum(1)], 1)
    bt = torch.stack([(pt * M).sum(1), (pt * (1 - M)).sum(1)], 1)
    tckd = (bt * (bt.log() - bs.log())).sum() * T * T
    lt = F.log_softmax(t / T - K * M, 1)
    ls = F.log_softmax(s / T - K * M, 1)
    nckd = kl_sum(lt, ls) * T * T
    return alpha * tckd + beta * nckd, tckd, nckd


for K in (9, 1000):
    tot, tc, nc = dkd(zs, zt, label, 1, 20, 4, K)
    case(f"dkd_K{K}", {**syn, "label": label_np}, {"alpha": 1, "beta": 20, "temperature": 4,
                                                    "maskScale": K}, {"loss": tot, "tckd": tc, "nckd": nc})
dl_s, dl_t = rand(6, 5, scale=2), rand(6, 5, scale=2)
dl_y = rng.integers(0, 5, size=6)
tot, tc, nc = dkd(torch.tensor(dl_s)[:, :, None, None], torch.tensor(dl_t)[:, :, None, None],
                  torch.tensor(dl_y)[:, None, None], 1, 8, 4, 1000)
case("dkd_cls_batchmean", {"zs": dl_s, "zt": dl_t, "label": dl_y},
     {"alpha": 1, "beta": 8, "temperature": 4, "maskScale": 1000, "reduction": "batchmean"},
     {"loss": tot / 6, "tckd": tc / 6, "nckd": nc / 6})


# DIST
def pearson(a, b, dim, eps=1e-8):
    a = a - a.mean(dim, keepdim=True)
    b = b - b.mean(dim, keepdim=True)
    return (a * b).sum(dim) / (a.norm(dim=dim) * b.norm(dim=dim) + eps)


def dist(s, t, beta, gamma, T, mode):
    if s.shape[2:] != t.shape[2:]:
        s = bil(s, t.shape[2:])
    ps, pt = F.softmax(s / T, 1), F.softmax(t / T, 1)
    if mode == "flat":
        rs = ps.permute(0, 2, 3, 1).reshape(-1, s.shape[1])
        rt = pt.permute(0, 2, 3, 1).reshape(-1, s.shape[1])
        inter = 1 - pearson(rs, rt, 1).mean()
        intra = 1 - pearson(rs, rt, 0).mean()
    else:
        inter = 1 - pearson(ps, pt, 1).mean()
        intra = 1 - pearson(ps, pt, 0).mean()
    return T * T * (beta * inter + gamma * intra), T * T * inter, T * T * intra


tot, i1, i2 = dist(zs, zt, 1, 1, 1, "flat")
case("dist_flat", syn, {"beta": 1, "gamma": 1, "temperature": 1, "mode": "flattened"},
     {"loss": tot, "inter": i1, "intra": i2})
tot, i1, i2 = dist(zs, zt, 1, 1, 1, "4d")
case("dist_mmrazor4d", syn, {"beta": 1, "gamma": 1, "temperature": 1, "mode": "mmrazor4d"},
     {"loss": tot, "inter": i1, "intra": i2})
ds_small = rand(2, 2, 2, 9, scale=2)
tot, i1, i2 = dist(tin(ds_small), zt, 2, 0.5, 2, "flat")
case("dist_resize", {"zs": ds_small, "zt": syn["zt"]},
     {"beta": 2, "gamma": 0.5, "temperature": 2, "mode": "flattened"},
     {"loss": tot, "inter": i1, "intra": i2})


# CWD: softmax over H*W per (n, c); sum / (N*C) * T^2
def cwd(s, t, T):
    n, c = s.shape[:2]
    ls = F.log_softmax(s.reshape(n, c, -1) / T, 2)
    lt = F.log_softmax(t.reshape(n, c, -1) / T, 2)
    return T * T * kl_sum(lt, ls) / (n * c)


for T in (4, 1):
    case(f"cwd_T{T}", syn, {"temperature": T}, {"loss": cwd(zs, zt, T)})


# ReviewKD: HCL and ABF fusion chain
def adaptive_avg(x, l):
    return F.adaptive_avg_pool2d(x, (l, l))


def hcl(y, t):
    loss = F.mse_loss(y, t)
    cnt, tot = 1.0, 1.0
    for l in (4, 2, 1):
        if l >= y.shape[2]:
            continue
        cnt /= 2.0
        loss = loss + F.mse_loss(adaptive_avg(y, l), adaptive_avg(t, l)) * cnt
        tot += cnt
    return loss / tot


case("hcl", syn, {}, {"loss": hcl(zs, zt)})
up = lambda x: F.interpolate(x, size=(8, 8), mode="nearest")  # noqa: E731
case("hcl_up8", syn, {"upsample": 8}, {"loss": hcl(up(zs), up(zt))})
h6s, h6t = rand(2, 6, 6, 3), rand(2, 6, 6, 3)
case("hcl_6", {"zs": h6s, "zt": h6t}, {}, {"loss": hcl(tin(h6s), tin(h6t))})


def bn_train(x):
    mean = x.mean((0, 2, 3), keepdim=True)
    var = x.var((0, 2, 3), unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + 1e-5)


def abf(x, r, w1, watt, batt, w2, out_side):
    x = bn_train(F.conv2d(x, w1))
    if r is not None:
        r = F.interpolate(r, size=x.shape[2:], mode="nearest")
        z = torch.sigmoid(F.conv2d(torch.cat([x, r], 1), watt, batt))
        x = x * z[:, 0:1] + r * z[:, 1:2]
    y = bn_train(F.conv2d(x, w2, padding=1))
    if y.shape[2] != out_side:
        y = F.interpolate(y, size=(out_side, out_side), mode="nearest")
    return y, x


mid = 6
s_deep, s_shallow = rand(2, 2, 2, 4), rand(2, 4, 4, 3)
t_deep, t_shallow = rand(2, 2, 2, 5), rand(2, 8, 8, 4)
w1a, w2a = rand(1, 1, 4, mid, scale=0.5), rand(3, 3, mid, 5, scale=0.3)
w1b, w2b = rand(1, 1, 3, mid, scale=0.5), rand(3, 3, mid, 4, scale=0.3)
wattb, battb = rand(1, 1, 2 * mid, 2, scale=0.5), rand(2, scale=0.1)
k = lambda a: torch.tensor(a).permute(3, 2, 0, 1)  # HWIO -> OIHW  # noqa: E731
y1, x1 = abf(tin(s_deep), None, k(w1a), None, None, k(w2a), 2)
y2, _ = abf(tin(s_shallow), x1, k(w1b), k(wattb), torch.tensor(battb), k(w2b), 8)
l1, l2 = hcl(y1, tin(t_deep)), hcl(y2, tin(t_shallow))
case("reviewkd_abf", {"s_deep": s_deep, "s_shallow": s_shallow, "t_deep": t_deep,
                      "t_shallow": t_shallow, "w1_deep": w1a, "w2_deep": w2a, "w1_shallow": w1b,
                      "w2_shallow": w2b, "watt_shallow": wattb, "batt_shallow": battb},
     {"mid": mid}, {"loss": l1 + l2, "hcl_deep": l1, "hcl_shallow": l2})


# HLFD (KiTS §5.2-5.4), adapters given explicitly (the library samples them per call)
def smallest(maps):
    return min((tuple(m.shape[2:]) for m in maps))


def kl_hlfd(logits_s, target_t, T=4.0):
    p = F.log_softmax(logits_s / T, 1)
    lq = F.log_softmax(target_t / T, 1)
    n, c, h, w = logits_s.shape
    return T * T * kl_sum(lq, p) / (n * c * h * w / 2)


def conv1(x, kb):
    return F.conv2d(x, k(kb[0]), torch.tensor(kb[1]))


def kl_proj(s, t, kb):
    z = conv1(s, kb)
    if z.shape[2] != t.shape[2]:
        z = bil(z, t.shape[2:])
    return kl_hlfd(z, t)


def kl_rec(s, ts, kb):
    size = smallest(ts)
    cat = torch.cat([bil(x, size) if tuple(x.shape[2:]) != size else x for x in ts], 1)
    z = conv1(cat, kb)
    if z.shape[2] != s.shape[2]:
        z = bil(z, s.shape[2:])
    return kl_hlfd(s, z)


def at_rec(s, ts):
    size = smallest(ts)
    cat = torch.cat([bil(x, size) if tuple(x.shape[2:]) != size else x for x in ts], 1)
    if cat.shape[2] != s.shape[2]:
        cat = bil(cat, s.shape[2:])
    return at(s, cat, 4, "sum")


shapes = {"s_e1": (16, 3), "s_e2": (8, 3), "s_e3": (4, 4), "s_e4": (2, 5),
          "s_d5": (16, 6), "s_d4": (16, 4), "s_d3": (16, 3), "s_d2": (8, 3),
          "t_e2": (16, 4), "t_e3": (8, 5), "t_e4": (4, 6), "t_e5": (2, 7),
          "t_d5": (2, 5), "t_d4": (4, 4), "t_d3": (8, 3), "t_out": (16, 2)}
hl = {k_: rand(2, s, s, c) for k_, (s, c) in shapes.items()}
ht = {k_: tin(v) for k_, v in hl.items()}
adapters = {"rec": (rand(1, 1, 12, 6, scale=0.3), rand(6, scale=0.3)),
            "d4": (rand(1, 1, 4, 2, scale=0.5), rand(2, scale=0.5)),
            "d3": (rand(1, 1, 3, 2, scale=0.5), rand(2, scale=0.5)),
            "d2": (rand(1, 1, 3, 2, scale=0.5), rand(2, scale=0.5))}
l_rec = kl_rec(ht["s_d5"], [ht["t_d5"], ht["t_d4"], ht["t_d3"]], adapters["rec"])
l_ind = sum(kl_proj(ht[f"s_d{i}"], ht["t_out"], adapters[f"d{i}"]) for i in (4, 3, 2))
pix = 0.5 * l_rec + 0.5 * l_ind
a_rec = at_rec(ht["s_e1"], [ht["t_e2"], ht["t_e3"], ht["t_e4"]])
a_ind = sum(at(ht[f"s_e{i}"], ht["t_e5"], 4, "sum") for i in (2, 3, 4))
feat = 0.5 * a_rec + 0.5 * a_ind
ins = dict(hl)
for k_, (kk, bb) in adapters.items():
    ins[f"adapter_{k_}_kernel"] = kk
    ins[f"adapter_{k_}_bias"] = bb
case("hlfd", ins, {"temperature": 4, "p": 4},
     {"pix": pix, "feat": feat, "kl_rec": l_rec, "at_rec": a_rec, "loss": 0.1 * pix + 0.9 * feat})


# MD-Net (HCC §4)
B = 4
mz_s, mz_t = rand(B, 3, scale=2), rand(B, 3, scale=2)
mpre_s, mpre_t, mhbp_s, mhbp_t = (rand(B, 16) for _ in range(4))
mc_pred, mc_true = rand(B, 6), rand(B, 6)
mw = np.array([1.0, 0.5, -0.3, 2.0, 0.0, 1.5])
my_idx = np.array([0, 2, 1, 2])
my_sm = np.full((B, 3), 0.033)
my_sm[np.arange(B), my_idx] = 0.933


def kl_mean(a_t, a_s):
    return kl_sum(F.log_softmax(a_t, 1), F.log_softmax(a_s, 1)) / a_s.numel()


def focal_mdnet(z, y):
    b = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    pt = torch.exp(-b)
    return ((1 - pt) ** 2 * b).mean()


tt = torch.tensor
v = torch.relu(tt(mw) / tt(mw).max())
l_clin = (((tt(mc_pred) - tt(mc_true)) ** 2) * v).mean()
l_log = kl_mean(tt(mz_t), tt(mz_s))
l_pre = kl_mean(tt(mpre_t), tt(mpre_s))
l_hbp = kl_mean(tt(mhbp_t), tt(mhbp_s))
case("mdnet", {"zs": mz_s, "zt": mz_t, "pre_s": mpre_s, "pre_t": mpre_t, "hbp_s": mhbp_s,
               "hbp_t": mhbp_t, "clin_pred": mc_pred, "clin_true": mc_true, "w": mw, "y": my_sm},
     {}, {"kl_logits": l_log, "kl_pre": l_pre, "kl_hbp": l_hbp, "clinical": l_clin,
          "loss": l_log + l_pre + l_hbp + l_clin, "focal_student": focal_mdnet(tt(mz_s), tt(my_sm))})


# LCKD (BraTS §4): L1 to detached teacher features, fill-in
feats = [rand(2, 2, 2, 2, 3) for _ in range(4)]
present, teachers = [0, 2, 3], [1, 2]
tf_ = [tin(f) for f in feats]
l_kd = sum((tf_[t] - tf_[s]).abs().mean() for t in teachers if t in present for s in present)
fill = sum(tf_[m] for m in present) / len(present)
ins = {f"f{m}": feats[m] for m in range(4)}
ins["fill"] = nhwc(fill)
case("lckd", ins, {"present": present, "teachers": teachers}, {"loss": l_kd})


# KiTS method switch (§5.3): SKD, DKD (typo and fixed), HIFD, IFD, attn_kd; adapters in the
# order medkd's kitsTerms consumes them
def kl_cat(ss, t, kb):
    size = smallest(ss)
    cat = torch.cat([bil(x, size) if tuple(x.shape[2:]) != size else x for x in ss], 1)
    return kl_proj(cat, t, kb)


def at_cat(ss, t):
    size = smallest(ss)
    cat = torch.cat([bil(x, size) if tuple(x.shape[2:]) != size else x for x in ss], 1)
    return at(cat, t, 4, "sum")


kshapes = {"s_out": (16, 2), "s_e1": (16, 3), "s_e2": (8, 3), "s_e3": (4, 4), "s_e4": (2, 5),
           "s_e5": (2, 6), "s_d5": (16, 4), "s_d4": (16, 3), "s_d3": (8, 3), "s_d2": (8, 2),
           "t_out": (16, 2), "t_e1": (16, 4), "t_e2": (8, 4), "t_e3": (4, 5), "t_e4": (2, 6),
           "t_e5": (2, 7), "t_d5": (8, 5), "t_d4": (8, 4), "t_d3": (16, 3), "t_d2": (16, 2)}
kl_in = {k_: rand(2, s, s, c) for k_, (s, c) in kshapes.items()}
K = {k_: tin(v) for k_, v in kl_in.items()}
C_ = {k_: c for k_, (s, c) in kshapes.items()}


def adapters_for(pairs):
    return [(rand(1, 1, ci, co, scale=0.4), rand(co, scale=0.3)) for ci, co in pairs]


case("kits_maps", kl_in, {}, {})


def emit(name, ads, pix, feat, params):
    ins = {}
    for j, (kk, bb) in enumerate(ads):
        ins[f"adapter{j}_kernel"] = kk
        ins[f"adapter{j}_bias"] = bb
    out = {"feat": feat}
    if pix is not None:
        out["pix"] = pix
    case(name, ins, {**params, "adapters": len(ads)}, out)


def self_kl(s, kb):
    z = conv1(s, kb)
    return kl_hlfd(z, s)


feat5 = lambda: at(K["s_e5"], K["t_e5"], 4, "sum")  # noqa: E731
emit("kits_attn_kd", [], None, feat5(), {"lossType": "attn_kd"})
ads = adapters_for([(2, 2)])
emit("kits_wo_feedback", ads, kl_proj(K["s_out"], K["t_out"], ads[0]), feat5(), {"lossType": "wo_feedback"})
featd = sum(at(K[f"s_e{k_}"], K[f"t_e{k_}"], 4, "sum") for k_ in range(1, 6))
for fix in (False, True):
    ads = adapters_for([(4, 5 if fix else 4), (2, 2), (3, 4), (3, 3), (2, 2)])
    d5 = kl_proj(K["s_d5"], K["t_d5"], ads[0]) if fix else self_kl(K["s_d5"], ads[0])
    pix = (kl_proj(K["s_out"], K["t_out"], ads[1]) + d5 + kl_proj(K["s_d4"], K["t_d4"], ads[2])
           + kl_proj(K["s_d3"], K["t_d3"], ads[3]) + kl_proj(K["s_d2"], K["t_d2"], ads[4]))
    emit("kits_deep_kd_fixed" if fix else "kits_deep_kd", ads, pix, featd,
         {"lossType": "deep_kd", "fixDkdTypo": fix})
ads = adapters_for([(2, 2), (3, 2), (2, 2)])
pix = (kl_proj(K["s_out"], K["t_out"], ads[0]) + kl_proj(K["s_d4"], K["t_out"], ads[1])
       + kl_proj(K["s_d2"], K["t_out"], ads[2]))
feat = feat5() + at(K["s_e2"], K["t_e5"], 4, "sum") + at(K["s_e4"], K["t_e5"], 4, "sum")
emit("kits_indv_feedback", ads, pix, feat, {"lossType": "indv_feedback"})
ads = adapters_for([(12, 2), (2, 2)])
pix = kl_proj(K["s_out"], K["t_out"], ads[1]) + kl_cat([K["s_d5"], K["s_d4"], K["s_d3"], K["s_d2"]], K["t_out"], ads[0])
feat = feat5() + at_cat([K["s_e1"], K["s_e2"], K["s_e3"], K["s_e4"]], K["t_e5"])
emit("kits_cat_feedback_ours", ads, pix, feat, {"lossType": "cat_feedback_ours"})


# ---- optimisers on a fixed quadratic: L = 0.5 * sum(c * (theta - d)^2) (+ clipping) ----
c0 = np.array([1.0, 3.0, 0.5, 2.0, 4.0])
d0 = np.array([0.5, -1.0, 2.0, 0.0, 1.5])
th0 = np.array([1.0, 1.0, -1.0, 0.5, -2.0])
opt_cases = []


def run_opt(name, make, steps, clip=None, lrs=None):
    th = torch.tensor(th0.copy(), requires_grad=True)
    opt = make([th])
    traj = []
    for i in range(steps):
        if lrs is not None:
            for g in opt.param_groups:
                g["lr"] = lrs[i]
        opt.zero_grad()
        loss = 0.5 * (torch.tensor(c0) * (th - torch.tensor(d0)) ** 2).sum()
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_([th], clip)
        opt.step()
        traj.append([float(x) for x in th.detach().numpy()])
    opt_cases.append({"name": name, "steps": steps, "clip": clip, "lrs": lrs, "theta": traj})


run_opt("sgd_nesterov_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True,
                                                     weight_decay=0.01), 6)
run_opt("sgd_momentum_wd_poly", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9,
                                                          weight_decay=5e-4), 6,
        lrs=[1e-4 + (0.05 - 1e-4) * (1 - i / 6) ** 0.9 for i in range(6)])
run_opt("sgd_plain", lambda p: torch.optim.SGD(p, lr=0.1), 4)
run_opt("adam", lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.01), 6)
run_opt("adamw", lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.1), 6)
run_opt("adam_clip", lambda p: torch.optim.Adam(p, lr=0.1), 5, clip=0.5)

json.dump({
    "generator": "scripts/reference/distill_golden.py (torch %s, float64)" % torch.__version__,
    "layout": "channels-last, row-major",
    "cases": cases,
    "optimizer": {"c": list(c0), "d": list(d0), "theta0": list(th0), "cases": opt_cases},
}, sys.stdout, indent=None, separators=(",", ":"))
sys.stdout.write("\n")
print(json.dumps({c["name"]: c["outputs"] for c in cases}, indent=1), file=sys.stderr)
_ = math
