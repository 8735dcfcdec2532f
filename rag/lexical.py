"""The lexical index: BM25 (``bm25s``) over normalised, stemmed Arabic tokens.

It lives in ``<index>/lexical`` beside Chroma and holds the same chunk ids.
``bm25s`` has no incremental update, so each change re-indexes the stored token
lists (fast: no text is re-tokenised) and the folder is replaced as a whole.
"""

from __future__ import annotations

import json
import math
from array import array
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping, Set
from pathlib import Path

import numpy as np

from ingest.errors import SanadError

__all__ = ["LexicalIndex", "LexicalIndexError"]

_TOKENS = "tokens.jsonl"
_IDS = "ids.json"
_META = "meta.json"
_BM25 = "bm25"


class LexicalIndexError(SanadError, RuntimeError):
    """The lexical index on disk is damaged or was built with other settings."""


class LexicalIndex:
    """BM25 over token lists keyed by chunk id, persisted in one folder."""

    def __init__(self, folder: Path, *, stemming: bool = True) -> None:
        self.folder = folder
        self.stemming = stemming
        self._tokens: dict[str, str] = {}
        self._ids: list[str] = []
        self._bm25: object | None = None
        self._df: dict[str, int] = {}
        #: Changes with every save; a Chroma server's collection records the stamp of the index
        #: that matches it, so a reader elsewhere can tell that its copy is stale.
        self.stamp: str | None = None

    # ----------------------------------------------------------------- loading
    @classmethod
    def open(cls, folder: Path, *, stemming: bool = True) -> LexicalIndex:
        """Open the index in ``folder`` (empty if there is none yet)."""
        index = cls(folder, stemming=stemming)
        if not folder.exists() and folder.with_name(folder.name + ".old").exists():
            folder.with_name(folder.name + ".old").rename(folder)  # a swap was cut short
        if (folder / _META).exists():
            index._load()
        return index

    def _load(self) -> None:
        import bm25s

        try:
            meta = json.loads((self.folder / _META).read_text(encoding="utf-8"))
            if meta.get("stemming") != self.stemming:
                raise LexicalIndexError(
                    f"{self.folder}: built with stemming={meta.get('stemming')}, config says {self.stemming}; "
                    "run `sanad ingest --rebuild`"
                )
            self.stamp = meta.get("stamp")
            self._ids = json.loads((self.folder / _IDS).read_text(encoding="utf-8"))
            if self._ids:
                self._set_bm25(bm25s.BM25.load(str(self.folder / _BM25), show_progress=False, verbosity=0))
            if len(self._ids) != meta.get("chunks"):
                raise ValueError(f"{len(self._ids)} ids, meta says {meta.get('chunks')}")
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise LexicalIndexError(
                f"{self.folder}: lexical index is damaged ({exc}); run `sanad ingest --rebuild`"
            ) from exc

    def verify(self) -> None:
        """Read everything a change needs; raise :class:`LexicalIndexError` if any of it is damaged."""
        self._load_tokens()

    def _load_tokens(self) -> None:
        """Read the stored token lists (needed only to change the index)."""
        if self._tokens or not self._ids:
            return
        tokens: dict[str, str] = {}
        try:
            with open(self.folder / _TOKENS, encoding="utf-8") as handle:
                for line in handle:
                    row = json.loads(line)
                    tokens[row["id"]] = row["t"]
            if set(tokens) != set(self._ids):
                raise ValueError(f"{len(tokens)} token lists for {len(self._ids)} ids")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LexicalIndexError(
                f"{self.folder}: lexical index is damaged ({_TOKENS}: {exc}); run `sanad ingest --rebuild`"
            ) from exc
        self._tokens = tokens

    def _set_bm25(self, retriever: object) -> None:
        indptr = np.asarray(retriever.scores["indptr"])  # type: ignore[attr-defined]
        doc_freq = np.diff(indptr)
        vocab = retriever.vocab_dict  # type: ignore[attr-defined]
        self._df = {token: int(doc_freq[col]) for token, col in vocab.items() if token}
        self._bm25 = retriever

    # ----------------------------------------------------------------- writing
    def update(self, remove: Iterable[str], add: Mapping[str, list[str]], *, stamp: str | None = None) -> None:
        """Drop the ``remove`` ids, add ``add`` (id -> tokens), re-index and save under ``stamp``
        (default: a new one)."""
        self._load_tokens()
        for chunk_id in remove:
            self._tokens.pop(chunk_id, None)
        for chunk_id, tokens in add.items():
            self._tokens[chunk_id] = " ".join(tokens)
        self._rebuild()
        self.stamp = stamp or uuid.uuid4().hex
        self._save(self.folder)

    def replace(self, tokens: Mapping[str, list[str]], *, stamp: str | None) -> None:
        """Hold exactly ``tokens`` (id -> tokens), without reading the old folder; save under ``stamp``."""
        self._tokens = {chunk_id: " ".join(t) for chunk_id, t in tokens.items()}
        self._rebuild()
        self.stamp = stamp or uuid.uuid4().hex
        self._save(self.folder)

    def clear(self) -> None:
        """Remove every chunk (the caller saves by the next :meth:`update`)."""
        self._tokens, self._ids, self._bm25, self._df = {}, [], None, {}
        shutil.rmtree(self.folder, ignore_errors=True)

    def _rebuild(self) -> None:
        import bm25s

        self._ids = list(self._tokens)
        if self._ids:
            # Token ids as compact int arrays, one document at a time: handing bm25s every document's token
            # strings at once costs ~0.7 GB at 170k chunks (the whole SaudiNewsNet archive); the scores are
            # the same (a token's id only names its column).
            vocab: dict[str, int] = {}
            ids = [array("i", [vocab.setdefault(t, len(vocab)) for t in self._tokens[i].split()]) for i in self._ids]
            retriever = bm25s.BM25()
            retriever.index((ids, vocab), show_progress=False)
            self._set_bm25(retriever)
        else:
            self._bm25, self._df = None, {}

    def _save(self, folder: Path) -> None:
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with open(tmp / _TOKENS, "w", encoding="utf-8") as handle:
            for chunk_id in self._ids:
                handle.write(json.dumps({"id": chunk_id, "t": self._tokens[chunk_id]}, ensure_ascii=False) + "\n")
        (tmp / _IDS).write_text(json.dumps(self._ids, ensure_ascii=False), encoding="utf-8")
        if self._bm25 is not None:
            self._bm25.save(str(tmp / _BM25), show_progress=False)  # type: ignore[attr-defined]
        (tmp / _META).write_text(
            json.dumps({"stemming": self.stemming, "chunks": len(self._ids), "stamp": self.stamp}), encoding="utf-8"
        )
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    # ----------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> set[str]:
        """Every chunk id in the index."""
        return set(self._ids)

    def idf(self, token: str) -> float:
        """BM25-style inverse document frequency of a token (high for rare tokens)."""
        n = max(len(self._ids), 1)
        df = self._df.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, tokens: list[str], k: int, allowed: Set[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` best chunk ids for ``tokens`` with their BM25 scores (zero scores dropped), among
        ``allowed`` ids only when it is given (filtered before the ``k`` best are taken).

        Equal scores go by chunk id, not by where a chunk sits in the index (which depends on the
        order chunks were added), so indexes holding the same chunks give the same list."""
        if self._bm25 is None or not tokens or k <= 0:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens))  # type: ignore[attr-defined]
        if allowed is not None:
            scores = np.where(np.fromiter((i in allowed for i in self._ids), bool, len(self._ids)), scores, 0.0)
        top = np.flatnonzero(scores > 0)
        if len(top) > k:  # keep every chunk tied with the k-th best, then break the ties by id
            kth = np.partition(scores[top], len(top) - k)[len(top) - k]
            top = top[scores[top] >= kth]
        ranked = sorted(((self._ids[i], float(scores[i])) for i in top), key=lambda hit: (-hit[1], hit[0]))
        return ranked[:k]
