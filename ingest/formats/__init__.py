"""Format extractors: one module per file format, each returning the articles in a file (pure text)."""
