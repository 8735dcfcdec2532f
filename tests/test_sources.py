"""The source reader only opens ingested files inside their folder (real ingest, real files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import Assistant
from rag.sources import SourceRefused
from tests.conftest import article_text


@pytest.fixture()
def assistant(small_config: Path) -> Assistant:
    assistant = Assistant.from_config(small_config)
    assert len(assistant.ingest().added) == 3
    return assistant


def test_reads_an_ingested_article_as_the_index_did(assistant: Assistant, small_corpus: Path) -> None:
    source = assistant.read_source("b.txt")
    assert source.text == (small_corpus / "b.txt").read_text(encoding="utf-8")
    assert source.file == "b.txt" and Path(source.root) == small_corpus.resolve() and not source.changed
    answer = assistant.ask("أين عقد مؤتمر أصدقاء الشعب السوري؟")
    assert answer.found
    for citation in answer.citations:  # citations index into the text the reader returns
        text = assistant.read_source(citation.file, citation.root).text
        assert text[citation.start : citation.end] == citation.text


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../config.yaml", "not a file name inside the corpus"),
        ("../../../../etc/passwd", "not a file name inside the corpus"),
        ("/etc/passwd", "not a file name inside the corpus"),
        ("..\\a.txt", "not a file name inside the corpus"),
        ("C:\\Windows\\win.ini", "not a file name inside the corpus"),
        ("", "not a file name inside the corpus"),
        ("d.txt", "not an ingested article"),
        ("config.yaml", "not an ingested article"),
    ],
)
def test_crafted_names_are_refused(assistant: Assistant, name: str, reason: str) -> None:
    with pytest.raises(SourceRefused, match=reason) as refused:
        assistant.read_source(name)
    assert str(refused.value).startswith(f"{name}: refused")


def test_absolute_path_of_an_ingested_file_is_refused(assistant: Assistant, small_corpus: Path) -> None:
    with pytest.raises(SourceRefused, match="not a file name inside the corpus"):
        assistant.read_source(str(small_corpus / "a.txt"))


def test_a_file_replaced_by_a_link_out_of_the_corpus_is_refused(
    assistant: Assistant, small_corpus: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("كلمة السر: لا تُقرأ", encoding="utf-8")
    (small_corpus / "a.txt").unlink()
    (small_corpus / "a.txt").symlink_to(secret)
    with pytest.raises(SourceRefused, match="leads outside the corpus folder"):
        assistant.read_source("a.txt")


def test_a_file_changed_since_ingest_is_flagged(assistant: Assistant, small_corpus: Path) -> None:
    (small_corpus / "c.txt").write_text("نص جديد تماماً عن موضوع آخر.", encoding="utf-8")
    source = assistant.read_source("c.txt")
    assert source.changed and source.text == "نص جديد تماماً عن موضوع آخر."


def test_a_file_deleted_since_ingest_is_refused_with_its_name(assistant: Assistant, small_corpus: Path) -> None:
    (small_corpus / "c.txt").unlink()
    with pytest.raises(SourceRefused, match=r"^c\.txt: cannot be read now"):
        assistant.read_source("c.txt")


def test_a_seed_without_a_headline_is_cited_by_its_first_words(seed_assistant, seed_corpus) -> None:
    """The seeds open straight into their first sentence: no headline, so answers name them by their
    first words (the ingested manifest, the citation, ``ask --json`` and the chat's source line)."""
    from ingest.chunker import opening_words
    from ui.render import source_line

    answer = seed_assistant.ask("كم عدد العائلات المحاصرة في حمص؟")
    assert answer.found and answer.citations
    cited = answer.citations[0]
    text = article_text(seed_corpus / cited.file)
    assert cited.title == "" and cited.lead == opening_words(text) and text.startswith(cited.lead.rstrip("…"))
    assert 3 <= len(cited.lead.split()) <= 8 and cited.lead.endswith("…")
    assert answer.to_dict()["citations"][0]["lead"] == cited.lead
    assert all(r.lead and not r.title for r in seed_assistant.sources())
    line = source_line(cited)
    assert line.startswith(f"**{cited.lead}**") and f"{cited.start}–{cited.end}" not in line
