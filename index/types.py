"""Small result types shared by every step of the engine and by the bot."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

# Document.program codes with a meaning of their own (upper case), for the engine and the bot alike.
NEUTRAL_PROGRAMS = frozenset({"", "UMUM", "BERITA"})  # BPJS as a whole, news, or none: not one program
NEWS_PROGRAMS = frozenset({"BERITA"})  # news articles
# A group of participants rather than a program: its documents speak of JKK, JKM, JHT... for that group.
SEGMENT_PROGRAMS = frozenset({"BPU", "PMI", "JASA-KONSTRUKSI"})
HEALTH_PROGRAMS = frozenset({"JKN", "KIS", "JKN-KIS", "KESEHATAN"})  # BPJS Kesehatan's; every other program is BPJS Ketenagakerjaan's
BODY = re.compile(r"\bbpjs (kesehatan|ketenagakerjaan)\b")  # the two BPJS bodies, as questions and titles name them (lower case)


@dataclass(frozen=True)
class Document:
    """One corpus file, read into text plus its front-matter metadata."""

    path: str  # relative to the corpus root, with forward slashes
    title: str  # from the front matter, else made from the file name
    body: str  # Markdown-ish text: "#" headings, blank-line paragraphs, "- " list items
    source: str = ""  # the regulation, official page or outlet the facts come from
    url: str | None = None
    date: str | None = None  # ISO date the facts took effect
    date_note: str = ""  # why there is no date, when the source gives none
    checked: str | None = None  # ISO date the facts were last verified as in force
    superseded_by: str = ""  # for an old rule: the corpus path of the document in force now
    valid_until: str | None = None  # ISO date: the last day a temporary rule (a discount, a transition) holds
    program: str = ""
    tags: tuple[str, ...] = ()
    kind: str = "md"  # md, txt, csv, pdf, html
    qa_pairs: tuple[tuple[str, str], ...] = ()  # CSV FAQs: each pair stays one passage
    title_from_name: bool = False  # no title was given


@dataclass(frozen=True)
class Finding:
    """Something an admin must fix: the corpus file, and what is wrong with it in one line."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Passage:
    """A quotable piece of a document; `id` is stable across rebuilds while the text is."""

    id: str
    text: str
    title: str  # the document title
    headings: tuple[str, ...] = ()  # heading path inside the document
    source: str = ""
    url: str | None = None
    date: str | None = None
    program: str = ""
    doc: str = ""  # Document.path
    checked: str | None = None
    superseded_by: str = ""  # set on passages of an old rule (see Document.superseded_by)
    valid_until: str | None = None  # set on passages of a temporary rule (see Document.valid_until)
    title_from_name: bool = False  # the title was made from the file name: shown, never scored
    tags: tuple[str, ...] = ()  # its document's tag words that the text lacks (passages.tag_words): searched by BM25, never shown

    def ended(self, today: dt.date | None = None) -> bool:
        """Whether this is a temporary rule whose last day (`valid_until`) has passed."""
        return bool(self.valid_until) and self.valid_until < (today or dt.date.today()).isoformat()

    @property
    def old_rule(self) -> bool:
        """Whether this states a rule no longer in force: superseded, or a temporary rule that ended.
        An old rule never leads an answer and gives no answer sentence."""
        return bool(self.superseded_by) or self.ended()

    @property
    def bodies(self) -> frozenset[str]:
        """The BPJS bodies ("kesehatan", "ketenagakerjaan") a passage speaks for: its program's
        (BPJS Kesehatan runs JKN, and only JKN), or, for a general passage or news, those its title
        names ("Kartu peserta BPJS Ketenagakerjaan: ...")."""
        if self.program.upper() not in NEUTRAL_PROGRAMS:
            return frozenset({"kesehatan" if self.program.upper() in HEALTH_PROGRAMS else "ketenagakerjaan"})
        return frozenset(BODY.findall(self.title.lower()))

    @property
    def context(self) -> str:
        """Title and heading path, joined for display and for scoring."""
        parts = [self.title, *[h for h in self.headings if h and h != self.title]]
        return " › ".join(p for p in parts if p)

    def to_json(self) -> dict:
        data = asdict(self)
        data["headings"] = list(self.headings)
        data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Passage:
        data = dict(data)
        data["headings"] = tuple(data.get("headings") or ())
        data["tags"] = tuple(data.get("tags") or ())
        return cls(**data)


@dataclass(frozen=True)
class Hit:
    """A passage with its fused relevance score: about [0, 1], and a little more for the few best,
    which gain by their answer sentence (`FusionParams.answer_weight`)."""

    passage: Passage
    score: float
    dense: float = 0.0  # the dense side's cosine similarity
    lexical: float = 0.0  # the BM25 side's score, normalised to [0, 1] for this query
    answer_span: tuple[int, int] | None = None  # passage.text[a:b]: the sentence that answers (None: none, or an old rule)
    answer_score: float = 0.0  # how well that sentence holds what is asked (index/answer_sentence.py)
    answer_parts: tuple[tuple[int, int], ...] = ()  # when that sentence is a list: its introduction and the items that may answer (answer_parts)
    other_program: bool = False  # the question names another program (or BPJS body) than this passage's


@dataclass(frozen=True)
class SearchResult:
    """What a question gets: ranked hits and whether they are confident enough to quote."""

    question: str
    answered: bool
    confidence: float
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    off_topic: bool = False  # about a subject no BPJS program handles (index/data/off_topic.txt): refused

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "confidence": round(self.confidence, 4),
            "off_topic": self.off_topic,
            "hits": [
                {
                    "id": h.passage.id,
                    "text": h.passage.text,
                    "title": h.passage.title,
                    "source": h.passage.source,
                    "url": h.passage.url,
                    "date": h.passage.date,
                    "score": round(h.score, 4),
                }
                for h in self.hits
            ],
        }
