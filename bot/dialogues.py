"""Conversations as the bot holds them, for the console and for scoring dialogue sets.

A dialogue set is a TSV of `dialogue<TAB>message<TAB>expect` lines (see tests/data/dialogues.tsv):
expect is a regex one of the top-3 passages of that turn's answer must match, "?" when the bot
must ask back, "-" when it must say it has no confident answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.answer import Answer, answer_message
from bot.conversation import Turn
from index import Retriever
from index.evaluate import compile_expectation

CLARIFY, REFUSE = "?", "-"


class Conversation:
    """One user's conversation with the bot: each message is read with the previous turn, if recent."""

    def __init__(self, retriever: Retriever, window: float, *, passages: int = 3) -> None:
        self.retriever, self.window, self.passages = retriever, window, passages
        self._turn: Turn | None = None
        self._clock = 0.0

    def ask(self, message: str, *, at: float | None = None) -> Answer:
        """Answer `message`; `at` (seconds) lets a caller age the conversation past its window."""
        self._clock = self._clock if at is None else at
        previous = self._turn if self._turn and self._clock - self._turn.at <= self.window else None
        answer, turn = answer_message(self.retriever, message, previous, passages=self.passages, logged=False, now=self._clock)
        self._turn = turn
        return answer


@dataclass(frozen=True)
class DialogueTurn:
    dialogue: str
    message: str
    expect: str  # a regex, "?" or "-"


@dataclass
class DialogueReport:
    turns: int = 0
    right: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [right, total]
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.turns if self.turns else 0.0

    def summary(self) -> str:
        kinds = "  ".join(f"{kind} {r}/{n}" for kind, (r, n) in sorted(self.by_kind.items()))
        return f"turns right {self.right}/{self.turns} ({self.share:.1%})  {kinds}"


def read_dialogues(path: Path) -> list[DialogueTurn]:
    turns = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path} line {n}: expected dialogue<TAB>message<TAB>expect")
        dialogue, message, expect = (p.strip() for p in parts)
        if expect not in (CLARIFY, REFUSE):
            compile_expectation(expect, f"{path} line {n}")
        turns.append(DialogueTurn(dialogue, message, expect))
    return turns


def _grouped(turns: list[DialogueTurn]) -> Iterator[list[DialogueTurn]]:
    group: list[DialogueTurn] = []
    for turn in turns:
        if group and turn.dialogue != group[-1].dialogue:
            yield group
            group = []
        group.append(turn)
    if group:
        yield group


def right(turn: DialogueTurn, answer: Answer) -> bool:
    """Whether the answer is what the turn expects."""
    if turn.expect == CLARIFY:
        return not answer.answered and bool(answer.clarify)
    if turn.expect == REFUSE:
        return not answer.answered
    pattern = compile_expectation(turn.expect)
    return answer.answered and any(pattern.search(f"{h.passage.context}\n{h.passage.text}") for h in answer.result.hits[:3])


def kind(turn: DialogueTurn, position: int) -> str:
    if turn.expect in (CLARIFY, REFUSE):
        return {"?": "clarify", "-": "refuse"}[turn.expect]
    return "first" if position == 0 else "follow-up"


def evaluate_dialogues(turns: list[DialogueTurn], retriever: Retriever, window: float = 600.0) -> DialogueReport:
    """Play every dialogue as one user's conversation and count the turns answered as expected."""
    report = DialogueReport()
    for dialogue in _grouped(turns):
        conversation = Conversation(retriever, window)
        for position, turn in enumerate(dialogue):
            answer = conversation.ask(turn.message)
            ok = right(turn, answer)
            counts = report.by_kind.setdefault(kind(turn, position), [0, 0])
            counts[0] += ok
            counts[1] += 1
            report.turns += 1
            report.right += ok
            if not ok:
                got = "asked back" if answer.clarify else ("answered" if answer.answered else "refused")
                top = answer.result.hits[0].passage.title if answer.result.hits else "-"
                report.misses.append(f"{turn.dialogue} {turn.message!r} expect {turn.expect!r}: {got}, understood {answer.understood or turn.message!r}, top {top!r}")
    return report

