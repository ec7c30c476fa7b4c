"""The cross-modal attention bridge and its decision head.

Per modality a projection to d = 128. Language tokens (every text modality's word pieces, plus one
token made from the numeric features of the first text modality) query the vision patch tokens, and
the patches query the language tokens, each with 8-head attention, residual connections, layer
norm and a feed-forward block. Attention can be top-k sparse: each query keeps only its k
highest-scoring keys (default 30 %). Missing modalities are masked. Each modality's tokens are
averaged into a summary; a learned score per summary, softmaxed over the present modalities, gives
the importance weights alpha; the alpha-weighted summary feeds the decision head.

ONNX interface (batch B, P patches, M text modalities of T tokens, F numeric features):
  inputs  vision_tokens [B,P,Dv] f32, vision_mask [B,P] f32 (1 = present),
          language_tokens [B,M,T,384] f32, language_mask [B,M,T] f32, numeric [B,F] f32
          (numeric counts as present when language_mask[:,0,0] is 1)
  outputs probabilities [B,C], alpha [B,1+M] (vision first), vision_attention [B,P] (how much the
          language queries attended to each patch), language_attention [B,M,T] (how much the
          patches attended to each word piece); the entries of masked patches and word pieces
          carry no meaning (a fully masked row attends uniformly), and the job's wrapper zeroes them
"""
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import onnx_shapes

NEG = -1e4  # "minus infinity" that keeps fully masked rows finite in float32 and ONNX


class CrossAttention(nn.Module):
    def __init__(self, d=128, heads=8, topk=0.3):
        super().__init__()
        self.h, self.dk, self.topk = heads, d // heads, topk
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, query, keys, key_mask):
        b, nq, d = query.shape
        nk = keys.shape[1]
        q = self.q(query).view(b, nq, self.h, self.dk).transpose(1, 2)
        k = self.k(keys).view(b, nk, self.h, self.dk).transpose(1, 2)
        v = self.v(keys).view(b, nk, self.h, self.dk).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dk)          # B,h,nq,nk
        masked = (key_mask < 0.5).view(b, 1, 1, nk)
        scores = scores.masked_fill(masked, NEG)
        if self.topk and self.topk < 1:
            k_keep = max(1, int(math.ceil(self.topk * nk)))
            if k_keep < nk:
                kth = torch.topk(scores, k_keep, dim=-1).values[..., -1:]
                scores = torch.where(scores >= kth, scores, torch.full_like(scores, NEG))
        weights = torch.softmax(scores, dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(b, nq, d)
        return self.o(out), weights.mean(dim=1)                          # B,nq,d ; B,nq,nk


class Block(nn.Module):
    def __init__(self, d, topk):
        super().__init__()
        self.attn = CrossAttention(d, 8, topk)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))

    def forward(self, query, keys, key_mask, keys_present):
        attended, weights = self.attn(query, keys, key_mask)
        x = self.norm1(query + attended * keys_present.view(-1, 1, 1))
        return self.norm2(x + self.ff(x)), weights


class Bridge(nn.Module):
    def __init__(self, vision_dim, patches, text_modalities, tokens, features, classes, d=128,
                 topk=0.3):
        super().__init__()
        self.m, self.t = text_modalities, tokens
        self.vision_proj = nn.Sequential(nn.Linear(vision_dim, d), nn.LayerNorm(d))
        self.vision_pos = nn.Parameter(torch.zeros(1, patches, d))
        self.text_proj = nn.ModuleList(
            nn.Sequential(nn.Linear(384, d), nn.LayerNorm(d)) for _ in range(text_modalities))
        self.text_pos = nn.Parameter(torch.zeros(1, 1, tokens, d))
        self.numeric = nn.Sequential(nn.Linear(max(1, features), d), nn.GELU(), nn.Linear(d, d),
                                     nn.LayerNorm(d))
        self.modality = nn.Parameter(torch.zeros(1 + text_modalities, d))
        nn.init.normal_(self.vision_pos, std=0.02)
        nn.init.normal_(self.text_pos, std=0.02)
        nn.init.normal_(self.modality, std=0.02)
        self.lang_to_vision = Block(d, topk)
        self.vision_to_lang = Block(d, topk)
        self.score = nn.Sequential(nn.Linear(d, d), nn.Tanh(), nn.Linear(d, 1))
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, d), nn.GELU(), nn.Dropout(0.1),
                                  nn.Linear(d, classes))

    def forward(self, vision_tokens, vision_mask, language_tokens, language_mask, numeric):
        b = vision_tokens.shape[0]
        v = self.vision_proj(vision_tokens) + self.vision_pos + self.modality[0]
        lang = [self.text_proj[i](language_tokens[:, i]) + self.text_pos[:, 0] + self.modality[1 + i]
                for i in range(self.m)]
        num = (self.numeric(numeric) + self.modality[1]).unsqueeze(1)                 # B,1,d
        lang_tokens = torch.cat(lang + [num], dim=1)                                  # B,M*T+1,d
        lang_mask = torch.cat([language_mask.reshape(b, self.m * self.t),
                               language_mask[:, 0, :1]], dim=1)
        vision_present = vision_mask.amax(dim=1)
        lang_present = lang_mask.amax(dim=1)
        lang2, l2v = self.lang_to_vision(lang_tokens, v, vision_mask, vision_present)
        vis2, v2l = self.vision_to_lang(v, lang_tokens, lang_mask, lang_present)
        # modality summaries: masked means
        summaries = [masked_mean(vis2, vision_mask)]
        present = [vision_present]
        for i in range(self.m):
            seg = lang2[:, i * self.t:(i + 1) * self.t]
            seg_mask = language_mask[:, i]
            if i == 0:
                seg = torch.cat([seg, lang2[:, -1:]], dim=1)
                seg_mask = torch.cat([seg_mask, language_mask[:, 0, :1]], dim=1)
            summaries.append(masked_mean(seg, seg_mask))
            present.append(seg_mask.amax(dim=1))
        s = torch.stack(summaries, dim=1)                                              # B,1+M,d
        p = torch.stack(present, dim=1)                                                # B,1+M
        logit = self.score(s).squeeze(-1).masked_fill(p < 0.5, NEG)
        alpha = torch.softmax(logit, dim=-1) * p
        alpha = alpha / alpha.sum(dim=1, keepdim=True).clamp_min(1e-6)
        fused = (alpha.unsqueeze(-1) * s).sum(dim=1)
        logits = self.head(fused)
        # evidence: attention mass per patch from present language queries, per word piece from
        # present patches
        qmask = lang_mask.unsqueeze(-1)
        vision_attention = (l2v * qmask).sum(1) / qmask.sum(1).clamp_min(1.0)           # B,P
        pmask = vision_mask.unsqueeze(-1)
        word_attention = (v2l * pmask).sum(1) / pmask.sum(1).clamp_min(1.0)             # B,M*T+1
        language_attention = word_attention[:, :self.m * self.t].reshape(b, self.m, self.t)
        return logits, alpha, vision_attention, language_attention


def masked_mean(x, mask):
    m = mask.unsqueeze(-1)
    return (x * m).sum(1) / m.sum(1).clamp_min(1.0)


class Exported(nn.Module):
    def __init__(self, bridge):
        super().__init__()
        self.bridge = bridge

    def forward(self, vision_tokens, vision_mask, language_tokens, language_mask, numeric):
        logits, alpha, va, la = self.bridge(vision_tokens, vision_mask, language_tokens,
                                            language_mask, numeric)
        return torch.softmax(logits, dim=-1), alpha, va, la


class Inputs:
    """All items' bridge inputs as tensors (float32), indexable by item."""

    def __init__(self, vision_tokens, vision_mask, language_tokens, language_mask, numeric):
        self.vt, self.vm, self.lt, self.lm, self.num = (
            torch.as_tensor(a) for a in (vision_tokens, vision_mask, language_tokens, language_mask,
                                         numeric))

    def batch(self, idx, keep=None, token_keep=None):
        """Inputs of items idx; keep [len(idx), 1+M] zeroes the masks of dropped modalities;
        token_keep [len(idx), M, T] zeroes the masks of dropped words."""
        vt, vm, lt, lm, num = self.vt[idx], self.vm[idx], self.lt[idx].float(), self.lm[idx], \
            self.num[idx]
        if keep is not None:
            vm = vm * keep[:, :1]
            lm = lm * keep[:, 1:].unsqueeze(-1)
        if token_keep is not None:
            lm = lm * token_keep
        return vt, vm, lt, lm, num

    def present(self, idx):
        return torch.cat([self.vm[idx].amax(1, keepdim=True), self.lm[idx].amax(2)], dim=1)


def train(inputs, y, train_idx, val_idx, classes, seed, epochs, log, score_fn, name,
          dims, batch=64, lr=1e-3, drop=0.35, word_drop=0.1):
    """Trains with modality dropout: each present modality of a training item is dropped with
    chance `drop` (at least one stays), so the model decides well with any subset present, and
    single-modality evaluation of the same model is meaningful. Each word token after the first
    is also dropped with chance `word_drop`: a transcript at run time may miss or change a word
    against the one exported for training (speech recognition varies), and the model should not
    hang on single words."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed + 7)
    model = Bridge(classes=classes, **dims)
    yt = torch.as_tensor(y)
    weight, opt, sched = optimizer(model, y, train_idx, classes, epochs, batch, lr)
    best, best_state, started = -1.0, None, time.time()
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(train_idx)
        for i in range(0, len(order), batch):
            idx = torch.from_numpy(order[i:i + batch])
            present = inputs.present(idx)
            keep = (torch.from_numpy(rng.random(present.shape)).float() >= drop).float() * present
            # at least one present modality stays
            none_left = keep.sum(1) == 0
            if none_left.any():
                first = present.float().argmax(1)
                keep[none_left, first[none_left]] = present[none_left, first[none_left]]
            token_keep = (torch.from_numpy(rng.random(inputs.lm[idx].shape)).float()
                          >= word_drop).float()
            token_keep[:, :, 0] = 1
            logits, *_ = model(*inputs.batch(idx, keep, token_keep))
            loss = F.cross_entropy(logits, yt[idx], weight=weight)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
        score = score_fn(predict(model, inputs, val_idx)[0], y[val_idx])
        log(f"  {name} epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, validation {score:.4f} "
            f"({time.time() - started:.0f} s)")
        if best_state is None or score > best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    return model


def optimizer(model, y, train_idx, classes, epochs, batch, lr):
    """Class weights (square-root inverse frequency on the training split), AdamW with weight
    decay 0.01 and a one-cycle schedule over every step of the run."""
    counts = np.bincount(y[train_idx], minlength=classes).astype(np.float64)
    weight = torch.tensor((counts.sum() / np.maximum(counts, 1) / classes) ** 0.5,
                          dtype=torch.float32)
    steps = max(1, epochs * ((len(train_idx) + batch - 1) // batch))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    return weight, opt, sched


@torch.no_grad()
def predict(model, inputs, idx, only=None):
    """Class probabilities and alpha for items idx; `only` = index of the single modality kept."""
    model.eval()
    probs, alphas = [], []
    for i in range(0, len(idx), 512):
        part = torch.from_numpy(np.asarray(idx[i:i + 512]))
        keep = None
        if only is not None:
            keep = torch.zeros(len(part), inputs.lm.shape[1] + 1)
            keep[:, only] = 1
        logits, alpha, _, _ = model(*inputs.batch(part, keep))
        probs.append(torch.softmax(logits, -1).numpy())
        alphas.append(alpha.numpy())
    return np.concatenate(probs), np.concatenate(alphas)


def export(model, inputs, path):
    model.eval()
    example = inputs.batch(torch.arange(2))
    torch.onnx.export(
        Exported(model), example, path,
        input_names=["vision_tokens", "vision_mask", "language_tokens", "language_mask", "numeric"],
        output_names=["probabilities", "alpha", "vision_attention", "language_attention"],
        dynamic_axes={n: {0: "batch"} for n in
                      ["vision_tokens", "vision_mask", "language_tokens", "language_mask", "numeric",
                       "probabilities", "alpha", "vision_attention", "language_attention"]},
        opset_version=17)
    with torch.no_grad():
        outs = Exported(model)(*example)
    onnx_shapes.pin(path, {name: [None] + list(o.shape[1:]) for name, o in zip(
        ["probabilities", "alpha", "vision_attention", "language_attention"], outs)})
