"""Count phrases and page labels in Arabic: one function (:func:`rag.wording.count_phrase`) for every
count the interface shows, with the counted noun's grammar (1, 2, 3–10, 11–99, 100+)."""

from __future__ import annotations

import pytest

from rag.wording import ARTICLE, OUTLET, SOURCE, count_phrase, page_label


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "مقال واحد"),
        (2, "مقالان"),
        (3, "3 مقالات"),
        (5, "5 مقالات"),
        (10, "10 مقالات"),
        (11, "11 مقالاً"),
        (15, "15 مقالاً"),
        (99, "99 مقالاً"),
        (100, "100 مقال"),
        (1000, "1000 مقال"),
        (103, "103 مقالات"),
        (115, "115 مقالاً"),
        (0, "0 مقالات"),
    ],
)
def test_articles_counted_in_arabic(n: int, expected: str) -> None:
    assert count_phrase(n, ARTICLE) == expected


def test_other_nouns_and_english() -> None:
    assert [count_phrase(n, SOURCE) for n in (1, 2, 4, 12, 200)] == [
        "مصدر واحد",
        "مصدران",
        "4 مصادر",
        "12 مصدراً",
        "200 مصدر",
    ]
    assert count_phrase(1, OUTLET) == "صحيفة واحدة"
    assert [count_phrase(n, ARTICLE, arabic=False) for n in (1, 5)] == ["1 article", "5 articles"]
    with pytest.raises(ValueError):
        count_phrase(-1, ARTICLE)


def test_page_label() -> None:
    assert page_label(3, arabic=True) == "ص 3" and page_label(3, arabic=False) == "p. 3"


def test_no_count_phrase_is_written_by_hand() -> None:
    """The interface's Arabic count phrases all come from count_phrase: no hand-written "{n} مقالاً"."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    by_hand = re.compile(r"\}\s*(?:مقالاً|مقالات|مصادر|مصدراً)")
    found = [
        f"{path.relative_to(root)}:{i}"
        for folder in ("ui", "rag")
        for path in sorted((root / folder).rglob("*.py"))
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line)
    ]
    assert not found, found


def test_api_and_cli_source_lines_name_the_page_in_the_questions_language() -> None:
    from rag.types import Answer, Citation
    from ui.api.replies import sources_block

    cited = Citation(1, "news.pdf", "/c", 0, 12, "افتتح المعرض.", 0, 12, page=2)
    assert "· ص 2 ·" in sources_block(Answer("من افتتح المعرض؟", "افتتح المعرض. [1]", True, [cited]))
    assert "· p. 2 ·" in sources_block(Answer("Who opened it?", "افتتح المعرض. [1]", True, [cited]))
