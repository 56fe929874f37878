"""What `/metrics` shows, in Prometheus's text format (prometheus_client), one registry per bot.

Each replica counts its own; Prometheus adds them up. Counters: questions by outcome
(answered, refused, clarify: asked back, computed: /hitung), errors; a histogram of the time to
answer; and, read when scraped, the answered share, the index's build time and age.
"""

from __future__ import annotations

import datetime as dt

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.live_index import LiveIndex

OUTCOMES = ("answered", "refused", "clarify", "computed")
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _built_at(live: LiveIndex) -> float:
    retriever = live.retriever
    try:
        return dt.datetime.fromisoformat(retriever.manifest["built_at"]).timestamp() if retriever else 0.0
    except (KeyError, TypeError, ValueError):
        return 0.0


def _age(live: LiveIndex) -> float:
    built = _built_at(live)
    return max(0.0, dt.datetime.now(dt.timezone.utc).timestamp() - built) if built else 0.0


class Metrics:
    """The bot's counters, and the gauges read from the live index when scraped."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, live: LiveIndex) -> None:
        self.registry = CollectorRegistry()
        self._counts = dict.fromkeys(OUTCOMES, 0)
        self.questions = Counter(
            "tanya_questions", "Questions handled, by outcome", ["outcome"], registry=self.registry
        )
        for outcome in OUTCOMES:
            self.questions.labels(outcome)  # every series exists from the start, at 0
        self.errors = Counter("tanya_errors", "Handler errors and failed searches", registry=self.registry)
        self.latency = Histogram(
            "tanya_answer_seconds", "Time to understand, search and compose one answer", buckets=LATENCY_BUCKETS, registry=self.registry
        )
        Gauge("tanya_answered_share", "Share of questions answered since start", registry=self.registry).set_function(self.answered_share)
        Gauge("tanya_index_loaded", "1 when an index is loaded", registry=self.registry).set_function(lambda: float(live.retriever is not None))
        Gauge("tanya_index_built_timestamp_seconds", "When the loaded index was built", registry=self.registry).set_function(lambda: _built_at(live))
        Gauge("tanya_index_age_seconds", "Seconds since the loaded index was built", registry=self.registry).set_function(lambda: _age(live))

    def count(self, outcome: str, seconds: float | None = None) -> None:
        """One handled question, and how long its answer took."""
        self.questions.labels(outcome).inc()
        self._counts[outcome] += 1
        if seconds is not None:
            self.latency.observe(seconds)

    def answered_share(self) -> float:
        total = sum(self._counts.values())
        return (self._counts["answered"] + self._counts["computed"]) / total if total else 0.0

    def render(self) -> bytes:
        return generate_latest(self.registry)
