"""Turning a search result into the message a user reads: pure functions, no Telegram calls.

One HTML rendering (Telegram's HTML parse mode, every piece of user and corpus text escaped)
and a plain-text rendering derived from it, shared by private chats, groups, inline results
and the console. Passages are quoted verbatim; the sentence that best matches the question is
set in bold; every quote carries its source line; a message never exceeds Telegram's limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from bot.store import Stats
from bot.texts import t, ui_language
from index.answer_sentence import list_intro
from index.normalize import tokenize
from index.sentences import sentence_spans
from index.types import HEALTH_PROGRAMS, NEUTRAL_PROGRAMS, Hit, Passage, SearchResult

MAX_MESSAGE = 4096  # Telegram's limit, counted in UTF-16 code units
MAX_ECHO = 120  # characters of the question repeated in a "more quotes" lead line
MAX_FIELD = 200  # characters of a title or source shown in the "Sumber" details
MAX_LABEL = 60  # characters of the document title in a source line
MAX_SENTENCE = 600  # an answer "sentence" longer than this (a run-on list) is cut
CONTEXT_CHARS = 200  # characters of the passage quoted after the answer sentence
MAX_VISIBLE = 800  # a further passage joins the first only while the reply stays this short
NEW_TERMS = 0.5  # ... and only when at least this share of its answer's terms is not shown yet
MAX_URL = 400
MAX_LINK_LABEL = 45  # a longer official address is shown as its site
RELATIVE_FLOOR = 0.8  # a 2nd/3rd passage joins the first answer only if its score is this close
OFFICIAL_SITES = {"tk": "https://www.bpjsketenagakerjaan.go.id", "kes": "https://www.bpjs-kesehatan.go.id"}

MONTHS = {
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split(),
    "en": "January February March April May June July August September October November December".split(),
}

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


LEAD_MARGIN = 0.05  # a hit this close to the best may lead when the best is of another program than the one asked


def lead_hit(page: Sequence[Hit]) -> Hit:
    """The hit the reply opens with, of a first page (`first_page`): the engine's best, whose rank
    already weighs how well its sentence answers (Retriever._answering_first); but when the best is
    of another program than the one the question names, the first hit within LEAD_MARGIN of it that
    is of that program and has an answer sentence."""
    best = page[0]
    if not best.other_program:
        return best
    close = (h for h in page if h.score >= best.score - LEAD_MARGIN and h.answer_span is not None and not h.other_program)
    return next(close, best)


def answer_text(hit: Hit, limit: int | None = None) -> str:
    """The sentence the engine chose as the answer (Hit.answer_span), with the line introducing its
    list when it is one item of a list ("Dokumen yang diminta:\n• KTP;"): read alone, an item does not
    say what it is an item of. Whole without `limit`; over `limit` characters, a list is quoted by the
    parts that may answer (`_condensed`), and what is still too long is cut; "" when there is no
    answer sentence."""
    text, span = hit.passage.text, hit.answer_span
    if span is None:
        return ""
    sentence = text[span[0] : span[1]].strip()
    if limit and len(sentence) > limit:
        sentence = shorten(_condensed(text, hit.answer_parts, span[1]) if hit.answer_parts else sentence, limit)
    intro = list_intro(text, span)
    return f"{text[intro[0]:intro[1]].strip()}\n{sentence}" if intro else sentence


def _condensed(text: str, parts: Sequence[tuple[int, int]], end: int) -> str:
    """A long list quoted by its introduction and the items that may answer (Hit.answer_parts), in
    order, with "…" where items are left out (before `end`, where the list ends)."""
    lines = []
    for (a, b), after in zip(parts, [*(p[0] for p in parts[1:]), end]):
        lines.append(text[a:b].strip())
        if text[b:after].strip():
            lines.append("…")
    return "\n".join(lines)


def _window(hit: Hit) -> tuple[str, str, str]:
    """The answer sentence (cut to MAX_SENTENCE) and the verbatim text after it in its passage, cut
    to CONTEXT_CHARS.

    Without an answer sentence (an old rule), the passage's opening is quoted instead.
    """
    text, span = hit.passage.text, hit.answer_span
    if span is None:
        return "", "", shorten(text.strip(), CONTEXT_CHARS + 120)
    b = span[1]
    sentence = answer_text(hit, MAX_SENTENCE)
    following = text[b:].strip()
    gap = "\n" if "\n" in text[b : len(text) - len(text[b:].lstrip())] else " "
    if not following:
        return sentence, "", ""
    kept = ""
    for c, d in sentence_spans(following):
        piece = following[:d].strip()
        if len(piece) > CONTEXT_CHARS:
            break
        kept = piece
    if not kept:  # the next sentence alone is too long: its beginning, cut at a word
        kept = shorten(" ".join(following.split()), CONTEXT_CHARS)
    elif len(kept) < len(following):
        kept += " …"
    return sentence, gap, kept


def quote_html(hit: Hit) -> str:
    """A passage as an HTML blockquote opening with its answer sentence in bold."""
    sentence, gap, rest = _window(hit)
    body = f"<b>{html.escape(sentence)}</b>{gap}{html.escape(rest)}" if sentence else html.escape(rest)
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


def _official_link(passage: Passage) -> str:
    """One official link for a source line: the passage's own when it is a government page with a
    short address, else the official site of its program (never a long news URL)."""
    parts = urlsplit(passage.url or "")
    host = parts.netloc.lower()
    if parts.scheme in ("http", "https") and (host.endswith(".go.id") or host == "go.id"):
        short = _url_label(passage.url or "")
        return passage.url if len(short) <= MAX_LINK_LABEL else f"{parts.scheme}://{parts.netloc}"
    return OFFICIAL_SITES[channel_keys([passage.program])[0]]


def _url_label(url: str) -> str:
    """A URL as people write it: no scheme, no "www.", no trailing slash."""
    parts = urlsplit(url)
    return (parts.netloc.removeprefix("www.") + parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")


def source_label(passage: Passage) -> str:
    """The document title up to its colon ("JKP: uang tunai 60%..." -> "JKP"), shortened."""
    title = passage.title or passage.source or passage.doc or "?"
    head = title.split(": ", 1)[0] if ": " in title else title
    return shorten(head, MAX_LABEL)


def source_html(passage: Passage, language: str) -> str:
    """The one source line under a quote: title, the date the facts hold as of, one official link."""
    date = format_date(passage.checked or passage.date, language)
    url = _official_link(passage)
    first = t(
        "source_line",
        language,
        title=html.escape(source_label(passage)),
        date=f" · {t('as_of', language, date=html.escape(date))}" if date else "",
        link=f" · {_link(url, _url_label(url))}" if _link(url, "x") else "",
    )
    if passage.superseded_by:  # an old rule is quoted only with a warning that it no longer applies
        first = f"{t('superseded', language)}\n{first}"
    elif passage.ended():  # so is a temporary rule past its last day
        first = f"{t('ended', language, date=html.escape(format_date(passage.valid_until, language)))}\n{first}"
    return first


def channel_keys(programs: Sequence[str]) -> list[str]:
    """"tk", "kes" or both: the BPJS that runs the programs (both when unclear)."""
    codes = {p.upper() for p in programs} - NEUTRAL_PROGRAMS
    if codes and codes <= HEALTH_PROGRAMS:
        return ["kes"]
    if codes and not codes & HEALTH_PROGRAMS:
        return ["tk"]
    return ["tk", "kes"]


def channels_html(programs: Sequence[str], language: str, *, short: bool = False) -> str:
    """The official channels that fit the quoted programs (both when unclear)."""
    suffix = "_short" if short else ""
    return t("channels_joiner", language).join(t(f"channel_{k}{suffix}", language) for k in channel_keys(programs))


def contact_reply(keys: Sequence[str], language: str) -> Reply:
    """The "Hubungi petugas" message: the official channels ("tk", "kes": see channel_keys), and LAPOR! beyond them."""
    keys = [k for k in keys if k in OFFICIAL_SITES] or list(OFFICIAL_SITES)
    blocks = [t("contact_header", language), *(t(f"contact_{k}", language) for k in keys), t("contact_lapor", language)]
    message = "\n\n".join(blocks)
    return Reply(message, to_plain(message))


def _echo(question: str) -> str:
    return html.escape(shorten(question, MAX_ECHO))


def visible_text(message: str) -> str:
    """What a phone shows of one of our HTML messages: markup gone, link labels kept."""
    return html.unescape(re.sub(r"<[^>]+>", "", message))


def _adds(hit: Hit, shown: set[str]) -> bool:
    """Whether a further hit's answer says something the reply does not already (no near-duplicates)."""
    terms = set(tokenize(answer_text(hit)))
    return bool(terms) and len(terms - shown) / len(terms) >= NEW_TERMS


def _fit(blocks: list[str], head: str, footer: str) -> str:
    """Head, blocks and footer, dropping trailing blocks (then cutting) until Telegram takes it."""
    while True:
        message = "\n\n".join(p for p in (head, *blocks, footer) if p)
        if telegram_length(message) <= MAX_MESSAGE:
            return message
        if len(blocks) > 1:
            blocks = blocks[:-1]
        else:
            return shorten(visible_text(message), MAX_MESSAGE)  # unreachable with the caps above; never sent too long


def _block(hit: Hit, language: str) -> str:
    return f"{quote_html(hit)}\n{source_html(hit.passage, language)}"


def answer_reply(
    question: str,
    language: str,
    result: SearchResult,
    *,
    start: int = 0,
    limit: int = 3,
    preface: str = "",
    seen: Collection[str] = (),
) -> Reply:
    """The answer to a question, answer first; or the `limit` hits from `start` on ("Jawaban lain").

    The first page opens with an answer sentence in bold (`lead_hit`: the best hit's, or a close
    hit's of the program asked), followed by the rest of its passage (cut short) and
    one source line. A further close hit joins only while it adds terms
    not shown yet and the reply stays under MAX_VISIBLE characters; the others are "Jawaban lain".
    A passage of `seen` (quoted by the conversation's previous reply) is not quoted again beside it.
    """
    if start:
        hits = list(result.hits[start : start + limit])
        lead = t("lead_more", language, question=_echo(question))
        blocks = [_block(h, language) for h in hits]
    else:
        page = first_page(result, limit)
        hits = [lead_hit(page)] if page else []
        lead = ""
        blocks = [_block(h, language) for h in hits]
        shown = set(tokenize(hits[0].passage.text)) if hits else set()
        for hit in [h for h in page if h is not hits[0] and h.passage.id not in seen]:
            if hit.passage.old_rule or not _adds(hit, shown):
                break  # "Jawaban lain" continues after the last hit shown
            block = f"<blockquote>{html.escape(answer_text(hit, MAX_SENTENCE))}</blockquote>\n{source_html(hit.passage, language)}"
            trial = "\n\n".join([*blocks, block])
            if len(visible_text(trial)) > MAX_VISIBLE:
                break
            blocks.append(block)
            hits.append(hit)
            shown |= set(tokenize(hit.passage.text))
    footer = t("footer", language, channels=channels_html([h.passage.program for h in hits], language, short=True))
    head = "\n\n".join(p for p in (preface, lead) if p)
    message = _fit(blocks, head, footer)
    kept = tuple(h.passage for h in hits[: max(1, message.count("<blockquote>"))]) if hits else ()
    return Reply(message, to_plain(message), kept)


def passage_reply(question: str, language: str, hit: Hit) -> Reply:
    """One answer from one hit, in the same compact form, as posted by an inline result."""
    return answer_reply(question, language, SearchResult(question, True, 1.0, (hit,)))


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


def off_topic_reply(question: str, language: str, preface: str = "") -> Reply:
    """The refusal of a question about a subject no BPJS program handles (SearchResult.off_topic):
    what the bot answers instead, and no BPJS topic or channel, which could not help either."""
    message = "\n\n".join([*([preface] if preface else []), t("off_topic", language, question=_echo(question))])
    return Reply(message, to_plain(message))


def clarify_reply(question: str, language: str, options: Sequence[tuple[str, str]], preface: str = "") -> Reply:
    """The question back: which program the message is about (buttons in Telegram, a list in the console)."""
    parts = [preface] if preface else []
    parts.append(t("clarify", language, question=_echo(question)))
    message = "\n\n".join(parts)
    listed = "\n".join(f"• {label}" for _, label in options)
    return Reply(message, f"{to_plain(message)}\n{listed}")


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
        if passage.valid_until:
            rows.append(f"{t('source_until', language)}: {html.escape(format_date(passage.valid_until, language))}")
        link = _link(passage.url, shorten(passage.url or "", 80))
        if link:
            rows.append(link)
        blocks.append("\n".join(rows))
    message = "\n\n".join(blocks)
    return Reply(message, to_plain(message), tuple(p for p in passages if p is not None))


class _PlainText(HTMLParser):
    """Telegram HTML to plain text: quotes in quotation marks, links as their URLs (or as their
    label when the label is the URL as people write it, "bpjs-kesehatan.go.id", as Telegram shows it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.parts.append("“")
        elif tag == "a":
            href = dict(attrs).get("href")
            self._href.append(href if href and href.startswith(("http://", "https://")) else None)
            self._label = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.parts.append("”")
        elif tag == "a" and self._href:
            href, label = self._href.pop(), "".join(self._label)
            self.parts.append(label if href is None or label.removeprefix("www.").rstrip("/") == _url_label(href) else href)

    def handle_data(self, data: str) -> None:
        (self._label if self._href else self.parts).append(data)


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
