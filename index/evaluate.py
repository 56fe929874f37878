"""Retrieval quality on a TSV of questions: question<TAB>regex, or "-" for must-refuse."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.types import SearchResult


@dataclass(frozen=True)
class Case:
    question: str
    pattern: re.Pattern | None  # None: out of scope, the answer must be a refusal


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

    def summary(self) -> str:
        return (
            f"R@1 {self.recall1:.3f}  R@3 {self.recall3:.3f}  MRR@10 {self.mrr10:.3f}  "
            f"({self.in_scope} in scope, {self.wrongly_refused} wrongly refused)  "
            f"refusals {self.refused_ok}/{self.out_of_scope} out-of-scope"
        )


def read_cases(path: Path) -> list[Case]:
    cases = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        question, _, pattern = line.partition("\t")
        pattern = pattern.strip()
        try:
            compiled = None if pattern in ("", "-") else re.compile(pattern, re.IGNORECASE | re.DOTALL)
        except re.error as exc:
            raise ValueError(f"{path} line {n}: bad regex {pattern!r}: {exc}") from exc
        cases.append(Case(question.strip(), compiled))
    return cases


def evaluate(cases: list[Case], search: Callable[[str], SearchResult]) -> Report:
    """Rank of the first passage matching each regex among the top 10; refusals for "-" cases."""
    report = Report(cases=len(cases))
    for case in cases:
        result = search(case.question)
        if case.pattern is None:
            report.out_of_scope += 1
            if result.answered:
                top = result.hits[0].passage.title if result.hits else "?"
                report.misses.append(f"answered out-of-scope {case.question!r} (conf {result.confidence:.2f}, {top})")
            else:
                report.refused_ok += 1
            continue
        report.in_scope += 1
        rank = next((i for i, h in enumerate(result.hits[:10], 1) if case.pattern.search(f"{h.passage.context}\n{h.passage.text}")), None)
        if not result.answered:
            report.wrongly_refused += 1
        if rank:
            report.rr_sum += 1 / rank
            report.at1 += rank == 1
            report.at3 += rank <= 3
        if not rank or rank > 3 or not result.answered:
            where = f"rank {rank}" if rank else "not in top 10"
            refused = ", refused" if not result.answered else ""
            report.misses.append(f"{where}{refused} (conf {result.confidence:.2f}): {case.question!r}")
    return report
