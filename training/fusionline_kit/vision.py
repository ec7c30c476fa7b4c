"""The vision encoders: small CNNs that turn an image into a grid of patch tokens (for the fusion
bridge to attend over), a pooled embedding, and the encoder's own class logits (for adaptive
inference and for the card's vision-alone numbers).

Parts (factory line): 128x128 in, 8x8 patch tokens. Training adds a per-patch loss from the defect
masks, so each patch token says whether and which defect it shows (image-level labels alone left
the network stuck at "everything is ok": a defect is about 1 % of the pixels); the pooled embedding
is the patch-wise maximum, because a defect is local.
Documents (fraud desk): 256x160 in, 16x10 patch tokens, labels = forgery kind; no masks.
"""
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data as kitdata
from . import metrics, onnx_shapes

PART_LABELS = ["ok", "scratch", "dent", "stain", "crack", "missing_feature"]
DOCUMENT_LABELS = ["none", "altered_digits", "mismatched_font", "swapped_photo"]


class Encoder(nn.Module):
    """A 5x5 stride-2 stem, then 3x (conv3x3-BN-ReLU-maxpool) (stride 16 in all), a 1x1 mix to D.

    Patch tokens are the D-wide grid cells. A linear head classifies each patch (trained on the
    defect masks where there are any); the image's logits pool the patch logits multiple-instance
    style: "ok" is the mean of the patches' ok logits, each defect the maximum of its logit over
    the patches, since one bad patch makes a bad part. The pooled embedding is the patch-wise
    maximum of the tokens."""

    def __init__(self, classes, dim=96, widths=(32, 64, 96)):
        super().__init__()
        layers = [nn.Conv2d(3, 24, 5, stride=2, padding=2, bias=False), nn.BatchNorm2d(24),
                  nn.ReLU()]
        c = 24
        for w in widths:
            layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
                       nn.MaxPool2d(2)]
            c = w
        self.features = nn.Sequential(*layers)
        self.mix = nn.Sequential(nn.Conv2d(c, dim, 1), nn.ReLU())
        self.patch_head = nn.Linear(dim, classes)

    def forward(self, pixels):
        grid = self.mix(self.features(pixels))              # B, D, H/16, W/16
        tokens = grid.flatten(2).transpose(1, 2)            # B, P, D  (row-major patches)
        pooled = tokens.amax(dim=1)                          # B, D
        patch_logits = self.patch_head(tokens)               # B, P, C
        logits = torch.cat([patch_logits[..., :1].mean(1), patch_logits[..., 1:].amax(1)], dim=1)
        return pooled, tokens, logits, patch_logits


class Exported(nn.Module):
    """What goes into the ONNX file: pooled, patch_tokens, logits."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, pixels):
        pooled, tokens, logits, _ = self.encoder(pixels)
        return pooled, tokens, logits


def patch_targets(masks, labels, grid_h, grid_w, coverage=0.02):
    """Per-patch class: the item's defect where the mask covers at least `coverage` of the patch,
    else ok (0). masks uint8 [N, H, W] (area-resized, 0..255), labels [N]."""
    n, h, w = masks.shape
    m = torch.from_numpy(np.asarray(masks, dtype=np.float32) / 255.0).view(n, 1, h, w)
    cover = F.adaptive_avg_pool2d(m, (grid_h, grid_w)).view(n, -1)
    lab = torch.as_tensor(labels).view(n, 1).expand_as(cover)
    return torch.where(cover >= coverage, lab, torch.zeros_like(lab))


def train(ds, image_file, labels, label_key, seed, epochs, out_dir, model_id, log, use_masks,
          limit=None, lr=2e-3, batch=32):
    torch.manual_seed(seed)
    np.random.seed(seed)
    rng = np.random.default_rng(seed)
    images = ds.images(image_file)
    rows = np.array([it.get("documentRow", i) for i, it in enumerate(ds.items)])
    y_all = np.array([labels.index(it[label_key]) for it in ds.items], dtype=np.int64)
    train_idx, val_idx, test_idx = (ds.indices(s) for s in ("train", "validation", "test"))
    if limit:
        train_idx, val_idx, test_idx = train_idx[:limit], val_idx[:limit // 4], test_idx[:limit // 4]
    w, h = ds.pixel_size()
    gh, gw = h // 16, w // 16
    x = torch.from_numpy(kitdata.normalize(images[rows]))
    y = torch.from_numpy(y_all)
    py = patch_targets(ds.masks()[rows], y_all, gh, gw) if use_masks else None

    model = Encoder(len(labels))
    counts = np.bincount(y_all[train_idx], minlength=len(labels)).astype(np.float64)
    class_weight = torch.tensor((counts.sum() / np.maximum(counts, 1) / len(labels)) ** 0.5,
                                dtype=torch.float32)
    patch_weight = torch.tensor([1.0] + [20.0] * (len(labels) - 1))
    steps = max(1, epochs * ((len(train_idx) + batch - 1) // batch))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.15,
                                                div_factor=4)
    best, best_state, started = -1.0, None, time.time()
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(train_idx)
        for i in range(0, len(order), batch):
            idx = torch.from_numpy(order[i:i + batch])
            xb, yb = x[idx], y[idx]
            pb = py[idx] if py is not None else None
            flip_w, flip_h = rng.random() < 0.5, rng.random() < 0.5
            if use_masks and (flip_w or flip_h):
                # parts look alike under flips; patch targets flip with the pixels
                pb = pb.view(-1, gh, gw)
                if flip_w:
                    xb, pb = xb.flip(3), pb.flip(2)
                if flip_h:
                    xb, pb = xb.flip(2), pb.flip(1)
                pb = pb.reshape(len(idx), -1)
            _, _, logits, patch_logits = model(xb)
            loss = F.cross_entropy(logits, yb, weight=class_weight)
            if pb is not None:
                # defect patches are about 1 % of all patches: weigh them up, or the patch head
                # learns "everything is fine"
                loss = loss + F.cross_entropy(patch_logits.reshape(-1, len(labels)), pb.reshape(-1),
                                              weight=patch_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        m = evaluate(model, x, y, val_idx, labels)
        log(f"  {model_id} epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, validation macro-F1 "
            f"{m['macro_f1']:.3f}, accuracy {m['accuracy']:.3f} ({time.time() - started:.0f} s)")
        if best_state is None or m["macro_f1"] > best:
            best, best_state = m["macro_f1"], {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    result = {"validation": evaluate(model, x, y, val_idx, labels),
              "test": evaluate(model, x, y, test_idx, labels)}
    descriptor = export(model, x[:2], w, h, labels, out_dir, model_id, seed)
    return model, result, descriptor


@torch.no_grad()
def evaluate(model, x, y, idx, labels):
    model.eval()
    preds = []
    for i in range(0, len(idx), 256):
        preds.append(model(x[torch.from_numpy(idx[i:i + 256])])[2].argmax(1))
    return metrics.classification(torch.cat(preds).numpy(), y[torch.from_numpy(idx)].numpy(), labels)


@torch.no_grad()
def embed(model, ds, image_file, rows):
    """Patch tokens, pooled embedding and logits of the given image rows (float32 numpy)."""
    model.eval()
    images = ds.images(image_file)
    tokens, pooled, logits = [], [], []
    for i in range(0, len(rows), 256):
        x = torch.from_numpy(kitdata.normalize(images[rows[i:i + 256]]))
        p, t, lg, _ = model(x)
        tokens.append(t.numpy())
        pooled.append(p.numpy())
        logits.append(lg.numpy())
    return np.concatenate(tokens), np.concatenate(pooled), np.concatenate(logits)


def export(model, example, width, height, labels, out_dir, model_id, seed):
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    torch.onnx.export(Exported(model), example, os.path.join(out_dir, "model.onnx"),
                      input_names=["pixels"], output_names=["pooled", "patch_tokens", "logits"],
                      dynamic_axes={"pixels": {0: "batch"}, "pooled": {0: "batch"},
                                    "patch_tokens": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=17)
    with torch.no_grad():
        pooled, tokens, logits = Exported(model)(example)
    onnx_shapes.pin(os.path.join(out_dir, "model.onnx"), {
        "pooled": [None, pooled.shape[1]], "patch_tokens": [None, tokens.shape[1], tokens.shape[2]],
        "logits": [None, logits.shape[1]]})
    return {
        "id": model_id, "version": f"1.0-seed{seed}", "model": "model.onnx",
        "input": {"name": "pixels", "width": width, "height": height, "layout": "NCHW",
                  "channels": "RGB", "resize": "STRETCH", "scale": 255,
                  "mean": [float(v) for v in kitdata.MEAN], "std": [float(v) for v in kitdata.STD],
                  "pad": 0},
        "outputs": {"pooled": "pooled", "patchTokens": "patch_tokens", "logits": "logits"},
        "labels": labels,
    }
