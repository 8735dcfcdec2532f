"""A PDF answers as its .txt does: the seed articles printed to PDF by Chromium, ingested into one
index, and the same articles as .txt in another, asked the seed questions.

The issue: every printed line of a PDF became a sentence, so answers stopped mid-sentence (or were
refused), and guillemets came out mirrored (»…« for «…»).

"Answers like" the .txt: both refuse, or both answer and their first quotes hold the same words:
after :func:`ingest.textnorm.normalize` (NFKC first; diacritics, hamza and presentation forms fold,
punctuation drops) the tokens the two quotes share, counted with repeats, are at least 90 % of the
longer quote's tokens. A quote equal up to the PDF's known diacritic noise (a shadda or tanween
shifted onto a neighbouring letter) agrees; a printed line cut out of a sentence, or another
sentence, does not. The questions are the answerable Arabic ones of eval/gold_seeds.jsonl (45).
Measured (docs/formats.md): 1 of 45 before the fix, 45 of 45 after.

Needs Debian's Chromium to print the PDFs; skipped without it, as the browser tests are (CI
installs it).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from ingest.chunker import split_sentences
from ingest.documents import extract
from ingest.textnorm import is_arabic, normalize
from rag import Assistant
from rag.gold import GoldItem, read_gold
from rag.types import Answer
from tests.conftest import GOLD, SEEDS, article_text, write_config

if not Path(shutil.which("chromium") or "/usr/bin/chromium").exists():
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

from tools.make_format_fixtures import article_page, print_pdf  # noqa: E402

pytestmark = pytest.mark.slow

#: Share of the seed questions a PDF must answer as its .txt does.
AGREEMENT = 0.95
#: Shared normalised tokens over the longer quote's, for two quotes to be the same sentence.
SAME_QUOTE = 0.9
PARIS_DEMAND = "ماذا طالب المشاركون في مؤتمر باريس مجلس الأمن؟"
PARIS_PLACE = "أين عقد مؤتمر أصدقاء الشعب السوري؟"


def overlap(a: str, b: str) -> float:
    """Normalised tokens shared by ``a`` and ``b`` (with repeats) over the longer one's count."""
    ta, tb = Counter(normalize(a).split()), Counter(normalize(b).split())
    return sum((ta & tb).values()) / max(sum(ta.values()), sum(tb.values()), 1)


def answers_alike(txt: Answer, pdf: Answer) -> bool:
    if not txt.found or not pdf.found:
        return txt.found == pdf.found
    return overlap(txt.citations[0].text, pdf.citations[0].text) >= SAME_QUOTE


def _index(folder: Path, corpus: Path) -> Assistant:
    folder.mkdir()
    assistant = Assistant.from_config(
        write_config(folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")})
    )
    report = assistant.ingest()
    assert len(report.added) == 5 and not report.failed, report.summary()
    return assistant


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Assistant]:
    """``(txt index, pdf index)``: each seed as itself, and printed by Chromium as an RTL page of its
    paragraphs (``tools/make_format_fixtures.py``, as the committed PDFs are)."""
    folder = tmp_path_factory.mktemp("pdf-answers")
    txt, pdf = folder / "txt", folder / "pdf"
    txt.mkdir()
    pdf.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, txt / seed.name)
        print_pdf(article_page(article_text(seed)), pdf / f"{seed.stem}.pdf")
    return _index(folder / "txt-index", txt), _index(folder / "pdf-index", pdf)


@pytest.fixture(scope="module")
def answers(indexes: tuple[Assistant, Assistant]) -> list[tuple[GoldItem, Answer, Answer]]:
    txt, pdf = indexes
    items = [item for item in read_gold(GOLD) if item.source and is_arabic(item.question)]
    assert len(items) == 45
    return [(item, txt.ask(item.question), pdf.ask(item.question)) for item in items]


def _shown(answer: Answer) -> str:
    return answer.citations[0].text if answer.found else "(refused)"


def test_seed_questions_answer_over_the_pdfs_as_over_the_txt(answers: list[tuple[GoldItem, Answer, Answer]]) -> None:
    differ = [(item, txt, pdf) for item, txt, pdf in answers if not answers_alike(txt, pdf)]
    agreement = 1 - len(differ) / len(answers)
    report = "\n".join(f"{i.id}: txt {_shown(t)!r}\n        pdf {_shown(p)!r}" for i, t, p in differ)
    assert agreement >= AGREEMENT, f"{agreement:.3f} of the seed questions answered alike:\n{report}"


def test_pdf_citations_quote_the_stored_text_exactly(
    indexes: tuple[Assistant, Assistant], answers: list[tuple[GoldItem, Answer, Answer]]
) -> None:
    _, pdf = indexes
    cited = [c for _, _, answer in answers for c in answer.citations]
    assert cited and all(c.file.endswith(".pdf") for c in cited)
    texts = {file: pdf.read_source(file).text for file in {c.file for c in cited}}
    for citation in cited:
        text = texts[citation.file]
        assert text[citation.start : citation.end] == citation.text
        assert citation.page == 1 + text.count("\f", 0, citation.start)


def test_the_issue_questions_are_answered_whole_from_the_pdf(indexes: tuple[Assistant, Assistant]) -> None:
    txt, pdf = indexes
    place = pdf.ask(PARIS_PLACE)
    assert place.found and "باريس" in place.citations[0].text
    demand, demand_txt = pdf.ask(PARIS_DEMAND), txt.ask(PARIS_DEMAND)
    assert demand.found and answers_alike(demand_txt, demand)
    assert demand.citations[0].text.endswith(".")  # a whole sentence, not a printed line
    # The sentence of the final statement is stored whole, the demand in it and its guillemets
    # the right way round, and ends after the demand.
    article = pdf.read_source("004_8bb0b02f1c03471e.pdf").text
    [statement] = [s.text for s in split_sentences(article) if "يطالبون مجلس الأمن" in s.text]
    assert "بأن «يفرض إجراءات تضمن احترام هذا القرار»، أي فرض عقوبات" in statement
    assert statement.endswith("ضد نظام دمشق.")


def test_paragraphs_without_a_gap_between_them_stay_apart(tmp_path: Path) -> None:
    # No margin between paragraphs: a paragraph's last line, short and ending a sentence, ends it;
    # a separator line (=====) stands alone. Seed 002: 21 paragraphs, each ending a sentence, and 2
    # separators; one paragraph whose last line runs nearly full width cannot be told apart.
    lines = [line for line in article_text(SEEDS / "002_ee81a42cfdca4982.txt").split("\n") if line]
    page = article_page("\n".join(lines)).replace("</head>", "<style>p { margin: 0 }</style></head>")
    print_pdf(page, tmp_path / "tight.pdf")
    [document] = extract((tmp_path / "tight.pdf").read_bytes(), "tight.pdf")[0].documents
    got = document.text.replace("\f", "\n").split("\n")
    separators = [line for line in lines if not normalize(line).strip()]
    assert len(separators) == 2 and [line for line in got if line in separators] == separators
    words = [" ".join(normalize(line).split()) for line in got]
    for paragraph in (line for line in lines if line not in separators):  # none is cut: each lies whole in one
        assert sum(" ".join(normalize(paragraph).split()) in line for line in words) == 1, paragraph
    assert len(got) >= 0.9 * len(lines)
