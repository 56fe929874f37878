"""Step 1: find corpus files and read each into a `Document`.

Markdown with YAML front matter is the main format; plain text, CSV FAQs (question and answer
columns), PDF (text layer) and HTML are read too. Bodies come out as light Markdown ("#"
headings, blank-line paragraphs, "- " list items) so that one splitter serves every format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from index.types import Document

logger = logging.getLogger(__name__)

SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "txt", ".csv": "csv", ".pdf": "pdf", ".html": "html", ".htm": "html"}
SKIP_NAMES = {"readme.md", "license", "license.md"}  # docs about the corpus, not of it
QUESTION_COLUMNS = ("question", "pertanyaan", "q")
ANSWER_COLUMNS = ("answer", "jawaban", "a")


class DocumentError(Exception):
    """A corpus file that cannot be read; the build names it and goes on (or stops with --strict)."""


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


def find_files(corpus_dir: Path) -> list[Path]:
    """Corpus files below `corpus_dir`, recursively, in a stable order; hidden ones skipped."""
    files = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.name.lower() not in SKIP_NAMES:
            files.append(path)
    return files


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Problem]]:
    """Every readable document, and a problem for each file that could not be read."""
    docs, problems = [], []
    for path in find_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            docs.append(read_document(path, rel))
        except DocumentError as exc:
            problems.append(Problem(rel, str(exc)))
            logger.warning("skipped %s: %s", rel, exc)
    return docs, problems


def read_document(path: Path, rel: str) -> Document:
    kind = SUFFIXES[path.suffix.lower()]
    try:
        if kind == "pdf":
            return _read_pdf(path, rel)
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise DocumentError(exc.strerror or str(exc)) from exc
    reader = {"md": _read_markdown, "txt": _read_text, "csv": _read_csv, "html": _read_html}[kind]
    return reader(raw, rel)


def _title_from_name(rel: str) -> str:
    return Path(rel).stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value).strip()


def _meta_document(meta: dict, body: str, rel: str, kind: str, **extra) -> Document:
    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    title = _text(meta.get("title"))
    return Document(
        path=rel,
        title=title or _title_from_name(rel),
        title_from_name=not title,
        body=body,
        source=_text(meta.get("source")),
        url=_text(meta.get("url")) or None,
        date=_text(meta.get("date")) or None,
        date_note=_text(meta.get("date_note")),
        program=_text(meta.get("program")).upper(),
        tags=tuple(_text(t) for t in tags if _text(t)),
        kind=kind,
        **extra,
    )


def _read_markdown(raw: str, rel: str) -> Document:
    try:
        post = frontmatter.loads(raw)
    except Exception as exc:  # yaml raises many types; all mean the same to an admin
        raise DocumentError(f"front matter is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(post.metadata, dict):
        raise DocumentError("front matter must be a mapping of fields")
    return _meta_document(post.metadata, post.content, rel, "md")


def _read_text(raw: str, rel: str) -> Document:
    lines = raw.strip().splitlines()
    if lines and len(lines[0]) <= 200 and len(lines) > 1:
        return _meta_document({"title": lines[0]}, "\n".join(lines[1:]), rel, "txt")
    return _meta_document({}, raw, rel, "txt")


def _pick(header: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def _read_csv(raw: str, rel: str) -> Document:
    reader = csv.DictReader(io.StringIO(raw))
    header = reader.fieldnames or []
    q_col, a_col = _pick(header, QUESTION_COLUMNS), _pick(header, ANSWER_COLUMNS)
    if not q_col or not a_col:
        raise DocumentError("a CSV FAQ needs a question column and an answer column")
    rows = [row for row in reader if (row.get(q_col) or "").strip() and (row.get(a_col) or "").strip()]
    first = rows[0] if rows else {}
    meta = {k: first.get(_pick(header, (k,)) or "", "") for k in ("title", "source", "url", "date", "program")}
    pairs = tuple((row[q_col].strip(), row[a_col].strip()) for row in rows)
    return _meta_document(meta, "", rel, "csv", qa_pairs=pairs)


def _read_pdf(path: Path, rel: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, OSError, ValueError) as exc:
        raise DocumentError(f"unreadable PDF: {exc}") from exc
    body = "\n\n".join(_pdf_paragraphs(pages))
    if not body.strip():
        raise DocumentError("the PDF has no text layer (a scan?)")
    meta = {"title": info.get("/Title"), "source": info.get("/Author") or info.get("/Subject")}
    return _meta_document(meta, body, rel, "pdf")


def _pdf_paragraphs(pages: list[str]) -> Iterator[str]:
    """Join the hard-wrapped lines of a PDF text layer back into paragraphs."""
    for page in pages:
        paragraph: list[str] = []
        for line in page.splitlines():
            line = line.strip()
            if not line:
                if paragraph:
                    yield " ".join(paragraph)
                paragraph = []
                continue
            paragraph.append(line)
            if line.endswith((".", ":", "?", "!")) and len(line) < 60:
                yield " ".join(paragraph)
                paragraph = []
        if paragraph:
            yield " ".join(paragraph)


def _read_html(raw: str, rel: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript"]):
        tag.decompose()

    def meta_content(*names: str) -> str:
        for name in names:
            tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
            if tag and tag.get("content"):
                return tag["content"]
        return ""

    blocks = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li"]):
        text = " ".join(el.get_text(" ").split())
        if not text:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            blocks.append("#" * int(el.name[1]) + " " + text)
        elif el.name == "li":
            blocks.append("- " + text)
        else:
            blocks.append(text)
    title = soup.title.get_text(" ").strip() if soup.title else ""
    meta = {
        "title": title or meta_content("og:title"),
        "source": meta_content("author", "og:site_name"),
        "url": meta_content("og:url"),
        "date": meta_content("date", "article:published_time")[:10],
    }
    return _meta_document(meta, "\n\n".join(blocks), rel, "html")
