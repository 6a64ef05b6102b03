"""Reference classification metrics and tests (scikit-learn 1.2 / scipy 1.10) for medkd parity
tests. Input JSON: {"binary": [{"scores", "labels"}], "paired": [{"a", "b"}]}; output: per binary
case auroc, roc (drop_intermediate True and False), pr curve, average precision; per paired case
ttest_rel and wilcoxon statistic and p. Infinite thresholds are returned as null.
"""
import json, sys, warnings
import numpy as np

warnings.simplefilter("ignore")


def lst(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=float)]


req = json.load(sys.stdin)
out = {"binary": [], "paired": []}
if req.get("binary"):  # imports are slow: only what the request needs
    from sklearn.metrics import (average_precision_score, precision_recall_curve, roc_auc_score,
                                 roc_curve)
if req.get("paired"):
    from scipy import stats
for c in req.get("binary", []):
    s, y = np.asarray(c["scores"], float), np.asarray(c["labels"], int)
    r = {"auroc": float(roc_auc_score(y, s)), "ap": float(average_precision_score(y, s))}
    for drop in (True, False):
        f, t, th = roc_curve(y, s, drop_intermediate=drop)
        r["roc_drop" if drop else "roc_full"] = {"fpr": lst(f), "tpr": lst(t), "thresholds": lst(th)}
    p, rc, th = precision_recall_curve(y, s)
    r["pr"] = {"precision": lst(p), "recall": lst(rc), "thresholds": lst(th)}
    out["binary"].append(r)
for c in req.get("paired", []):
    a, b = np.asarray(c["a"], float), np.asarray(c["b"], float)
    t = stats.ttest_rel(a, b)
    w = stats.wilcoxon(a, b)
    out["paired"].append({"t": float(t.statistic), "t_p": float(t.pvalue),
                          "w": float(w.statistic), "w_p": float(w.pvalue)})
json.dump(out, sys.stdout)
