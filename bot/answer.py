"""From a question to what the user gets: language, search result and reply.

The one path shared by Telegram (private chats, groups, buttons) and the console (`ask`,
`chat`, `start`), so that what `python -m bot ask` prints is what a private chat receives.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from bot.conversation import Turn, answers_own_terms, resolve, topic_label, turn_of
from bot.language import detect_language, is_supported
from bot.reply import Reply, answer_reply, answer_text, clarify_reply, no_answer_reply, off_topic_reply, shorten
from bot.texts import t, ui_language
from index import Retriever, SearchResult
from index.normalize import MAX_QUERY_CHARS, printable
from index.types import NEUTRAL_PROGRAMS

SEARCH_K = 10  # hits fetched per question: the first page plus "Jawaban lain"
MAX_SUGGESTIONS = 3
MAX_HITS = 30  # "Jawaban lain" stops after this many quotes
MAX_JSON_HITS = 5  # candidate passages listed by --json


@dataclass(frozen=True)
class Answer:
    """A question's language, its search result, the reply, and topic buttons when unanswered."""

    question: str
    language: str
    result: SearchResult
    reply: Reply
    suggestions: tuple[tuple[str, str], ...] = ()
    more_from: int | None = None  # where "Jawaban lain" continues; None when nothing is left
    understood: str = ""  # the question as searched (with the conversation's topic); "" = as asked
    clarify: tuple[tuple[str, str], ...] = ()  # (program code, label) offered when the bot asks back
    topic: tuple[str, ...] = ()  # the documents the search favoured (a follow-up's topic): "Jawaban lain" uses them again

    @property
    def answered(self) -> bool:
        return self.result.answered and not self.clarify

    def to_json(self) -> dict:
        """The `python -m bot ask --json` form (and one line of `chat --json`)."""
        return {
            "question": self.question,
            "language": self.language,
            "answered": self.answered,
            "confidence": round(self.result.confidence, 4),
            "passages": [
                {"text": p.text, "title": p.title, "source": p.source, "url": p.url, "score": round(score, 4)}
                for p, score in zip(self.reply.passages, self._scores())
            ],
            "reply": self.reply.plain,
            "answer_sentence": next((answer_text(h) for h in self.result.hits if self.reply.passages and h.passage.id == self.reply.passages[0].id), ""),
            "understood": self.understood or self.question,
            "clarify": [label for _, label in self.clarify],
            "hits": [
                {"title": h.passage.title, "context": h.passage.context, "text": h.passage.text, "score": round(h.score, 4)}
                for h in self.result.hits[:MAX_JSON_HITS]
            ],
        }

    def unlogged(self) -> Answer:
        """The same answer for when the question could not be logged: a refusal then does not say it was noted."""
        if self.result.answered or self.result.off_topic:
            return self
        framing, preface = _framing(self.language)
        return replace(self, reply=no_answer_reply(self.question, framing, self.suggestions, preface, logged=False))

    def _scores(self) -> list[float]:
        by_id = {h.passage.id: h.score for h in self.result.hits}
        return [by_id.get(p.id, 0.0) for p in self.reply.passages]


def clean_question(text: str) -> str:
    """The question as searched and logged: printable text only, whitespace collapsed, length capped.

    Control characters (terminal escapes included) and lone surrogates (invalid UTF-8 read from
    a console) are dropped, so nothing a user typed can act on a terminal or break an encoder.
    """
    return " ".join(printable((text or "")[: MAX_QUERY_CHARS * 4]).split())[:MAX_QUERY_CHARS]


def topics(retriever: Retriever) -> list[tuple[str, str]]:
    """The programs a user can pick as topics (general and news documents are not topics)."""
    return [(code, label) for code, label in retriever.topics() if code.upper() not in NEUTRAL_PROGRAMS]


def nearby_topics(retriever: Retriever, result: SearchResult) -> tuple[tuple[str, str], ...]:
    """Up to three topics the unconfident hits point to (the most common ones when none do)."""
    labels = dict(topics(retriever))
    codes = [h.passage.program.upper() for h in result.hits if h.passage.program.upper() in labels]
    codes = list(dict.fromkeys(codes)) or list(labels)
    return tuple((code, labels[code]) for code in codes[:MAX_SUGGESTIONS])


def _framing(language: str) -> tuple[str, str]:
    """The language replies are framed in, and the bilingual note for unsupported languages."""
    return (language, "") if is_supported(language) else (ui_language(language), t("other_language", "id"))


def answer_question(
    retriever: Retriever, question: str, *, passages: int = 3, language: str | None = None, logged: bool = True
) -> Answer:
    """Detect the language, search, and render the reply (blocking: call it off the event loop).

    `logged`: whether the caller stores the question (a refusal then says it was noted).
    """
    return answer_message(retriever, question, None, passages=passages, language=language, logged=logged)[0]


def answer_message(
    retriever: Retriever,
    message: str,
    previous: Turn | None,
    *,
    passages: int = 3,
    language: str | None = None,
    logged: bool = True,
    now: float = 0.0,
) -> tuple[Answer, Turn]:
    """Answer one message of a conversation whose previous turn is `previous` (None: none recent).

    Returns the answer and the turn to remember (when the bot asked back, one that says so: the
    next message may name the program). Blocking: call it off the event loop.
    """
    message = clean_question(message)
    language = language or detect_language(message)
    framing, preface = _framing(language)
    resolution = resolve(message, previous, retriever, k=SEARCH_K)
    searched_in = () if resolution.found else resolution.documents  # the topic the hits were found with ("Jawaban lain" repeats it)
    result = resolution.found or retriever.search(resolution.understood, k=SEARCH_K, topic=searched_in)
    if not result.answered and searched_in:
        # the conversation's documents lead close calls; they must not make the bot refuse what it answers without them
        plain = retriever.search(resolution.understood, k=SEARCH_K)
        if plain.answered:
            result, searched_in = plain, ()
    if resolution.clarify:
        reply = clarify_reply(message, framing, resolution.clarify, preface)
        asked = Turn(message, "", now, message, asked=True)
        return Answer(message, language, replace(result, answered=False), reply, clarify=resolution.clarify), asked
    if result.answered and not answers_own_terms(resolution, result, retriever):
        result = replace(result, answered=False)  # the carried topic matched, the new question did not
    understood = resolution.understood if resolution.understood != message else ""
    if understood:
        topic = topic_label(resolution.program, retriever) if resolution.program else shorten(resolution.subject, 80)
        preface = "\n\n".join(p for p in (preface, t("understood", framing, topic=html.escape(topic))) if p)
    if result.answered:
        reply = answer_reply(resolution.understood, framing, result, limit=passages, preface=preface, seen=resolution.quoted)
        shown = _after_shown(result, reply)
        more_from = shown if len(result.hits) > shown else None
        answer = Answer(message, language, result, reply, more_from=more_from, understood=understood, topic=searched_in)
    elif result.off_topic:
        reply = off_topic_reply(message, framing, preface)
        answer = Answer(message, language, result, reply, understood=understood)
    else:
        suggestions = nearby_topics(retriever, result)
        reply = no_answer_reply(message, framing, suggestions, preface, logged=logged)
        answer = Answer(message, language, result, reply, suggestions, understood=understood)
    return answer, turn_of(resolution, result, now, quoted=tuple(p.id for p in reply.passages))


def _after_shown(result: SearchResult, reply: Reply) -> int:
    """Where "Jawaban lain" continues: after the last hit the reply quotes (the lead may be the
    second hit; the first then was a near-duplicate of it, or is quoted after it)."""
    ids = {p.id for p in reply.passages}
    return max((n + 1 for n, h in enumerate(result.hits) if h.passage.id in ids), default=0)


def more_answers(
    retriever: Retriever, question: str, language: str, start: int, *, passages: int = 3, topic: tuple[str, ...] = ()
) -> Answer | None:
    """The next quotes for a question already answered ("Jawaban lain"), or None if none are left.

    `question` is what was searched and `topic` the documents it was searched with (Answer.topic),
    so that the hits are the first reply's, in its order."""
    result = retriever.search(clean_question(question), k=min(start + passages + 1, MAX_HITS), topic=topic)
    if start >= len(result.hits):
        return None
    reply = answer_reply(question, _framing(language)[0], result, start=start, limit=passages)
    after = start + len(reply.passages)
    return Answer(question, language, result, reply, more_from=after if len(result.hits) > after else None, topic=topic)
