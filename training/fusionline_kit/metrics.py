"""Metrics the cards report: accuracy, macro-F1 (inspection), AUROC (fraud)."""
import numpy as np


def classification(pred, truth, labels):
    pred = np.asarray(pred)
    truth = np.asarray(truth)
    f1 = {}
    for c, name in enumerate(labels):
        tp = int(((pred == c) & (truth == c)).sum())
        fp = int(((pred == c) & (truth != c)).sum())
        fn = int(((pred != c) & (truth == c)).sum())
        f1[name] = 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    return {
        "n": int(len(truth)),
        "accuracy": round(float((pred == truth).mean()), 4),
        "macro_f1": round(float(np.mean(list(f1.values()))), 4),
        "defect_vs_ok_accuracy": round(float(((pred != 0) == (truth != 0)).mean()), 4),
        "f1_per_class": {k: round(v, 4) for k, v in f1.items()},
    }


def auroc(score, truth):
    """Area under the ROC curve, ties counted half (Mann-Whitney U)."""
    score = np.asarray(score, dtype=np.float64)
    truth = np.asarray(truth).astype(bool)
    pos, neg = int(truth.sum()), int((~truth).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score), dtype=np.float64)
    s = score[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    return float((ranks[truth].sum() - pos * (pos + 1) / 2) / (pos * neg))
