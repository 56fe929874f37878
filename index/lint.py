"""Corpus quality gate: missing fields, stale or superseded facts, temporary rules ending, empty documents, duplicates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from index.documents import load_corpus
from index.hitung import rates_path, validate_rates
from index.passages import split_document
from index.types import Document, Finding

NO_AGE_CHECK = ("BERITA",)  # news reports an event on its date: it does not go stale
ENDING_SOON_DAYS = 31  # warn this long before a temporary rule's last day


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _fields(doc: Document) -> list[str]:
    """What is missing or malformed in a document's front matter."""
    messages = []
    if doc.kind in ("md", "csv"):
        missing = {
            "title": doc.title_from_name and doc.kind == "md",  # a CSV FAQ may take its file name
            "source": not doc.source,
            "date": not doc.date and not doc.date_note,
        }
        for field in (f for f, absent in missing.items() if absent):
            why = " (or a date_note saying why)" if field == "date" else ""
            messages.append(f"missing {field} in the front matter{why}")
    for field in ("date", "checked", "valid_until"):
        value = getattr(doc, field)
        if value and _date(value) is None:
            messages.append(f"{field} {value!r} is not an ISO date (YYYY-MM-DD)")
    return messages


def _freshness(doc: Document, paths: set[str], today: dt.date, max_age_days: int | None) -> list[str]:
    """An old rule without its successor, a temporary rule ending or ended, and facts nobody has
    checked for too long."""
    messages = []
    if doc.superseded_by and doc.superseded_by not in paths:
        messages.append(f"superseded_by names {doc.superseded_by!r}, which is not a document of the corpus")
    last_day = _date(doc.valid_until)
    if last_day and not doc.superseded_by:
        if last_day < today:
            messages.append(
                f"a temporary rule that ended on {last_day.isoformat()} (valid_until): write what holds now, and mark this"
                " document superseded_by it"
            )
        elif (last_day - today).days < ENDING_SOON_DAYS:
            messages.append(f"a temporary rule that ends on {last_day.isoformat()} (valid_until): prepare what holds after it")
    if max_age_days is not None and not doc.superseded_by and doc.program not in NO_AGE_CHECK:
        as_of = _date(doc.checked) or _date(doc.date)
        if as_of and (today - as_of).days > max_age_days:
            messages.append(
                f"facts last checked {as_of.isoformat()}, over {max_age_days} days ago: verify them and set `checked`"
            )
    return messages


def lint_corpus(corpus_dir: Path, *, max_age_days: int | None = None, today: dt.date | None = None) -> list[Finding]:
    """Everything an admin should fix before the corpus is quoted to workers.

    `max_age_days`: warn about documents whose facts were last checked (or took effect, when
    never checked) longer ago than this; None skips the age check.
    """
    documents, problems = load_corpus(Path(corpus_dir))
    today = today or dt.date.today()
    paths = {doc.path for doc in documents}
    findings = list(problems)
    seen: dict[str, list[str]] = defaultdict(list)
    for doc in documents:
        for message in _fields(doc) + _freshness(doc, paths, today, max_age_days):
            findings.append(Finding(doc.path, message))
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
    if rates_path(Path(corpus_dir)).is_file():  # the Hitung rates table: sourced, dated, no overlapping periods
        findings += validate_rates(Path(corpus_dir))
    return sorted(findings, key=lambda f: (f.path, f.message))
