"""Which language a question is in: langdetect, seeded, with a word-list fallback.

langdetect is unreliable on short or informal text ("jkp?" or "brp iuran" come out as anything),
so Indonesian function words (formal and chat spellings) and BPJS terms decide first; the
detector only settles longer questions that the word lists leave open. BPJS names are the same
in every language ("what is BPJS Ketenagakerjaan" is English), so the language is read from the
words around them.
"""

from __future__ import annotations

import logging
import re
import threading

from langdetect import DetectorFactory, LangDetectException, detect_langs

from bot.texts import TEXTS
from index.normalize import MAX_QUERY_CHARS

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "id"  # the bot's audience: used when the text gives nothing to go on
SHORT_WORDS = 4  # below this many words the detector is not asked

INDONESIAN_WORDS = frozenset(
    """
    apa apakah apaan bagaimana bagaimanakah gimana gmn bgmn gmana berapa berapakah brp brapa
    kapan kpn dimana mana siapa mengapa kenapa knp napa kok yang yg dan atau di ke dari dr untuk
    utk buat dengan dgn sama saya aku gue gw sy kami kita anda bisa bs bisakah tidak tdk gak ga
    nggak ngga enggak kalau kalo klo kl jika apabila sudah udah sdh belum blm masih ada ini itu
    nya cara syarat harus wajib boleh perlu lagi juga jg saja aja dong deh sih kah tolong mohon
    dapat dapet dpt mau ingin pengen tanya nanya setelah sebelum selama tapi tetapi karena krn
    bagi oleh pada adalah ialah kena terkena diri sendiri mandiri gaji kerja bekerja pekerja
    karyawan perusahaan kantor uang bulan tahun hari berhenti dipecat keluar cair mencairkan
    dicairkan daftar mendaftar berhak dapatkan bayar membayar dibayar
    """.split()
)
BPJS_TERMS = frozenset(
    """
    bpjs bpjstk bpjamsostek jamsostek jht jkk jkm jp jkp jkn kis bpu pbi ppu pbpu kpj nik phk
    iuran klaim pencairan faskes fktp fktl pesangon jmo ketenagakerjaan kesehatan jaminan manfaat
    peserta kepesertaan kartu puskesmas rujukan pensiun kecelakaan kematian
    """.split()
)
ENGLISH_WORDS = frozenset(
    """
    what how is are the can could do does did when where who why which much many my you your of
    for to with if after before get about there it this that and not will should would have has
    i me please am was were been being any from im got go so then ok okay at on in an or
    by as between need way while just her his own without through off than
    """.split()
)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_init_lock = threading.Lock()
_seeded = False


def _ensure_seeded() -> None:
    """Seed langdetect once: without a seed the same text can get different answers."""
    global _seeded
    with _init_lock:
        if not _seeded:
            DetectorFactory.seed = 0
            _seeded = True


def warm_up() -> None:
    """Load langdetect's profiles now: they load lazily and would slow the first question."""
    _detector_guess("Bagaimana cara mengurus klaim jaminan hari tua setelah berhenti bekerja?")


def _detector_guess(text: str) -> tuple[str, float]:
    """langdetect's best language and its probability, or ("", 0) when it cannot tell."""
    _ensure_seeded()
    try:
        best = detect_langs(text[:MAX_QUERY_CHARS])[0]
    except (LangDetectException, IndexError):
        return "", 0.0
    return best.lang, best.prob


def _mostly_latin(words: list[str]) -> bool:
    """Whether most letters are Latin: word counts mean little in scripts without spaces."""
    letters = "".join(words)
    return sum(ord(c) < 0x250 for c in letters) * 2 >= len(letters)


def detect_language(text: str) -> str:
    """The language code of a question: "id", "en" or another ISO code ("fr", "zh-cn", ...)."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    if not words:
        return DEFAULT_LANGUAGE
    indonesian = sum(w in INDONESIAN_WORDS for w in words)
    terms = sum(w in BPJS_TERMS for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    if indonesian > english:
        return "id"
    rest = [w for w in words if w not in BPJS_TERMS]  # the words around the programme names
    if len(rest) < SHORT_WORDS and _mostly_latin(rest or words):
        return "en" if english > indonesian else DEFAULT_LANGUAGE
    guess, prob = _detector_guess(" ".join(rest))
    if is_supported(guess):
        return guess
    if english >= 2 and english > indonesian:
        return "en"  # English with BPJS acronyms in it can puzzle the detector
    if (indonesian or terms) and prob < 0.8:
        return "id"
    return guess or DEFAULT_LANGUAGE


def is_supported(language: str) -> bool:
    """Whether replies are framed in this language: the ones `bot/texts.py` has (others get a bilingual note)."""
    return language in TEXTS
