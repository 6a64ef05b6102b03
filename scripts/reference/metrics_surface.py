"""Reference surface metrics with scipy (medpy / MONAI 1.2 conventions), for medkd parity tests
and the benchmark. Reads JSON on stdin, writes JSON on stdout.

Input: {"cases": [{"pred": b64 | "predPath": file, "truth": ..., "shape": [x, y, z] (first axis
fastest, as medkd), "spacing": [...]}], "crop": bool (MONAI-style union bounding box),
"repeat": int}. Output: {"results": [{hd95_medpy, hd95_monai, assd_medpy, assd_monai, asd,
hausdorff}], "ms": best wall time per case of the HD95 computation (both conventions share it)}.
"""
import base64, json, sys, time
import numpy as np
from scipy.ndimage import binary_erosion, distance_transform_edt, generate_binary_structure


def load(case, key):
    shape = case["shape"][::-1]  # medkd: first axis fastest -> numpy C order reversed
    if key + "Path" in case:
        a = np.fromfile(case[key + "Path"], dtype=np.uint8)
    else:
        a = np.frombuffer(base64.b64decode(case[key]), dtype=np.uint8)
    return a.reshape(shape).astype(bool)


def distances(pred, truth, spacing, crop):
    if crop:  # MONAI get_mask_edges(crop=True): bounding box of the union
        idx = np.nonzero(pred | truth)
        box = tuple(slice(i.min(), i.max() + 1) for i in idx)
        pred, truth = pred[box], truth[box]
    fp = generate_binary_structure(pred.ndim, 1)
    bp = pred ^ binary_erosion(pred, structure=fp, iterations=1)
    bt = truth ^ binary_erosion(truth, structure=fp, iterations=1)
    d_pt = distance_transform_edt(~bt, sampling=spacing)[bp]
    d_tp = distance_transform_edt(~bp, sampling=spacing)[bt]
    return d_pt, d_tp


def main():
    req = json.load(sys.stdin)
    out, times = [], []
    for case in req["cases"]:
        pred, truth = load(case, "pred"), load(case, "truth")
        spacing = case["spacing"][::-1]
        best = float("inf")
        for _ in range(req.get("repeat", 1)):
            t0 = time.perf_counter()
            d_pt, d_tp = distances(pred, truth, spacing, req.get("crop", False))
            hd_medpy = np.percentile(np.hstack((d_pt, d_tp)), 95)
            hd_monai = max(np.percentile(d_pt, 95), np.percentile(d_tp, 95))
            best = min(best, (time.perf_counter() - t0) * 1000)
        out.append({
            "hd95_medpy": float(hd_medpy),
            "hd95_monai": float(hd_monai),
            "assd_medpy": float((d_pt.mean() + d_tp.mean()) / 2),
            "assd_monai": float(np.concatenate((d_pt, d_tp)).mean()),
            "asd": float(d_pt.mean()),
            "hausdorff": float(max(d_pt.max(), d_tp.max())),
        })
        times.append(best)
    json.dump({"results": out, "ms": times}, sys.stdout)


main()
