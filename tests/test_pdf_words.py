"""Every word of the seed articles printed to PDF by Chromium reads as in the .txt.

A word: a run of letters with their diacritics (Arabic or Latin) or of digits, NFKC-folded; the
punctuation between words is not a word. The PDF's words, in order, are aligned with the .txt's
(``difflib``); what differs is listed below, each with its cause, and must stay under 0.2 % of the
words. The issue: pypdf's layout mode put spaces inside words where glyphs touch («م ؤتمر», «ال
رئيس») and moved a vowel across a space («قُتِلَ الجمعة» → «قُتِ لَالجمعة»);
:mod:`ingest.formats.pdf_words` mends them by the words the PDF draws (docs/formats.md).

Needs Debian's Chromium to print the PDFs; skipped without it, as the browser tests are.
"""

from __future__ import annotations

import difflib
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from ingest.formats.pdf import read_pdf
from ingest.formats.pdf_words import mend_words
from tests.conftest import SEEDS, article_text

#: Differences left, (seed, .txt words, PDF words): a shadda the PDF draws as a glyph without a
#: Unicode mapping (lost from its text layer), and two glyphs at a page's end read as letters.
KNOWN = {
    ("001", "كبَّد", "كبد"),
    ("001", "عبَّر", "عبر"),
    ("002", "", "أأ"),
}
#: Share of the seeds' words that may differ.
LIMIT = 0.002
_WORDS = re.compile(r"[^\W\d_][^\W\d_\u064b-\u065f\u0670]*(?:[\u064b-\u065f\u0670]+[^\W\d_]*)*|\d+")


def words(text: str) -> list[str]:
    """The words of ``text`` (NFKC), diacritics kept, punctuation dropped."""
    return [w for w in _WORDS.findall(unicodedata.normalize("NFKC", text))]


def test_words_split_by_the_layout_are_mended_by_the_drawn_words() -> None:
    drawn = {"عقد", "مؤتمر", "باريس", "قُتِلَ", "الجمعة", "الرئيس", "الفرنسي", "احتجاجاً"}
    assert mend_words("عقد م ؤتمر باريس", drawn) == "عقد مؤتمر باريس"
    assert mend_words("قال ال رئيس الف رنسي", drawn) == "قال الرئيس الفرنسي"
    assert mend_words("قُتِ لَالجمعة", drawn) == "قُتِلَ الجمعة"
    assert mend_words("«قُتِلَالجمعة»", drawn) == "«قُتِلَ الجمعة»"
    assert mend_words("انشقاقهم احتجاجا ً عن", drawn) == "انشقاقهم احتجاجاً عن"
    # a vowel set on the wrong letter takes the drawn word's place; a plausible word is kept as it is
    # when the drawing (a bold font's mark drawn apart) has its mark elsewhere
    assert mend_words("قُتَِل الجمعة", drawn) == "قُتِلَ الجمعة"
    assert mend_words("وبشكلٍ عاجل", {"وٍبشكل", "عاجل"}) == "وبشكلٍ عاجل"
    # words the drawing shows as they are stay as they are, and two drawn words are not joined
    assert mend_words("في باريس عقد مؤتمر", drawn) == "في باريس عقد مؤتمر"
    assert mend_words("مؤتمر باريس", drawn | {"مؤتمرباريس"}) == "مؤتمر باريس"


@pytest.mark.slow
def test_every_word_of_the_seed_pdfs_is_the_txts(tmp_path: Path) -> None:
    if not Path(shutil.which("chromium") or "/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from tools.make_format_fixtures import article_page, print_pdf

    total, differing = 0, set()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = article_text(seed)
        pdf = tmp_path / f"{seed.stem}.pdf"
        print_pdf(article_page(text), pdf)
        want, got = words(text), words(read_pdf(pdf.read_bytes(), pdf.name).text)
        total += len(want)
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
            if op != "equal":
                differing.add((seed.name[:3], " ".join(want[a1:a2]), " ".join(got[b1:b2])))
    assert differing <= KNOWN, sorted(differing - KNOWN)
    assert len(differing) / total < LIMIT, (len(differing), total)
