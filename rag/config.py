"""Sanad's configuration: ``config.yaml`` loaded into validated pydantic models.

Relative paths in a config file are resolved against the folder of that file,
so ``sanad --config ~/sanad/config.yaml ...`` works from any directory. The sections'
models live in :mod:`rag.sections` and are importable from here.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, model_validator

from ingest.errors import SanadError
from rag.sections import (
    AnswerConfig,
    ChunkingConfig,
    CorpusConfig,
    EmbeddingConfig,
    FeedbackConfig,
    IndexConfig,
    LLMConfig,
    RetrievalConfig,
    Section,
    StoreConfig,
    TimelineConfig,
    UIConfig,
)

__all__ = [
    "AnswerConfig",
    "ChunkingConfig",
    "ConfigError",
    "CorpusConfig",
    "EmbeddingConfig",
    "FeedbackConfig",
    "IndexConfig",
    "LLMConfig",
    "RetrievalConfig",
    "SanadConfig",
    "StoreConfig",
    "TimelineConfig",
    "UIConfig",
    "load_config",
]


class ConfigError(SanadError, ValueError):
    """A configuration file is missing, unreadable or invalid; the message names the key."""


class SanadConfig(Section):
    corpus: CorpusConfig = Field(default_factory=CorpusConfig)
    index: IndexConfig = Field(default_factory=IndexConfig)
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    answer: AnswerConfig = Field(default_factory=AnswerConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    timeline: TimelineConfig = Field(default_factory=TimelineConfig)
    ui: UIConfig = Field(default_factory=UIConfig)
    feedback: FeedbackConfig = Field(default_factory=FeedbackConfig)

    @model_validator(mode="after")
    def _llm_needed(self) -> SanadConfig:
        if self.answer.mode == "llm":
            for key in ("base_url", "model"):
                if not getattr(self.llm, key):
                    raise ValueError(f"llm.{key} is required when answer.mode is llm")
        return self

    def resolved(self, base: Path) -> SanadConfig:
        """A copy whose relative paths are made absolute against ``base``."""
        out = self.model_copy(deep=True)
        if out.corpus.path is not None:
            out.corpus.path = (base / out.corpus.path.expanduser()).resolve()
        out.index.path = (base / out.index.path.expanduser()).resolve()
        out.feedback.path = (base / out.feedback.path.expanduser()).resolve()
        model = out.embedding.model
        if model and (model.startswith((".", "~")) or (base / model).is_dir()):
            out.embedding.model = str((base / Path(model).expanduser()).resolve())
        return out


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key")
        else:
            lines.append(f"  {key}: {item['msg']}")
    return "\n".join(lines)


def load_config(path: str | Path | None = None, index_dir: str | Path | None = None) -> SanadConfig:
    """Load and validate a configuration.

    Args:
        path: a YAML file. None means ``$SANAD_CONFIG``, else ``./config.yaml`` when
            it exists, else built-in defaults.
        index_dir: overrides ``index.path`` (resolved against the working directory).

    Raises:
        ConfigError: the file named is missing, is not YAML, or has an unknown key or bad value.
    """
    explicit = path is not None or "SANAD_CONFIG" in os.environ
    candidate = Path(path if path is not None else os.environ.get("SANAD_CONFIG", "config.yaml")).expanduser()
    data: object = {}
    base = Path.cwd()
    if candidate.is_file():
        try:
            data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{candidate}: cannot read configuration: {exc}") from exc
        base = candidate.resolve().parent
        source = str(candidate)
    elif explicit:
        raise ConfigError(f"{candidate}: configuration file not found")
    else:
        source = "built-in defaults"
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of sections, got {type(data).__name__}")
    try:
        config = SanadConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None
    config = config.resolved(base)
    if index_dir is not None:
        config.index.path = Path(index_dir).expanduser().resolve()
    return config
