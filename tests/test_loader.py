from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loader import ArticleError, find_articles, read_article

ARABIC = "قتل 3 أشخاص وأصيب 22 آخرون بجروح في دمشق القديمة."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARABIC.encode("utf-8"), "utf-8"),
        (ARABIC.encode("cp1256"), "cp1256"),
        (ARABIC.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    article = read_article(path)
    assert article.text == ARABIC
    assert article.encoding == encoding


def test_crlf_is_read_as_python_reads_text(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("سطر أول\r\nسطر ثان\r\n".encode())
    assert read_article(path).text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(0x80, 0xFF)) * 4, "not UTF-8"),
    ],
)
def test_bad_files_are_refused_with_the_file_name(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad file.txt"
    path.write_bytes(data)
    with pytest.raises(ArticleError, match=reason) as error:
        read_article(path)
    assert "bad file.txt" in str(error.value)


def test_find_articles_filters_and_skips_hidden_and_outside_links(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text(ARABIC, encoding="utf-8")
    (corpus / "sub" / "مقال.md").write_text(ARABIC, encoding="utf-8")
    (corpus / "image.png").write_bytes(b"\x89PNG")
    (corpus / ".hidden.txt").write_text(ARABIC, encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text(ARABIC, encoding="utf-8")
    (corpus / "link.txt").symlink_to(outside)
    found = [p.relative_to(corpus).as_posix() for p in find_articles(corpus, [".txt", ".md"])]
    assert found == ["a.txt", "sub/مقال.md"]
