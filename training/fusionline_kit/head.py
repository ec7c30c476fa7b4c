"""A single-modality head: a small MLP over one text modality's numeric features (the payment's
amount, velocity and flags), for windows where that modality is all there is. The job routes such
windows here instead of through the attention bridge (no text encoder, no attention).

ONNX interface (batch B, F numeric features, C classes):
  inputs  numeric [B,F] f32 (the spec in head.json, as the fusion model's numeric input)
  outputs probabilities [B,C]
"""
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import fusion, onnx_shapes


class Head(nn.Module):
    def __init__(self, features, classes, width=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(features, width), nn.GELU(), nn.Linear(width, width),
                                 nn.GELU(), nn.Linear(width, classes))

    def forward(self, numeric):
        return self.net(numeric)


class Exported(nn.Module):
    def __init__(self, head):
        super().__init__()
        self.head = head

    def forward(self, numeric):
        return torch.softmax(self.head(numeric), dim=-1)


def train(x, y, train_idx, val_idx, classes, seed, epochs, log, score_fn, name, batch=256,
          lr=3e-3):
    """Class-weighted cross-entropy (square-root inverse frequency, as the bridge), AdamW with a
    one-cycle schedule; keeps the epoch with the best validation score."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed + 11)
    xt, yt = torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y)
    model = Head(x.shape[1], classes)
    weight, opt, sched = fusion.optimizer(model, y, train_idx, classes, epochs, batch, lr)
    best, best_state, started = -1.0, None, time.time()
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(train_idx)
        for i in range(0, len(order), batch):
            idx = torch.from_numpy(order[i:i + batch])
            loss = F.cross_entropy(model(xt[idx]), yt[idx], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        score = score_fn(predict(model, x, val_idx), y[val_idx])
        log(f"  {name} epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, validation {score:.4f} "
            f"({time.time() - started:.0f} s)")
        if best_state is None or score > best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    return model


@torch.no_grad()
def predict(model, x, idx):
    model.eval()
    return torch.softmax(model(torch.as_tensor(x[idx], dtype=torch.float32)), -1).numpy()


def export(model, x, path):
    model.eval()
    example = torch.as_tensor(x[:2], dtype=torch.float32)
    torch.onnx.export(Exported(model), (example,), path, input_names=["numeric"],
                      output_names=["probabilities"],
                      dynamic_axes={"numeric": {0: "batch"}, "probabilities": {0: "batch"}},
                      opset_version=17)
    with torch.no_grad():
        out = Exported(model)(example)
    onnx_shapes.pin(path, {"probabilities": [None] + list(out.shape[1:])})
