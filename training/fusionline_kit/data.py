"""Reads what `./fusionline export-dataset` wrote: manifest, items, and the tensor files."""
import json
import os

import numpy as np

# The vision stage's normalization, (pixel / 255 - mean) / std in RGB order; the descriptors the kit
# writes carry the same numbers, so Java's FramePreprocessor makes the same tensors.
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


class Dataset:
    """One exported folder: `items` (list of dicts), `manifest`, and lazily the tensor files."""

    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "manifest.json")) as f:
            self.manifest = json.load(f)
        with open(os.path.join(folder, "items.jsonl")) as f:
            self.items = [json.loads(line) for line in f]
        self.split = np.array([it["split"] for it in self.items])

    def indices(self, split):
        return np.where(self.split == split)[0]

    def pixel_size(self):
        p = self.manifest["pixels"]
        return p["width"], p["height"]

    def images(self, name):
        """`pixels.u8` or `documents.u8` as uint8 [N, H, W, 3] BGR (memory-mapped)."""
        w, h = self.pixel_size()
        raw = np.memmap(os.path.join(self.folder, name), dtype=np.uint8, mode="r")
        return raw.reshape(-1, h, w, 3)

    def masks(self):
        w, h = self.pixel_size()
        raw = np.memmap(os.path.join(self.folder, "masks.u8"), dtype=np.uint8, mode="r")
        return raw.reshape(-1, h, w)

    def tokens(self):
        """`tokens.f16` as float16 [rows, maxTokens, dim] (memory-mapped)."""
        t = self.manifest["tokens"]
        raw = np.memmap(os.path.join(self.folder, "tokens.f16"), dtype="<f2", mode="r")
        return raw.reshape(-1, t["maxTokens"], t["dim"])

    def sha256(self):
        """Everything that identifies the data: the combined hash and each tensor file's."""
        return {"items_and_images": self.manifest["sha256"], **self.manifest.get("files", {})}


def normalize(bgr_uint8):
    """uint8 [N, H, W, 3] BGR -> float32 [N, 3, H, W] RGB, normalized as the vision stage does.

    Same arithmetic as FramePreprocessor: p * (1 / (255 * std)) + (-mean / std), in float32."""
    rgb = np.ascontiguousarray(bgr_uint8[..., ::-1]).astype(np.float32)
    mul = (1.0 / (np.float32(255.0) * STD)).astype(np.float32)
    add = (-MEAN / STD).astype(np.float32)
    return (rgb * mul + add).transpose(0, 3, 1, 2).copy()
