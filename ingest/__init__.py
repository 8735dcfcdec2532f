"""Ingestion: read article files, chunk them with exact offsets, and write them to the index."""
