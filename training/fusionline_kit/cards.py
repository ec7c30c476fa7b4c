"""Model cards: card.json (machine-readable, checked by the Java tests) and MODEL_CARD.md, plus the
`<id>.SHA256SUMS` list the job verifies when it unpacks the model."""
import hashlib
import json
import os


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def finite(value):
    """NaN (a metric with one class only, as in a smoke run) becomes null: JSON has no NaN."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def write(folder, card, markdown):
    """Writes card.json (with the sha256 of every other file in the folder), MODEL_CARD.md and
    ../<folder name>.SHA256SUMS (every file, cards included)."""
    names = sorted(n for n in os.listdir(folder) if n not in ("card.json", "MODEL_CARD.md"))
    card["files"] = {n: sha256(os.path.join(folder, n)) for n in names}
    with open(os.path.join(folder, "card.json"), "w") as f:
        json.dump(finite(card), f, indent=2, allow_nan=False)
        f.write("\n")
    with open(os.path.join(folder, "MODEL_CARD.md"), "w") as f:
        f.write(markdown)
    all_names = sorted(os.listdir(folder))
    with open(folder.rstrip("/") + ".SHA256SUMS", "w") as f:
        for n in all_names:
            f.write(f"{sha256(os.path.join(folder, n))}  {n}\n")


def table(rows, header):
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"
