"""Numeric features of the first text modality (machine log, transaction), as a spec the job
applies to a text event's `features` and `attributes` maps (see the `numeric` list in fusion.json).

Spec entries:
  {"feature": NAME, "transform": "standard", "mean": m, "std": s}        (x - m) / s
  {"feature": NAME, "transform": "log1p-standard", "mean": m, "std": s}  (log(1 + x) - m) / s
  {"attribute": NAME, "equals": VALUE}                                   1 if equal else 0
  {"attribute": NAME, "notEquals": VALUE}                                1 if present and different
A missing feature counts as the mean (0 after the transform); a missing attribute as 0.
"""
import math

import numpy as np

MERCHANTS = ["groceries", "fuel", "restaurants", "travel", "electronics", "online_retail",
             "gift_cards"]


def inspection_event(item):
    return {"temperature": item["temperature"], "vibration": item["vibration"],
            "toolWear": item["toolWear"]}, {}


def fraud_event(item):
    return ({"amount": item["amount"], "velocity10m": float(item["velocity10m"])},
            {"merchant": item["merchant"], "country": item["country"],
             "device": "new" if item["newDevice"] else "known"})


def fit(profile, items, train_idx):
    """The spec for `profile`, with means and deviations from the training split."""
    event = inspection_event if profile == "inspection" else fraud_event
    if profile == "inspection":
        numeric = [("temperature", "standard"), ("vibration", "standard"), ("toolWear", "standard")]
        flags = []
    else:
        numeric = [("amount", "log1p-standard"), ("velocity10m", "standard")]
        flags = [{"attribute": "device", "equals": "new"}, {"attribute": "country", "notEquals": "DE"}]
        flags += [{"attribute": "merchant", "equals": m} for m in MERCHANTS]
    spec = []
    for name, transform in numeric:
        values = np.array([raw(event(items[i])[0][name], transform) for i in train_idx])
        spec.append({"feature": name, "transform": transform, "mean": round(float(values.mean()), 6),
                     "std": round(float(max(values.std(), 1e-6)), 6)})
    return spec + flags


def raw(x, transform):
    return math.log1p(max(0.0, x)) if transform == "log1p-standard" else x


def vector(spec, features, attributes):
    out = np.zeros(len(spec), dtype=np.float32)
    for i, s in enumerate(spec):
        if "feature" in s:
            if s["feature"] in features:
                out[i] = (raw(features[s["feature"]], s["transform"]) - s["mean"]) / s["std"]
        elif "equals" in s:
            out[i] = 1.0 if attributes.get(s["attribute"]) == s["equals"] else 0.0
        else:
            value = attributes.get(s["attribute"])
            out[i] = 1.0 if value is not None and value != s["notEquals"] else 0.0
    return out


def matrix(profile, spec, items):
    event = inspection_event if profile == "inspection" else fraud_event
    return np.stack([vector(spec, *event(it)) for it in items])
