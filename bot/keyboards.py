"""Inline keyboards under answers, and their callback data (always within Telegram's 64 bytes).

Callback data forms, before the seal: `m:<question id>:<start>` (more quotes),
`f:<question id>:+|-` (feedback), `s:<passage id>,<passage id>...` (sources),
`t:<lang>:<program code>` (a topic), `c:<lang>:<tk|kes|tk.kes>` (the official channels, "Hubungi
petugas"). Each is sealed with `:<tag>`, a keyed hash of the data and
of the chat and user it was sent to, so a press forged by anyone else (or in another chat) is
refused without revealing anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answer import Answer
from bot.reply import channel_keys
from bot.texts import t, ui_language
from index.types import Passage

MAX_CALLBACK_BYTES = 64
TAG_CHARS = 11  # base64 of a 64-bit keyed hash
MORE, FEEDBACK, SOURCES, TOPIC = "m", "f", "s", "t"
CONTACT = "c"
PROGRAM = "p"  # a clarifying answer: `p:<program code>`
MAX_DATA_BYTES = MAX_CALLBACK_BYTES - TAG_CHARS - 1
_NUMBER = re.compile(r"[0-9]{1,15}")  # ASCII digits only ("²".isdigit() is True), within SQLite's range

Signer = Callable[[str], str]


@dataclass(frozen=True)
class Seal:
    """Seals callback data for one chat and user with the installation's key, and opens it again."""

    key: bytes

    def _tag(self, data: str, chat_id: int | None, user_id: int | None) -> str:
        mac = hmac.new(self.key, f"{chat_id}|{user_id}|{data}".encode(), hashlib.sha256).digest()[:8]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def signer(self, chat_id: int | None, user_id: int | None) -> Signer:
        """A function that seals data for buttons sent to this chat and user."""
        return lambda data: _fits(f"{data}:{self._tag(data, chat_id, user_id)}")

    def open(self, sealed: str | None, chat_id: int | None, user_id: int | None) -> tuple[str, list[str]]:
        """The kind and fields of data sealed for this chat and user; ("", []) for anything else."""
        data, _, tag = (sealed or "").rpartition(":")
        if not data or not hmac.compare_digest(tag.encode(), self._tag(data, chat_id, user_id).encode()):
            return "", []
        return parse(data)


def _fits(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def number(field: str) -> int | None:
    """A callback field as a non-negative int, or None when it is not plain ASCII digits."""
    return int(field) if _NUMBER.fullmatch(field) else None


def sources_data(passages: Sequence[Passage]) -> str:
    """`s:` and as many passage ids as fit beside the seal."""
    data = f"{SOURCES}:"
    for i, passage in enumerate(passages):
        candidate = data + ("," if i else "") + passage.id
        if len(candidate.encode("utf-8")) > MAX_DATA_BYTES:
            break
        data = candidate
    return data


def topic_data(code: str, language: str) -> str:
    """`t:<lang>:<code>`, the code cut to fit beside the seal."""
    prefix = f"{TOPIC}:{ui_language(language)}:"
    return prefix + code.encode("utf-8")[: MAX_DATA_BYTES - len(prefix)].decode("utf-8", "ignore")


def topic_buttons(topics: Sequence[tuple[str, str]], language: str, sign: Signer, per_row: int = 1) -> list[list[InlineKeyboardButton]]:
    """One button per topic, labelled with its name."""
    buttons = [InlineKeyboardButton(label[:60], callback_data=sign(topic_data(code, language))) for code, label in topics]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def contact_button(programs: Sequence[str], language: str, sign: Signer) -> InlineKeyboardButton:
    """"Hubungi petugas": sends the official channels of the programs (both BPJS when unclear)."""
    keys = ".".join(channel_keys(programs))
    return InlineKeyboardButton(t("button_contact", language), callback_data=sign(f"{CONTACT}:{ui_language(language)}:{keys}"))


def answer_keyboard(question_id: int | None, answer: Answer, sign: Signer) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: more quotes, sources, 👍/👎, the hand-off to an officer; topic
    buttons and the hand-off when unanswered; none for a question no BPJS program handles."""
    language = answer.language
    if answer.clarify:
        return InlineKeyboardMarkup(program_buttons(answer.clarify, sign))
    if answer.result.off_topic and not answer.answered:
        return None  # no BPJS topic or officer answers it
    if not answer.reply.passages:
        return InlineKeyboardMarkup([*topic_buttons(answer.suggestions, language, sign), [contact_button((), language, sign)]])
    first: list[InlineKeyboardButton] = []
    if answer.more_from is not None and question_id is not None:
        first.append(InlineKeyboardButton(t("button_more", language), callback_data=sign(f"{MORE}:{question_id}:{answer.more_from}")))
    first.append(InlineKeyboardButton(t("button_sources", language), callback_data=sign(sources_data(answer.reply.passages))))
    rows = [first]
    if question_id is not None:
        rows.append(feedback_buttons(question_id, sign))
    rows.append([contact_button([p.program for p in answer.reply.passages], language, sign)])
    return InlineKeyboardMarkup(rows)


def program_buttons(options: Sequence[tuple[str, str]], sign: Signer) -> list[list[InlineKeyboardButton]]:
    """The answers to "which program?": one button per program, two to a row."""
    buttons = [
        InlineKeyboardButton(label[:60], callback_data=sign(f"{PROGRAM}:" + code.encode()[: MAX_DATA_BYTES - 2].decode("utf-8", "ignore")))
        for code, label in options
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def feedback_buttons(question_id: int, sign: Signer) -> list[InlineKeyboardButton]:
    """👍/👎 for a logged answer."""
    return [
        InlineKeyboardButton("👍", callback_data=sign(f"{FEEDBACK}:{question_id}:+")),
        InlineKeyboardButton("👎", callback_data=sign(f"{FEEDBACK}:{question_id}:-")),
    ]


def computed_keyboard(question_id: int | None, passages: Sequence[Passage], language: str, sign: Signer) -> InlineKeyboardMarkup | None:
    """Buttons under a computed answer (Hitung): the quoted rule's source, 👍/👎."""
    rows = []
    if passages:
        rows.append([InlineKeyboardButton(t("button_sources", language), callback_data=sign(sources_data(passages)))])
    if question_id is not None:
        rows.append(feedback_buttons(question_id, sign))
    return InlineKeyboardMarkup(rows) if rows else None


def parse(data: str | None) -> tuple[str, list[str]]:
    """Split (unsealed) callback data into its kind and fields ("" kind for anything unrecognised)."""
    kind, _, rest = (data or "").partition(":")
    if kind not in (MORE, FEEDBACK, SOURCES, TOPIC, CONTACT, PROGRAM):
        return "", []
    fields = rest.split(":") if kind != SOURCES else [p for p in rest.split(",") if p]
    return kind, fields


def button_labels(answer: Answer) -> list[list[str]]:
    """The labels of the buttons Telegram shows under `answer`, row by row (for the console).

    The console logs nothing, so a stand-in question id brings the buttons a logged answer has.
    """
    markup = answer_keyboard(0, answer, str)
    return [[button.text for button in row] for row in markup.inline_keyboard] if markup else []


def buttons_text(answer: Answer) -> str:
    """The buttons under `answer` as the console prints them: "[Sumber] [Hubungi petugas]", a row a line."""
    return "\n".join(" ".join(f"[{label}]" for label in row) for row in button_labels(answer))
