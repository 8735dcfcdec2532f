from __future__ import annotations

import pytest

from ingest.textnorm import content_tokens, is_arabic, normalize, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("الأُمَمُ المتّحدة", "الامم المتحده"),  # diacritics, shadda, alef with hamza, taa marbuta
        ("إرفيه لادسوس", "ارفيه لادسوس"),
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("ســــوريا", "سوريا"),  # tatweel (kashida) run
        ("عام ٢٠١٢", "عام 2012"),  # Arabic-Indic digits
        ("ﻻ", "لا"),  # presentation form
        ("«جمعة المقاومة الشعبية»، ", "جمعه المقاومه الشعبيه"),  # punctuation becomes space
        ("حمص\u200f\u200b", "حمص"),  # direction mark, zero-width space
        ("Kofi ANNAN", "kofi annan"),
    ],
)
def test_normalize_folds_for_matching(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_tokenize_stems_and_drops_stopwords() -> None:
    tokens = tokenize("كم دولة صوّتت بالموافقة على القرار؟")
    assert "علي" not in tokens and "كم" not in tokens
    assert tokenize("الدول") == tokenize("دول")  # the article is stemmed away


def test_run_together_words_match_their_parts() -> None:
    fused = set(tokenize("الأممالمتحدة"))
    apart = set(tokenize("الأمم المتحدة"))
    assert apart <= fused


def test_english_tokens_are_stemmed_with_the_english_stemmer() -> None:
    assert tokenize("refugees registered") == tokenize("refugee register")


def test_stemming_can_be_switched_off() -> None:
    assert tokenize("بالموافقة", stem=False) == ["بالموافقه"]


def test_is_arabic() -> None:
    assert is_arabic("من هو قائد لواء التوحيد؟")
    assert not is_arabic("Who leads the Tawhid Brigade?")
    assert is_arabic("ما هو موقف UN من القرار؟")
    assert not is_arabic("12345")


def test_content_tokens_is_a_set() -> None:
    assert content_tokens("سوريا سوريا") == {tokenize("سوريا")[0]}
