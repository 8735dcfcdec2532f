"""The index on disk: its folder layout and lock, the writer (ingest) and the reader (questions).

- :mod:`rag.index.layout`: where each part lives, the write lock, build settings, index errors.
- :mod:`rag.index.build`: one ingest run, rebuilds swapped in whole.
- :mod:`rag.index.writer` and :mod:`rag.index.reconcile`: files -> chunks -> Chroma + BM25 + manifest.
- :mod:`rag.index.reader`: the retriever and answerer over the index, reopened when it changes.
"""
