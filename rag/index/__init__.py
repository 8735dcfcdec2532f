"""The index on disk: its folder layout and lock, the writer (ingest) and the reader (questions).

- :mod:`rag.index.layout`: where each part lives, the write lock, build settings, index errors.
- :mod:`rag.index.build`: one ingest run, rebuilds swapped in whole.
- :mod:`rag.index.writer` and :mod:`rag.index.reconcile`: the words stage, files -> chunks awaiting vectors
  + BM25 + manifest (every article searchable).
- :mod:`rag.index.fill` and :mod:`rag.index.progress`: the vector stage, newest articles first, and how
  far it is (``sanad status``).
- :mod:`rag.index.reader`: the retriever and answerer over the index, reopened when it changes.
"""
