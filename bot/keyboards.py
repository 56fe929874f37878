"""Inline keyboards under answers, and their callback data (always within Telegram's 64 bytes).

Callback data forms: `m:<question id>:<start>` (more quotes), `f:<question id>:+|-` (feedback),
`s:<passage id>,<passage id>...` (sources), `t:<lang>:<program code>` (a topic).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answer import Answer
from bot.texts import t, ui_language
from index.types import Passage

MAX_CALLBACK_BYTES = 64
MORE, FEEDBACK, SOURCES, TOPIC = "m", "f", "s", "t"


def _fits(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def sources_data(passages: Sequence[Passage]) -> str:
    """`s:` and as many passage ids as fit in 64 bytes."""
    data = f"{SOURCES}:"
    for i, passage in enumerate(passages):
        candidate = data + ("," if i else "") + passage.id
        if len(candidate.encode("utf-8")) > MAX_CALLBACK_BYTES:
            break
        data = candidate
    return data


def topic_data(code: str, language: str) -> str:
    """`t:<lang>:<code>`, the code cut to fit."""
    prefix = f"{TOPIC}:{ui_language(language)}:"
    return prefix + code.encode("utf-8")[: MAX_CALLBACK_BYTES - len(prefix)].decode("utf-8", "ignore")


def topic_buttons(topics: Sequence[tuple[str, str]], language: str, per_row: int = 1) -> list[list[InlineKeyboardButton]]:
    """One button per topic, labelled with its name."""
    buttons = [InlineKeyboardButton(label[:60], callback_data=topic_data(code, language)) for code, label in topics]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def answer_keyboard(question_id: int | None, answer: Answer) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: more quotes, sources, 👍/👎; topic buttons when unanswered."""
    language = answer.language
    if not answer.reply.passages:
        rows = topic_buttons(answer.suggestions, language)
        return InlineKeyboardMarkup(rows) if rows else None
    first: list[InlineKeyboardButton] = []
    if answer.more_from is not None and question_id is not None:
        first.append(InlineKeyboardButton(t("button_more", language), callback_data=_fits(f"{MORE}:{question_id}:{answer.more_from}")))
    first.append(InlineKeyboardButton(t("button_sources", language), callback_data=_fits(sources_data(answer.reply.passages))))
    rows = [first]
    if question_id is not None:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=_fits(f"{FEEDBACK}:{question_id}:+")),
                InlineKeyboardButton("👎", callback_data=_fits(f"{FEEDBACK}:{question_id}:-")),
            ]
        )
    return InlineKeyboardMarkup(rows)


def parse(data: str | None) -> tuple[str, list[str]]:
    """Split callback data into its kind and fields ("" kind for anything unrecognised)."""
    kind, _, rest = (data or "").partition(":")
    if kind not in (MORE, FEEDBACK, SOURCES, TOPIC):
        return "", []
    fields = rest.split(":") if kind != SOURCES else [p for p in rest.split(",") if p]
    return kind, fields
