"""Hitung in the bot: numeric questions read into a `Request`, and a `Calculation` rendered as a reply.

Pure functions, shared by Telegram (`bot/handlers/hitung.py`) and the console (`python -m bot
hitung`), so both give the same figures. `numeric_request` recognises a question that carries
numbers and asks for a sum ("gaji 6 juta potong bpjs berapa?") from general patterns: the
amounts and counts in it, and keywords for what to compute. The engine (`index/hitung.py`) does
the arithmetic over the dated rates table `corpus/tarif.yaml`. A reply ends with the passage
of the index that states the rule used (`find_rule`), and is in English for English questions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import logging
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from bot.language import detect_language
from bot.reply import Reply, format_date, shorten, source_html, to_plain
from bot.texts import HITUNG_EN_PHRASES, TEXTS, t, ui_language
from index.hitung import (
    BPJS_TK,
    NON_TRANSPORTASI,
    PEKERJA,
    PEMBERI_KERJA,
    PEMERINTAH,
    PESERTA,
    RATES_FILE,
    ROMAN,
    TRANSPORTASI,
    AmountError,
    Calculation,
    HitungError,
    RateTable,
    bpu_discount_depends_on_sector,
    denda_rawat_inap,
    format_persen,
    format_rupiah,
    format_tanggal,
    iuran_bpu,
    iuran_jkn_mandiri,
    iuran_jkn_ppu,
    iuran_penerima_upah,
    klaim_jht_sebagian,
    load_rates,
    manfaat_jkp,
    parse_rupiah,
    santunan_jkm,
)
from index import answer_sentence
from index.normalize import MAX_QUERY_CHARS, tokenize
from index.sentences import sentence_spans
from index.types import Hit

logger = logging.getLogger(__name__)

# What can be computed, in the order the /hitung menu shows it: kind -> button label.
IURAN, JKN_PPU, JKN_MANDIRI, BPU, JKP, DENDA, JHT, JKM = (
    "iuran", "jkn_ppu", "jkn_mandiri", "bpu", "jkp", "denda", "jht", "jkm",
)  # fmt: skip
KINDS = {
    IURAN: "Potongan gaji karyawan",
    JKN_PPU: "JKN karyawan (gaji)",
    JKN_MANDIRI: "JKN mandiri (kelas)",
    BPU: "BPJS TK pekerja mandiri (BPU)",
    JKP: "Uang tunai JKP (PHK)",
    DENDA: "Denda rawat inap JKN",
    JHT: "Klaim JHT sebagian",
    JKM: "Santunan kematian (JKM)",
}
PROGRAMS = ("JHT", "JP", "JKK", "JKM", "JKP", "JKN")
TK_PROGRAMS = ("JHT", "JP", "JKK", "JKM", "JKP")



def kind_label(kind: str, language: str = "id") -> str:
    """The /hitung button label of a computation in the user's language."""
    return t(f"hitung_kind_{kind}", language)


def _ask_key(kind: str, missing: str) -> str:
    """The texts key of the question sent back for a missing field (the first that applies wins)."""
    key = f"hitung_ask_{kind}_{missing}" if kind else "hitung_ask_kind"
    return key if key in TEXTS["id"] else "hitung_ask_kind"


@dataclass(frozen=True)
class Request:
    """What a question asks to compute, with the numbers it carries; `missing` names what is not there yet."""

    kind: str  # one of KINDS, "jkn" (segment not known yet) or "" (not known)
    amount: int | None = None  # wage, declared income, last wage, inpatient bill or JHT balance
    kelas: int | None = None
    orang: int | None = None  # persons, JKN mandiri
    anak: int = 0  # children, JKN PPU
    tambahan: int = 0  # parents and parents-in-law, JKN PPU
    bulan: int | None = None  # months in arrears
    tahun: int | None = None  # years of JHT membership
    keperluan: str = "lain"  # JHT partial claim: "rumah" or "lain"
    risiko: int | None = None  # JKK risk group 1-5
    upah_minimum: int | None = None
    programs: tuple[str, ...] = ()  # only these programs' lines (contributions), () for all
    on: dt.date | None = None  # the date the rates hold as of; None: today
    needs_orang: bool = False  # "sekeluarga" without a count
    sektor: str | None = None  # BPU: "transportasi" or "non_transportasi" (PP 50/2025 relief), None: not said
    ask_sektor: bool = False  # BPU: the relief differs by sector on that date, so the sector is needed
    language: str = "id"  # the language of the reply: "id" or "en"
    error: str = ""  # an amount or count that makes no sense, as one sentence for the worker

    @property
    def missing(self) -> str:
        """The first field still needed ("" when the request can be computed)."""
        if self.kind in ("", "jkn"):
            return "kind"
        if self.kind == JKN_MANDIRI:
            if self.kelas is None:
                return "kelas"
            return "orang" if self.orang is None and self.needs_orang else ""
        if self.kind == JKM:
            return ""
        if self.amount is None:
            return "amount"
        if self.kind == DENDA and self.bulan is None:
            return "bulan"
        if self.kind == BPU and self.sektor is None and self.ask_sektor:
            return "sektor"
        return ""

    def question(self, language: str | None = None) -> str:
        """The question to send back for the missing field (Telegram HTML)."""
        missing = self.missing
        kind = self.kind if missing != "kind" or self.kind == "jkn" else ""
        return t(_ask_key(kind, missing), language or self.language)

    def merge(self, other: Request) -> Request:
        """This request completed with the fields `other` (the user's next message) supplies."""
        updates = {}
        for name in ("amount", "kelas", "orang", "bulan", "tahun", "risiko", "upah_minimum", "on"):
            if getattr(other, name) is not None:
                updates[name] = getattr(other, name)
        for name in ("anak", "tambahan"):
            if getattr(other, name):
                updates[name] = getattr(other, name)
        if other.keperluan != "lain":
            updates["keperluan"] = other.keperluan
        if other.programs:
            updates["programs"] = other.programs
        if other.sektor is not None:
            updates["sektor"] = other.sektor
        kind = self.kind
        if kind == "jkn":
            kind = JKN_MANDIRI if other.kelas is not None else JKN_PPU if other.amount is not None else kind
        elif kind == "" and other.kind != "":
            kind = other.kind
        return replace(self, kind=kind, error=other.error, **updates)

    def to_json(self) -> dict:
        data = asdict(self)
        data["on"] = self.on.isoformat() if self.on else None
        data["missing"] = self.missing
        return data


# --- reading a question -------------------------------------------------------------------------

_DIGITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9}
_TENS = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
_NUMBER_WORDS = re.compile(
    r"\b(?:(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|belas|puluh|ratus)\b\s*)+"
)
_SE_UNITS = {"sejuta": "1 juta", "seribu": "1 ribu", "setengah juta": "0,5 juta", "sebulan": "1 bulan", "setahun": "1 tahun"}
_ENGLISH_UNITS = {"million": "juta", "mio": "juta", "thousand": "ribu", "billion": "miliar"}
_ROMAN_CLASS = re.compile(r"\b(kelas|kls|class)\s*(iii|ii|i)\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("januari", "jan"), ("februari", "feb", "pebruari"), ("maret", "mar"), ("april", "apr"), ("mei",),
         ("juni", "jun"), ("juli", "jul"), ("agustus", "agu", "agt", "ags"), ("september", "sep", "sept"),
         ("oktober", "okt"), ("november", "nov", "nop"), ("desember", "des")],
        start=1,
    )
    for name in names
}  # fmt: skip
_FULL_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+((?:19|20)\d\d)\b")
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b(?:tahun|thn|th|per|pada|tarif|aturan)\s+((?:19|20)\d\d)\b")
_UNIT = r"ribu|rebu|rb|juta|jt|jta|miliar|milyar|milliar|triliun|k|m|t"
_TOKEN = re.compile(
    r"(?P<neg>\bminus\s+|(?<![\w.,])[-−]\s*)?"
    r"(?P<rp>\b(?:rp|idr)\.?\s*)?"
    r"(?P<neg2>[-−]\s*)?"
    r"(?P<num>\d+(?:[.,]\d+)*)"
    r"(?:\s*(?P<unit>" + _UNIT + r")\b)?"
    r"(?P<pct>\s*(?:%|persen\b|percent\b))?"
)
_WORD = re.compile(r"[a-z]+")

_WAGE_WORDS = {"gaji", "upah", "gajih", "salary", "gajinya", "upahnya", "gapok", "thp", "penghasilan", "pendapatan", "income", "penghasilannya", "wage", "wages", "earn", "earning", "earnings"}
_BILL_WORDS = {"biaya", "tagihan", "biayanya", "tagihannya", "habis", "tarif", "ongkos", "bill", "cost", "costs"}
_SALDO_WORDS = {"saldo", "saldonya", "tabungan", "balance"}
_UMK_WORDS = {"umk", "ump", "umr", "minimum"}
_MONTH_WORDS = {"bulan", "bln", "bl", "bulanan", "month", "months"}
_PERSON_WORDS = {"orang", "org", "jiwa", "anggota", "peserta", "org.", "kepala", "people", "persons", "person", "members"}
_CHILD_WORDS = {"anak", "anaknya", "child", "children", "kids"}
_YEAR_WORDS = {"tahun", "thn", "th", "thun", "year", "years"}
_CLASS_WORDS = {"kelas", "kls", "class"}
_RISK_WORDS = {"kelompok", "risiko", "resiko", "grup", "golongan"}

_INTENT = re.compile(
    r"\b(berapa|brp|brapa|berapakah|hitung|hitungan|hitungkan|itung|itungan|total|jumlah|potong|potongan|dipotong|motong|"
    r"rincian|besaran|besarnya|estimasi|kira|perkiraan|simulasi|how much|calculate|deduction|deductions|deducted|deduct)\b"
)
_COMPUTE = re.compile(r"\b(hitung|hitungkan|hitungin|itung|itungin|itungkan|kalkulasi|calculate)\b")
_DURATION = re.compile(r"\bberapa\s+(lama|hari|kali|tahun|bulan lagi)\b|\bkapan\b")
_KES = re.compile(r"\b(bpjs\s*kes(ehatan)?|jkn|kis|kesehatan|bpjskes|health)\b")
_TK = re.compile(r"\b(ketenagakerjaan|bpjs\s*tk|bpjstk|jamsostek|bpjamsostek|naker|employment)\b")
_DENDA = re.compile(r"\b(denda|dendanya|penalty|fine)\b")
_ARREARS = re.compile(r"\b(nunggak|menunggak|tunggak|tunggakan|nunggakin|telat\s+bayar|terlambat\s+bayar|belum\s+bayar|nggak\s+bayar|gak\s+bayar|tidak\s+bayar|arrears|unpaid)\b")
_INPATIENT = re.compile(r"\b(rawat|dirawat|opname|rawat\s+inap|ranap|rumah\s+sakit|rs|operasi|hospital|hospitalised|hospitalized|inpatient)\b")
_JHT = re.compile(r"\b(jht|hari\s+tua|old\s+age)\b")
_PARTIAL = re.compile(r"\b(sebagian|rumah|perumahan|kpr|dp|partial|partly|house|housing|home|mortgage)\b")
_HOUSE = re.compile(r"\b(rumah|perumahan|kpr|dp|house|housing|home|mortgage)\b")
_JKP = re.compile(r"\b(jkp|phk|diphk|di\s*phk|kena\s+phk|dipecat|di\s*pecat|kehilangan\s+pekerjaan|pengangguran|di\s*-?\s*phk|laid\s+off|layoff|lost\s+my\s+job|job\s+loss)\b")
_BENEFIT = re.compile(r"\b(dapat|dapet|dpt|manfaat|uang\s+tunai|cair|dicairkan|terima|diterima|tunjangan|klaim|santunan|get|receive|benefit|claim|withdraw)\b")
_CONTRIB = re.compile(r"\b(iuran|iurannya|potong|potongan|dipotong|bayar|membayar|contribution|contributions|deduct|deducted|deduction|deductions|pay)\b")
_BPU = re.compile(
    r"\b(bpu|bukan\s+penerima\s+upah|pekerja\s+mandiri|informal|ojol|ojek|driver|kurir|freelance|freelancer|"
    r"pedagang|petani|nelayan|usaha\s+sendiri|wiraswasta|buruh\s+harian|gojek|grab|self[\s-]employed|gig)\b"
)
# The sector of a BPU member, for the PP 50/2025 relief; "bukan transportasi" is read before "transportasi".
_NON_TRANSPORT = re.compile(
    r"\b(bukan|non|selain|tidak|not)\s*-?\s*(sektor\s+)?(transportasi|transport)\b|\b(pedagang|petani|nelayan|penjahit|"
    r"wiraswasta|usaha\s+sendiri|warung|umkm|pekebun|peternak|tukang|buruh\s+harian|freelance|freelancer|trader|farmer|fisherman)\b"
)
_TRANSPORT = re.compile(
    r"\b(transportasi|transport|ojol|ojek|driver|sopir|supir|kurir|courier|pengemudi|angkot|taksi|taxi|gojek|grab|maxim|"
    r"pengantar|delivery)\b"
)
_YES = re.compile(r"^\s*(ya|iya|yes|y|betul|benar|ok|oke)\b")
_NO = re.compile(r"^\s*(tidak|tdk|nggak|ngga|gak|enggak|bukan|no|n)\b")
_MANDIRI = re.compile(r"\b(mandiri|pbpu|bukan\s+pekerja|sekeluarga|keluarga|independent|family)\b")
_FAMILY = re.compile(r"\b(sekeluarga|keluarga|family)\b")
_JKM = re.compile(r"\b(jkm|kematian|meninggal|death)\b")
_PROGRAM_WORDS = {
    "JHT": _JHT,
    "JP": re.compile(r"\b(jp|pensiun|pension)\b"),
    "JKK": re.compile(r"\b(jkk|kecelakaan\s+kerja|work\s+accident)\b"),
    "JKM": re.compile(r"\b(jkm|kematian|death)\b"),
    "JKP": re.compile(r"\b(jkp|kehilangan\s+pekerjaan|job\s+loss)\b"),
    "JKN": _KES,
}
_PARENTS = re.compile(r"\b(orang\s*tua|ortu|mertua|parents|in-laws)\b")
_PARENT = re.compile(r"\b(ayah|ibu|bapak|bapaknya|ibunya|mama|papa|father|mother)\b")
_SPOUSE = re.compile(r"\b(istri|suami|isteri|wife|husband|spouse)\b")
_RISK_NAMES = (
    (re.compile(r"\b(risiko|resiko)\s+sangat\s+rendah\b"), 1),
    (re.compile(r"\b(risiko|resiko)\s+sangat\s+tinggi\b"), 5),
    (re.compile(r"\b(risiko|resiko)\s+rendah\b"), 2),
    (re.compile(r"\b(risiko|resiko)\s+sedang\b"), 3),
    (re.compile(r"\b(risiko|resiko)\s+tinggi\b"), 4),
)


@dataclass
class _Numbers:
    """The numbers found in a question, sorted by what they count."""

    amounts: list[tuple[int, str]] = field(default_factory=list)  # (rupiah, context: wage, bill, saldo, umk, "")
    months: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    classes: list[int] = field(default_factory=list)
    risks: list[int] = field(default_factory=list)
    percents: list[str] = field(default_factory=list)
    bare: list[tuple[str, str]] = field(default_factory=list)  # small numbers with no unit, and their context
    errors: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return any((self.amounts, self.months, self.persons, self.children, self.years, self.classes, self.risks, self.percents, self.bare, self.errors))


def _words_to_digits(text: str) -> str:
    """"enam juta" -> "6 juta", "dua puluh lima juta" -> "25 juta", "kelas dua" -> "kelas 2"."""
    for phrase, digits in _SE_UNITS.items():
        text = re.sub(rf"\b{phrase}\b", digits, text)

    def value(match: re.Match) -> str:
        total, current = 0, 0
        for word in match.group().split():
            if word in _DIGITS:
                current += _DIGITS[word]
            elif word in _TENS:
                current += _TENS[word]
            elif word == "belas":
                total, current = total + current + 10, 0
            elif word == "puluh":
                total, current = total + current * 10, 0
            elif word == "ratus":
                total, current = total + current * 100, 0
        number = total + current
        return f"{number} " if number else match.group()

    return _NUMBER_WORDS.sub(value, text)


def _normalise(question: str) -> str:
    text = " ".join(str(question or "")[:MAX_QUERY_CHARS].lower().split())
    text = text.replace("−", "-")
    text = re.sub(r"\bdi-(?=\w)", "di", text)  # di-phk -> diphk
    for word, unit in _ENGLISH_UNITS.items():
        text = re.sub(rf"(?<=\d)\s*{word}\b", f" {unit}", text)
    text = _words_to_digits(text)
    text = _ROMAN_CLASS.sub(lambda m: f"{m.group(1)} {len(m.group(2))}", text)
    return text


def _date(text: str, today: dt.date) -> tuple[dt.date | None, str, str]:
    """A date the question asks the rates for, the text without it, and an error if the date is impossible."""
    for pattern, parts in ((_ISO_DATE, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
                           (_FULL_DATE, lambda m: (int(m[3]), _MONTHS[m[2]], int(m[1])))):  # fmt: skip
        match = pattern.search(text)
        if match:
            rest = text[: match.start()] + " " + text[match.end() :]
            try:
                return dt.date(*parts(match)), rest, ""
            except ValueError:
                return None, rest, f"Tanggal \"{match.group()}\" tidak ada di kalender."
    match = _YEAR.search(text)
    if match:
        year = int(match.group(1))
        rest = text[: match.start(1)] + " " + text[match.end() :]
        if year == today.year:
            return None, rest, ""
        return (dt.date(year, 12, 31) if year < today.year else dt.date(year, 1, 1)), rest, ""
    return None, text, ""


def _context(before: list[str]) -> str:
    """What an amount is, from the few words before it."""
    for word in reversed(before[-3:]):
        if word in _UMK_WORDS:
            return "umk"
        if word in _WAGE_WORDS:
            return "wage"
        if word in _BILL_WORDS:
            return "bill"
        if word in _SALDO_WORDS:
            return "saldo"
    return ""


def _numbers(text: str) -> _Numbers:
    """Every number of the question, classified by its unit and the words around it."""
    found = _Numbers()
    last_amount_end, last_unit = -10, ""
    for match in _TOKEN.finditer(text):
        before = _WORD.findall(text[max(0, match.start() - 40) : match.start()])
        after_words = _WORD.findall(text[match.end() : match.end() + 20])
        after = after_words[0] if after_words else ""
        prev = before[-1] if before else ""
        number, unit, raw = match["num"], match["unit"] or "", match.group().strip()
        glued = match.start() > 0 and text[match.start() - 1].isalpha()
        if glued and not match["rp"] and prev not in _CLASS_WORDS | _RISK_WORDS:
            continue  # "nambah2", "jp2": part of a word, not a number
        if match["pct"]:
            found.percents.append(number.replace(",", "."))
            continue
        if (
            not unit
            and not match["rp"]
            and not match["neg"]
            and not match["neg2"]
            and not re.fullmatch(r"\d{1,3}(\.\d{3})+", number)
            and (int(re.sub(r"\D", "", number) or 0) < 10_000 or "," in number)
        ):
            small = _small_number(number)
            if small is None:
                found.bare.append((number, _context(before[-1:])))
            elif after in _MONTH_WORDS:
                found.months.append(small)
            elif after in _PERSON_WORDS or prev in ("keluarga", "sekeluarga"):
                found.persons.append(small)
            elif after in _CHILD_WORDS or prev in _CHILD_WORDS:
                found.children.append(small)
            elif after in _YEAR_WORDS:
                found.years.append(small)
            elif prev in _CLASS_WORDS:
                found.classes.append(small)
            elif prev in _RISK_WORDS:
                found.risks.append(small)
            elif prev in ("ortu", "tua", "tambahan", "mertua"):
                found.persons.append(small)
            else:
                found.bare.append((number, _context(before[-1:])))
            continue
        if after in _MONTH_WORDS and not unit and not match["rp"]:
            found.errors.append(f"Jumlah bulan \"{number}\" terlalu banyak; periksa lagi angkanya.")
            continue
        try:
            amount = parse_rupiah(raw)
        except AmountError as exc:
            found.errors.append(str(exc))
            continue
        # "6 juta 500 ribu" is one amount written in two pieces.
        if found.amounts and match.start() - last_amount_end <= 2 and _unit_rank(unit) < _unit_rank(last_unit) and not match["rp"]:
            total, context = found.amounts.pop()
            found.amounts.append((total + amount, context))
        else:
            found.amounts.append((amount, _context(before)))
        last_amount_end, last_unit = match.end(), unit
    return found


def _small_number(number: str) -> int | None:
    return int(number) if number.isdigit() else None


def _unit_rank(unit: str) -> int:
    ranks = {"ribu": 1, "rebu": 1, "rb": 1, "k": 1, "juta": 2, "jt": 2, "jta": 2, "m": 3, "miliar": 3, "milyar": 3, "milliar": 3, "t": 4, "triliun": 4}
    return ranks.get(unit, 0)


def _pick(amounts: list[tuple[int, str]], *contexts: str) -> int | None:
    """The amount named by one of `contexts` (in order), else the first that is not a minimum wage."""
    for context in contexts:
        for amount, where in amounts:
            if where == context:
                return amount
    return next((amount for amount, where in amounts if where != "umk"), None)


def numeric_request(question: str, *, forced: bool = False, kind: str = "", today: dt.date | None = None) -> Request | None:
    """The computation a question asks for, or None when it is not a numeric question.

    `forced` (the /hitung command, the console, an answer to the bot's own question): the user
    already asked for a computation, so no "berapa" is needed. `kind` fixes what to compute (the
    guided flow); the question then only supplies numbers.
    """
    today = today or dt.date.today()
    text = _normalise(question)
    on, text, date_error = _date(text, today)
    nums = _numbers(text)
    forced = forced or bool(_COMPUTE.search(text))
    if not forced and not kind:
        if not _INTENT.search(text) or not nums.any or (_DURATION.search(text) and not nums.amounts):
            return None
    detected = kind or _kind(text, nums, forced)
    if detected is None:
        return None
    amount = _pick(nums.amounts, *{DENDA: ("bill",), JHT: ("saldo",)}.get(detected, ("wage",)))
    umk = next((a for a, where in nums.amounts if where == "umk"), None)
    errors = [date_error] if date_error else []
    errors += nums.errors
    if amount is None and not errors and detected not in (JKN_MANDIRI, JKM, "jkn", ""):
        errors += _bare_hint(nums, anywhere=forced or bool(kind))
    request = Request(
        kind=detected,
        amount=amount,
        kelas=nums.classes[0] if nums.classes else None,
        orang=_persons(text, nums),
        anak=nums.children[0] if nums.children else 0,
        tambahan=_parents(text, nums),
        bulan=nums.months[0] if nums.months else (12 if re.search(r"\bsetahun\b", text) else None),
        tahun=nums.years[0] if nums.years else None,
        keperluan="rumah" if _HOUSE.search(text) or "30" in nums.percents else "lain",
        risiko=_risk(text, nums),
        upah_minimum=umk,
        programs=_programs(text) if detected == IURAN else ("JHT",) if detected == BPU and _JHT.search(text) else (),
        on=on,
        needs_orang=bool(_FAMILY.search(text)),
        sektor=_sector(text) if detected in (BPU, "") else None,
        language=_language(question),
        error=" ".join(errors),
    )
    if not forced and not kind and not request.error and not _has_main_number(request, nums):
        return None  # "berapa lama JKP dibayar setelah 6 bulan?" is a question for the sources
    return request


def _has_main_number(request: Request, nums: _Numbers) -> bool:
    """Whether a natural question carries the number its computation turns on."""
    if request.kind == JKN_MANDIRI:
        return request.kelas is not None or request.orang is not None
    if request.kind == DENDA:
        return request.amount is not None or request.bulan is not None
    if request.kind == JHT:
        return request.amount is not None
    if request.kind == "jkn":
        return bool(nums.classes or nums.persons or nums.amounts)
    return request.amount is not None or any(context for _, context in nums.bare)


def _bare_hint(nums: _Numbers, anywhere: bool) -> list[str]:
    """A small number where an amount was expected ("gaji 6"): ask what it means instead of guessing."""
    for number, context in nums.bare:
        if not (context or anywhere):
            continue
        return [f"Angka \"{number}\" terlalu kecil untuk jumlah rupiah. Maksudnya {number} juta? Tulis misalnya {number} juta atau Rp{number}.000.000."]
    return []


def _kind(text: str, nums: _Numbers, forced: bool) -> str | None:
    """What to compute, from the question's keywords (None: not a computation this bot does)."""
    has_amount = bool(nums.amounts or nums.bare or nums.errors)
    kes, tk = bool(_KES.search(text)), bool(_TK.search(text))
    if _DENDA.search(text) or (_ARREARS.search(text) and _INPATIENT.search(text)):
        return DENDA
    if _JHT.search(text) and (_PARTIAL.search(text) or nums.percents) and not _CONTRIB.search(text):
        return JHT
    if _JKP.search(text) and _BENEFIT.search(text) and not _CONTRIB.search(text):
        return JKP
    if re.search(r"\b(phk|diphk|dipecat)\b", text) and has_amount and not _CONTRIB.search(text):
        return JKP
    if (kes and not tk) or nums.classes:
        if nums.classes or (_MANDIRI.search(text) and not nums.amounts):
            return JKN_MANDIRI
        if nums.amounts or nums.bare or nums.errors:
            return JKN_PPU
        return "jkn"
    if _BPU.search(text) or (tk and re.search(r"\bmandiri\b", text)):
        return BPU
    if _MANDIRI.search(text) and has_amount and re.search(r"\b(penghasilan|pendapatan)\b", text):
        return BPU
    if has_amount and (_CONTRIB.search(text) or re.search(r"\b(gaji|upah|salary|wage|bpjs)\b", text)):
        return IURAN
    if forced and _JKM.search(text):
        return JKM
    if forced and _JKP.search(text):
        return JKP
    if forced:
        return IURAN if has_amount or re.search(r"\b(gaji|upah|potong|potongan|dipotong|salary|wage)\b", text) else ""
    return None


def _sector(text: str) -> str | None:
    """The BPU sector a question names (ojol, kurir, sopir: transport; pedagang, petani: other), or None."""
    if _NON_TRANSPORT.search(text):
        return NON_TRANSPORTASI
    if _TRANSPORT.search(text):
        return TRANSPORTASI
    return None


def sector_reply(text: str) -> str:
    """A bare yes/no answer to the sector question, as words the parser reads ("" when not yes/no)."""
    lowered = text.lower()
    if _NO.search(lowered):
        return "bukan transportasi"
    if _YES.search(lowered):
        return "transportasi"
    return ""


def _language(question: str) -> str:
    """The reply language of a question: English when it is written in English, else Indonesian."""
    return ui_language(detect_language(str(question or "")[:MAX_QUERY_CHARS]))


def _programs(text: str) -> tuple[str, ...]:
    named = tuple(p for p, pattern in _PROGRAM_WORDS.items() if pattern.search(text))
    if named:
        return named
    if _TK.search(text) and not _KES.search(text):
        return TK_PROGRAMS
    return ()


def _persons(text: str, nums: _Numbers) -> int | None:
    if nums.persons and not _PARENTS.search(text):
        return nums.persons[0]
    if _SPOUSE.search(text) or nums.children:
        return 1 + bool(_SPOUSE.search(text)) + (nums.children[0] if nums.children else 0)
    return None


def _parents(text: str, nums: _Numbers) -> int:
    if _PARENTS.search(text):
        return nums.persons[0] if nums.persons else 2
    return len(_PARENT.findall(text))


def _risk(text: str, nums: _Numbers) -> int | None:
    if nums.risks:
        return nums.risks[0]
    for pattern, group in _RISK_NAMES:
        if pattern.search(text):
            return group
    return None


# --- computing ---------------------------------------------------------------------------------


def compute(rates: RateTable, request: Request) -> Calculation:
    """The calculation a complete request asks for; raises `HitungError` with a worker-facing sentence."""
    if request.error:
        raise HitungError(request.error)
    if request.missing:
        raise HitungError(to_plain(request.question()))
    on = request.on or dt.date.today()
    if request.kind == IURAN:
        programs = set(request.programs or PROGRAMS)
        calc = iuran_penerima_upah(
            rates,
            request.amount,
            kelompok_risiko=request.risiko or 1,
            on=on,
            ikut_jp="JP" in programs,
            ikut_jkp="JKP" in programs,
            ikut_jkn="JKN" in programs,
            upah_minimum=request.upah_minimum,
        )
        if request.programs:
            lines = tuple(line for line in calc.lines if _program_of(line.label) in programs)
            notes = tuple(n for n in calc.notes if any(p in n for p in programs) or ("JKN" in programs and "5%" in n))
            calc = replace(calc, lines=lines, notes=notes)
        return calc
    if request.kind == JKN_PPU:
        return iuran_jkn_ppu(rates, request.amount, anak=request.anak, tambahan=request.tambahan, on=on, upah_minimum=request.upah_minimum)
    if request.kind == JKN_MANDIRI:
        return iuran_jkn_mandiri(rates, request.kelas, request.orang or 1, on=on)
    if request.kind == BPU:
        return iuran_bpu(rates, request.amount, ikut_jht="JHT" in request.programs, sektor=request.sektor, on=on)
    if request.kind == JKP:
        return manfaat_jkp(rates, request.amount, on=on)
    if request.kind == DENDA:
        return denda_rawat_inap(rates, request.amount, request.bulan, on=on)
    if request.kind == JHT:
        return klaim_jht_sebagian(rates, request.amount, keperluan=request.keperluan, masa_kepesertaan_tahun=request.tahun, on=on)
    if request.kind == JKM:
        return santunan_jkm(rates, on=on)
    raise HitungError(to_plain(t("hitung_ask_kind", request.language)))


def _program_of(label: str) -> str:
    return re.split(r"[ ,(]", label, maxsplit=1)[0]


# --- rendering ---------------------------------------------------------------------------------

PAYER_KEYS = {
    PEKERJA: "hitung_payer_pekerja",
    PEMBERI_KERJA: "hitung_payer_pemberi_kerja",
    PEMERINTAH: "hitung_payer_pemerintah",
    PESERTA: "hitung_payer_peserta",
    BPJS_TK: "hitung_payer_bpjs_tk",
}
BENEFIT_KINDS = (JKP, JHT, JKM)
RULE_LIMIT = 320  # characters of the quoted rule: a reply stays a phone screen or two


def payer_label(payer: str, language: str = "id") -> str:
    return t(PAYER_KEYS[payer], language) if payer in PAYER_KEYS else payer


def translate(text: str, language: str) -> str:
    """The engine's Indonesian labels and notes in the reply language (phrases not in the table stay as they are)."""
    if ui_language(language) != "en":
        return text
    for pattern, replacement in HITUNG_EN_PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _date_text(day: dt.date, language: str) -> str:
    return format_date(day.isoformat(), language) if ui_language(language) == "en" else format_tanggal(day)


def _line_html(line, language: str = "id") -> str:
    amount = f"<b>{format_rupiah(line.amount)}</b>"
    label = html.escape(translate(line.label, language))
    if line.amount < 0:  # a temporary relief taken off the normal contributions
        return f"• {label}: {amount}"
    if " x " in line.label and (line.rate is not None or "=" in line.label):  # the engine already wrote the working into the label (JKP, denda)
        if "=" in line.label:
            months = f" ({line.quantity} {t('hitung_months', language)})" if line.quantity > 1 else ""
            return f"• {label} → {amount}{months}"
        return f"• {label} = {amount}"
    if line.rate is not None:
        working = f"{format_persen(line.rate)} x {format_rupiah(line.base)}"
    else:
        working = format_rupiah(line.base) if line.base is not None else ""
    if line.quantity > 1:
        working += f" x {line.quantity}"
    cap = f" ({t('hitung_cap', language)} {format_rupiah(line.cap)})" if line.cap is not None else ""
    if working == format_rupiah(line.amount):
        return f"• {label}: {amount}"
    return f"• {label}: {html.escape(working)}{cap} = {amount}"


def render(calc: Calculation, request: Request | None = None, *, language: str | None = None, rule: Hit | None = None) -> Reply:
    """A calculation as a compact reply: lines with rates and caps, totals by payer, date, regulations,
    and the passage that states the rule (`rule`, quoted verbatim with its source) when one was found."""
    language = ui_language(language or (request.language if request else "id"))
    kind = request.kind if request else ""
    title = html.escape(translate(calc.title, language))
    parts = [f"🧮 <b>{title}</b>\n<i>{t('hitung_as_of', language, date=_date_text(calc.as_of, language))}</i>"]
    parts.append("\n".join(_line_html(line, language) for line in calc.lines))
    payers = calc.payers
    if calc.discount:
        totals = [
            f"{t('hitung_normal', language)}: {format_rupiah(calc.normal_total)}",
            f"<b>{t('hitung_discounted', language)}: {format_rupiah(calc.total)}</b>",
        ]
    elif kind in BENEFIT_KINDS or payers == (BPJS_TK,):
        totals = [f"<b>{t('hitung_total_received', language)}: {format_rupiah(calc.total)}</b>"]
    elif kind == DENDA:
        totals = [f"<b>{t('hitung_total_penalty', language)}: {format_rupiah(calc.total)}</b>"]
    else:
        totals = [f"<b>{t('hitung_total', language)}: {format_rupiah(calc.total)}</b>"]
        if len(payers) > 1:
            totals += [f"{html.escape(payer_label(p, language))}: {format_rupiah(calc.total_for(p))}" for p in payers]
        elif payers:
            totals[0] += f" ({t('hitung_paid_by', language)} {html.escape(payer_label(payers[0], language).lower())})"
    parts.append("\n".join(totals))
    notes = list(dict.fromkeys(line.note for line in calc.lines if line.note))
    notes = [n[0].upper() + n[1:] + "." for n in notes] + list(calc.notes)
    notes = [translate(n, language) for n in notes]
    if request and request.kind == IURAN and request.risiko is None and any(line.label.startswith("JKK") for line in calc.lines):
        notes.append(t("hitung_risk_default", language))
    if notes:
        parts.append("\n".join(f"<i>{html.escape(n)}</i>" for n in notes))
    regulations = list(dict.fromkeys(line.regulation for line in calc.lines if line.regulation))
    if regulations:
        parts.append(f"{t('hitung_basis', language)}: " + html.escape("; ".join(regulations)))
    if rule is not None:
        parts.append(rule_html(rule, rule_query(request, calc) if request else calc.title, language))
    parts.append(t("hitung_footer", language))
    message = "\n\n".join(parts)
    return Reply(message, to_plain(message), (rule.passage,) if rule is not None else ())


# --- the passage that states the rule -----------------------------------------------------------

RULE_QUERIES = {
    IURAN: "iuran BPJS Ketenagakerjaan pekerja penerima upah persen dari upah dibayar pemberi kerja dan pekerja",
    JKN_PPU: "iuran JKN pekerja penerima upah 5 persen 4 persen pemberi kerja 1 persen pekerja batas upah",
    JKN_MANDIRI: "besaran iuran JKN peserta mandiri PBPU kelas {kelas}",
    BPU: "iuran peserta bukan penerima upah BPU JKK JKM dari penghasilan",
    JKP: "manfaat uang tunai JKP 60 persen upah 6 bulan batas upah",
    DENDA: "denda pelayanan rawat inap JKN 5 persen tunggakan iuran 45 hari",
    JHT: "klaim JHT sebagian 10 persen 30 persen perumahan",
    JKM: "santunan Jaminan Kematian ahli waris biaya pemakaman",
}
PROGRAM_QUERIES = {
    "JHT": "iuran Jaminan Hari Tua 5,7 persen dari upah pemberi kerja pekerja",
    "JP": "iuran Jaminan Pensiun batas upah",
    "JKK": "iuran Jaminan Kecelakaan Kerja kelompok tingkat risiko",
    "JKM": "iuran Jaminan Kematian 0,3 persen dari upah",
    "JKP": "iuran JKP dibayar pemerintah pusat rekomposisi iuran JKK",
    "JKN": RULE_QUERIES[JKN_PPU],
}
BPU_RELIEF_QUERY = "keringanan diskon 50 persen iuran JKK dan JKM peserta BPU PP 50 Tahun 2025"


def rule_query(request: Request, calc: Calculation | None = None) -> str:
    """The search query for the passage stating the rule a calculation used, e.g. "iuran Jaminan Pensiun batas upah"."""
    if request.kind == IURAN and len(request.programs) == 1:
        return PROGRAM_QUERIES.get(request.programs[0], RULE_QUERIES[IURAN])
    if request.kind == BPU and calc is not None and calc.discount:
        return BPU_RELIEF_QUERY
    template = RULE_QUERIES.get(request.kind, "")
    return template.format(kelas=ROMAN.get(request.kelas or 0, "")).strip()


def find_rule(retriever, request: Request, calc: Calculation | None = None) -> Hit | None:
    """The best passage of the index for the rule a calculation used; None when the search is not confident.

    Blocking (it encodes the query): call it off the event loop. Never raises: the computed answer
    stands without its quote when the search fails.
    """
    query = rule_query(request, calc)
    if retriever is None or not query:
        return None
    try:
        result = retriever.search(query, k=1)
    except Exception:
        logger.exception("searching the rule of a calculation failed")
        return None
    return result.hits[0] if result.answered and result.hits else None


def rule_excerpt(text: str, query: str, limit: int = RULE_LIMIT, answer_span: tuple[int, int] | None = None) -> str:
    """The sentences of a passage that state the rule, verbatim, at most about `limit` characters.

    The search's answer sentence (else the one the engine's scorer, index/answer_sentence.py, finds
    for `query`) with whole sentences around it while they fit; "…" marks what is left out.
    """
    stripped = text.strip()
    offset = text.find(stripped) if stripped else 0
    text = stripped
    if len(text) <= limit:
        return text
    spans = sentence_spans(text) or [(0, len(text))]
    at = answer_span[0] - offset if answer_span else -1
    if not any(c <= at < d for c, d in spans):  # the search gave none: the engine's scorer picks one
        own = answer_sentence.answer_span(text, tokenize(query), answer_sentence.Kind.ANY)
        at = own[0] if own else 0
    lo = hi = next((k for k, (c, d) in enumerate(spans) if c <= at < d), 0)
    while True:
        grown = False
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= limit:
            hi, grown = hi + 1, True
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= limit:
            lo, grown = lo - 1, True
        if not grown:
            break
    start, end = spans[lo][0], spans[hi][1]
    body = text[start:end].strip()
    if len(body) > limit:
        return ("…" if start > 0 else "") + shorten(body, limit)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def rule_html(hit: Hit, query: str, language: str = "id") -> str:
    """The rule's passage quoted (an excerpt, verbatim) with its source line."""
    span = getattr(hit, "answer_span", None)
    quote = html.escape(rule_excerpt(hit.passage.text, query, answer_span=span))
    return f"{t('hitung_rule', language)}\n<blockquote>{quote}</blockquote>\n{source_html(hit.passage, language)}"


def question_reply(request: Request) -> Reply:
    """The question sent back when a field is missing (or a number makes no sense)."""
    message = f"⚠️ {html.escape(request.error)}" if request.error else f"🧮 {request.question()}"
    if request.error and request.missing:
        message += f"\n\n{request.question()}"
    return Reply(message, to_plain(message))


def error_reply(message: str) -> Reply:
    text = f"⚠️ {html.escape(message)}"
    return Reply(text, to_plain(text))


def menu_text(language: str = "id") -> str:
    return t("hitung_menu", language)


def to_json(calc: Calculation, request: Request | None = None, rule: Hit | None = None) -> dict:
    """The `python -m bot hitung --json` form of a calculation."""
    return {
        "request": request.to_json() if request else None,
        "title": calc.title,
        "as_of": calc.as_of.isoformat(),
        "lines": [
            {
                "label": line.label,
                "payer": line.payer,
                "amount": line.amount,
                "base": line.base,
                "rate_percent": None if line.rate is None else float(line.rate),
                "quantity": line.quantity,
                "cap": line.cap,
                "cap_key": line.cap_key or None,
                "key": line.key,
                "regulation": line.regulation,
                "note": line.note or None,
            }
            for line in calc.lines
        ],
        "total": calc.total,
        "normal_total": calc.normal_total,
        "by_payer": {payer: calc.total_for(payer) for payer in calc.payers},
        "notes": list(calc.notes),
        "regulations": list(dict.fromkeys(line.regulation for line in calc.lines if line.regulation)),
        "rule": None if rule is None else {
            "id": rule.passage.id, "text": rule.passage.text, "title": rule.passage.title, "source": rule.passage.source, "url": rule.passage.url,
        },
    }


def rates_file(corpus_dir: Path, index_dir: Path | None = None) -> Path:
    """The rates table to use: the copy shipped with the built index when there is one, else the corpus's."""
    if index_dir is not None and (Path(index_dir) / RATES_FILE).is_file():
        return Path(index_dir) / RATES_FILE
    return Path(corpus_dir) / RATES_FILE


def prepare(rates: RateTable, request: Request) -> Request:
    """A request checked against the table: a BPU request asks for the sector when the relief differs by sector."""
    if request.kind == BPU and request.sektor is None and not request.ask_sektor:
        try:
            depends = bpu_discount_depends_on_sector(rates, request.on or dt.date.today())
        except HitungError:
            depends = False
        if depends:
            return replace(request, ask_sektor=True)
    return request


def answer(
    rates: RateTable, question: str, *, forced: bool = False, today: dt.date | None = None, retriever=None
) -> tuple[Request | None, Reply | None, Calculation | None]:
    """A question to (request, reply, calculation): the reply is the result, a question back, or a clear error."""
    request = numeric_request(question, forced=forced, today=today)
    if request is None:
        return None, None, None
    if today is not None and request.on is None:
        request = replace(request, on=today)
    request = prepare(rates, request)
    if request.error or request.missing:
        return request, question_reply(request), None
    try:
        calc = compute(rates, request)
    except HitungError as exc:
        return request, error_reply(str(exc)), None
    return request, render(calc, request, rule=find_rule(retriever, request, calc)), calc


# --- the console -------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `python -m bot hitung`."""
    parser.add_argument("question", nargs="*", metavar="TEKS", help='what to compute, as a worker writes it: "gaji 6 juta", "kelas 2 4 orang", "phk gaji 7 juta"')
    parser.add_argument("--json", action="store_true", help='print {"request", "title", "as_of", "lines", "total", "normal_total", "by_payer", "notes", "regulations", "rule"}')
    parser.add_argument("--tanggal", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD", help="rates as of this date (default: today, or a date in the text)")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory holding tarif.yaml (default: CORPUS_DIR)")
    parser.add_argument("--index", type=Path, default=None, help="index to quote the rule from (default: INDEX_DIR; none with --corpus)")
    parser.add_argument("--check", type=Path, default=None, metavar="FILE.tsv", help="answer each question<TAB>expected total of FILE and report the ones that differ")


def read_checks(path: Path) -> tuple[dt.date | None, list[tuple[str, int]]]:
    """A `question<TAB>expected total in rupiah` file: the `# as of: YYYY-MM-DD` date and its rows."""
    on, rows = None, []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            match = re.match(r"#\s*as of:\s*(\d{4}-\d{2}-\d{2})", line)
            on = dt.date.fromisoformat(match.group(1)) if match else on
            continue
        if not line.strip():
            continue
        question, _, total = line.partition("\t")
        if not re.fullmatch(r"\s*\d+\s*", total):
            raise ValueError(f"{path}:{number}: expected question<TAB>total in rupiah")
        rows.append((question.strip(), int(total)))
    return on, rows


def check(rates: RateTable, rows: list[tuple[str, int]], on: dt.date | None = None) -> list[tuple[str, int, int | str]]:
    """The rows whose computed total differs: (question, expected, computed total or what went wrong)."""
    wrong = []
    for question, expected in rows:
        request = numeric_request(question, today=on)
        if request is None:
            wrong.append((question, expected, "not read as a numeric question"))
            continue
        request = prepare(rates, replace(request, on=request.on or on))
        if request.error or request.missing:
            wrong.append((question, expected, request.error or f"missing {request.missing}"))
            continue
        try:
            total = compute(rates, request).total
        except HitungError as exc:
            wrong.append((question, expected, str(exc)))
            continue
        if total != expected:
            wrong.append((question, expected, total))
    return wrong


def _retriever(index_dir: Path | None, encoder_options: dict):
    """The index to quote rules from, or None (no index, or one that does not load: the sums need none)."""
    if index_dir is None:
        return None
    from index import IndexLoadError, Retriever

    try:
        return Retriever.load(index_dir, **encoder_options)
    except IndexLoadError as exc:
        logger.info("no rule quotes: %s", exc)
        return None


def cmd_hitung(args: argparse.Namespace, settings=None) -> int:
    """`python -m bot hitung TEKS`: the same computation and reply as Telegram, or JSON.

    The table is `--corpus`'s, else the one the bot uses: shipped with the index, else CORPUS_DIR's.
    The rule is quoted from `--index`, else (without `--corpus`) from the bot's index when it loads.
    """
    from index.console import UserError
    from index.hitung import RatesError

    index_dir = getattr(args, "index", None)
    if args.corpus is not None:
        path = rates_file(args.corpus)
    else:
        if settings is None:
            from bot.settings import Settings

            settings = Settings()
        path = rates_file(settings.corpus_dir, settings.index_dir)
        index_dir = index_dir or settings.index_dir
    try:
        rates = load_rates(path)
    except RatesError as exc:
        raise UserError(f"rates table: {exc}") from None
    if getattr(args, "check", None) is not None:
        try:
            on, rows = read_checks(args.check)
        except (OSError, ValueError) as exc:
            raise UserError(str(exc)) from None
        wrong = check(rates, rows, args.tanggal or on)
        for question, expected, got in wrong:
            print(f"✗ {question}\texpected {format_rupiah(expected)}, got {format_rupiah(got) if isinstance(got, int) else got}")
        print(f"{len(rows) - len(wrong)}/{len(rows)} right")
        return 1 if wrong else 0
    text = " ".join(args.question).strip()
    if not text:
        print(to_plain(menu_text()))
        print("\n".join(f"• {label}" for label in KINDS.values()))
        return 0
    request = numeric_request(text, forced=True)
    if request is not None and args.tanggal is not None:
        request = replace(request, on=args.tanggal)
    if request is not None:
        request = prepare(rates, request)
    if request is None or request.error or request.missing:
        request = request or Request(kind="")
        raise UserError(request.error or to_plain(request.question()))
    try:
        calc = compute(rates, request)
    except HitungError as exc:
        raise UserError(str(exc)) from None
    rule = find_rule(_retriever(index_dir, settings.encoder_options() if settings else {}), request, calc)
    if args.json:
        print(json.dumps(to_json(calc, request, rule), ensure_ascii=False, indent=2))
    else:
        print(render(calc, request, rule=rule).plain)
    return 0
