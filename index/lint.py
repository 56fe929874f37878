"""Corpus quality gate: documents without title, source or date, empty documents, duplicates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from index.documents import load_corpus
from index.passages import split_document


@dataclass(frozen=True)
class Finding:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def lint_corpus(corpus_dir: Path) -> list[Finding]:
    """Everything an admin should fix before the corpus is quoted to workers."""
    documents, problems = load_corpus(Path(corpus_dir))
    findings = [Finding(p.path, p.message) for p in problems]
    seen: dict[str, list[str]] = defaultdict(list)
    for doc in documents:
        if doc.kind in ("md", "csv"):
            missing = {
                "title": doc.title_from_name and doc.kind == "md",  # a CSV FAQ may take its file name
                "source": not doc.source,
                "date": not doc.date and not doc.date_note,
            }
            for field in (f for f, absent in missing.items() if absent):
                why = " (or a date_note saying why)" if field == "date" else ""
                findings.append(Finding(doc.path, f"missing {field} in the front matter{why}"))
        passages = split_document(doc)
        if not passages:
            findings.append(Finding(doc.path, "empty document: no text to quote"))
        for passage in passages:
            key = " ".join(passage.text.lower().split())
            if len(key) > 40:
                seen[key].append(doc.path)
    for places in seen.values():
        if len(places) > 1:
            findings.append(Finding(places[0], f"duplicate passage, also in {', '.join(sorted(set(places[1:])))}"))
    return sorted(findings, key=lambda f: (f.path, f.message))
