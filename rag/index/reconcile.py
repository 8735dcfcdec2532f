"""Bring Chroma, BM25 and the manifest back into agreement after an interrupted ingest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.ids import file_key_of
from ingest.manifest import Manifest
from rag.index.report import IngestReport
from rag.lexical import LexicalIndex
from rag.store.pending import PendingChunks
from rag.store.records import delete_ids
from rag.store.sentences import SentenceVectors

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

__all__ = ["counts_agree", "reconcile"]


Stores = tuple["Collection", PendingChunks]


def counts_agree(manifest: Manifest, stores: Stores, lexical: LexicalIndex) -> bool:
    """True when Chroma with the chunks awaiting vectors, and BM25, hold as many chunks as the manifest
    names (a cheap check)."""
    expected = manifest.chunk_count
    collection, pending = stores
    return collection.count() + pending.count() == expected and len(lexical) == expected


def reconcile(
    manifest: Manifest,
    report: IngestReport,
    stores: Stores,
    lexical: LexicalIndex,
    sentences: SentenceVectors | None,
) -> list[str]:
    """Make Chroma, the chunks awaiting vectors and the manifest agree; return the BM25 ids to remove.

    Runs when the last ingest did not finish (it leaves ``<index>/.ingest-dirty``) or the
    stores' chunk counts differ from the manifest's; reading every chunk's metadata takes
    seconds at 100k chunks, so a finished, untouched index skips it.

    After a crash, the stores may hold chunks the manifest does not name (deleted here) and a
    manifest entry may have chunks missing or stale (another version's ``sha256``) in both stores
    or in BM25 (the entry is dropped, so its file is ingested again). Files dropped are listed
    in ``report.repaired``. A chunk the vector stage stored in Chroma but had not yet crossed
    off the pending ones (killed in between) is crossed off.
    """
    lexical.verify()  # a damaged BM25 folder stops the run before anything is written
    collection, pending = stores
    got = collection.get(include=["metadatas"])
    stored = {i: (m or {}).get("sha256") for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)}
    waiting = pending.ids()
    pending.delete_ids(sorted(i for i in waiting if i in stored and stored[i] == waiting[i]))
    stored = {**{i: sha for i, sha in waiting.items() if i not in stored}, **stored}
    in_lexical = lexical.ids()
    for key, record in list(manifest.files.items()):
        ids = record.chunk_ids
        intact = all(i in stored and stored[i] in (record.sha256, None) and i in in_lexical for i in ids)
        if not intact:
            manifest.files.pop(key)
            report.repaired.append(record.file)
    expected = {i for record in manifest.files.values() for i in record.chunk_ids}
    orphans = [i for i in stored if i not in expected]
    delete_ids(collection, orphans)
    pending.delete_ids(orphans)
    if sentences is not None and orphans:
        sentences.delete_documents(sorted({file_key_of(i) for i in orphans} - set(manifest.files)))
    return sorted(in_lexical - expected)
