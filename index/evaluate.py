"""Retrieval quality on a TSV of questions: question<TAB>regex, or "-" for must-refuse.

The benchmarks score their question sets here too, TyDi QA's with the id of the answering passage.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.types import Passage, SearchResult


@dataclass(frozen=True)
class Case:
    question: str
    pattern: re.Pattern | None  # None: out of scope, the answer must be a refusal (unless passage_id)
    passage_id: str | None = None  # instead of a regex: the one passage that answers (TyDi QA)

    @property
    def in_scope(self) -> bool:
        return self.pattern is not None or self.passage_id is not None

    def answered_by(self, passage: Passage) -> bool:
        """Whether quoting `passage` answers: it is the case's passage, or the regex matches its context and text."""
        if self.passage_id is not None:
            return passage.id == self.passage_id
        return bool(self.pattern and self.pattern.search(f"{passage.context}\n{passage.text}"))


@dataclass
class Report:
    cases: int = 0
    in_scope: int = 0
    at1: int = 0
    at3: int = 0
    rr_sum: float = 0.0
    refused_ok: int = 0  # out-of-scope questions refused
    out_of_scope: int = 0
    wrongly_refused: int = 0  # in-scope questions refused
    confident_wrong: int = 0  # in-scope questions answered with no matching passage in the top 3
    misses: list[str] = field(default_factory=list)

    @property
    def recall1(self) -> float:
        return self.at1 / self.in_scope if self.in_scope else 0.0

    @property
    def recall3(self) -> float:
        return self.at3 / self.in_scope if self.in_scope else 0.0

    @property
    def mrr10(self) -> float:
        return self.rr_sum / self.in_scope if self.in_scope else 0.0

    @property
    def answered_in_scope(self) -> int:
        return self.in_scope - self.wrongly_refused

    @property
    def confident_wrong_share(self) -> float:
        """Share of the answered in-scope questions whose top-3 quotes do not answer."""
        return self.confident_wrong / self.answered_in_scope if self.answered_in_scope else 0.0

    @property
    def wrongly_refused_share(self) -> float:
        """Share of the answerable questions refused."""
        return self.wrongly_refused / self.in_scope if self.in_scope else 0.0

    @property
    def out_of_scope_answered(self) -> int:
        return self.out_of_scope - self.refused_ok

    def ranking(self) -> dict:
        """R@1, R@3 and MRR@10 over the in-scope questions."""
        return {"R@1": round(self.recall1, 4), "R@3": round(self.recall3, 4), "MRR@10": round(self.mrr10, 4)}

    def figures(self) -> dict:
        return {
            **self.ranking(),
            "in_scope": self.in_scope,
            "confident_wrong": f"{self.confident_wrong}/{self.answered_in_scope}",
            "confident_wrong_share": round(self.confident_wrong_share, 4),
            "wrongly_refused": f"{self.wrongly_refused}/{self.in_scope}",
            "wrongly_refused_share": round(self.wrongly_refused_share, 4),
            "out_of_scope_answered": f"{self.out_of_scope_answered}/{self.out_of_scope}",
        }

    def summary(self) -> str:
        return (
            f"R@1 {self.recall1:.3f}  R@3 {self.recall3:.3f}  MRR@10 {self.mrr10:.3f}  "
            f"({self.in_scope} in scope)  "
            f"confident-wrong {self.confident_wrong}/{self.answered_in_scope} ({self.confident_wrong_share:.1%})  "
            f"wrongly refused {self.wrongly_refused}/{self.in_scope} ({self.wrongly_refused_share:.1%})  "
            f"out-of-scope answered {self.out_of_scope_answered}/{self.out_of_scope}"
        )


@lru_cache(maxsize=4096)
def compile_expectation(pattern: str, where: str = "") -> re.Pattern:
    """An expectation regex as every question and dialogue set uses them (IGNORECASE|DOTALL)."""
    try:
        return re.compile(pattern, re.IGNORECASE | re.DOTALL)
    except re.error as exc:
        raise ValueError(f"{where}: bad regex {pattern!r}: {exc}") from exc


def read_cases(path: Path) -> list[Case]:
    cases = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        question, _, pattern = line.partition("\t")
        pattern = pattern.strip()
        compiled = None if pattern in ("", "-") else compile_expectation(pattern, f"{path} line {n}")
        cases.append(Case(question.strip(), compiled))
    return cases


def evaluate(cases: list[Case], search: Callable[[str], SearchResult]) -> Report:
    """Rank of the first passage matching each regex among the top 10; refusals for "-" cases."""
    report = Report(cases=len(cases))
    for case in cases:
        result = search(case.question)
        if not case.in_scope:
            report.out_of_scope += 1
            if result.answered:
                top = result.hits[0].passage.title if result.hits else "?"
                report.misses.append(f"answered out-of-scope {case.question!r} (conf {result.confidence:.2f}, {top})")
            else:
                report.refused_ok += 1
            continue
        report.in_scope += 1
        rank = next((i for i, h in enumerate(result.hits[:10], 1) if case.answered_by(h.passage)), None)
        if not result.answered:
            report.wrongly_refused += 1
        elif not rank or rank > 3:
            report.confident_wrong += 1
        if rank:
            report.rr_sum += 1 / rank
            report.at1 += rank == 1
            report.at3 += rank <= 3
        if not rank or rank > 3 or not result.answered:
            where = f"rank {rank}" if rank else "not in top 10"
            refused = ", refused" if not result.answered else ""
            report.misses.append(f"{where}{refused} (conf {result.confidence:.2f}): {case.question!r}")
    return report
