"""Step 7b: the sentence of a passage that answers the question, for the reply to open with.

Two general signals, no wording of any test: the question's terms (a term counts less the more
sentences of the passage share it, and by its idf), and the kind of fact the question asks for,
read from its question words ("berapa" -> an amount, "berapa persen" -> a percentage, "berapa
lama"/"kapan"/"tanggal berapa" -> a duration or date, "batas"/"maksimal" -> either,
"cara"/"bagaimana"/"lewat apa"/"di mana" -> steps or a channel, "syarat" -> requirements,
"apakah"/"bisa" -> a condition, "bedanya" -> a comparison, "buat apa" -> a use ("untuk",
"dipakai"), "siapa yang bayar" -> a party ("dibayar oleh pemberi kerja"), "nomor ... berapa" ->
a number to call, "berapa orang/kali/anak" -> a count, "program apa", "which programmes" -> the
programs, two or more named ("JKK dan JKM"), "apa itu" -> a definition, of what the sentence names
before its "adalah") and
matched against what a sentence holds (a number with Rp/%/bulan/hari/tahun, a list item,
"dokumen"/"KTP", "jika"/"wajib", "sedangkan", "adalah"...; a regulation's number, "PP No. 37 Tahun
2021", is no figure). A sentence holding the fact that points back ("Nilainya Rp174.000.000")
shares the terms of the sentence before it; an amount asked per month or year ("brp sebulan")
prefers a figure per that unit ("Rp13.500 per bulan") to a sum for a span. A sentence that names
only programs the question did not ask about ("Santunan kematian JKK ..." for a JKM question)
loses. A sentence that speaks of an old rule, only points to another document ("Rinciannya ada di
dokumen ...") or says what its own covers ("Dokumen ini menjelaskan ..."), loses, and so does a
worked example ("Contoh: ...") unless an example or a calculation is asked; a "cara" question
prefers a list of steps. The passage of an old
rule (superseded, or a temporary rule past its `valid_until`) gets no answer sentence at all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable
from enum import Enum

from index.normalize import standardise, stem, stopwords, tokenize, word_set, words
from index.sentences import sentence_spans
from index.types import SEGMENT_PROGRAMS


class Kind(Enum):
    """The kind of fact a question asks for."""

    AMOUNT = "amount"
    SHARE = "share"
    DURATION = "duration"
    AGE = "age"
    STEPS = "steps"
    REQUIREMENT = "requirement"
    CONDITION = "condition"
    DEFINITION = "definition"
    PARTY = "party"
    LIST = "list"
    PROGRAMS = "programs"
    LAW = "law"
    REASON = "reason"
    PURPOSE = "purpose"
    COMPARISON = "comparison"
    LIMIT = "limit"
    NUMBER = "number"
    COUNT = "count"
    ANY = "any"


_UNITS = frozenset("hari minggu bulan tahun jam tanggal day days week weeks month months year years date".split())
_AMOUNT_WORDS = frozenset("berapa berapakah brp much many besar besaran nominal persen persentase jumlah biaya tarif".split())
_SHARE_WORDS = frozenset("persen persentase percent percentage rate".split())  # an amount asked as a share of something
_SPLIT_WORDS = frozenset("dibagi pembagian pembagiannya split shared".split())  # "iuran dibagi bagaimana": who pays what share
_PRICE_WORDS = frozenset("iuran biaya tarif bayar membayar dibayar persen nominal harga".split())
_DURATION_WORDS = frozenset("kapan lama durasi jangka waktu umur usia age old".split())
_LIMIT_WORDS = frozenset("batas batasan maksimal maksimum minimal minimum plafon limit".split())  # a cap: an amount or a time
_STEP_WORDS = frozenset("cara caranya bagaimana bagaimanakah how langkah prosedur proses mengurus urus step steps".split())
_REQUIREMENT_WORDS = frozenset("syarat syaratnya persyaratan dokumen berkas dibawa membawa disiapkan requirement requirements eligible documents".split())
_CONDITION_WORDS = frozenset("apakah bisa bisakah boleh bolehkah wajib harus can may required must need".split())
DEFINITION_WORDS = frozenset("maksud dimaksud arti artinya pengertian definisi siapa who".split())
_LAW_WORDS = frozenset("hukum regulasi peraturan undang law regulation".split())
_REASON_WORDS = frozenset("kenapa mengapa why alasan".split())
_COMPARISON_WORDS = frozenset("beda bedanya perbedaan berbeda membedakan dibanding dibandingkan vs versus difference compare".split())
_NUMBER_WORDS = frozenset("nomor nomer nomornya telepon telpon hotline".split())
# What is counted rather than paid: "berapa orang", "brp kali", "how many children" ask for a count.
_COUNTED = frozenset(
    "orang kali anak anggota jiwa tempat kamar kasur ranjang jenis macam kriteria tahap program peserta perusahaan"
    " people persons times children kids members beds kinds types companies employers".split()
)
_CHANNEL_WORDS = frozenset("lewat melalui via".split())
_NUMBER_TERMS = frozenset(tokenize(" ".join(_NUMBER_WORDS)))  # the words asking for a number, as terms
_REQUIREMENT_TERMS = frozenset(tokenize(" ".join(_REQUIREMENT_WORDS)))  # the words asking for conditions, as terms
_PURPOSE_TERMS = frozenset(tokenize("buat untuk guna used for"))  # the words asking for a use ("buat apa"), as terms
_PROGRAM_WORDS = frozenset(tokenize("program programs programme programmes"))  # "program apa aja": which programs
_GROUPS = frozenset(p.lower() for p in SEGMENT_PROGRAMS)

# Who pays, registers, receives or is entitled ("siapa yang bayar iuran jkk": "dibayar oleh pemberi kerja").
_PARTIES = (
    r"pemberi kerja|perusahaan|pengusaha|pemerintah(?: pusat| daerah)?|pemda|ahli waris|janda|duda|orang tua|wali"
    r"|BPJS(?: Kesehatan| Ketenagakerjaan)?|Jasa Raharja|kontraktor|penyedia jasa|pengguna jasa|negara"
)
_NUMBER = r"\d[\d.,]*"
_LIST_ITEM = r"^(•|\d{1,2}[.)])\s"
_CONDITION = r"jika|apabila|bila|asalkan|selama|syarat|persyaratan|harus|wajib|minimal|paling sedikit|berhak|memenuhi|hanya"
_DOCUMENT = r"dokumen|berkas|KTP|Kartu Keluarga|KK|NIK|fotokopi|formulir|surat|lampirkan|melampirkan|bawa|membawa|siapkan|disiapkan|diminta"
_REGULATION = r"(UU|Undang-Undang|PP|Perpres|Permenaker|Permenkes|Peraturan)"
# Figures written with their number: an amount, a span of time in digits, a span in words.
_AMOUNT_FIGURE = rf"\bRp\.? ?{_NUMBER}|{_NUMBER} ?(%|persen\b|juta\b|ribu\b|rupiah\b|kali\b)"
_SPAN_FIGURE = rf"{_NUMBER} ?(hari|minggu|bulan|tahun|jam)\b"
_MONTHS = r"Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
_SPELLED = r"satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|dua belas"
_SPELLED_SPAN = rf"\b({_SPELLED}) (hari|minggu|bulan|tahun)\b"
_SIGNALS: dict[Kind, re.Pattern] = {
    Kind.AMOUNT: re.compile(rf"{_AMOUNT_FIGURE}|\b(sebesar|senilai|setara)\b", re.I),
    Kind.SHARE: re.compile(rf"{_NUMBER} ?(%|persen\b)|\b(setengah|separuh)\b", re.I),
    Kind.DURATION: re.compile(
        rf"\b{_SPAN_FIGURE}|\b(tanggal|sejak|setelah|sebelum|paling lama|paling lambat|selama|masa tunggu)\b|{_SPELLED_SPAN}",
        re.I,
    ),
    Kind.AGE: re.compile(r"\b(usia|umur|berusia|berumur|age)\b[^.\n]{0,25}?(?<!Pasal )(?<!ayat )\b\d{2}\b", re.I),  # "mencapai usia 56 tahun", not "usia pensiun (Pasal 15"
    Kind.STEPS: re.compile(
        r"^(•|\d{1,2}[.)])\s|\b(melalui|lewat|aplikasi|JMO|kantor cabang|mengajukan|ajukan|unggah|mengunggah|isi|mengisi"
        r"|login|klik|pilih|datang|kunjungi|membawa|bawa|siapkan|lampirkan|daftar|mendaftar|mendaftarkan|langkah|caranya)\b",
        re.I,
    ),
    Kind.CONDITION: re.compile(rf"{_LIST_ITEM}|\b({_CONDITION}|tidak|bukan|belum|dapat|bisa|boleh)\b", re.I),
    Kind.REQUIREMENT: re.compile(rf"{_LIST_ITEM}|\b({_CONDITION}|{_DOCUMENT})\b", re.I),  # not a mere "bisa"
    Kind.DEFINITION: re.compile(r"\b(adalah|merupakan|yaitu|yakni|ialah|artinya|disebut|termasuk|meliputi|terdiri)\b", re.I),
    Kind.PARTY: re.compile(
        r"^\W*yang\s+\w+[^.;:]{0,100}\b(adalah|ialah)\s+\w"  # "Yang menilai apakah ... adalah dokter di IGD": who does it
        rf"|\b(oleh|kepada)\s+(para\s+)?({_PARTIES})\b"
        rf"|\b({_PARTIES})(lah|nya)?\b[^.;:]{{0,30}}\b(membayar|menanggung|mendaftarkan|menerima|wajib|berhak|dibayar|ditanggung)\b"
        rf"|\b(dibayar|ditanggung|didaftarkan|diberikan|dibayarkan|diterima)\s+(oleh\s+)?({_PARTIES})\b",
        re.I,
    ),
    Kind.LIST: re.compile(r"^(•|\d{1,2}[.)])\s|:\s*\n|,[^.]*,[^.]*\b(dan|atau|serta)\b|\b(meliputi|antara lain|terdiri)\b", re.I | re.M),
    Kind.LAW: re.compile(rf"\b{_REGULATION}\b[^.]{{0,30}}\b(No\.|Nomor)", re.I),
    Kind.REASON: re.compile(r"\b(karena|sebab|agar|supaya|tujuan|bertujuan|sehingga)\b", re.I),
    Kind.PURPOSE: re.compile(r"\b(untuk|guna|keperluan|agar|supaya|tujuan|bertujuan|dipakai|digunakan|dimanfaatkan)\b", re.I),
    Kind.COMPARISON: re.compile(r"\b(sedangkan|berbeda|beda|perbedaan|dibandingkan|daripada|melainkan)\b", re.I),
    # A count: a small number of something ("4 tempat tidur", "paling banyak 5 orang"), not money, a date or an article of law.
    Kind.COUNT: re.compile(
        rf"(?<![\d.,])(?<!Pasal )(?<!ayat )(?<!huruf )(?<!angka )(\d{{1,3}}|\b({_SPELLED}))(?![\d.,]\d)(?! ?(%|persen|juta|ribu|rupiah|{_MONTHS})\b) ?(\(\w+\) )?[a-z]",
        re.I,
    ),
    Kind.NUMBER: re.compile(  # "165", "08118165165": three digits or more, no money, year, share or span
        r"(?<![\d.,])(?<!Rp)(?<!Rp )(?<!Rp\.)(?!(19|20)\d\d\b)\d{3,}(?![.,]?\d)(?! ?(%|persen|juta|ribu|rupiah|hari|bulan|tahun))"
    ),
}
# A cap, stated: an amount or a span of time with its number ("setelah" or "sebesar" alone is no cap).
_LIMIT = re.compile(rf"{_AMOUNT_FIGURE}|{_SPAN_FIGURE}|{_SPELLED_SPAN}", re.I)
# The figure of an amount or a span: a sentence holding only a word of one ("selama proses itu",
# "sebesar upah") holds the kind less than one that states it ("paling lama 6 bulan").
_FIGURED = {Kind.DURATION: re.compile(rf"{_SPAN_FIGURE}|{_SPELLED_SPAN}|\d{{1,2}} ({_MONTHS})", re.I), Kind.AMOUNT: re.compile(_AMOUNT_FIGURE, re.I)}
# An amount asked per unit of time ("brp sebulan", "per bulan", "a month"), and a sentence stating one
# per that unit ("Rp13.500 per bulan", "Rp42.000 sebulan"), not a sum for a whole span ("Rp332.500 untuk 24 bulan").
_RATE_UNITS = {
    "day": "hari", "week": "minggu", "month": "bulan", "year": "tahun",
    "daily": "hari", "weekly": "minggu", "monthly": "bulan", "yearly": "tahun", "annually": "tahun",
}
_RATE_ASKED = re.compile(
    r"\b(?:per|tiap|setiap) ?(hari|minggu|bulan|tahun)\b|\bse(hari|minggu|bulan|tahun)\b"
    r"|\b(?:per|a|an|each|every) (day|week|month|year)\b|\b(daily|weekly|monthly|yearly|annually)\b",
    re.I,
)
_RATE_STATED = {  # the figure, then the rate within two words (`_states_rate`)
    unit: re.compile(rf"(?:{_AMOUNT_FIGURE})(?: \w+){{0,2}}? (?:(?:per|tiap|setiap) {unit}|se{unit})\b|(?:{_AMOUNT_FIGURE}) ?/ ?{unit}\b", re.I)
    for unit in set(_RATE_UNITS.values())
}
# A regulation's number ("PP No. 37 Tahun 2021") is neither an amount nor a duration.
_CITATION = re.compile(r"\b(No\.?|Nomor)\s*\S+\s+Tahun\s+\d{4}", re.I)
# A sentence that opens by pointing back ("Pencairan itu ...", "Nilainya ...") goes on about what the previous one
# named; one that opens with a conclusion ("Jadi ...", "Maka ...") draws it from the previous one.
_BACK_REFERENCE = re.compile(r"^\W*((?!hanya\b)(\w+nya|\w+ (itu|ini|tersebut))|jadi|maka|dengan demikian|(oleh )?karena itu)\b", re.I)
# A sentence about a rule no longer in force ("Skema lama ... sudah tidak dipakai", "Sebelum PP No. 82
# Tahun 2019, ...", "Saat PP ... terbit, batas upah ditetapkan Rp7.000.000").
_OLD_RULE = re.compile(
    r"\b(aturan|skema|ketentuan|besaran|tarif|peraturan) (yang )?(lama|sebelumnya)\b|\bsebelum diubah\b"
    r"|\b(tidak|tak) (lagi )?(berlaku|dipakai|digunakan)\b|\bsudah dicabut\b|\bdicabut\b"
    rf"|\bsebelum {_REGULATION}\b|\b(saat|ketika) {_REGULATION}\b[^:;]{{0,40}}\bterbit\b|\bpertama kali ditetapkan\b",
    re.I,
)

# A sentence that only points to another document ("Rinciannya ada di dokumen cara klaim JKK"), or
# says what its own covers ("Dokumen ini menjelaskan siapa yang menanggung ..."), says where the
# answer is, not what it is; a pointer in brackets beside the fact is fine.
_POINTER = re.compile(
    r"\b(ada|dijelaskan|diatur|dibahas|dimuat|diuraikan|tercantum) (di|dalam) dokumen\b|\blihat dokumen\b"
    r"|\bdi dokumen (tersendiri|lain|khusus)\b|\bdokumen ini (hanya )?(menjelaskan|membahas|memuat|merinci|berisi)\b",
    re.I,
)
_BRACKETS = re.compile(r"\([^()]*\)")
# A worked example ("Contoh: dengan upah Rp5.000.000, iuran JHT ...") shows the rule for one case; the
# rule itself answers, unless the question asks for an example or a calculation.
_WORKED_EXAMPLE = re.compile(r"^\W*(contoh(nya)?|misalnya|sebagai contoh)\b", re.I)
_WORKED_SUM = re.compile(r"×| = ")  # "0,89% × Rp5.000.000 = Rp44.500"
_BARE_INTRO = re.compile(r"^\W*(\w+\s+){0,3}\w+:\s*\n", re.I)  # "Caranya:", "Yang perlu disiapkan:" on a list
EXAMPLE_WORDS = frozenset("contoh contohnya hitung hitungan menghitung simulasi example calculate".split())  # asking for one
_EXAMPLE_TERMS = frozenset(tokenize(" ".join(EXAMPLE_WORDS)))

CACHED_SENTENCES = 50_000  # passages' sentences are scored again for every question that finds them
EXPANSION_WEIGHT = 0.25  # "jkp" in the question adds "jaminan kehilangan pekerjaan": one concept, not four
KIND_WEIGHT = 0.45  # what holding the asked kind of fact is worth, against a full term match (1.0)
OLD_RULE_PENALTY = 0.6
# A list of steps or channels, for a "cara" question: bold shares unchanged, held-out answer set out
# of scope answered 5 -> 4 of 12; the same bonus for list and requirement questions changed nothing.
STEPS_LIST_BONUS = 0.1
WORD_ONLY_SHARE = 0.5  # of KIND_WEIGHT, for a sentence with only a word of the figure asked (0.3 and 0.7: the same figures)
EXAMPLE_PENALTY = 0.3  # a worked example, when none is asked (0.15: no gain; 0.5: worker -1)
SHORT_WORDS = 4  # a "sentence" this short ("Syarat:") is a label, not an answer, unless it holds the fact ("• Kelas I: Rp150.000;")
SHORT_PENALTY = 0.3
INTRO_PENALTY = 0.15  # a line ending in ":" introduces the answer rather than giving it
SUBJECT_BONUS = 0.3
COUNTED_BONUS = 0.15  # a count of what the question counts (0.15 and 0.3 gave the same figures)
SUBJECT_WORDS = 8  # the words before "adalah" that name what is defined ("Formularium Nasional (Fornas)")
OTHER_PROGRAM_PENALTY = 0.3  # a sentence naming only programs the question did not ask about (0.6 gave the same figures)
RATE_BONUS = 0.3  # an amount per the unit of time asked ("brp sebulan": "Rp13.500 per bulan")
CARRY = 0.5  # the share of the previous sentence's terms a back-referring sentence inherits
# What the words asking for a kind of fact weigh in a sentence's match, against the question's other
# words: the fact answers them whether or not the sentence repeats them. A number to dial answers
# "telepon bpjs tk", "Siapkan NIK saat menelepon" does not (nothing); the conditions answer "jkm
# syaratnya apa" though they rarely say "syarat" (an expansion's weight); "buat apa" is not answered
# by a sentence that says "membuat".
_ASKING = {Kind.NUMBER: (_NUMBER_TERMS, 0.0), Kind.REQUIREMENT: (_REQUIREMENT_TERMS, EXPANSION_WEIGHT), Kind.PURPOSE: (_PURPOSE_TERMS, 0.0)}


def question_kind(text: str) -> Kind:
    """What the question asks for, from its question words (Indonesian, informal or English)."""
    ws = words(standardise(text))
    present = {w for i, w in enumerate(ws) if not (w == "persen" and i and ws[i - 1][:1].isdigit())}  # "jht 10 persen buat apa" gives the figure
    for i, w in enumerate(ws):  # "berapa lama", "berapa bulan", "how long", "umur berapa"
        nxt = ws[i + 1] if i + 1 < len(ws) else ""
        prev = ws[i - 1] if i else ""
        if w in ("berapa", "berapakah", "how") and (nxt in _UNITS or nxt in ("lama", "long", "lambat")):
            return Kind.DURATION
        if w in ("berapa", "berapakah") and prev in ("umur", "usia"):
            return Kind.AGE  # "umur berapa": an age, which a span ("setelah 1 bulan") does not answer
        if w in ("berapa", "berapakah") and prev in _UNITS:
            return Kind.DURATION
        counted = ws[i + 2] if w == "how" and nxt == "many" and i + 2 < len(ws) else nxt  # "how many days/children"
        if w in ("berapa", "berapakah", "how") and counted in _UNITS and counted != nxt:
            return Kind.DURATION
        if w in ("berapa", "berapakah", "how") and counted in _COUNTED:
            return Kind.COUNT
    if "kapan" in present or ws[:1] == ["when"]:  # "when" further on joins a clause: "what tax rate ... when I withdraw"
        return Kind.DURATION
    if present & {"umur", "usia", "age"} and present & {"berapa", "berapakah"} and not present & _PRICE_WORDS:
        return Kind.AGE  # "usia pensiun jp berapa": an age, not an amount of money
    if present & _LAW_WORDS and present & {"dasar", "hukum", "aturan", "law", "legal", "regulation"} and "berapa" not in present:
        return Kind.LAW
    if present & _NUMBER_WORDS and present & {"berapa", "berapakah"}:
        return Kind.NUMBER  # "nomor call center berapa": a number to dial, not an amount
    asks_list = any(w in ("apa", "what", "mana", "siapa") and nxt in ("saja", "aja", "are") for w, nxt in zip(ws, ws[1:]))
    asks_programs = any(  # "terdaftar di program apa", "which BPJS programmes": the programs, named, are the answer
        (w in _PROGRAM_WORDS and {"apa", "mana"} & set(ws[i + 1 : i + 4])) or (w in ("which", "what") and _PROGRAM_WORDS & set(ws[i + 1 : i + 4]))
        for i, w in enumerate(ws)
    )
    # A cap asked, unless "apa" asks a thing about it: "minimal ikut program apa aja" (a list),
    # "batas upah jp naik tiap taun, ngikutin apa" (what it follows); "batas upah jp apa berapa" asks the cap.
    if present & _LIMIT_WORDS and not ((asks_list or asks_programs or "apa" in present) and not present & _AMOUNT_WORDS):
        return Kind.DURATION if present & {"waktu", "umur", "usia", "lama"} else Kind.LIMIT
    if present & _SHARE_WORDS or (present & _SPLIT_WORDS and present & _PRICE_WORDS):
        return Kind.SHARE  # "iuran jp totalnya brp persen", "iuran jkn ppu dibagi gmn": a percentage, not the rupiah of an example
    if present & _AMOUNT_WORDS:
        return Kind.AMOUNT
    if _asks_purpose(ws):
        return Kind.PURPOSE  # "jht 30 persen buat apa": what it may be used for, not whether it may
    if _asks_party(ws):
        return Kind.PARTY  # "iuran jkp dibayar siapa": who pays, not what the contribution is
    if present & _STEP_WORDS or present & {"where", "dimana", "kemana"} or _asks_channel(ws):
        return Kind.STEPS  # a how, or a where: "klaim jkp lewat web apa", "daftar di mana"
    if present & _COMPARISON_WORDS:
        return Kind.COMPARISON
    if present & _REASON_WORDS:
        return Kind.REASON
    if asks_programs:
        return Kind.PROGRAMS  # "syarat jkp, hrs terdaftar di program apa": the programs, not the conditions
    if present & _REQUIREMENT_WORDS:
        return Kind.REQUIREMENT
    if asks_list:
        return Kind.LIST
    if present & _CONDITION_WORDS or ws[:1] in (["does"], ["do"], ["is"], ["are"]):  # "Does BPJS pay for ...?": yes or no
        return Kind.CONDITION
    if present & _DURATION_WORDS:
        return Kind.DURATION
    if present & DEFINITION_WORDS or {"apa", "itu"} <= present or {"what", "is"} <= present:
        return Kind.DEFINITION
    if present & _NUMBER_WORDS:
        return Kind.NUMBER  # "nomor pengaduan bpjs kesehatan": the number itself, not a sentence about numbers
    return Kind.ANY


def asked_rate(text: str) -> str:
    """The unit of time an amount is asked per ("iuran brp sebulan" -> "bulan"), or ""."""
    found = _RATE_ASKED.search(standardise(text))
    if not found:
        return ""
    unit = next(g for g in found.groups() if g).lower()
    return _RATE_UNITS.get(unit, unit)


def _states_rate(unit: str, sentence: str) -> bool:
    """Whether a sentence states a figure per `unit` ("Rp16.800 per bulan", "2% untuk setiap bulan",
    "Rp42.000 sebulan"), not only a figure beside a rate ("60% dari upah (batas upah Rp5.000.000)
    setiap bulan")."""
    return bool(_RATE_STATED[unit].search(sentence))


def _asks_purpose(ws: list[str]) -> bool:
    """A use asked for: "buat apa", "untuk apa (saja)", "what ... for", "used for"."""
    return any(w in ("buat", "untuk", "guna") and nxt == "apa" for w, nxt in zip(ws, ws[1:])) or (
        ws[-1:] == ["for"] and "what" in ws
    ) or any(w in ("used", "use") and nxt == "for" for w, nxt in zip(ws, ws[1:]))


_ELIGIBLE_WORDS = frozenset("berhak wajib bisa boleh dapat termasuk ikut harus menjadi jadi".split())


def _asks_party(ws: list[str]) -> bool:
    """A party asked for, who pays, registers, receives or decides: "siapa yang bayar", "dibayar
    siapa", "ke siapa", "yang bayar denda siapa", "yg nentuin gawat darurat ato bukan siapa", "who has
    to register"; not who someone is ("siapa itu ahli waris", "ahli waris itu siapa") nor which
    people may ("yang berhak siapa")."""
    for i, w in enumerate(ws):
        if w not in ("siapa", "who", "whom"):
            continue
        nxt = ws[i + 1] if i + 1 < len(ws) else ""
        prev = ws[i - 1] if i else ""
        if "itu" in (nxt, prev) or nxt in ("saja", "aja") or (w == "who" and nxt in ("is", "are")):
            return False
        passive = prev.startswith("di") and len(prev) > 4  # "dibayar siapa", "ditanggung siapa"
        then = ws[i + 2 : i + 4]
        if nxt == "yang":  # "siapa yang bayar", but "siapa yang berhak/wajib ikut" asks which people
            return bool(then) and then[0] not in _ELIGIBLE_WORDS
        if nxt in ("has", "have", "must", "should"):  # "who has to register", not "who must join"
            return bool({"pay", "register", "report", "cover", "bear"} & set(then + ws[i + 4 : i + 5]))
        start = max(0, i - 8)
        if "yang" in ws[start:i]:  # "yang nanggung dendanya siapa": the doer, asked last
            after = ws[ws.index("yang", start) + 1]
            return after != w and after not in _ELIGIBLE_WORDS | DEFINITION_WORDS | {"disebut"}
        return passive or nxt in ("pays", "registers", "gets", "receives") or prev in ("ke", "kepada", "oleh", "to", "by")
    return False


def _asks_channel(ws: list[str]) -> bool:
    """A channel or a place asked for: "lewat (web) apa", "melalui apa", "di mana", "ke mana"."""
    return any(
        (w in _CHANNEL_WORDS and {"apa", "mana"} & set(ws[i + 1 : i + 3])) or (w in ("di", "ke") and ws[i + 1 : i + 2] == ["mana"])
        for i, w in enumerate(ws)
    )


@functools.lru_cache(maxsize=CACHED_SENTENCES)
def holds(kind: Kind, sentence: str) -> bool:
    """Whether a sentence holds the kind of fact asked for (a regulation's number is no figure)."""
    if kind is Kind.LIMIT:  # a cap is an amount ("batas upah Rp12.000.000") or a span ("batas klaim 5 tahun"), stated
        return bool(_LIMIT.search(_CITATION.sub("", sentence)))
    pattern = _SIGNALS.get(kind)
    if kind in (Kind.AMOUNT, Kind.SHARE, Kind.DURATION, Kind.AGE, Kind.NUMBER, Kind.COUNT):
        sentence = _CITATION.sub("", sentence)
    return bool(pattern and pattern.search(sentence))


def _states_figure(kind: Kind, sentence: str) -> bool:
    """Whether a sentence holding a duration or an amount states its figure ("paling lama 6 bulan"),
    not only a word of one ("selama proses itu"); true for the other kinds (`_FIGURED`)."""
    pattern = _FIGURED.get(kind)
    return pattern is None or bool(pattern.search(_CITATION.sub("", sentence)))


FIGURE_KINDS = frozenset({Kind.AMOUNT, Kind.SHARE, Kind.DURATION, Kind.AGE, Kind.COUNT, Kind.NUMBER, Kind.LIMIT})  # asked as a number


def states(kind: Kind, text: str, terms: Collection[str] = ()) -> bool:
    """Whether any sentence of a passage holds the kind of fact asked for; for a definition, one
    that defines a term asked ("Jaminan Kehilangan Pekerjaan (JKP) adalah ...")."""
    if kind is Kind.DEFINITION:
        return any(_defined_terms(text[a:b]) & set(terms) for a, b in answer_units(text))
    return any(holds(kind, text[a:b]) for a, b in answer_units(text))


def defines(text: str, terms: Collection[str]) -> bool:
    """Whether a sentence of a passage defines just what `terms` name: "JMO atau Jamsostek Mobile
    adalah ..." for "apa itu jmo"; "Denda pelayanan adalah ..." is one kind of "denda", not all."""
    asked = set(terms)
    return any((found := _defined_terms(text[a:b])) and found <= asked for a, b in answer_units(text))


_ROMAN = ("", "I", "II", "III", "IV", "V")
_ROMAN_NUMERAL = re.compile(r"\b(I{1,3}|IV|V)\b")
_LIST_LINE = re.compile(r"(•|\d{1,2}[.)])\s")


@functools.lru_cache(maxsize=CACHED_SENTENCES)
def answer_units(text: str) -> tuple[tuple[int, int], ...]:
    """The sentences of `text`, with a line that introduces a list ("Syarat:") joined to its items
    (an item of two sentences whole)."""
    spans = sentence_spans(text)
    units = []
    for i, (a, b) in enumerate(spans):
        if text[a:b].rstrip().endswith(":") and i + 1 < len(spans):
            end = spans[i + 1][1]  # what the colon introduces: the next sentence, or the list below
            if _LIST_LINE.match(text, spans[i + 1][0]):
                for c, d in spans[i + 2 :]:  # the items, on new lines; an item's second sentence stays with it
                    if "\n" in text[end:c] and not _LIST_LINE.match(text, c):
                        break
                    end = d
            b = end
        units.append((a, b))
    return tuple(units)


def scored_sentences(
    text: str,
    terms: Iterable[str],
    kind: Kind,
    idf: Callable[[str], float] = lambda _: 1.0,
    direct: Collection[str] | None = None,
    programs: tuple[Collection[str], Collection[str]] = ((), ()),
    rate: str = "",
) -> list[tuple[float, tuple[int, int]]]:
    """Each sentence span of `text` with its score as the answer to a question (higher is better).

    `direct`: the terms the question itself used; the others (acronym expansions) count less.
    `programs`: the programs the question names and the others, as lowercase codes ("jkm"); a
    sentence that names only others ("Santunan kematian JKK ..." for a JKM question) loses (none
    named: none loses), and for "program apa aja" one naming two or more holds the list asked.
    `rate`: the unit of time an amount is asked per (`asked_rate`); a figure per that unit gains.
    """
    spans = answer_units(text)
    if not spans:
        return []
    terms = list(dict.fromkeys(terms))
    asking, asking_weight = _ASKING.get(kind, (frozenset(), 1.0))
    if set(terms) <= asking:
        asking = frozenset()  # "telepon?" alone: the asking words are all there is to match
    found = [_terms_of(text[a:b]) for a, b in spans]
    spread = {t: sum(t in f for f in found) for t in terms}
    weights = {t: idf(t) * (asking_weight if t in asking else 1.0 if direct is None or t in direct else EXPANSION_WEIGHT) for t in terms}
    total = sum(weights.values()) or 1.0
    lexical = [sum(w / spread[t] for t, w in weights.items() if t in present) / total for present in found]
    asks_example = bool(_EXAMPLE_TERMS & set(terms))
    out = []
    held_before = False
    for i, (a, b) in enumerate(spans):
        sentence = text[a:b]
        score = lexical[i]
        held = lists_programs(sentence, (*programs[0], *programs[1])) if kind is Kind.PROGRAMS else holds(kind, sentence)
        if held:
            score += KIND_WEIGHT if _states_figure(kind, sentence) else WORD_ONLY_SHARE * KIND_WEIGHT
            if i and _BACK_REFERENCE.match(sentence) and not held_before:
                score += CARRY * lexical[i - 1]  # "Nilainya Rp174.000.000": the asked fact of what came before, when it did not state it
        if rate and held and kind in FIGURE_KINDS and _states_rate(rate, sentence):
            score += RATE_BONUS
        if kind is Kind.COUNT and held and _counted_terms(sentence) & weights.keys():
            score += COUNTED_BONUS  # "brp anak": "paling banyak 2 orang anak", not "usia 23 tahun"
        if kind is Kind.DEFINITION and _subject_terms(sentence) & weights.keys():
            score += SUBJECT_BONUS  # "Formularium Nasional (Fornas) adalah ...": the sentence is about what was asked
        if programs[0] and _names_only_others(sentence, *programs):
            score -= OTHER_PROGRAM_PENALTY
        if kind is Kind.STEPS and any(_LIST_LINE.match(line) for line in sentence.split("\n")[1:]):
            score += STEPS_LIST_BONUS  # "cara pindah faskes": the channels listed, not "bisa tanpa datang ke kantor"
        if _WORKED_EXAMPLE.match(sentence) and not asks_example:
            score -= EXAMPLE_PENALTY
        if _OLD_RULE.search(sentence) or _POINTER.search(_BRACKETS.sub("", sentence)):
            score -= OLD_RULE_PENALTY
        if len(sentence.split()) <= SHORT_WORDS and not held:
            score -= SHORT_PENALTY
        if sentence.rstrip().endswith(":"):  # an introduction with nothing after it
            score -= INTRO_PENALTY
        out.append((score, (a, b)))
        held_before = held
    return out


def lists_programs(sentence: str, programs: Collection[str]) -> bool:
    """Whether a sentence names two or more of `programs` ("JKK dan JKM"), the answer to "program apa
    aja" that a list of documents is not; a group of participants (BPU, PMI) is no program to join."""
    return len((frozenset(programs) - _GROUPS) & word_set(sentence)) >= 2


def _names_only_others(sentence: str, asked: Collection[str], others: Collection[str]) -> bool:
    """Whether a sentence names programs, none of them one the question asked about."""
    named = word_set(sentence)
    return not any(p in named for p in asked) and any(p in named for p in others)


@functools.lru_cache(maxsize=CACHED_SENTENCES)
def _counted_terms(sentence: str) -> frozenset[str]:
    """The terms of the one or two words after each count of a sentence (the COUNT signal): what it
    counts ("2 orang anak" -> orang, anak; "3 kali kunjungan" -> kali, kunjung)."""
    text = _CITATION.sub("", sentence)
    found = set()
    for m in _SIGNALS[Kind.COUNT].finditer(text):
        found.update(tokenize(" ".join(text[m.end() - 1 :].split()[:2])))  # the signal ends on the counted word's first letter
    return frozenset(found)


_DEFINING = re.compile(r"\b(adalah|merupakan|yaitu|yakni|ialah|artinya)\b", re.I)


@functools.lru_cache(maxsize=CACHED_SENTENCES)
def _defined_terms(sentence: str) -> frozenset[str]:
    """The terms of what a sentence defines, the words before its "adalah"; none when it defines nothing."""
    found = _DEFINING.search(sentence)
    head = sentence[: found.start()] if found else ""
    return frozenset(tokenize(head)) if head and len(head.split()) <= SUBJECT_WORDS else frozenset()


@functools.lru_cache(maxsize=CACHED_SENTENCES)
def _subject_terms(sentence: str) -> frozenset[str]:
    """The terms of what a sentence defines (a name and its acronym in brackets), or its first term
    when it defines nothing."""
    return _defined_terms(sentence) or frozenset(tokenize(sentence)[:1])


# The bounds rules write in full, as questions name them: "paling sedikit" says "minimal", "paling banyak" "maksimal".
_BOUNDS = {
    "minimal": re.compile(r"\b(paling sedikit|sekurang-kurangnya|setidaknya|minimum)\b", re.I),
    "maksimal": re.compile(r"\b(paling (banyak|lama|lambat|tinggi)|selambat-lambatnya|sebanyak-banyaknya|maksimum)\b", re.I),
}


@functools.lru_cache(maxsize=CACHED_SENTENCES)
def _terms_of(sentence: str) -> frozenset[str]:
    """A sentence's terms, also as a question may write them: "Kelas III" says "3",
    "bekerja sama" "kerjasama", "paling sedikit" "minimal"."""
    ws = words(sentence)
    stems = [stem(w) for w in ws]
    stop = stopwords()
    terms = {s for w, s in zip(ws, stems) if w not in stop}  # tokenize(sentence), sharing the stems
    terms.update(a + b for a, b in zip(stems, stems[1:]))
    terms.update(str(_ROMAN.index(n)) for n in _ROMAN_NUMERAL.findall(sentence))
    terms.update(term for term, bound in _BOUNDS.items() if bound.search(sentence))
    return frozenset(terms)


def answer_span(
    text: str,
    terms: Iterable[str],
    kind: Kind,
    idf: Callable[[str], float] = lambda _: 1.0,
    direct: Collection[str] | None = None,
    *,
    superseded: bool = False,
    programs: tuple[Collection[str], Collection[str]] = ((), ()),
    rate: str = "",
) -> tuple[int, int] | None:
    """(start, end) of the sentence of `text` that best answers; None for a superseded passage.

    The first best sentence wins ties: the author's opening sentence usually states the rule.
    """
    best = best_sentence(text, terms, kind, idf, direct, superseded=superseded, programs=programs, rate=rate)
    return best[1] if best else None


def best_sentence(
    text: str,
    terms: Iterable[str],
    kind: Kind,
    idf: Callable[[str], float] = lambda _: 1.0,
    direct: Collection[str] | None = None,
    *,
    superseded: bool = False,
    programs: tuple[Collection[str], Collection[str]] = ((), ()),
    rate: str = "",
) -> tuple[float, tuple[int, int]] | None:
    """The score and span of the answer sentence (see answer_span)."""
    if superseded:
        return None
    scored = scored_sentences(text, terms, kind, idf, direct, programs, rate)
    if not scored:
        return None
    score, span = max(scored, key=lambda item: item[0])  # max keeps the first of equals
    if kind in (Kind.STEPS, Kind.LIST, Kind.PROGRAMS) and _LIST_LINE.match(text, span[0]):
        span = _whole_list(text, span)  # steps are answered by all of them, in order
    return score, _with_premise(text, span, [s for _, s in scored])


def _with_premise(text: str, span: tuple[int, int], units: list[tuple[int, int]]) -> tuple[int, int]:
    """`span`, begun at the sentence before it in the same paragraph when `span` cannot be read
    without it (the bold answer is read first, and alone):
    - `span` works out a sum ("Iuran JKK = 0,89% × Rp5.000.000 = Rp44.500") and that sentence opens
      the worked example ("Contoh: perusahaan termasuk kelompok risiko III ..."): else a worker
      reads one case's figure as the rule;
    - `span` opens with a bare introduction to a list ("Caranya:", "Yang perlu disiapkan:"), which
      that sentence gives its subject ("Saat mendaftar sebagai peserta mandiri JKN, ...");
    - `span` points back ("Nilainya Rp174.000.000", "Artinya, ..."), to what that sentence names, or
      concludes from it ("Jadi ... dalam 3 tahun tersebut")."""
    at = next((i for i, (a, _) in enumerate(units) if a == span[0]), 0)
    if not at:
        return span
    a, b = units[at - 1]
    if "\n" in text[b : span[0]]:
        return span
    own = text[span[0] : span[1]]
    if _WORKED_SUM.search(own) and _WORKED_EXAMPLE.match(text[a:b]):
        return a, span[1]
    if _BARE_INTRO.match(own) or _BACK_REFERENCE.match(own):
        return a, span[1]
    return span


def answer_parts(text: str, span: tuple[int, int], terms: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """When the answer at `span` is a list with its introduction, the pieces of it that answer: the
    introduction and the items sharing words with the question that the introduction does not
    already hold ("suhu" for "suhu ruang kris brp derajat", of twelve criteria), at least half as
    many as the item sharing most; () when it is no such list or no item stands out that way. A
    reply too short for the whole list quotes these: every item that may answer is kept, so no
    single item is picked for the worker to misread."""
    lines = [(span[0] + m.start(), span[0] + m.end()) for m in re.finditer(r"[^\n]+", text[span[0] : span[1]])]
    if len(lines) < 3 or not all(_LIST_LINE.match(text, a) for a, _ in lines[1:]):
        return ()
    asked = set(terms) - _terms_of(text[lines[0][0] : lines[0][1]])
    shared = [len(_terms_of(text[a:b]) & asked) for a, b in lines[1:]]
    kept = [line for line, n in zip(lines[1:], shared) if n and 2 * n >= max(shared)]
    return (lines[0], *kept) if kept and len(kept) < len(lines) - 1 else ()


def _list_run(text: str, span: tuple[int, int]) -> tuple[list[tuple[int, int]], int, int]:
    """The lines of `text`, and the first and last of the run of list lines around `span`."""
    lines = [m.span() for m in re.finditer(r"[^\n]+", text)]
    at = next(i for i, (a, b) in enumerate(lines) if a <= span[0] < b)
    first = last = at
    while first > 0 and _LIST_LINE.match(text, lines[first - 1][0]):
        first -= 1
    while last + 1 < len(lines) and _LIST_LINE.match(text, lines[last + 1][0]):
        last += 1
    return lines, first, last


def _whole_list(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The run of list lines around the list item at `span`."""
    lines, first, last = _list_run(text, span)
    return lines[first][0], max(lines[last][1], span[1])


def list_intro(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """The line introducing the list whose item `span` is ("Dokumen yang diminta:"), to quote the
    item alone with it; None when `span` is no list item or its list has no such line."""
    if not _LIST_LINE.match(text, span[0]):
        return None
    lines, first, _ = _list_run(text, span)
    if first == 0:
        return None
    a, b = lines[first - 1]
    intro = sentence_spans(text[a:b])[-1:]  # the line's last sentence: "… di bawah ini. Syaratnya:" -> "Syaratnya:"
    return (a + intro[0][0], a + intro[0][1]) if intro and text[a:b].rstrip().endswith(":") else None
