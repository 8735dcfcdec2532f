"""Exports with one article per record: JSON (an array, or an object holding one), JSON lines, CSV.

Which field holds what is a mapping (``corpus.records`` in the configuration); the defaults know
the usual names, SaudiNewsNet's among them. A record that cannot be read is reported with its
line or record number; the others are kept.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ingest.formats.dates import iso_date
from ingest.formats.document import Document, Extraction
from ingest.loader import ArticleError, decode_article

__all__ = ["DEFAULT_FIELDS", "read_csv", "read_json", "read_jsonl", "documents_from_records"]

#: For each article attribute, the record fields tried in order (case-insensitive).
DEFAULT_FIELDS: dict[str, list[str]] = {
    "text": ["content", "text", "body", "article", "article_text", "story"],
    "title": ["title", "headline", "heading"],
    "published": ["published", "date", "date_published", "published_at", "pubdate", "date_extracted"],
    "publisher": ["publisher", "source", "site", "sitename", "outlet", "newspaper"],
    "author": ["author", "authors", "byline", "writer"],
    "url": ["url", "link", "canonical_url"],
    "id": ["id", "_id", "guid", "uuid", "article_id"],
}
_LIST_KEYS = ("articles", "records", "items", "data", "results")

Fields = Mapping[str, Sequence[str]]


def _field(record: Mapping[str, Any], names: Sequence[str]) -> Any:
    lowered = {str(k).lower(): v for k, v in record.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, "", []):
            return value
    return None


def _string(value: Any) -> str:
    if isinstance(value, list):
        return "، ".join(str(v).strip() for v in value if str(v).strip())
    return "" if value is None else str(value).strip()


def documents_from_records(
    records: Iterator[tuple[str, Any]], name: str, fields: Fields, *, label: str = "record"
) -> Extraction:
    """One document per ``(position, record)``; a record that is not an object or has no text is a problem."""
    fields = {**DEFAULT_FIELDS, **{k: list(v) for k, v in fields.items()}}
    out = Extraction()
    seen: set[str] = set()
    for position, record in records:
        where = f"{name}: {label} {position}"
        if not isinstance(record, Mapping):
            out.problems.append((where, f"not an object ({type(record).__name__})"))
            out.complete = False
            continue
        ident = _string(_field(record, fields["id"])) or position
        if ident in seen:  # two records with the same id: the position tells them apart
            ident = f"{ident}@{position}"
        seen.add(ident)
        text = _string(_field(record, fields["text"])).replace("\r\n", "\n").replace("\r", "\n")
        if not text:
            out.problems.append((where, f"no text (none of the fields {', '.join(fields['text'])})"))
            out.failed_records.append(ident)
            continue
        out.documents.append(
            Document(
                text=text,
                title=html.unescape(_string(_field(record, fields["title"]))),  # crawls keep "&#8220;" in titles
                published=iso_date(_string(_field(record, fields["published"]))),
                publisher=html.unescape(_string(_field(record, fields["publisher"]))),
                author=html.unescape(_string(_field(record, fields["author"]))),
                url=_string(_field(record, fields["url"])),
                record=ident,
            )
        )
    return out


def read_json(data: bytes, name: str, fields: Fields) -> Extraction:
    """A JSON array of records (or an object with one under ``articles``/``records``/…, or one record).

    Raises:
        ArticleError: the file is not JSON.
    """
    text, _ = decode_article(data, name)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if isinstance(value, dict):
        inner = next((value[k] for k in _LIST_KEYS if isinstance(value.get(k), list)), None)
        value = inner if inner is not None else [value]
    if not isinstance(value, list):
        raise ArticleError(f"{name}: JSON holds a {type(value).__name__}, not articles")
    return documents_from_records(((str(i), r) for i, r in enumerate(value, start=1)), name, fields)


def read_jsonl(data: bytes, name: str, fields: Fields) -> Extraction:
    """One JSON object per line; a line that does not parse is reported with its number."""
    text, _ = decode_article(data, name)
    bad: list[tuple[str, str]] = []

    def records() -> Iterator[tuple[str, Any]]:
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                yield str(number), json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append((f"{name}: line {number}", f"not valid JSON ({exc.msg}, column {exc.colno})"))

    out = documents_from_records(records(), name, fields, label="line")
    out.problems[:0] = bad
    out.complete = out.complete and not bad
    return out


def read_csv(data: bytes, name: str, fields: Fields) -> Extraction:
    """A CSV file with a header row; each row is a record, numbered from 1 (the header is row 0)."""
    text, _ = decode_article(data, name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(2**27)
    try:
        rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    except csv.Error as exc:
        raise ArticleError(f"{name}: not a readable CSV file ({exc})") from None
    return documents_from_records(((str(i), r) for i, r in enumerate(rows, start=1)), name, fields, label="row")
