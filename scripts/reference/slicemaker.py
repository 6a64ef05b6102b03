#!/usr/bin/env python3
"""Reference SliceMaker for KiTS / LiTS in plain nibabel + NumPy (medkd's own code).

Same behaviour as medkd's `deno task slice --dataset kits|lits` and HLFD's SliceMaker.py
(spec 02 section 2.2): every axial slice -> <out>/<mode>/<case>_<i>.npz with `ct` (float64 raw
HU, bilinearly resized to SIZE x SIZE with half-pixel centres when not already that size) and
`mask` (int8), written with np.savez_compressed; the slices with tumour (task tumor: a label > 1)
or any foreground (task organ: > 0) are listed in <out>/<mode>/<dataset>_<task>_slices.npy.
Used by scripts/bench/slice.ts as the Python baseline; no done-markers, no atomic writes.
"""
import argparse
import glob
import os
from multiprocessing.pool import ThreadPool

import nibabel as nib
import numpy as np


def bilinear_half_pixel(img, size):
    """Resize a 2D array to size x size, half-pixel centres, edge clamp (cv2 INTER_LINEAR)."""
    rows, cols = img.shape
    if rows == size and cols == size:
        return img.astype(np.float64)

    def axis(n_in):
        x = (np.arange(size) + 0.5) * (n_in / size) - 0.5
        x = np.clip(x, 0, n_in - 1)
        i0 = np.floor(x).astype(int)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, x - i0

    r0, r1, fr = axis(rows)
    c0, c1, fc = axis(cols)
    top = img[r0][:, c0] * (1 - fc) + img[r0][:, c1] * fc
    bot = img[r1][:, c0] * (1 - fc) + img[r1][:, c1] * fc
    return top * (1 - fr)[:, None] + bot * fr[:, None]


def nearest_asymmetric(mask, size):
    rows, cols = mask.shape
    if rows == size and cols == size:
        return mask
    ri = np.minimum(np.floor(np.arange(size) * rows / size).astype(int), rows - 1)
    ci = np.minimum(np.floor(np.arange(size) * cols / size).astype(int), cols - 1)
    return mask[ri][:, ci]


def cases(in_path, dataset):
    if dataset == "kits":
        out = []
        for img in sorted(glob.glob(os.path.join(in_path, "case_*", "imaging*.nii.gz"))):
            folder = os.path.dirname(img)
            out.append((os.path.basename(folder)[-5:], img,
                        os.path.join(folder, "segmentation.nii.gz")))
        return out
    out = []
    for img in sorted(glob.glob(os.path.join(in_path, "volume-*.nii"))):
        name = os.path.basename(img)
        cid = name[name.rfind("-") + 1:name.find(".")]
        out.append((cid, img, os.path.join(in_path, "segmentation-%s.nii" % cid)))
    return out


def slice_case(job, args, out_dir):
    cid, img_path, seg_path = job
    if not os.path.exists(seg_path):
        return []
    ct = nib.load(img_path).get_fdata()  # float64, scaling applied
    seg = nib.load(seg_path).get_fdata().astype(np.int8)
    if args.dataset == "lits":
        ct = np.transpose(ct, (2, 0, 1))
        seg = np.transpose(seg, (2, 0, 1))
    thr = 1 if args.task == "tumor" else 0
    listed = []
    for i in range(ct.shape[0]):
        name = "%s_%d.npz" % (cid, i)
        c = bilinear_half_pixel(ct[i], args.slice_size)
        m = nearest_asymmetric(seg[i], args.slice_size)
        np.savez_compressed(os.path.join(out_dir, name), ct=c, mask=m)
        if (m > thr).any():
            listed.append(name)
    return listed


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--in_path", "--inpath", dest="in_path", required=True)
    p.add_argument("--out_path", "--outpath", dest="out_path", required=True)
    p.add_argument("--process_num", "--workers", dest="process_num", type=int, default=1)
    p.add_argument("--dataset", choices=["kits", "lits"], default="lits")
    p.add_argument("--task", choices=["tumor", "organ"], default="tumor")
    p.add_argument("--mode", default="train")
    p.add_argument("--slice-size", "--slice_size", dest="slice_size", type=int, default=512)
    args = p.parse_args()
    out_dir = os.path.join(args.out_path, args.mode)
    os.makedirs(out_dir, exist_ok=True)
    jobs = cases(args.in_path, args.dataset)
    if args.process_num > 1:
        with ThreadPool(args.process_num) as pool:
            lists = pool.map(lambda j: slice_case(j, args, out_dir), jobs)
    else:
        lists = [slice_case(j, args, out_dir) for j in jobs]
    listed = [n for lst in lists for n in lst]
    np.save(os.path.join(out_dir, "%s_%s_slices.npy" % (args.dataset, args.task)),
            np.array(listed))
    print("python slicemaker: %d cases, %d listed" % (len(jobs), len(listed)))


if __name__ == "__main__":
    main()
