"""Tanya BPJS retrieval engine: corpus -> passages -> dense + BM25 index -> fused, scored answers.

Pipeline, one module a step: documents -> passages -> encoders -> lexical/dense -> fusion ->
store -> search. `python -m index --help` is the admin CLI. Nothing here knows of Telegram.
"""

from index.errors import BuildError, IndexLoadError
from index.search import Retriever
from index.store import manifest_path
from index.types import Document, Hit, Passage, SearchResult

__all__ = ["BuildError", "Document", "Hit", "IndexLoadError", "Passage", "Retriever", "SearchResult", "manifest_path"]
