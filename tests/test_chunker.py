from __future__ import annotations

import pytest

from ingest.chunker import chunk_text, split_sentences
from tests.conftest import SEEDS, article_text


def _all_seed_texts() -> list[tuple[str, str]]:
    return [(p.name, article_text(p)) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.mark.parametrize(("name", "text"), _all_seed_texts())
def test_chunks_quote_the_seed_files_exactly(name: str, text: str) -> None:
    chunks = chunk_text(text, max_chars=450, max_sentences=3)
    assert chunks, name
    previous_end = 0
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.start >= previous_end  # in order, no overlap
        assert len(chunk.text) <= 450
        previous_end = chunk.end


@pytest.mark.parametrize(("name", "text"), _all_seed_texts())
def test_chunks_cover_every_word(name: str, text: str) -> None:
    chunks = chunk_text(text)
    covered = [False] * len(text)
    for chunk in chunks:
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    # Whatever is left out is whitespace or separator punctuation (`=====`).
    left_out = "".join(ch for ch, hit in zip(text, covered, strict=True) if not hit)
    assert all(not ch.isalnum() for ch in left_out), name


def test_arabic_terminators_split_sentences() -> None:
    text = "هل انتهى الاجتماع؟ نعم، انتهى أمس! وسيعقد اجتماع آخر؛ ربما في باريس."
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["هل انتهى الاجتماع؟", "نعم، انتهى أمس!", "وسيعقد اجتماع آخر؛", "ربما في باريس."]


def test_full_stop_glued_to_the_next_word_still_splits() -> None:
    text = 'سمع دوي انفجارات في أحياء مدينة "حمص" .وعاد الحديث إلى إمكانية إرسال قوات دولية.'
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        'سمع دوي انفجارات في أحياء مدينة "حمص" .',
        "وعاد الحديث إلى إمكانية إرسال قوات دولية.",
    ]


def test_decimal_numbers_do_not_end_sentences() -> None:
    text = "بلغ النمو 3.5 في المئة هذا العام. وهذا رقم جيد."
    assert len(split_sentences(text)) == 2


def test_long_sentence_is_cut_at_arabic_commas() -> None:
    clause = "وقال المتحدث إن الوضع الإنساني يزداد سوءا في المدينة المحاصرة"
    text = "، ".join([clause] * 12) + "."
    sentences = split_sentences(text, max_chars=200)
    assert len(sentences) > 1
    assert all(len(s.text) <= 200 for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert sentences[0].text.endswith("،")


def test_separator_lines_are_dropped_and_never_crossed() -> None:
    text = "الفقرة الأولى عن حمص.\n=============\nالفقرة الثانية عن حلب."
    chunks = chunk_text(text, max_sentences=5)
    assert [c.text for c in chunks] == ["الفقرة الأولى عن حمص.", "الفقرة الثانية عن حلب."]


def test_offset_is_added_to_sentence_positions() -> None:
    text = "جملة أولى. جملة ثانية."
    sentences = split_sentences(text, offset=100)
    assert [(s.start, s.end) for s in sentences] == [(100, 110), (111, 122)]


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"max_sentences": 0}, "max_sentences"), ({"max_chars": 5}, "max_chars")]
)
def test_invalid_arguments_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        chunk_text("نص قصير.", **kwargs)


def test_text_without_words_gives_no_chunks() -> None:
    assert chunk_text("...  ===  ؟؟") == []
