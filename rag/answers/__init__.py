"""The answer step: from a question's retrieved passages to a quoted, cited answer or a refusal.

- :mod:`rag.answers.step`: extractive or llm answers as the doors consume them;
- :mod:`rag.answers.extractive`: the quoted sentences, their citations and focus;
- :mod:`rag.answers.threshold`: who decides (the reader, :mod:`rag.reader`, or the evidence fit) and from where;
- :mod:`rag.answers.confidence`, :mod:`rag.answers.evidence`, :mod:`rag.answers.focus`: the evidence path
  (``answer.reader: off``): a logistic fit over evidence features, answer types, a rule-chosen focus.
"""
