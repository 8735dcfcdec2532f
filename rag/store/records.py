"""What a stored chunk is: the one place that writes and reads Chroma rows and metadata keys.

A chunk is a llama-index ``TextNode`` (id :func:`ingest.ids.chunk_id`, text = the exact span
of its article's extracted text) whose metadata holds its file, record, offsets, page, headline,
date, outlet, author and URL; it comes back from Chroma
as a :class:`rag.types.Passage`. The collection's own metadata records which BM25 index
matches it and the settings it was built with.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.schema import BaseNode, MetadataMode, NodeRelationship, RelatedNodeInfo, TextNode

from ingest.ids import chunk_id, sentence_id
from ingest.manifest import FileRecord
from ingest.prepare import PreparedArticle
from ingest.sentences import in_context, quotable_sentences
from rag.types import Passage, SearchFilters

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

__all__ = [
    "CHUNK_METADATA_KEYS",
    "DELETE_BATCH",
    "DOCUMENT_KEY",
    "article_texts",
    "chunk_nodes",
    "delete_documents",
    "delete_ids",
    "filter_where",
    "indexed_text",
    "is_complete",
    "node_from_row",
    "passage_from_row",
    "publisher_key",
    "publish_index_state",
    "read_index_state",
    "sentence_rows",
    "stored_node",
]

#: Metadata keys kept on each chunk and never embedded. The headline (``title``) is
#: embedded and BM25-indexed with the chunk when ``chunking.title_context`` is on. The article's
#: ``published`` date is also kept as the int ``published_day`` (YYYYMMDD, absent when undated) and its
#: ``publisher`` folded as ``publisher_key``, for Chroma ``where`` filters; ``page`` is the page of the
#: chunk's start (PDFs only); ``record`` names the article inside a multi-article file ("" otherwise);
#: ``lead`` is the article's first words when it has no headline.
CHUNK_METADATA_KEYS = (
    "file",
    "root",
    "start",
    "end",
    "chunk",
    "sha256",
    "record",
    "published",
    "published_day",
    "publisher",
    "publisher_key",
    "author",
    "url",
    "page",
    "headline",
    "lead",
)
#: The file key of a row (llama-index writes a node's source document id under this key).
DOCUMENT_KEY = "document_id"
#: Ids or documents deleted from Chroma per call.
DELETE_BATCH = 5000
#: Collection metadata keys: the stamp of the BM25 index matching the collection, and the build settings.
_LEXICAL_STAMP, _BUILD = "sanad_lexical_stamp", "sanad_build"


def chunk_nodes(article: PreparedArticle) -> list[TextNode]:
    """The article's chunks as nodes to store (vectors not yet set)."""
    record, title = article.record, article.title
    about = _article_metadata(record)
    nodes = []
    for i, span in enumerate(article.spans):
        page = {"page": 1 + bisect_left(article.page_breaks, span.start)} if record.paged else {}
        metadata = {
            "file": record.file,
            "root": record.root,
            "start": span.start,
            "end": span.end,
            "chunk": i,
            "sha256": record.sha256,
            "title": title,
            **about,
            **page,
        }
        nodes.append(_node(chunk_id(record.key, i), record.key, span.text, metadata))
    return nodes


def stored_node(chunk: str, text: str, meta: dict[str, Any]) -> TextNode:
    """A chunk node again from its id, text and metadata as :func:`chunk_nodes` made it (the article key
    under ``document_id``), to be encoded and stored later."""
    metadata = {k: v for k, v in meta.items() if k != DOCUMENT_KEY}
    return _node(chunk, str(meta[DOCUMENT_KEY]), text, metadata)


def _node(chunk: str, article: str, text: str, metadata: dict[str, Any]) -> TextNode:
    title = str(metadata.get("title", ""))
    # The headline goes into what is embedded unless the chunk already starts with it.
    hidden = [*CHUNK_METADATA_KEYS, *(["title"] if not title or text.startswith(title) else [])]
    node = TextNode(
        id_=chunk,
        text=text,
        metadata=metadata,
        excluded_embed_metadata_keys=hidden,
        excluded_llm_metadata_keys=list(CHUNK_METADATA_KEYS),
        metadata_template="{value}",
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=article)
    return node


def _article_metadata(record: FileRecord) -> dict[str, str | int]:
    about: dict[str, str | int] = {
        "record": record.record or "",
        "published": record.published or "",
        "publisher": record.publisher,
        "publisher_key": publisher_key(record.publisher),
        "author": record.author,
        "url": record.url,
        "headline": record.title,
        "lead": record.lead,
    }
    if record.published:
        about["published_day"] = int(record.published.replace("-", ""))
    return about


def publisher_key(name: str) -> str:
    """An outlet's name as filters compare it (case and spacing folded)."""
    return " ".join(name.casefold().split())


def filter_where(filters: SearchFilters | None) -> dict[str, Any] | None:
    """The Chroma ``where`` clause keeping only the chunks ``filters`` allow (None: all)."""
    if filters is None or not filters.active:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.since:
        clauses.append({"published_day": {"$gte": int(filters.since.strftime("%Y%m%d"))}})
    if filters.until:
        clauses.append({"published_day": {"$lte": int(filters.until.strftime("%Y%m%d"))}})
    if filters.publishers:
        clauses.append({"publisher_key": {"$in": [publisher_key(p) for p in filters.publishers]}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def indexed_text(node: BaseNode) -> str:
    """What is embedded and BM25-indexed for a chunk: its text, after its headline when that is on."""
    return node.get_content(metadata_mode=MetadataMode.EMBED)


def sentence_rows(nodes: Sequence[TextNode]) -> list[tuple[str, str, str]]:
    """``(sentence id, text to embed, chunk id)`` for every quotable sentence of ``nodes``,
    exactly as the answerer embeds them (:mod:`ingest.sentences`)."""
    rows = []
    for node in nodes:
        title = str(node.metadata.get("title", ""))
        for position, span in quotable_sentences(node.text, int(node.metadata["start"]), title):
            rows.append((sentence_id(node.node_id, position), in_context(span.text, title), node.node_id))
    return rows


def node_from_row(text: str | None, meta: dict[str, Any] | None) -> BaseNode:
    """A stored chunk back as a node (for re-indexing its :func:`indexed_text`)."""
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    return metadata_dict_to_node(dict(meta or {}), text=text)


def is_complete(meta: dict[str, Any]) -> bool:
    """False for a row read while another process rewrote it (its metadata not yet written)."""
    return "file" in meta


def passage_from_row(
    chunk: str, text: str, meta: dict[str, Any], score: float, dense: float | None, lexical: float | None
) -> Passage:
    """A passage from a stored chunk: its text (the Chroma document) and metadata."""
    return Passage(
        chunk_id=chunk,
        file=str(meta["file"]),
        root=str(meta["root"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        score=score,
        dense_score=dense,
        lexical_score=lexical,
        title=str(meta.get("headline", meta.get("title", ""))),
        context=str(meta.get("title", "")),
        published=str(meta.get("published") or "") or None,
        publisher=str(meta.get("publisher") or "") or None,
        author=str(meta.get("author") or "") or None,
        url=str(meta.get("url") or "") or None,
        page=int(meta["page"]) if meta.get("page") else None,
        record=str(meta.get("record") or "") or None,
        lead=str(meta.get("lead") or ""),
    )


def delete_documents(collection: Collection, keys: Sequence[str]) -> None:
    """Delete every row of the files ``keys``, in batches."""
    for start in range(0, len(keys), DELETE_BATCH):
        collection.delete(where={DOCUMENT_KEY: {"$in": list(keys[start : start + DELETE_BATCH])}})


def article_texts(
    collection: Collection, keys: Sequence[str], pending: Sequence[tuple[str, dict[str, Any]]] = ()
) -> dict[str, str]:
    """The stored text of the articles ``keys`` (file keys): their chunks in order, overlaps read once and
    gaps as a line break. ``pending``: ``(text, metadata)`` of their chunks still awaiting vectors
    (:class:`rag.store.pending.PendingChunks`). An article the index does not hold (deleted meanwhile)
    is left out."""
    if not keys:
        return {}
    where = {DOCUMENT_KEY: keys[0]} if len(keys) == 1 else {DOCUMENT_KEY: {"$in": list(keys)}}
    got = collection.get(where=where, include=["documents", "metadatas"])
    chunks: dict[str, list[tuple[int, int, str]]] = {}
    rows = [*zip(got["documents"] or [], got["metadatas"] or [], strict=False), *pending]
    for text, meta in rows:
        if meta and is_complete(dict(meta)):
            chunks.setdefault(str(meta[DOCUMENT_KEY]), []).append((int(meta["start"]), int(meta["end"]), text or ""))
    texts = {}
    for key, parts in chunks.items():
        pieces, reached = [], 0
        for start, end, text in sorted(parts):
            if end <= reached:
                continue
            if start <= reached:
                pieces.append(text[max(0, reached - start) :])
            else:
                pieces.append(("\n" if pieces else "") + text)
            reached = end
        texts[key] = "".join(pieces)
    return texts


def delete_ids(collection: Collection, ids: Sequence[str]) -> None:
    """Delete the rows ``ids``, in batches."""
    for start in range(0, len(ids), DELETE_BATCH):
        collection.delete(ids=list(ids[start : start + DELETE_BATCH]))


def publish_index_state(collection: Collection, lexical_stamp: str | None, build: dict[str, object]) -> None:
    """Record in the collection which BM25 index matches it and how it was built (after each checkpoint),
    so readers on other machines can tell when their BM25 copy is missing or stale."""
    state = {_LEXICAL_STAMP: lexical_stamp or "", _BUILD: json.dumps(build, sort_keys=True)}
    current = collection.metadata or {}
    if any(current.get(k) != v for k, v in state.items()):
        collection.modify(metadata={k: v for k, v in {**current, **state}.items() if not k.startswith("hnsw:")})


def read_index_state(collection: Collection) -> tuple[str | None, dict[str, object] | None]:
    """``(BM25 stamp, build settings)`` the last ingest recorded in the collection (None, None if none)."""
    meta = collection.metadata or {}
    build = meta.get(_BUILD)
    return (meta.get(_LEXICAL_STAMP) or None), (json.loads(build) if isinstance(build, str) else None)
