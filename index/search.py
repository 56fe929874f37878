"""Step 7: answer a question from a loaded index (the library API the bot uses).

    retriever = Retriever.load(index_dir)      # once; reuse `encoder=` across hot reloads
    result = retriever.search("gmn cara klaim jht kalo resign")
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import faiss
import numpy as np

from index.answer_sentence import (
    DEFINITION_WORDS, EXAMPLE_WORDS, FIGURE_KINDS, Kind, answer_parts, asked_rate, best_sentence, holds, lists_programs, question_kind, states,
)
from index.dense import DenseIndex
from index.encoders import Encoder, load_encoder, vector_family
from index.errors import IndexLoadError
from index.fusion import FusionParams, Signals, answer_confidence, fuse, params_for
from index.lexical import LexicalIndex
from index.normalize import acronyms, data_lines, kept_beside, query_forms, query_text, standardise, tokenize, word_set, words
from index.passages import embedding_text, lexical_text
from index.spelling import Speller
from index.store import StoredIndex, embedding_key, read_index
from index.types import BODY, HEALTH_PROGRAMS, NEUTRAL_PROGRAMS, NEWS_PROGRAMS, SEGMENT_PROGRAMS, Hit, Passage, SearchResult

logger = logging.getLogger(__name__)

_CONTEXT = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)\s*$")  # a bracketed context at the end, one level of brackets inside
SEGMENT_IDF = 2.5  # a term in fewer than about 1 passage in 12 names what it is about ("migran", "proyek"; not "kerja", "upah")
_DEFINITION_TERMS = frozenset(tokenize(" ".join(DEFINITION_WORDS)))  # "maksud", "erti": what a definition question adds
# A section on what is not covered ("Ambulans yang tidak dijamin JKN"), as its title's head or a heading says.
_EXCLUSION = re.compile(r"\b(tidak|bukan) (dijamin|ditanggung|dibayar|termasuk)\b", re.I)
# A question asking about what is not covered ("yg gak ditanggung apa aja"), or whether a right is lost ("iuran jp
# ... duitnya ilang?": when JP is not paid); a closing "ditanggung gak?" only asks yes or no.
_ASKS_EXCLUSION = re.compile(r"\b(tidak|bukan|belum|not)\s+((di|ter)\w+|bisa|boleh|dapat|masuk|cover\w*|include\w*)\b|\b(hilang|hangus|gugur|lost|forfeited)\b")
# A section of worked examples ("Contoh hitungan denda pelayanan"), and a question asking for one.
_EXAMPLE = re.compile(r"\bcontoh\b", re.I)
_ASKS_EXAMPLE = re.compile(rf"\b({'|'.join(sorted(EXAMPLE_WORDS))})\b")
# The BPJS body a question naming neither body nor program means, by what it asks (`Retriever._asked`), read in
# standard spelling (query_forms: "rs" is "rumah sakit" there, "opname" "rawat inap"). Treatment is BPJS
# Kesehatan's, unless the question speaks of a work accident, work or death; money on a death is BPJS
# Ketenagakerjaan's (JKM, JKK, JHT: JKN pays none), unless it speaks of treatment.
_TREATMENT = re.compile(r"\b(berobat\w*|obat|rumah sakit|puskesmas|faskes|klinik|dokter|rawat inap|igd)\b", re.I)
_WORK_RISK = re.compile(r"\b(kecelakaan|celaka|kerja|bekerja|pekerjaan|meninggal|cacat)\b", re.I)
_DEATH_MONEY = re.compile(
    r"(?=.*\b(meninggal|kematian|wafat|dies|died|death)\b).*\b(santunan|uang|manfaat|get|gets|receive|menerima|terima|diterima|klaim|cair\w*|dana)\b",
    re.I | re.S,
)
# The words that make a question about a subject no BPJS program handles (`_off_topic_subjects`) a question
# about BPJS after all ("thr kena potongan bpjs gak").
_SCHEME_WORDS = frozenset({"bpjs", "jamsostek", "askes", "kis", "jkn"})
_IMPLIED_BODIES = ((_TREATMENT, _WORK_RISK, "kesehatan"), (_DEATH_MONEY, _TREATMENT, "ketenagakerjaan"))
# A group of participants with rules of its own (types.SEGMENT_PROGRAMS, and foreign workers), as a title's head or a heading names it.
_SEGMENT = re.compile(r"\b(bukan penerima upah|bpu|pekerja migran|pmi|jasa konstruksi|pekerja asing|wna)\b", re.I)
# Each group, by the words a question about it uses: its name, or who asks or where they work ("sy ojol",
# "proyek"). Keyed by the group's program code (lower case; "asing" for foreign workers, who have none);
# whatever `_SEGMENT` finds in a passage's head is one group's word.
_GROUP_CUES = {
    "bpu": re.compile(r"\b(bpu|bukan penerima upah|mandiri|informal|pedagang|petani|nelayan|ojek|ojol|kurir|sopir|freelance)\b", re.I),
    "pmi": re.compile(r"\b(pmi|pekerja migran|luar negeri)\b", re.I),
    "jasa-konstruksi": re.compile(r"\b(jasa konstruksi|konstruksi|proyek|kontraktor|bangunan)\b", re.I),
    "asing": re.compile(r"\b(asing|pekerja asing|wna|tka|ekspatriat|expat)\b", re.I),
}

# The kinds of fact a passage leads with only when its answer sentence holds one (`_figure_first`): a
# figure, the requirements, the programs to join, a use ("buat apa"), a party ("dibayar siapa"). Not
# steps, a condition or a definition, whose signals ("lewat", "bisa", "adalah") most sentences hold.
_HELD_FIRST = FIGURE_KINDS | {Kind.REQUIREMENT, Kind.PROGRAMS, Kind.PURPOSE, Kind.PARTY}


@dataclass(frozen=True)
class Candidates:
    terms: list[str]  # the question's BM25 terms
    ids: np.ndarray  # passage rows
    cosines: np.ndarray  # dense cosine similarity of each row
    bm25: np.ndarray  # raw BM25 score of each row
    text: str = ""  # the question as both sides saw it (spelling corrected, acronyms expanded)
    other_program: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per row: of another program than the one asked
    question: str = ""  # the question as asked
    direct: frozenset[str] = frozenset()  # the terms the question itself used, typos corrected (not acronym expansions)
    other_body: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per row: of the other BPJS body than the one named
    named: frozenset[str] = frozenset()  # the programs the question names (lowercase codes)
    known: tuple[str, ...] = ()  # the terms the corpus uses: a word it never uses weighs on every sentence alike
    segment: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per row: of a group of participants the question does not name
    exclusion: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per row: on what is not covered, which the question does not ask
    example: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per row: a worked example, the question asking the rule
    answers: dict = field(default_factory=dict, compare=False, repr=False)  # row -> its answer sentence, once scored (Retriever._answer)

    @cached_property
    def kind(self) -> Kind:
        """The kind of fact asked for (index/answer_sentence.py), read from the question's own words:
        a conversation's follow-up is searched as "message (context)", and "rs mana aja yg bisa
        nerima (kecelakaan kerja lapornya kapan)" asks for a list, not a date. The context decides
        only when the message asks nothing of its own ("kalo kelas 1? (... brp sebulan)")."""
        own = _CONTEXT.sub("", self.question)
        kind = question_kind(own) if own != self.question else Kind.ANY
        return kind if kind is not Kind.ANY else question_kind(f"{self.question} {self.text}")

    @cached_property
    def rate(self) -> str:
        """The unit of time an amount is asked per ("brp sebulan" -> "bulan"), or "" (`asked_rate`)."""
        return asked_rate(self.question)


@cache
def _off_topic_subjects() -> re.Pattern:
    """The subjects no BPJS program handles (index/data/off_topic.txt), as one pattern of whole phrases."""
    return re.compile(rf"\b({'|'.join(re.escape(p) for p in data_lines('off_topic.txt'))})\b")


@cache
def _kept_terms() -> frozenset[str]:
    """The terms of the words the word lists keep beside the corpus's word for them (`kept_beside`:
    "paid" beside "bayar", "hongkong" beside "luar negeri"): that word stands for them in coverage,
    which the corpus would otherwise never give such a question in full."""
    return frozenset(t for word in kept_beside() for t in tokenize(word))


@cache
def _program_terms(code: str) -> frozenset[str]:
    """The terms of a program's code and full name, as a question naming it is searched ("jkp" ->
    jkp, jamin, hilang, kerja)."""
    return frozenset(tokenize(query_text(code)))


def _shifted(fused: np.ndarray, rows: np.ndarray, delta: float) -> np.ndarray:
    """`fused` with `delta` added where `rows` is true (never below zero)."""
    if not rows.any():
        return fused
    return np.where(rows, np.maximum(fused + delta, 0.0), fused)


def _title_head(passage: Passage) -> str:
    """Its title before any ":" ("Pekerja Migran Indonesia (PMI)"), what the whole document is about."""
    return passage.title.split(":")[0]


def _head(passage: Passage) -> str:
    """What a passage says it is about: its title's head and its headings."""
    return " ".join((_title_head(passage), *passage.headings))


def best_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Rows of the n highest positive scores, in no particular order.

    Most passages share no term with a question: choosing among the rest is faster (bench/scale.py).
    """
    rows = np.flatnonzero(scores > 0)
    if len(rows) <= n:
        return rows
    return rows[np.argpartition(scores[rows], len(rows) - n)[len(rows) - n :]]


class Retriever:
    """A loaded index plus its encoder. `search` is safe to call from many threads at once."""

    def __init__(self, stored: StoredIndex, encoder: Encoder, index_dir: Path):
        self._stored = stored
        self.encoder = encoder
        self.index_dir = Path(index_dir)
        # Tuned per model, in code; an encoder whose scores have another scale brings its own.
        self.params = getattr(encoder, "fusion_params", None) or params_for(stored.manifest.get("model", ""))
        self._by_id = {p.id: i for i, p in enumerate(stored.passages)}

    @classmethod
    def load(cls, index_dir: Path, encoder: Encoder | None = None, **encoder_options) -> Retriever:
        """Load the index at `index_dir`; raises IndexLoadError with a one-line reason.

        Without `encoder`, the index's model is loaded with `encoder_options` (backend,
        cache_dir, threads: see `load_encoder`; entry points pass `settings.encoder_options()`).
        """
        stored = read_index(Path(index_dir))
        model = stored.manifest.get("model")
        if encoder is None:
            try:
                encoder = load_encoder(model, **encoder_options)
            except (ValueError, OSError) as exc:
                raise IndexLoadError(f"cannot load the index's model {model!r}: {exc}") from exc
        elif encoder.name != model:
            raise IndexLoadError(f"index at {index_dir} was built with {model!r}, not {encoder.name!r}: rebuild it")
        built, running = stored.manifest.get("backend", "torch"), getattr(encoder, "backend", "torch")
        if vector_family(built) != vector_family(running):
            raise IndexLoadError(f"index at {index_dir} was embedded by the {built} backend, not {running}: set EMBEDDING_BACKEND={built} or rebuild it")
        # One query at a time: FAISS's OpenMP threads cost 3-5x per single search (bench/scale.py);
        # concurrency comes from the callers' threads instead.
        faiss.omp_set_num_threads(1)
        if encoder.dimension != stored.manifest.get("dimension"):
            raise IndexLoadError(f"model {model!r} gives {encoder.dimension} dimensions, the index has {stored.manifest.get('dimension')}")
        return cls(stored, encoder, index_dir)

    @classmethod
    def from_vectors(cls, passages: list[Passage], vectors: np.ndarray, encoder: Encoder, dense_kind: str = "flat") -> Retriever:
        """A Retriever over passages held in memory and their vectors, indexed as a build indexes them.

        For benchmarks and tests: nothing is written, and `encoder` only encodes the questions.
        """
        lexical = LexicalIndex.build([lexical_text(p) for p in passages])
        return cls.from_parts(passages, DenseIndex.build(vectors, dense_kind), lexical, encoder)

    @classmethod
    def from_parts(cls, passages: list[Passage], dense: DenseIndex, lexical: LexicalIndex, encoder: Encoder) -> Retriever:
        """A Retriever over passages held in memory and the dense and lexical indexes already built over them."""
        backend = getattr(encoder, "backend", "torch")
        manifest = {"model": encoder.name, "backend": backend, "dimension": encoder.dimension, "passages": len(passages), "dense": dense.kind}
        keys = [embedding_key(encoder.name, embedding_text(p), backend) for p in passages]
        stored = StoredIndex(manifest, passages, keys, [], dense, lexical)
        return cls(stored, encoder, stored.path)

    @property
    def manifest(self) -> dict:
        return self._stored.manifest

    @property
    def passages(self) -> list[Passage]:
        return self._stored.passages

    @property
    def documents(self) -> list[dict]:
        return self._stored.documents

    def passage(self, passage_id: str) -> Passage | None:
        i = self._by_id.get(passage_id)
        return self._stored.passages[i] if i is not None else None

    @cached_property
    def _topic_labels(self) -> dict[str, str]:
        return {a.short.upper(): a.long.title() for a in acronyms()}

    def topics(self) -> list[tuple[str, str]]:
        """(program code, label) of the programs the corpus covers, most documents first."""
        counts: dict[str, int] = {}
        for doc in self._stored.documents:
            code = (doc.get("program") or "").upper()
            if code:
                counts[code] = counts.get(code, 0) + 1
        ordered = sorted(counts, key=lambda c: (-counts[c], c))
        return [(code, self._topic_labels.get(code, code.title())) for code in ordered]

    def search(self, question: str, k: int = 5, *, topic: Collection[str] = ()) -> SearchResult:
        """The k best passages for `question`, fused and scored.

        `topic`: the documents (Document.path) a conversation was just about; their passages gain
        `params.topic_bonus`, so that a follow-up is answered from them unless another passage is
        clearly better. Odd input (empty, symbols, very long) gets an unanswered result; a bug
        raises, so that the caller reports it (the bot: the maintenance reply, logged once) instead
        of logging it as a question the corpus could not answer.
        """
        return self.rank(question or "", self.candidates(question or ""), k, topic=topic)

    @cached_property
    def speller(self) -> Speller:
        """Typo correction against the words BM25 knows: the passages' and their tag words."""
        return Speller.from_texts(lexical_text(p) for p in self._stored.passages)

    @cached_property
    def _programs(self) -> frozenset[str]:
        return frozenset(p.program.lower() for p in self._stored.passages if p.program)

    @cached_property
    def _specific_programs(self) -> frozenset[str]:
        """The programs of the corpus that are one program (not UMUM or news)."""
        return self._programs - {p.lower() for p in NEUTRAL_PROGRAMS}

    def query_text(self, question: str) -> str:
        """The question as both sides see it: standard spelling, typos corrected, acronyms expanded."""
        return query_text(question, self.speller.correct)

    def candidates(self, question: str) -> Candidates:
        """The passages either side ranks high for `question`, with both sides' raw scores."""
        corrected, text = query_forms(question, self.speller.correct)
        terms = list(dict.fromkeys(tokenize(text)))
        direct = frozenset(tokenize(corrected))
        stored, n = self._stored, self.params.candidates
        if not words(text) or not stored.passages:
            return Candidates(terms, np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float32), text, question=question, direct=direct)
        query = self.encoder.encode_queries([text])[0]
        dense_ids, _ = stored.dense.search(query, n)
        bm25 = self._lexical_scores(terms, self._context_terms(question, terms))
        ids = np.unique(np.concatenate([dense_ids, best_positive(bm25, n)]).astype(np.int64))
        asked = self._asked(text)
        rare = frozenset(t for t in terms if self.idf(t) >= SEGMENT_IDF)
        other = np.fromiter((self._program_mismatch(asked, stored.passages[i], rare) for i in ids), bool, len(ids))
        body = np.fromiter((self._other_body(asked[1], stored.passages[i]) for i in ids), bool, len(ids))
        known = tuple(t for t in terms if self.knows(t))
        segment, exclusion, example = self._misfits(question, text, ids)
        return Candidates(terms, ids, stored.dense.vectors(ids) @ query, bm25[ids], text, other, question, direct, body, asked[0], known, segment, exclusion, example)

    def _misfits(self, question: str, text: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per candidate row `ids`: of a group of participants the question does not name (`text`: as
        searched, acronyms expanded; "sy ojol, iuran jht brp" names BPU, so a PMI rule loses and a BPU
        one does not), on what is not covered when the question does not ask about exceptions, a
        worked example when it asks for the rule (`_mismatched_last` reads them)."""
        asked = standardise(question).lower()
        groups, exclusion, example = self._passage_sections
        named = frozenset(key for key, cue in _GROUP_CUES.items() if cue.search(text))
        return (
            np.fromiter((bool(groups[i]) and not groups[i] & named for i in ids), bool, len(ids)),
            exclusion[ids] & (not _ASKS_EXCLUSION.search(asked)),
            example[ids] & (not _ASKS_EXAMPLE.search(asked)),
        )

    @cached_property
    def _passage_sections(self) -> tuple[list[frozenset[str]], np.ndarray, np.ndarray]:
        """Per stored passage, read from its head once per index: the groups whose rule it states
        (`_groups`), whether it is on what is not covered, or a worked example."""
        passages = self._stored.passages
        heads = [_head(p) for p in passages]
        return (
            [self._groups(p) for p in passages],
            np.array([bool(_EXCLUSION.search(h)) for h in heads], bool),
            np.array([bool(_EXAMPLE.search(h)) for h in heads], bool),
        )

    def _context_terms(self, question: str, terms: list[str]) -> frozenset[str]:
        """The terms that only a follow-up's bracketed context brings ("syaratnya apa (Jaminan
        Kehilangan Pekerjaan)"): none for a question without one."""
        own = _CONTEXT.sub("", question)
        if own == question:
            return frozenset()
        own_terms = set(tokenize(query_forms(own, self.speller.correct)[1]))
        return frozenset(t for t in terms if t not in own_terms)

    def _lexical_scores(self, terms: list[str], context: frozenset[str]) -> np.ndarray:
        """BM25 scores of `terms`, the `context` ones weighted by `params.context_weight`: the dense
        side and the topic bonus already carry the context, so the lexical side looks mostly for what
        the message adds."""
        lexical, weight = self._stored.lexical, self.params.context_weight
        if not context or weight == 1.0:
            return lexical.scores(terms)
        return lexical.scores([t for t in terms if t not in context]) + weight * lexical.scores(list(context))

    def rank(
        self, question: str, found: Candidates, k: int, params: FusionParams | None = None, *, topic: Collection[str] = ()
    ) -> SearchResult:
        """Fuse the candidates' scores, keep the k best, and decide whether to answer."""
        params = params or self.params
        if k <= 0 or len(found.ids) == 0:
            return SearchResult(question=question, answered=False, confidence=0.0)
        fused, lexical, full = self.fused_order(found, params, topic=topic)
        order = full[:k]
        answers = [self._answer(found, int(i)) for i in order]  # the sentence of each hit that answers (index/answer_sentence.py)
        passages = [self._stored.passages[found.ids[i]] for i in order]
        hits = tuple(
            Hit(
                p, float(fused[i]), float(found.cosines[i]), float(lexical[i]),
                answer_span=a[1] if a else None, answer_score=a[0] if a else 0.0, other_program=bool(found.other_program[i]),
                answer_parts=answer_parts(p.text, a[1], found.known) if a else (),
            )
            for i, p, a in zip(order, passages, answers)
        )
        signals = self.signals(found, fused, full)
        conf = answer_confidence(signals, params)
        return SearchResult(question=question, answered=conf >= params.threshold, confidence=conf, hits=hits, off_topic=signals.off_topic)

    def fused_order(
        self, found: Candidates, params: FusionParams | None = None, *, topic: Collection[str] = ()
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidates' fused scores, their BM25 scores scaled to [0, 1], and their order, best first."""
        params = params or self.params
        fused, lexical = fuse(found.cosines, found.bm25, params)
        fused = self._news_last(fused, found, params)
        fused = self._mismatched_last(fused, found, params)
        fused = self._topic_first(fused, found.ids, topic, params)
        fused = self._answering_first(fused, found, params)
        order = self._current_first(np.argsort(-fused, kind="stable"), found.ids)
        order = self._figure_first(order, fused, found, params)
        order = self._definition_first(order, found)
        return fused, lexical, self._varied(order, found.ids, params)

    def _figure_first(self, order: np.ndarray, fused: np.ndarray, found: Candidates, params: FusionParams) -> np.ndarray:
        """`order` with, when the question asks for a figure ("iuran jht brp") and the best passage's
        answer sentence states none of that kind (it is about when the contribution is paid), the first
        passage of the same program (any of its documents) among the `params.answer_top` best, within
        `params.figure_margin` of it, whose answer sentence states one moved first (of several, the one
        whose sentence answers best: "mlt buat renovasi maks brp", the renovation loan's cap, not the
        30% of a JHT claim the rules mention): the bold sentence is read alone, so a figure elsewhere in
        the passage does not answer. Requirements asked ("syaratnya apa", "surat apa yg wajib dibawa")
        are met the same way by a list of them, not by one sentence with a condition word ("JKP hanya
        diberikan kepada ... PHK"); the other kinds of `_HELD_FIRST` (the programs, a use, a party) by
        a sentence holding them."""
        if params.figure_margin <= 0 or len(order) < 2 or found.kind not in _HELD_FIRST:
            return order
        passages = self._stored.passages
        first = passages[found.ids[order[0]]]
        if not first.doc or self._answer_holds(found, int(order[0])):
            return order
        holding = []  # (answer score, position) of the close passages of that program whose bold holds it
        for n in range(1, min(params.answer_top, len(order))):
            if fused[order[0]] - fused[order[n]] > params.figure_margin:
                break
            other = passages[found.ids[order[n]]]
            if other.program == first.program and not other.old_rule and self._answer_holds(found, int(order[n])):
                holding.append((self._answer(found, int(order[n]))[0], -n))
        if not holding:
            return order
        n = -max(holding)[1]  # the best answer sentence; of equals, the better ranked
        return np.concatenate([order[n : n + 1], np.delete(order, n)])

    def _answer_holds(self, found: Candidates, row: int) -> bool:
        """Whether candidate `row`'s answer sentence holds the kind of fact asked (`holds`); for
        requirements, whether it lists them (a line introducing a list, with its items); for the
        programs, whether it names two of the corpus's programs or more (`lists_programs`)."""
        best = self._answer(found, row)
        text = self._stored.passages[found.ids[row]].text
        if not best:
            return False
        span = text[best[1][0] : best[1][1]]
        if found.kind is Kind.PROGRAMS:
            return lists_programs(span, self._specific_programs)
        return "\n" in span.strip() if found.kind is Kind.REQUIREMENT else holds(found.kind, span)

    def _definition_first(self, order: np.ndarray, found: Candidates) -> np.ndarray:
        """`order` with, when the question asks only what a program is ("apa itu jkp", "jkp itu apa
        sih"), the best candidate of that program that defines it ("Jaminan Kehilangan Pekerjaan (JKP)
        adalah ...") first: a passage about one of its rules, close on both sides, does not answer."""
        if found.kind is not Kind.DEFINITION or not len(order):
            return order
        asked = found.named
        if not asked or found.direct - frozenset().union(*map(_program_terms, asked)) - _DEFINITION_TERMS:
            return order  # "apa itu masa tunggu jht" asks about a rule of JHT, not what JHT is
        passages = self._stored.passages
        for n, row in enumerate(order):
            passage = passages[found.ids[row]]
            if passage.program.lower() in asked and not passage.old_rule and states(Kind.DEFINITION, passage.text, asked):
                return np.concatenate([order[n : n + 1], np.delete(order, n)]) if n else order
        return order

    def _answer(self, found: Candidates, row: int) -> tuple[float, tuple[int, int]] | None:
        """The score and span of the sentence of candidate `row`'s passage that answers `found`'s
        question, scored once per question (ranking and the hits both read it)."""
        if row not in found.answers:
            passage = self._stored.passages[found.ids[row]]
            idf = self._stored.lexical.idf
            asked = found.named
            # A sentence naming only other programs is about them ("santunan JKM ..." in a JHT passage),
            # except in a group's passage asked for, whose rules name the programs it joins ("PMI ... iuran JKK").
            group = passage.program.upper() in SEGMENT_PROGRAMS and passage.program.lower() in asked
            programs = ((), self._specific_programs) if group else (asked, self._specific_programs - asked)
            # In a passage of the program asked about, every sentence is about it: naming it answers nothing
            # ("iuran jkp dibayar siapa": "... dibayar oleh pemerintah", not "Manfaat JKP dapat diajukan ...").
            # A group's passage keeps the name: "PMI yang ikut JHT memilih besar iurannya" is no PMI rate.
            terms = found.known
            if passage.program.lower() in asked and not group:
                terms = tuple(t for t in terms if t not in _program_terms(passage.program.lower())) or terms
            found.answers[row] = best_sentence(
                passage.text, terms, found.kind, idf, found.direct, superseded=passage.old_rule, programs=programs, rate=found.rate
            )
        return found.answers[row]

    def _answering_first(self, fused: np.ndarray, found: Candidates, params: FusionParams) -> np.ndarray:
        """The `params.answer_top` best candidates gain `params.answer_weight` times the score of their
        answer sentence: of two close passages, the one holding the kind of fact asked ranks first."""
        if params.answer_weight <= 0 or params.answer_top <= 0 or not found.question:
            return fused
        top = np.argsort(-fused, kind="stable")[: params.answer_top]
        gain = np.zeros_like(fused)
        for n in top:
            best = self._answer(found, int(n))
            gain[n] = params.answer_weight * best[0] if best else 0.0
        return fused + gain

    def signals(self, found: Candidates, fused: np.ndarray, order: np.ndarray) -> Signals:
        """What the answer decision reads about the best candidate (see fusion.Signals)."""
        best = order[0]
        passage = self._stored.passages[found.ids[best]]
        dense_rank = int((found.cosines > found.cosines[best]).sum())
        lexical_rank = int((found.bm25 > found.bm25[best]).sum()) if found.bm25[best] > 0 else len(found.bm25)
        margin = float(fused[best] - fused[order[1]]) if len(order) > 1 else 1.0
        return Signals(
            cosine=float(found.cosines[best]),
            coverage=self.coverage(found.terms, passage),
            dense_rank=dense_rank,
            lexical_rank=lexical_rank,
            margin=margin,
            program_mismatch=bool(found.other_program[best]),
            off_topic=self._off_topic(found),
        )

    def _off_topic(self, found: Candidates) -> bool:
        """Whether the question is about a subject no BPJS program handles (`_off_topic_subjects`: "thr lebaran
        paling lambat kapan", "gaji 8 jt kena pph 21 brp") and names no program, no BPJS body and not
        "bpjs", which would make it one about BPJS ("pencairan jht kena pph 21?")."""
        text = f"{found.question}\n{found.text}".lower()  # as asked too: "tax return" is searched as "tax pajak return"
        if not _off_topic_subjects().search(text) or found.named or BODY.search(text):
            return False
        return not word_set(text) & _SCHEME_WORDS

    def _asked(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        """The programs and the BPJS bodies a question names, or, when it names neither, the body what it
        asks implies (`_IMPLIED_BODIES`: treatment, money on a death); read once per question, not per passage."""
        named = frozenset(w for w in words(text) if w in self._programs)
        bodies = frozenset(BODY.findall(text.lower()))
        if not named and not bodies:  # "kartu bpjs ilang, gmn berobatnya", "what does the family get from bpjs if a worker dies"
            bodies = next((frozenset({body}) for asks, unless, body in _IMPLIED_BODIES if asks.search(text) and not unless.search(text)), bodies)
        return named, bodies

    def _program_mismatch(self, asked: tuple[frozenset[str], frozenset[str]], passage: Passage, rare: frozenset[str] = frozenset()) -> bool:
        """The question names programs of the corpus, and the passage belongs to another one; or it
        names one BPJS body and the passage is the other body's (`_other_body`). A passage of a group
        of participants (PMI, construction) is of the named program when it speaks of it and the
        question names the group too: one of its `rare` terms is in the title's head ("Pekerja Migran
        Indonesia (PMI): ...")."""
        named, bodies = asked
        program = passage.program.lower()
        specific = program in self._programs and program.upper() not in NEUTRAL_PROGRAMS
        if specific and named and program.upper() in SEGMENT_PROGRAMS and named & word_set(passage.text) and rare & set(tokenize(_title_head(passage))):
            specific = False
        return bool(named and program not in named and specific) or self._other_body(bodies, passage)

    @staticmethod
    def _groups(passage: Passage) -> frozenset[str]:
        """The groups of participants (BPU, PMI, construction, foreign workers; `_GROUP_CUES` keys) whose
        rule a passage states rather than the ordinary employee's: its program's, or those its title's
        head or a heading names ("Iuran JHT bagi pekerja Bukan Penerima Upah"). BPJS Kesehatan's groups
        are not."""
        if passage.program.upper() in SEGMENT_PROGRAMS:
            return frozenset({passage.program.lower()})
        if passage.program.upper() in HEALTH_PROGRAMS:
            return frozenset()
        named = [m.group() for m in _SEGMENT.finditer(_head(passage))]
        return frozenset(key for key, cue in _GROUP_CUES.items() if any(cue.fullmatch(name) for name in named))

    def _other_body(self, bodies: frozenset[str], passage: Passage) -> bool:
        """The question names one BPJS body (Kesehatan, Ketenagakerjaan) and the passage's program is
        run by the other (a general passage: its title names only the other)."""
        return len(bodies) == 1 and bool(passage.bodies) and not bodies & passage.bodies

    def _mismatched_last(self, fused: np.ndarray, found: Candidates, params: FusionParams) -> np.ndarray:
        """Passages that do not fit what is asked lose against close ones: another program than the one
        asked (`params.mismatch_rank_penalty`), the other BPJS body than the one named
        (`params.body_mismatch_penalty` more), a group of participants not named (`segment_penalty`),
        what is not covered when coverage is asked (`exclusion_penalty`), and a worked example when the
        rule is asked (`example_penalty`). Candidates computes which rows are which."""
        if params.mismatch_rank_penalty > 0:
            fused = _shifted(fused, found.other_program, -params.mismatch_rank_penalty)
        if params.body_mismatch_penalty > 0:
            fused = _shifted(fused, found.other_body, -params.body_mismatch_penalty)
        if params.segment_penalty > 0 and len(found.segment):
            fused = _shifted(fused, found.segment, -params.segment_penalty)
        if params.exclusion_penalty > 0 and len(found.exclusion):
            fused = _shifted(fused, found.exclusion, -params.exclusion_penalty)
        if params.example_penalty > 0 and len(found.example):
            fused = _shifted(fused, found.example, -params.example_penalty)
        return fused

    def _news_last(self, fused: np.ndarray, found: Candidates, params: FusionParams) -> np.ndarray:
        """News passages lose `params.news_penalty`: they lead only when no program passage is close,
        or when they hold a word of the question that only the news uses ("kantor cabang di Cilegon")."""
        if params.news_penalty <= 0:
            return fused
        passages = self._stored.passages
        news = np.fromiter((passages[i].program.upper() in NEWS_PROGRAMS for i in found.ids), bool, len(found.ids))
        if not news.any():
            return fused  # most questions: the term counts of the whole corpus are not needed
        news_only = {t for t in found.known if self.programs_using(t) <= NEWS_PROGRAMS}
        if news_only:
            news &= np.fromiter((not news_only & self._passage_terms[i] for i in found.ids), bool, len(found.ids))
        return _shifted(fused, news, -params.news_penalty)

    def _topic_first(self, fused: np.ndarray, ids: np.ndarray, topic: Collection[str], params: FusionParams) -> np.ndarray:
        """Passages of the documents the conversation is about gain `params.topic_bonus`."""
        if not topic or params.topic_bonus <= 0:
            return fused
        inside = np.fromiter((self._stored.passages[i].doc in topic for i in ids), bool, len(ids))
        return _shifted(fused, inside, params.topic_bonus)

    def _varied(self, order: np.ndarray, ids: np.ndarray, params: FusionParams) -> np.ndarray:
        """`order` with at most `params.per_document` passages of one document among the first
        `params.varied_top`: a broad question ("kena phk dapat apa") is answered from more than one
        document; the passages held back follow right after."""
        cap, top = params.per_document, params.varied_top
        if cap <= 0 or len(order) <= top:
            return order
        passages, seen = self._stored.passages, {}
        head, held = [], []
        for n in order:
            if len(head) == top:
                break
            doc = passages[ids[n]].doc
            if doc and seen.get(doc, 0) >= cap:
                held.append(n)
                continue
            seen[doc] = seen.get(doc, 0) + 1
            head.append(n)
        if not held:
            return order
        first = set(head) | set(held)
        return np.array(head + held + [n for n in order if n not in first], dtype=order.dtype)

    def _current_first(self, order: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """`order` with the best passage of a rule in force first: an old rule is never the lead."""
        passages = self._stored.passages
        if len(order) == 0 or not passages[ids[order[0]]].old_rule:
            return order
        current = next((n for n, i in enumerate(order) if not passages[ids[i]].old_rule), None)
        if current is None:
            return order
        return np.concatenate([order[current : current + 1], np.delete(order, current)])

    @cached_property
    def _passage_terms(self) -> list[frozenset[str]]:
        """Each stored passage's terms as BM25 sees them (`lexical_text`), read off the index once."""
        return self._stored.lexical.document_terms()

    @cached_property
    def _term_programs(self) -> dict[str, Counter[str]]:
        programs: dict[str, Counter[str]] = {}
        for passage, terms in zip(self._stored.passages, self._passage_terms):
            for term in terms:
                programs.setdefault(term, Counter())[passage.program.upper()] += 1
        return programs

    def programs_using(self, term: str, share: float = 0.0) -> frozenset[str]:
        """The programs (Document.program) of the passages that use a stemmed term (built on first use);
        with `share`, only those with at least that share of the passages of the program using it most
        ("pbi": JKN's 43 passages, not the one JKP passage that mentions PBI members)."""
        counts = self._term_programs.get(term)
        if not counts:
            return frozenset()
        floor = share * max(counts.values())
        return frozenset(code for code, n in counts.items() if n >= floor)

    def knows(self, term: str) -> bool:
        """Whether the corpus uses the stemmed term at all."""
        return self._stored.lexical.knows(term)

    def idf(self, term: str) -> float:
        """The BM25 inverse document frequency of a stemmed term (highest for a term the corpus lacks)."""
        return self._stored.lexical.idf(term)

    def coverage(self, terms: list[str], passage: Passage) -> float:
        """Share of the question's idf weight that the passage contains, with its title and its
        document's tag words (`passages.lexical_text`: the words workers use for its topic). A word
        kept beside the corpus's word for it (`kept_beside`) is left out: that word stands for it."""
        terms = [t for t in terms if t not in _kept_terms()]
        if not terms:
            return 0.0
        row = self._by_id.get(passage.id)
        present = self._passage_terms[row] if row is not None else frozenset(tokenize(lexical_text(passage)))
        weights = {t: self._stored.lexical.idf(t) for t in terms}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in present) / total if total else 0.0
