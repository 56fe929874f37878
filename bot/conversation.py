"""Understanding a message in its conversation: follow-ups, topic switches, and when to ask back.

Workers chat: "apa itu JKP?" then "syaratnya apa?". A message that names no program of its own
is read with the topic of the chat's previous question when that is recent (CONTEXT_WINDOW); a
message that names a program starts afresh. A message too general to search on its own ("dokumennya
apa aja") with no recent topic gets a question back when the passages it finds belong to several
programs. Everything here is pure or behind `ContextStore`, so that the console and Telegram
resolve a message the same way; where turns are kept between messages is `bot/state.py`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.language import ENGLISH_WORDS, INDONESIAN_WORDS
from index import Retriever, SearchResult
from index.answer_sentence import Kind, defines, question_kind
from index.normalize import acronyms, informal_words, kept_beside, query_text, standardise, stopwords, tokenize, words
from index.types import HEALTH_PROGRAMS, NEUTRAL_PROGRAMS, SEGMENT_PROGRAMS

# Words that name a BPJS body rather than a program. BPJS Kesehatan runs one program, JKN, so
# naming it names JKN; BPJS Ketenagakerjaan runs several, so naming it names the body ("TK").
BODIES = {
    ("bpjs", "kesehatan"): "JKN", ("bpjs", "kes"): "JKN", ("bpjskes",): "JKN", ("kesehatan",): "JKN",
    ("bpjs", "tk"): "TK", ("bpjstk",): "TK", ("ketenagakerjaan",): "TK", ("bpjamsostek",): "TK", ("jamsostek",): "TK",
}
BODY_LABELS = {"TK": "BPJS Ketenagakerjaan"}
SPECIFIC_IDF = 3.5  # a term in fewer than about 1 passage in 30 says what the question is about
TOPIC_WORDS = 2  # the rarest words of a topic's first message that a follow-up with its own subject carries
SHARED_FACET = 0.4  # a term that passages of this share of the programs use asks about a facet, not a subject
MAX_SWITCH_TERMS = 2  # a message naming another program with at most this many terms of its own keeps the situation
# ... and so does one that speaks of a person the conversation already named ("can his wife claim it?")
THIRD_PERSON = frozenset("dia beliau ia he she him his her they them their".split())
MAX_VAGUE_TERMS = 3  # a message with more content terms than this is searched as it is
MAX_VAGUE_WORDS = 4  # ... and so is one of more words than this besides function words (it says enough, even in slang)
CLARIFY_HITS = 5  # the hits whose programs decide whether the question is ambiguous
# A program whose passages use a word less than this share as often as the program using it most is
# no reading of it: "iuran pbi brp" is JKN's (43 passages), not JKP's (one mentions PBI members).
# 0.05 moved no dialogue and answers "iuran pbi brp", "pbi itu apa" and one dev question; 0.1 cost two own turns.
MAIN_USE = 0.05
MAX_OPTIONS = 4
TOPIC_HITS = 1  # the answer's passages whose documents a follow-up looks in first
MIN_OWN_COVERAGE = 0.2  # a follow-up's own words must be in one of the passages that answer it


@dataclass(frozen=True)
class Turn:
    """What the bot understood of one message: the resolved question and its program."""

    understood: str
    program: str  # program code the answer was about ("" when none)
    at: float
    subject: str = ""  # the message that opened the topic (follow-ups carry it, not each other)
    documents: tuple[str, ...] = ()  # the documents the answer quoted (Document.path): a follow-up looks there first
    asked: bool = False  # the bot asked back which program `understood` is about; the next message may say
    quoted: tuple[str, ...] = ()  # the passages the reply quoted (Passage.id): a follow-up's reply does not quote them again beside its answer


@dataclass(frozen=True)
class Resolution:
    """A message as the bot will answer it."""

    message: str
    understood: str  # the question searched: the message, with the previous topic when a follow-up
    program: str = ""  # the program named or carried over
    follow_up: bool = False
    clarify: tuple[tuple[str, str], ...] = ()  # (code, label) options when the bot must ask back
    own_terms: tuple[str, ...] = ()  # the message's own content terms the corpus knows (checked against the answer)
    unknown_words: bool = False  # the message has content words the corpus never uses
    subject: str = ""  # the message that opened the topic (the message itself for a fresh one)
    documents: tuple[str, ...] = ()  # the previous turn's documents, for a follow-up (Retriever.search's `topic`)
    quoted: tuple[str, ...] = ()  # the passages the previous turn quoted, for a follow-up: not quoted again beside its answer
    found: SearchResult | None = None  # the search of `understood`, when resolving already made it


def program_labels(retriever: Retriever) -> dict[str, str]:
    """Program code -> label, for the programs the corpus covers (general and news documents excluded)."""
    return {code: label for code, label in retriever.topics() if code not in NEUTRAL_PROGRAMS}


def topic_label(code: str, retriever: Retriever) -> str:
    """How a program (or a body, "TK") is named in a resolved question and in the reply."""
    return program_labels(retriever).get(code) or BODY_LABELS.get(code, code)


def named_program(message: str, retriever: Retriever) -> str:
    """The program a message names (by acronym, full name, or "BPJS Kesehatan"), or ""."""
    codes = program_labels(retriever)
    tokens = words(message)
    expanded = f" {' '.join(words(query_text(message)))} "
    for code in codes:
        if f" {' '.join(words(code.replace('-', ' ')))} " in expanded:
            return code
    for phrase, code in BODIES.items():
        n = len(phrase)
        if (code in codes or code in BODY_LABELS) and any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1)):
            return code
    return ""


def partly_named(message: str, retriever: Retriever) -> tuple[str, ...]:
    """The programs whose names' own words the message uses, without "jaminan" or the acronym:
    "manfaat pensiun berkala" names JP; "santunan kematian karena kecelakaan kerja" JKM or JKK."""
    present = set(tokenize(standardise(message)))
    return tuple(code for code, name in _name_words(retriever).items() if name and name <= present)


def _name_words(retriever: Retriever) -> dict[str, frozenset[str]]:
    generic = set(tokenize("jaminan"))
    long = {a.short.upper(): a.long for a in acronyms()}
    return {code: frozenset(tokenize(long.get(code, ""))) - generic for code in program_labels(retriever)}


def _program_words(retriever: Retriever) -> frozenset[str]:
    """Stemmed words of the programs' codes and names, and of the bodies: they name the topic, not
    what is asked about it."""
    codes = {code.lower() for code in program_labels(retriever)}
    names = [a.long for a in acronyms() if a.short in codes] + [" ".join(p) for p in BODIES]
    return frozenset(tokenize(" ".join([*codes, *names])))


def _content_terms(message: str, retriever: Retriever) -> list[str]:
    program_words = _program_words(retriever)
    stop = stopwords()  # also after stemming: "kemana" stems to "mana"
    return [t for t in tokenize(retriever.query_text(message)) if t not in program_words and t not in stop]


def unknown_terms(message: str, retriever: Retriever) -> list[str]:
    """Content words neither the corpus nor the word lists know: what the bot cannot read.

    English words that index/data/english.tsv translates, and function words of either language,
    are read, not unknown.
    """
    read = _listed_words()
    return [t for t in _content_terms(message, retriever) if not retriever.knows(t) and t not in read]


@functools.cache
def _listed_words() -> frozenset[str]:
    return frozenset(tokenize(" ".join(informal_words()))) | ENGLISH_WORDS | INDONESIAN_WORDS


def own_terms(message: str, retriever: Retriever) -> tuple[str, ...]:
    """The message's content terms that the corpus knows, without the words that only name a program.

    Words the corpus never uses (slang, typos the speller left, other topics) say nothing about
    which passage answers, so they are left out of both judgements below.
    """
    return tuple(dict.fromkeys(t for t in _content_terms(message, retriever) if retriever.knows(t)))


def subject_words(subject: str, retriever: Retriever, *, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """The content words of the message that opened a topic, without the words that name a program
    and the terms in `exclude`: stemmed term -> the word as written after spelling is standardised."""
    program_words, stop, kept = _program_words(retriever), stopwords(), kept_beside()
    found: dict[str, str] = {}
    for word in words(retriever.query_text(subject)):
        if len(word) < 2 or word in kept:  # "paid" is said by the "bayar" beside it; "m" of "I'm" says nothing
            continue
        term = next(iter(tokenize(word)), "")
        if term and not term.isdigit() and term not in stop and term not in program_words and term not in exclude and retriever.knows(term):
            found.setdefault(term, word)
    return found


def topic_words(found: dict[str, str], retriever: Retriever, *, exclude: tuple[str, ...] = (), n: int = TOPIC_WORDS) -> list[str]:
    """What a topic is about: the `n` rarest of the `subject_words` of the message that opened it,
    in the corpus, leaving out `exclude` ("agen perisai bpjs tk tuh apa" -> "agen perisai"). A
    follow-up carries them."""
    kept = [t for t in found if t not in exclude]
    rarest = sorted(kept, key=retriever.idf, reverse=True)[:n]
    return [found[t] for t in kept if t in rarest and retriever.idf(t) >= SPECIFIC_IDF]


def is_vague(message: str, terms: tuple[str, ...], retriever: Retriever) -> bool:
    """Too general to search alone: a short message whose few content terms are common in the corpus
    or facets many programs share ("syarat", "proses", "denda"), not a subject of one ("komisi", "kamar")."""
    programs = len(program_labels(retriever)) or 1
    kept = kept_beside()  # "deadline" reads "deadline batas waktu": one word of the message, not three
    extra = sum(max(len(_content_terms(w, retriever)) - 1, 0) for w in words(message) if w in kept)
    said = [w for w in words(message) if any(x not in stopwords() for x in words(standardise(w)))]
    return (
        len(said) <= MAX_VAGUE_WORDS
        and len(terms) - extra <= MAX_VAGUE_TERMS
        and all(retriever.idf(t) < SPECIFIC_IDF or len(retriever.programs_using(t) - NEUTRAL_PROGRAMS) >= SHARED_FACET * programs for t in terms)
    )


def resolve(message: str, previous: Turn | None, retriever: Retriever, k: int = 10) -> Resolution:
    """How to answer `message` given the conversation's previous turn (None when none is recent).

    A vague message is searched here to see which programs it could be about (`k` hits, kept in
    `found` so that the caller does not search it again).
    """
    subject = (previous.subject or previous.understood) if previous is not None else ""  # what the previous turn was about
    if previous is not None and not words(subject):
        previous = None  # "🙏🙏" or "???" set no topic: the next message is read on its own
    program = named_program(message, retriever)
    terms = own_terms(message, retriever)
    labels = program_labels(retriever)
    vague = is_vague(message, terms, retriever)
    if program and previous is not None and previous.asked:  # the answer to "which program?": the question asked, for it
        understood = message if message.startswith(previous.understood) else f"{previous.understood} ({message})"
        return Resolution(message, understood, program, own_terms=terms, subject=understood)
    if program and (previous is None or program != previous.program):
        answered_before = previous is not None and bool(previous.documents)  # a refused question leaves no situation
        situation = list(subject_words(subject, retriever, exclude=terms).values()) if answered_before else []
        if situation and (len(terms) <= MAX_SWITCH_TERMS or THIRD_PERSON & set(words(message))):  # "jkm nya jg bisa?" after "bapak meninggal, saldo jht?"
            understood = f"{message} ({' '.join(situation)})"
            return Resolution(message, understood, program, follow_up=True, own_terms=terms, subject=understood)
        return Resolution(message, message, program, own_terms=terms)
    if previous is not None:
        carried = program or previous.program
        said = subject_words(subject, retriever)  # what the first message said besides its program
        keywords = topic_words(said, retriever, exclude=terms) if carried else []
        # "berapa iurannya?" after "cara klaim jht", "hrs nunggu brp lama" after "puskesmas sy jauh, bs
        # ganti faskes?": a message asking only a facet is about that whole question, not its rarest word
        # (one that half names a program, "kalau kecelakaan di tempat kerja", has a subject of its own)
        facet = vague and said and not partly_named(message, retriever)
        if facet or (not keywords and (said or not carried) and (vague or not carried)):
            understood = f"{message} ({subject})"
        else:  # "trs klo gigi palsu?": within the topic's program and its words
            label = topic_label(carried, retriever)
            understood = f"{message} ({label}: {' '.join(keywords)})" if keywords else f"{message} ({label})"
        unknown = bool(unknown_terms(message, retriever))
        return Resolution(
            message, understood, carried, follow_up=True, own_terms=terms, subject=subject, unknown_words=unknown,
            documents=previous.documents, quoted=previous.quoted,
        )
    partly = () if program else partly_named(message, retriever)
    if len(partly) == 1:  # "manfaat pensiun berkala itu apa": JP, though not by its name in full
        return Resolution(message, message, partly[0], own_terms=terms)
    if not program and vague and terms:  # words common to many programs: ask which
        found = retriever.search(message, k=k)
        options = ambiguous_programs(terms, found, labels, retriever)
        if partly:  # "santunan kematian karena kecelakaan kerja": one of the programs it half names
            options = tuple((c, labels[c]) for c in partly)
        # "nomor undian hari ini apa": refused, not asked about; "apa itu jmo": defined, not asked about
        ask = len(options) > 1 and found.answered and not defines_asked(message, terms, found)
        return Resolution(message, message, program, clarify=options if ask else (), own_terms=terms, found=found)
    return Resolution(message, message, program, own_terms=terms)


def defines_asked(message: str, terms: tuple[str, ...], result: SearchResult) -> bool:
    """Whether `message` asks what a thing is ("apa itu jmo") and the best passage found defines just
    that ("JMO atau Jamsostek Mobile adalah ..."): one answer, whichever programs also use the word."""
    return question_kind(message) is Kind.DEFINITION and bool(result.hits) and defines(result.hits[0].passage.text, terms)


def ambiguous_programs(
    terms: tuple[str, ...], result: SearchResult, labels: dict[str, str], retriever: Retriever
) -> tuple[tuple[str, str], ...]:
    """The programs a vague message could be about: those whose passages use all of its words (not
    merely mention one, MAIN_USE), the ones the best hits belong to first. More than one means the
    bot must ask which. Groups of participants (BPU, PMI) are offered only when no two programs are,
    and the two BPJS bodies instead of programs when one general passage answers for BPJS
    Ketenagakerjaan as a whole."""
    possible = set(labels)
    for term in terms:
        possible &= retriever.programs_using(term, MAIN_USE)
    ranked = [h.passage.program.upper() for h in result.hits[:CLARIFY_HITS]] + list(labels)
    ordered = [c for c in dict.fromkeys(ranked) if c in possible]
    programs = [c for c in ordered if c not in SEGMENT_PROGRAMS]  # "beasiswa anak brp": JKM or JKK, not the groups that also get it
    ordered = programs if len(programs) > 1 else ordered
    health = [c for c in ordered if c in HEALTH_PROGRAMS]
    if health and len(health) < len(ordered) and _general_answer(result, "ketenagakerjaan"):
        # "kartu bpjs hilang gmn": the KIS card, or the one KPJ card of every BPJS Ketenagakerjaan program
        bodies = {health[0]: f"BPJS Kesehatan ({health[0]})", "TK": BODY_LABELS["TK"]}
        return tuple((c, bodies[c]) for c in dict.fromkeys(c if c in HEALTH_PROGRAMS else "TK" for c in ordered))
    return tuple((c, labels[c]) for c in ordered[:MAX_OPTIONS])


def _general_answer(result: SearchResult, body: str) -> bool:
    """Whether one of the best hits answers for a BPJS body as a whole ("ketenagakerjaan"): a general
    passage (no program of its own) whose title names the body ("Kartu peserta BPJS Ketenagakerjaan: ...")."""
    return any(h.passage.program.upper() in NEUTRAL_PROGRAMS and body in h.passage.bodies for h in result.hits[:CLARIFY_HITS])


def for_program(message: str, code: str, retriever: Retriever) -> str:
    """The message as asked about one program (a clarifying button was pressed)."""
    return f"{message} ({topic_label(code, retriever)})"


def answers_own_terms(resolution: Resolution, result: SearchResult, retriever: Retriever) -> bool:
    """Whether the passages found hold the follow-up's own words, not just the carried topic.

    "terus kalau mau beli hp bagus?" after a JP question finds JP passages through the carried
    topic alone; none of them says anything about phones, so the bot must not answer with them.
    """
    if not resolution.follow_up or not result.hits:
        return True
    if not resolution.own_terms:  # nothing of its own to check: fine if it is all question words
        return not resolution.unknown_words
    terms = list(resolution.own_terms)
    return max(retriever.coverage(terms, h.passage) for h in result.hits[:3]) >= MIN_OWN_COVERAGE


def turn_of(resolution: Resolution, result: SearchResult, now: float, quoted: tuple[str, ...] = ()) -> Turn:
    """The turn to remember: the program named, carried, or else the one the answer was about, the
    documents of its TOPIC_HITS best hits (a refused follow-up keeps its topic's), and the passages
    its reply quoted (`quoted`, Passage.id)."""
    program = resolution.program
    if not program and result.answered and result.hits:
        program = result.hits[0].passage.program.upper()
        program = "" if program in NEUTRAL_PROGRAMS else program
    documents = tuple(dict.fromkeys(h.passage.doc for h in result.hits[:TOPIC_HITS])) if result.answered else resolution.documents
    return Turn(resolution.understood, program, now, resolution.subject or resolution.message, documents, quoted=quoted)
