"""Turning a search result into the message a user reads: pure functions, no Telegram calls.

One HTML rendering (Telegram's HTML parse mode, every piece of user and corpus text escaped)
and a plain-text rendering derived from it, shared by private chats, groups, inline results
and the console. Passages are quoted verbatim; the sentence that best matches the question is
set in bold; every quote carries its source line; a message never exceeds Telegram's limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from bot.store import Stats
from bot.texts import t, ui_language
from index.normalize import query_terms, standardise, tokenize
from index.types import Hit, Passage, SearchResult

MAX_MESSAGE = 4096  # Telegram's limit, counted in UTF-16 code units
MAX_ECHO = 120  # characters of the question repeated in the lead line
MAX_FIELD = 200  # characters of a title or source shown in a source line
MAX_URL = 400
RELATIVE_FLOOR = 0.8  # a 2nd/3rd passage joins the first answer only if its score is this close
HEALTH_PROGRAMS = frozenset({"JKN", "KIS", "JKN-KIS", "KESEHATAN"})
NEUTRAL_PROGRAMS = frozenset({"", "UMUM", "BERITA"})

MONTHS = {
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split(),
    "en": "January February March April May June July August September October November December".split(),
}

# Words after which a full stop does not end a sentence ("PP No. 37", "Rp. 5.000", "dll.").
_ABBREVIATIONS = frozenset(
    "no nomor rp jo dll dsb dst tgl hlm jl kab kec kel dr drg prof ir pt tbk sdr bpk yth vs nb st".split()
)
_STOP = re.compile(r"[.!?]+(?=\s)|\n")
_WORD_BEFORE = re.compile(r"(\S+?)[.!?]*$")


@dataclass(frozen=True)
class Reply:
    """A message in Telegram HTML and as plain text, with the passages it quotes."""

    html: str
    plain: str
    passages: tuple[Passage, ...] = ()


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def first_page(result: SearchResult, limit: int = 3) -> tuple[Hit, ...]:
    """The best hit plus the next ones scoring close to it, at most `limit`."""
    if not result.hits:
        return ()
    floor = result.hits[0].score * RELATIVE_FLOOR
    rest = [h for h in result.hits[1:limit] if h.score >= floor]
    return (result.hits[0], *rest)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line of a passage, whitespace trimmed."""
    spans, start = [], 0
    for match in _STOP.finditer(text):
        if match.group() != "\n":
            before = _WORD_BEFORE.search(text, start, match.end())
            word = before.group(1).lower().lstrip("([\"'“") if before else ""
            line_start = text.rfind("\n", 0, match.start()) + 1
            list_marker = word.isdigit() and text[line_start : match.start()].strip() == word
            following = text[match.end() :].lstrip()[:1]
            if word in _ABBREVIATIONS or len(word) == 1 or list_marker or (following and following.islower()):
                continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for a, b in spans:
        piece = text[a:b]
        a, b = a + len(piece) - len(piece.lstrip()), b - (len(piece) - len(piece.rstrip()))
        if b > a:
            trimmed.append((a, b))
    return trimmed


def question_terms(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """The question's own terms, and the terms its acronym expansions add."""
    direct = frozenset(tokenize(standardise(question)))
    return direct, frozenset(query_terms(question)) - direct


def emphasis_span(text: str, terms: tuple[frozenset[str], frozenset[str]]) -> tuple[int, int] | None:
    """The sentence matching the question best, if the passage has several.

    A term counts less the more sentences of the passage share it (the program's name is in
    many; "iuran" may be in one); the question's own words come first, expansions break ties.
    """
    spans = sentence_spans(text)
    direct, expanded = terms
    if len(spans) < 2 or not (direct or expanded):
        return None
    words = [set(tokenize(text[a:b])) for a, b in spans]
    spread = {term: sum(term in w for w in words) for term in direct | expanded}

    def weight(found: set[str]) -> float:
        return sum(1 / spread[term] for term in found)

    best, best_score = None, (0.0, 0.0)
    for span, found in zip(spans, words):
        score = (weight(direct & found), weight(expanded & found))
        if score > best_score:
            best, best_score = span, score
    return best


def quote_html(text: str, terms: tuple[frozenset[str], frozenset[str]]) -> str:
    """A passage as an HTML blockquote, its best-matching sentence in bold."""
    span = emphasis_span(text, terms)
    if span is None:
        return f"<blockquote>{html.escape(text)}</blockquote>"
    a, b = span
    body = f"{html.escape(text[:a])}<b>{html.escape(text[a:b])}</b>{html.escape(text[b:])}"
    return f"<blockquote>{body}</blockquote>"


def format_date(iso: str | None, language: str) -> str:
    """"2025-02-07" as "7 Februari 2025" (or the English month); other text is kept as is."""
    if not iso:
        return ""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}).*", iso.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return iso.strip()
    year, month, day = match.groups()
    return f"{int(day)} {MONTHS[ui_language(language)][int(month) - 1]} {year}"


def _link(url: str | None, label: str) -> str:
    """An HTML link for http(s) URLs; nothing for missing, odd or over-long ones."""
    if not url or len(url) > MAX_URL or urlsplit(url).scheme not in ("http", "https"):
        return ""
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'


def source_html(passage: Passage, language: str) -> str:
    """The source line under a quote: document title and date, then the source and its link."""
    date = format_date(passage.date, language)
    first = t(
        "source_line",
        language,
        title=html.escape(shorten(passage.title or passage.doc or "?", MAX_FIELD)),
        date=f" · {html.escape(date)}" if date else "",
    )
    host = urlsplit(passage.url or "").netloc.removeprefix("www.") or t("link_label", language)
    parts = [f"<i>{html.escape(shorten(passage.source, MAX_FIELD))}</i>" if passage.source else "", _link(passage.url, host)]
    second = " · ".join(p for p in parts if p)
    if passage.superseded_by:  # an old rule is quoted only with a warning that it no longer applies
        first = f"{t('superseded', language)}\n{first}"
    return f"{first}\n{second}" if second else first


def channels_html(programs: Sequence[str], language: str) -> str:
    """The official channels that fit the quoted programs (both when unclear)."""
    codes = {p.upper() for p in programs} - NEUTRAL_PROGRAMS
    if codes and codes <= HEALTH_PROGRAMS:
        keys = ["kes"]
    elif codes and not codes & HEALTH_PROGRAMS:
        keys = ["tk"]
    else:
        keys = ["tk", "kes"]
    return t("channels_joiner", language).join(t(f"channel_{k}", language) for k in keys)


def _echo(question: str) -> str:
    return html.escape(shorten(question, MAX_ECHO))


def _quotes(
    question: str, language: str, hits: Sequence[Hit], lead_key: str, preface: str
) -> Reply:
    """Lead, quotes with source lines and footer, shortened until the message fits."""
    terms = question_terms(question)
    passages = [h.passage for h in hits]
    texts = [p.text.strip() for p in passages]
    lead = t(lead_key, language, question=_echo(question))
    head = f"{preface}\n\n{lead}" if preface else lead

    def build() -> str:
        footer = t("footer", language, channels=channels_html([p.program for p in passages], language))
        blocks = [f"{quote_html(text, terms)}\n{source_html(p, language)}" for text, p in zip(texts, passages)]
        return "\n\n".join([head, *blocks, footer])

    message = build()
    while telegram_length(message) > MAX_MESSAGE and texts:
        excess = telegram_length(message) - MAX_MESSAGE
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        target = len(texts[longest]) - excess - 20
        if target < 200 and len(texts) > 1:
            texts.pop()
            passages.pop()
        else:
            texts[longest] = shorten(texts[longest], max(target, 1))
        message = build()
    return Reply(message, to_plain(message), tuple(passages))


def answer_reply(
    question: str, language: str, result: SearchResult, *, start: int = 0, limit: int = 3, preface: str = ""
) -> Reply:
    """The answer to a question: the first page of hits, or the `limit` hits from `start` on."""
    hits = first_page(result, limit) if start == 0 else result.hits[start : start + limit]
    return _quotes(question, language, hits, "lead" if start == 0 else "lead_more", preface)


def passage_reply(question: str, language: str, hit: Hit) -> Reply:
    """One quote with its source, as posted by an inline result."""
    return _quotes(question, language, [hit], "lead", "")


def no_answer_reply(
    question: str, language: str, topics: Sequence[tuple[str, str]] = (), preface: str = "", *, logged: bool = True
) -> Reply:
    """The honest "not found" message, pointing to nearby topics and the official channels.

    It says the question was noted for the maintainers only when it was (`logged`).
    """
    parts = [preface] if preface else []
    lead = t("no_answer", language, question=_echo(question))
    parts.append(f"{lead} {t('no_answer_logged', language)}" if logged else lead)
    if topics:
        parts.append(t("no_answer_topics", language))
    parts.append(t("no_answer_channels", language, channels=channels_html((), language)))
    message = "\n\n".join(parts)
    plain = to_plain(message)
    if topics:  # the console has no buttons: list the topics in the text instead
        listed = "\n".join(f"• {label}" for _, label in topics)
        header = to_plain(t("no_answer_topics", language))
        plain = plain.replace(header, f"{header}\n{listed}", 1)
    return Reply(message, plain)


def sources_reply(passages: Sequence[Passage | None], language: str) -> Reply:
    """Details of the documents behind the quotes (the "Sumber" button)."""
    blocks = [t("sources_header", language)]
    for passage in passages:
        if passage is None:
            blocks.append(html.escape(t("source_missing", language)))
            continue
        rows = [f"<b>{html.escape(shorten(passage.title, MAX_FIELD))}</b>"]
        if passage.headings:
            rows.append(f"{t('source_section', language)}: {html.escape(shorten(passage.context, MAX_FIELD * 2))}")
        if passage.program:
            rows.append(f"{t('source_program', language)}: {html.escape(passage.program)}")
        if passage.source:
            rows.append(f"{t('source_basis', language)}: {html.escape(shorten(passage.source, MAX_FIELD * 2))}")
        if passage.date:
            rows.append(f"{t('source_date', language)}: {html.escape(format_date(passage.date, language))}")
        link = _link(passage.url, shorten(passage.url or "", 80))
        if link:
            rows.append(link)
        blocks.append("\n".join(rows))
    message = "\n\n".join(blocks)
    return Reply(message, to_plain(message), tuple(p for p in passages if p is not None))


class _PlainText(HTMLParser):
    """Telegram HTML to plain text: quotes in quotation marks, links as their URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.parts.append("“")
        elif tag == "a":
            href = dict(attrs).get("href")
            self._href.append(href if href and href.startswith(("http://", "https://")) else None)
            if self._href[-1]:
                self.parts.append(self._href[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.parts.append("”")
        elif tag == "a" and self._href:
            self._href.pop()

    def handle_data(self, data: str) -> None:
        if not (self._href and self._href[-1]):
            self.parts.append(data)


def to_plain(message: str) -> str:
    """The plain-text rendering of one of our HTML messages."""
    parser = _PlainText()
    parser.feed(message)
    parser.close()
    return "".join(parser.parts).strip()


def format_timestamp(iso: str | None, language: str) -> str:
    """An ISO build time as "21 November 2025, 12:53 UTC"."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}).*", (iso or "").strip())
    if not match:
        return iso or "?"
    return f"{format_date(match.group(1), language)}, {match.group(2)} UTC"


def about_reply(manifest: dict, topics: Sequence[tuple[str, str]], language: str) -> Reply:
    """What the index holds and when it was built (`/tentang`)."""
    message = t(
        "about",
        language,
        documents=int(manifest.get("documents") or 0),
        passages=int(manifest.get("passages") or 0),
        built_at=html.escape(format_timestamp(manifest.get("built_at"), language)),
        model=html.escape(str(manifest.get("model", "?"))),
        topics=html.escape(", ".join(f"{label} ({code})" for code, label in topics) or "—"),
    )
    return Reply(message, to_plain(message))


def stats_reply(stats: Stats, language: str) -> Reply:
    """Questions asked, answered share, feedback and top unanswered questions (`/stats`)."""
    unanswered = "\n".join(f"{n}× {html.escape(shorten(q, 100))}" for q, n in stats.top_unanswered)
    message = t(
        "stats",
        language,
        questions=stats.questions,
        answered=stats.answered,
        share=f"{stats.answered_share:.0%}",
        helpful=stats.helpful,
        unhelpful=stats.unhelpful,
        unanswered=unanswered or t("stats_none", language),
    )
    return Reply(message, to_plain(message))


def text_reply(key: str, language: str, **values: object) -> Reply:
    """A fixed UI message (values already escaped)."""
    message = t(key, language, **values)
    return Reply(message, to_plain(message))
