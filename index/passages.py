"""Step 2: split documents into quotable passages.

Structure first (headings, paragraphs, list items), then Indonesian sentences (index/sentences.py)
for blocks that are too long to quote whole (over QUOTABLE_WORDS), packed into passages of roughly MIN_WORDS..MAX_WORDS
words; a paragraph the author wrote at a quotable length stays one passage. Each passage keeps the
document title and its heading path, and gets an id that stays the same while its text does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.normalize import standardise, tokenize, words
from index.sentences import split_sentences
from index.types import Document, Passage

MIN_WORDS = 40
MAX_WORDS = 200
QUOTABLE_WORDS = 300  # a block up to this long is quoted whole: cutting it loses its context

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+")


@dataclass
class _Block:
    text: str
    headings: tuple[str, ...]


def word_count(text: str) -> int:
    return len(text.split())


def plain(line: str) -> str:
    """Markdown inline markup removed: quotes are shown as text, "[JMO](url)" as "JMO (url)"."""
    return _EMPHASIS.sub(r"\2", _LINK.sub(r"\1 (\2)", line))


def _blocks(body: str, title: str) -> Iterator[_Block]:
    """Paragraphs and list items with the heading path above them."""
    path: list[tuple[int, str]] = []
    paragraph: list[str] = []

    def current() -> tuple[str, ...]:
        return tuple(text for _, text in path)

    def flush() -> Iterator[_Block]:
        if paragraph:
            yield _Block(" ".join(paragraph), current())
            paragraph.clear()

    for raw in body.splitlines():
        line = plain(raw.strip())
        heading = _HEADING.match(line)
        if heading:
            yield from flush()
            level, text = len(heading.group(1)), heading.group(2).strip()
            path[:] = [(lvl, t) for lvl, t in path if lvl < level]
            if not (level == 1 and text == title):
                path.append((level, text))
        elif not line:
            yield from flush()
        elif _LIST_ITEM.match(line):
            yield from flush()
            paragraph.append("• " + _LIST_ITEM.sub("", line, count=1))
        elif paragraph and paragraph[-1].startswith("• ") and raw.startswith((" ", "\t")):
            paragraph[-1] += " " + line  # continuation of a list item
        else:
            if paragraph and paragraph[-1].startswith("• "):
                yield from flush()
            paragraph.append(line)
    yield from flush()


def _pieces(block: _Block) -> Iterator[_Block]:
    """A block cut into sentence groups of at most MAX_WORDS when it is longer than QUOTABLE_WORDS."""
    if word_count(block.text) <= QUOTABLE_WORDS:
        yield block
        return
    group: list[str] = []
    for sentence in split_sentences(block.text):
        if group and word_count(" ".join(group + [sentence])) > MAX_WORDS:
            yield _Block(" ".join(group), block.headings)
            group = []
        if word_count(sentence) > MAX_WORDS:  # a run-on "sentence": cut by words
            words = sentence.split()
            for i in range(0, len(words), MAX_WORDS):
                yield _Block(" ".join(words[i : i + MAX_WORDS]), block.headings)
            continue
        group.append(sentence)
    if group:
        yield _Block(" ".join(group), block.headings)


def _pack(blocks: list[_Block]) -> Iterator[_Block]:
    """Join neighbouring blocks under the same heading path until a passage is big enough."""
    current: _Block | None = None
    for block in blocks:
        if current is None:
            current = block
            continue
        same_section = block.headings == current.headings
        # A short intro above a subsection is no quote on its own: it opens the subsection instead.
        opens_subsection = block.headings[: len(current.headings)] == current.headings
        joined = word_count(current.text) + word_count(block.text)
        tiny = word_count(current.text) < MIN_WORDS
        small = tiny or word_count(block.text) < MIN_WORDS or (block.text.startswith("• ") and joined <= MAX_WORDS * 0.75)
        if joined <= MAX_WORDS and ((same_section and small) or (tiny and opens_subsection)):
            current = _Block(current.text + "\n" + block.text, block.headings)
        else:
            yield current
            current = block
    if current is not None:
        yield current


def _passage_id(doc_path: str, text: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(f"{doc_path}\n{text}".encode()).hexdigest()[:12]
    n = seen.get(digest, 0)
    seen[digest] = n + 1
    return digest if n == 0 else f"{digest}-{n}"


def tag_words(doc: Document) -> tuple[str, ...]:
    """The words of the document's tags that its own text never uses ("paru-paru", "tuli").

    Tags are the words workers use for a topic; those the text already uses would only weigh
    its words twice, and a tag naming a whole program ("bpjs tk") would then pull every
    document so tagged. Only the vocabulary the text lacks is kept, for BM25 (`lexical_text`).
    """
    used = set(tokenize(f"{doc.title}\n{doc.body}"))
    novel = (w for tag in doc.tags for w in words(tag) if (term := tokenize(w)) and term[0] not in used)
    return tuple(dict.fromkeys(novel))


def split_document(doc: Document) -> list[Passage]:
    """The passages of one document, in reading order."""
    if doc.qa_pairs:
        blocks = [_Block(f"{q}\n{a}", (q,)) for q, a in doc.qa_pairs]
    else:
        blocks = list(_pack([p for b in _blocks(doc.body, doc.title) for p in _pieces(b)]))
    seen: dict[str, int] = {}
    tags = tag_words(doc)
    return [
        Passage(
            id=_passage_id(doc.path, block.text, seen),
            text=block.text,
            title=doc.title,
            headings=block.headings,
            source=doc.source,
            url=doc.url,
            date=doc.date,
            program=doc.program,
            doc=doc.path,
            checked=doc.checked,
            superseded_by=doc.superseded_by,
            valid_until=doc.valid_until,
            title_from_name=doc.title_from_name,
            tags=tags,
        )
        for block in blocks
        if block.text.strip()
    ]


def embedding_text(passage: Passage) -> str:
    """What the encoder sees of a passage (BM25 too, with `lexical_text`): its context line, then its text.

    A title made from a file name ("P00000", "faq-2") says nothing about the text and, put in
    front of every passage of its document, pulls their embeddings together: it is left out.
    """
    title = "" if passage.title_from_name else passage.title
    parts = [title, *[h for h in passage.headings if h and h != passage.title]]
    context = " › ".join(p for p in parts if p)
    return f"{context}\n{passage.text}" if context else passage.text


def lexical_text(passage: Passage) -> str:
    """What BM25 and the answer decision's coverage see of a passage: its embedding text, then
    its document's tag words (`tag_words`), which are never embedded nor quoted. The tags are the
    words workers type ("telat bayar"): they are read in standard spelling, as questions are
    ("terlambat bayar"), or no question would reach them."""
    text = embedding_text(passage)
    return f"{text}\n{standardise(' '.join(passage.tags))}" if passage.tags else text
