"""The stores behind the index: Chroma collections for chunks and sentence vectors.

- :mod:`rag.store.chroma`: opening clients and collections (embedded files or a ``chroma run`` server).
- :mod:`rag.store.records`: what a stored chunk is (metadata keys, nodes, passages, deletes).
- :mod:`rag.store.sentences`: the quotable sentences' vectors.
- :mod:`rag.store.pending`: the chunks stored by their words, awaiting their vectors.
"""
