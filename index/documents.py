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
import re
from collections.abc import Iterator
from pathlib import Path

import frontmatter
import yaml

from index.types import Document, Finding

logger = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)

SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "txt", ".csv": "csv", ".pdf": "pdf", ".html": "html", ".htm": "html"}
SKIP_NAMES = {"readme.md", "license", "license.md"}  # docs about the corpus, not of it
QUESTION_COLUMNS = ("question", "pertanyaan", "q")
ANSWER_COLUMNS = ("answer", "jawaban", "a")
MAX_TOKEN_CHARS = 1000  # longer than any word or link in a document meant for people


class DocumentError(Exception):
    """A corpus file that cannot be read; the build names it and goes on (or stops with --strict)."""


def _candidates(corpus_dir: Path) -> Iterator[tuple[Path, str | None]]:
    """Corpus files below `corpus_dir` in a stable order, each with the reason to refuse it (or None).

    Hidden files and folders are passed over; a link that leads out of the corpus is refused, so
    that nothing outside `corpus_dir` (say, a link to /etc/passwd) can become quotable.
    """
    root = corpus_dir.resolve()
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if not (path.is_file() and path.suffix.lower() in SUFFIXES and path.name.lower() not in SKIP_NAMES):
            continue
        outside = not path.resolve().is_relative_to(root)
        yield path, "a link to a file outside the corpus: not read" if outside else None


def find_files(corpus_dir: Path) -> list[Path]:
    """The corpus files the build reads, recursively, in a stable order."""
    return [path for path, refused in _candidates(corpus_dir) if refused is None]


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Finding]]:
    """Every readable document, and a problem for each file that could not be read or was refused."""
    docs, problems = [], []
    for path, refused in _candidates(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            if refused:
                raise DocumentError(refused)
            docs.append(read_document(path, rel))
        except DocumentError as exc:
            problems.append(Finding(rel, str(exc)))
            logger.debug("skipped %s: %s", rel, exc)  # callers report the problems to the admin, once
    return docs, problems


def read_document(path: Path, rel: str) -> Document:
    kind = SUFFIXES[path.suffix.lower()]
    try:
        if kind == "pdf":
            return _checked(_read_pdf(path, rel))
        data = path.read_bytes()
        if b"\0" in data:
            raise DocumentError("binary data (NUL bytes), not text")
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise DocumentError(exc.strerror or str(exc)) from exc
    reader = {"md": _read_markdown, "txt": _read_text, "csv": _read_csv, "html": _read_html}[kind]
    return _checked(reader(raw, rel))


def _checked(doc: Document) -> Document:
    """Refuse text no worker could be quoted: an unbroken run longer than any word or link."""
    texts = [doc.body, *(part for pair in doc.qa_pairs for part in pair)]
    longest = max((len(word) for text in texts for word in text.split()), default=0)
    if longest > MAX_TOKEN_CHARS:
        raise DocumentError(f"a run of {longest} characters without a space: not text to quote")
    return doc


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
    if not isinstance(tags, (list, tuple)) or any(isinstance(t, (dict, list)) for t in tags):
        raise DocumentError("tags must be a list of words, e.g. tags: [phk, pesangon]")
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
        checked=_text(meta.get("checked")) or None,
        superseded_by=_text(meta.get("superseded_by")),
        valid_until=_text(meta.get("valid_until")) or None,
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
    if not post.metadata and _FRONT_MATTER.match(raw):
        # python-frontmatter drops a front matter that is not a mapping (a YAML list, a bare
        # string) without a word: read it again to tell the admin instead of indexing the file bare.
        block = yaml.safe_load(_FRONT_MATTER.match(raw).group(1))
        if block is not None and not isinstance(block, dict):
            raise DocumentError("front matter must be a mapping of fields (title: ..., source: ...)")
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
    try:
        reader = csv.DictReader(io.StringIO(raw))
        header = reader.fieldnames or []
        q_col, a_col = _pick(header, QUESTION_COLUMNS), _pick(header, ANSWER_COLUMNS)
        if not q_col or not a_col:
            raise DocumentError("a CSV FAQ needs a question column and an answer column")
        rows = [row for row in reader if (row.get(q_col) or "").strip() and (row.get(a_col) or "").strip()]
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise DocumentError(f"unreadable CSV: {exc}") from exc
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
