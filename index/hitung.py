"""Hitung: contributions and benefits computed from the dated rates table `corpus/tarif.yaml`.

The table is plain YAML, one row per rate, cap or fixed amount, each with its regulation, the
page it was checked against and the period it applies to. `validate_rates` lists what an admin
must fix (the corpus lint calls it); `load_rates` refuses a table with findings. The calculators
are pure functions of (table, inputs, date): each returns a `Calculation` whose lines name the
rate and cap used and the row and regulation they come from, so a reply can show its working.

Worker-facing errors (`HitungError` and its subclasses) carry one Indonesian sentence; admin-facing
findings about the table are one English line each, like the rest of `index lint`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import yaml

from index.types import Finding

RATES_FILE = "tarif.yaml"
UNITS = ("persen", "rupiah", "bulan", "tahun", "orang")
WHOLE_UNITS = ("rupiah", "bulan", "tahun", "orang")  # counted in whole numbers
ROW_FIELDS = {"key", "description", "value", "unit", "regulation", "url", "source", "effective_from", "effective_until"}
REQUIRED_FIELDS = ("key", "description", "value", "unit", "regulation", "source", "effective_from")
REGULATION_FIELDS = {"kind", "number", "year", "article", "amended_by"}
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_RUPIAH = 10**12 - 1  # Rp999.999.999.999: anything larger is a typo, not a wage, bill or balance
MAX_PERSONS = 20
MAX_ARREARS_MONTHS = 1200

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
KELAS = {"1": 1, "i": 1, "2": 2, "ii": 2, "3": 3, "iii": 3}
ROMAN = {1: "I", 2: "II", 3: "III"}

# Who pays (or receives) a line.
PEKERJA, PEMBERI_KERJA, PEMERINTAH, PESERTA = "pekerja", "pemberi kerja", "pemerintah", "peserta"
BPJS_TK = "BPJS Ketenagakerjaan"


class HitungError(ValueError):
    """A calculation the engine cannot do as asked; the message is one Indonesian sentence for the worker."""


class AmountError(HitungError):
    """An amount that cannot be read, or that makes no sense (negative, absurdly large)."""


class RateNotFound(HitungError, LookupError):
    """No row of the rates table applies to that key on that date."""


class RatesError(Exception):
    """The rates table is missing or invalid; `findings` says everything to fix."""

    def __init__(self, findings: list[Finding]):
        self.findings = tuple(findings)
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(f"{findings[0]}{more}")


@dataclass(frozen=True)
class Regulation:
    kind: str  # PP, Perpres, Permenaker...
    number: str
    year: int
    article: str = ""  # where the figure was confirmed, e.g. "Pasal 29 ayat (3) dan (4)"
    amended_by: str = ""  # "jo." a later regulation that changed the text

    def __str__(self) -> str:
        text = f"{self.kind} No. {self.number} Tahun {self.year}"
        if self.article:
            text += f" {self.article}"
        if self.amended_by:
            text += f" jo. {self.amended_by}"
        return text


@dataclass(frozen=True)
class Rate:
    """One row of the table: a figure, its unit, its regulation and the days it applies to."""

    key: str
    description: str
    value: Decimal
    unit: str
    regulation: Regulation
    effective_from: dt.date
    effective_until: dt.date | None = None  # None while in force
    url: str | None = None
    source: str = ""

    def applies_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


@dataclass(frozen=True)
class RateTable:
    """The validated rows, looked up by key and date."""

    rows: tuple[Rate, ...]
    path: str = ""

    def find(self, key: str, on: dt.date) -> Rate | None:
        return next((r for r in self.rows if r.key == key and r.applies_on(on)), None)

    def get(self, key: str, on: dt.date) -> Rate:
        rate = self.find(key, on)
        if rate is None:
            raise RateNotFound(f"Belum ada angka resmi '{key}' yang tercatat untuk tanggal {format_tanggal(on)}.")
        return rate

    def keys(self) -> set[str]:
        return {r.key for r in self.rows}


@dataclass(frozen=True)
class Line:
    """One line of a calculation: amount = base x rate (x quantity), or a fixed amount x quantity."""

    label: str
    payer: str  # pekerja, pemberi kerja, pemerintah, peserta, BPJS Ketenagakerjaan
    amount: int  # rupiah
    base: int | None = None  # rupiah the rate was applied to, after caps and floors
    rate: Decimal | None = None  # percent; None for a fixed amount
    quantity: int = 1  # persons or months the amount covers
    key: str = ""  # the table row the rate or amount comes from
    regulation: str = ""
    cap: int | None = None  # the wage cap of this program on that date, whether or not it bit
    cap_key: str = ""
    note: str = ""  # e.g. which cap or floor changed the base


@dataclass(frozen=True)
class Calculation:
    """A result: its lines, the notes a worker should read with it, and the date the rates hold as of."""

    title: str
    as_of: dt.date
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """Every line added up (for contributions: paid by everyone, the government included)."""
        return sum(line.amount for line in self.lines)

    def total_for(self, payer: str) -> int:
        return sum(line.amount for line in self.lines if line.payer == payer)

    @property
    def discount(self) -> int:
        """What temporary relief lines (negative amounts) take off the normal total; 0 without any."""
        return -sum(line.amount for line in self.lines if line.amount < 0)

    @property
    def normal_total(self) -> int:
        """The total before any temporary relief."""
        return self.total + self.discount

    @property
    def payers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.payer for line in self.lines))


# --- the table: read and check ------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, so a bad date is a finding on its row, not a load error."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def rates_path(corpus_dir: Path) -> Path:
    """The table inside a corpus directory (a path to the file itself is accepted too)."""
    path = Path(corpus_dir)
    return path if path.suffix in (".yaml", ".yml") else path / RATES_FILE


def validate_rates(corpus_dir: Path) -> list[Finding]:
    """Everything an admin must fix in the rates table; empty when it is fine."""
    return _read_table(rates_path(corpus_dir))[1]


def load_rates(corpus_dir: Path) -> RateTable:
    """The rates table of a corpus; raises `RatesError` when it is missing or has findings."""
    table, findings = _read_table(rates_path(corpus_dir))
    if findings:
        raise RatesError(findings)
    return table


def _read_table(path: Path) -> tuple[RateTable, list[Finding]]:
    name = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except FileNotFoundError:
        return RateTable(()), [Finding(name, "rates table not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return RateTable(()), [Finding(name, f"cannot read the rates table: {exc}")]
    except yaml.YAMLError as exc:
        return RateTable(()), [Finding(name, f"not valid YAML: {str(exc).splitlines()[0]}")]
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        return RateTable(()), [Finding(name, "the table must be a mapping with a 'rows' list")]
    rows, findings = [], []
    for number, raw in enumerate(data["rows"], start=1):
        rate, problems = _parse_row(raw, number)
        findings.extend(Finding(name, p) for p in problems)
        if rate is not None:
            rows.append((number, rate))
    findings.extend(Finding(name, p) for p in _overlaps(rows))
    return RateTable(tuple(r for _, r in rows), path=str(path)), findings


def _parse_row(raw, number: int) -> tuple[Rate | None, list[str]]:
    """One row checked field by field; a row with any problem yields no `Rate`."""
    if not isinstance(raw, dict):
        return None, [f"row {number}: must be a mapping of fields"]
    key = raw.get("key")
    where = f"row {number} ({key})" if isinstance(key, str) and key else f"row {number}"
    problems = [f"{where}: unknown field '{f}'" for f in sorted(set(map(str, raw)) - ROW_FIELDS)]
    missing = [f for f in REQUIRED_FIELDS if raw.get(f) in (None, "")]
    problems += [f"{where}: missing {f}" for f in missing]
    if "key" not in missing and not (isinstance(key, str) and KEY_PATTERN.match(key)):
        problems.append(f"{where}: key must be lowercase words joined by dots, like jp.batas_upah")
    for text_field in ("description", "source"):
        if text_field not in missing and not isinstance(raw[text_field], str):
            problems.append(f"{where}: {text_field} must be text")
    unit = raw.get("unit")
    if "unit" not in missing and (not isinstance(unit, str) or unit not in UNITS):
        problems.append(f"{where}: unknown unit '{unit}' (use {', '.join(UNITS)})")
    value = None if "value" in missing else _parse_value(raw["value"], unit, where, problems)
    regulation = None if "regulation" in missing else _parse_regulation(raw["regulation"], where, problems)
    start = None
    if "effective_from" not in missing:
        start = _parse_date(raw["effective_from"], "effective_from", where, problems)
    end = None
    if raw.get("effective_until") not in (None, ""):
        end = _parse_date(raw["effective_until"], "effective_until", where, problems)
        if start and end and end < start:
            problems.append(f"{where}: effective_until {end} is before effective_from {start}")
    url = raw.get("url")
    if url not in (None, "") and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        problems.append(f"{where}: url must start with https:// (or omit it)")
    if problems:
        return None, problems
    rate = Rate(
        key=key,
        description=raw["description"].strip(),
        value=value,
        unit=unit,
        regulation=regulation,
        effective_from=start,
        effective_until=end,
        url=url or None,
        source=raw["source"].strip(),
    )
    return rate, []


def _parse_value(raw, unit, where: str, problems: list[str]) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        problems.append(f"{where}: value must be a number, not '{raw}'")
        return None
    value = Decimal(str(raw))
    if not value.is_finite() or value < 0:
        problems.append(f"{where}: value must not be negative")
    elif unit == "persen" and value > 100:
        problems.append(f"{where}: a percentage cannot be above 100 (write 5.7 for 5,7%)")
    elif unit in WHOLE_UNITS and value != value.to_integral_value():
        problems.append(f"{where}: a value in {unit} must be a whole number")
    return value


def _parse_regulation(raw, where: str, problems: list[str]) -> Regulation | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: regulation must be a mapping with kind, number and year")
        return None
    before = len(problems)
    problems += [f"{where}: unknown regulation field '{f}'" for f in sorted(set(map(str, raw)) - REGULATION_FIELDS)]
    for field_name in ("kind", "number", "year"):
        if raw.get(field_name) in (None, ""):
            problems.append(f"{where}: regulation has no {field_name}")
    year = raw.get("year")
    if year not in (None, "") and (isinstance(year, bool) or not isinstance(year, int) or not 1945 <= year <= 2100):
        problems.append(f"{where}: regulation year must be a year like 2015, not '{year}'")
    if len(problems) > before:
        return None
    return Regulation(
        kind=str(raw["kind"]).strip(),
        number=str(raw["number"]).strip(),
        year=year,
        article=str(raw.get("article") or "").strip(),
        amended_by=str(raw.get("amended_by") or "").strip(),
    )


def _parse_date(raw, name: str, where: str, problems: list[str]) -> dt.date | None:
    text = str(raw).strip()
    try:
        if ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    problems.append(f"{where}: {name} '{text}' is not an ISO date (YYYY-MM-DD)")
    return None


def _overlaps(rows: list[tuple[int, Rate]]) -> list[str]:
    """Two rows of one key whose periods share a day: the calculator could not tell which holds."""
    by_key: dict[str, list[tuple[int, Rate]]] = defaultdict(list)
    for number, rate in rows:
        by_key[rate.key].append((number, rate))
    problems = []
    for key, group in by_key.items():
        group.sort(key=lambda item: item[1].effective_from)
        for (n1, a), (n2, b) in zip(group, group[1:]):
            if a.effective_until is None or b.effective_from <= a.effective_until:
                problems.append(
                    f"{key}: rows {n1} and {n2} overlap ({_period(a)} and {_period(b)}); "
                    "close the older row with effective_until"
                )
    return problems


def _period(rate: Rate) -> str:
    return f"{rate.effective_from}..{rate.effective_until or ''}"


# --- amounts: read and write ------------------------------------------------------------------

_MULTIPLIERS = {
    "rb": 10**3, "ribu": 10**3, "rebu": 10**3, "k": 10**3,
    "jt": 10**6, "juta": 10**6,
    "m": 10**9, "miliar": 10**9, "milyar": 10**9, "milliar": 10**9,
    "t": 10**12, "triliun": 10**12,
}  # fmt: skip
_AMOUNT = re.compile(r"^(?P<number>\d[\d.,]*)(?P<unit>[a-z]+)?$")
_GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+$")
_EXAMPLES = "misalnya 6 juta, 6jt, 500rb atau Rp6.000.000"


def parse_rupiah(text: str) -> int:
    """An amount as workers write it ("6 juta", "6jt", "Rp6.000.000,00", "6,5 juta", "1,2 M") in rupiah."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    full = " ".join(text.split()) if isinstance(text, str) else ""
    shown = full if len(full) <= 40 else full[:39] + "…"
    if not full:
        raise AmountError(f"Jumlahnya kosong. Tulis angka rupiah, {_EXAMPLES}.")
    if len(full) > 60:
        raise AmountError(f"Tidak bisa membaca \"{shown}\" sebagai jumlah rupiah. Tulis {_EXAMPLES}.")
    s = full.lower().replace(" ", "")
    if s.startswith(("-", "−", "minus")):
        raise AmountError(f"Jumlah tidak boleh negatif: \"{shown}\".")
    s = re.sub(r"^(rp\.?|idr)", "", s)
    s = re.sub(r"(,-|\.-|,00-|rupiah|rp)$", "", s)
    if s.startswith(("-", "−")):
        raise AmountError(f"Jumlah tidak boleh negatif: \"{shown}\".")
    match = _AMOUNT.match(s)
    unit = match and match["unit"]
    if not match or (unit and unit not in _MULTIPLIERS):
        raise AmountError(f"Tidak bisa membaca \"{shown}\" sebagai jumlah rupiah. Tulis {_EXAMPLES}.")
    number = _number(match["number"], has_unit=bool(unit))
    if number is None:
        raise AmountError(f"Tidak bisa membaca \"{shown}\" sebagai jumlah rupiah. Tulis {_EXAMPLES}.")
    value = number * _MULTIPLIERS.get(unit, 1)
    if value > MAX_RUPIAH:
        raise AmountError(f"Jumlah \"{shown}\" terlalu besar (di atas Rp999 miliar); periksa lagi angkanya.")
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _number(text: str, has_unit: bool) -> Decimal | None:
    """Digits with Indonesian separators ("." thousands, "," decimals), English ones accepted too."""
    if "." in text and "," in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        whole, _, fraction = text.rpartition(decimal_sep)
        grouped = _GROUPED_DOTS if thousands_sep == "." else _GROUPED_COMMAS
        if not grouped.match(whole) or not fraction.isdigit():
            return None
        text = whole.replace(thousands_sep, "") + "." + fraction
    elif "." in text:
        if _GROUPED_DOTS.match(text):  # 6.000.000, and 1.500 juta (= 1,5 miliar)
            text = text.replace(".", "")
        elif text.count(".") != 1:
            return None
    elif "," in text:
        if _GROUPED_COMMAS.match(text) and not has_unit:  # English 6,000,000
            text = text.replace(",", "")
        elif text.count(",") == 1:  # 6,5 juta
            text = text.replace(",", ".")
        else:
            return None
    if text.endswith("."):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def format_rupiah(amount: int) -> str:
    """6000000 -> "Rp6.000.000"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(int(amount)):,}".replace(",", ".")


def format_persen(rate: Decimal) -> str:
    """Decimal("5.7") -> "5,7%"."""
    return format(Decimal(rate).normalize(), "f").replace(".", ",") + "%"


def format_tanggal(day: dt.date) -> str:
    """2026-03-01 -> "1 Maret 2026"."""
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


# --- calculators ------------------------------------------------------------------------------


def _day(on: dt.date | None) -> dt.date:
    if on is None:
        return dt.date.today()
    return on.date() if isinstance(on, dt.datetime) else on


def _amount(value, what: str, *, positive: bool = False) -> int:
    """A rupiah input checked: whole, not negative, not absurd (and above zero when asked)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise AmountError(f"{what} harus berupa angka rupiah bulat, bukan \"{value}\".")
    if value < 0:
        raise AmountError(f"{what} tidak boleh negatif.")
    if positive and value == 0:
        raise AmountError(f"{what} harus lebih dari Rp0.")
    if value > MAX_RUPIAH:
        raise AmountError(f"{what} {format_rupiah(value)} terlalu besar; periksa lagi angkanya.")
    return value


def _count(value, what: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise HitungError(f"{what} harus berupa bilangan bulat 0 atau lebih.")
    if value > limit:
        raise HitungError(f"{what} {value} terlalu banyak; periksa lagi angkanya.")
    return value


def _percent_of(base: int, rate: Decimal) -> int:
    return int((Decimal(base) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rate_line(
    label: str, payer: str, base: int, rate: Rate, *, quantity: int = 1, cap: Rate | None = None, note: str = ""
) -> Line:
    return Line(
        label=label,
        payer=payer,
        amount=_percent_of(base, rate.value) * quantity,
        base=base,
        rate=rate.value,
        quantity=quantity,
        key=rate.key,
        regulation=str(rate.regulation),
        cap=None if cap is None else int(cap.value),
        cap_key="" if cap is None else cap.key,
        note=note,
    )


def _fixed_line(label: str, payer: str, amount: int, rate: Rate, *, quantity: int = 1, note: str = "") -> Line:
    return Line(
        label=label,
        payer=payer,
        amount=amount * quantity,
        base=amount,
        quantity=quantity,
        key=rate.key,
        regulation=str(rate.regulation),
        note=note,
    )


def _capped(wage: int, cap: Rate, what: str) -> tuple[int, str]:
    """The wage limited to a cap, and a note when the cap changed it."""
    limit = int(cap.value)
    if wage > limit:
        return limit, f"upah {format_rupiah(wage)} dibatasi {what} {format_rupiah(limit)}"
    return wage, ""


def iuran_penerima_upah(
    rates: RateTable,
    upah: int,
    *,
    kelompok_risiko: int = 1,
    on: dt.date | None = None,
    ikut_jp: bool = True,
    ikut_jkp: bool = True,
    ikut_jkn: bool = True,
    upah_minimum: int | None = None,
) -> Calculation:
    """Monthly contributions for an employee's wage, program by program, split by who pays.

    JKK follows the employer's risk group (1 very low .. 5 very high). JP stops at the JP wage cap;
    JKN stops at its cap and, when `upah_minimum` (the regional minimum wage) is given, starts
    there. The JKP line is the central government's share: the worker pays nothing for JKP.
    """
    day = _day(on)
    upah = _amount(upah, "Upah", positive=True)
    if isinstance(kelompok_risiko, bool) or kelompok_risiko not in (1, 2, 3, 4, 5):
        raise HitungError("Kelompok risiko JKK harus 1 (sangat rendah) sampai 5 (sangat tinggi).")

    def get(key: str) -> Rate:
        return rates.get(key, day)

    lines = [
        _rate_line("JHT, bagian pemberi kerja", PEMBERI_KERJA, upah, get("jht.iuran.pemberi_kerja")),
        _rate_line("JHT, dipotong dari gaji", PEKERJA, upah, get("jht.iuran.pekerja")),
    ]
    notes = []
    if ikut_jp:
        cap, employer_jp = get("jp.batas_upah"), get("jp.iuran.pemberi_kerja")
        base, note = _capped(upah, cap, "batas upah JP")
        lines += [
            _rate_line("JP, bagian pemberi kerja", PEMBERI_KERJA, base, employer_jp, cap=cap, note=note),
            _rate_line("JP, dipotong dari gaji", PEKERJA, base, get("jp.iuran.pekerja"), cap=cap, note=note),
        ]
    jkk = get(f"jkk.iuran.kelompok_{kelompok_risiko}")
    lines += [
        _rate_line(f"JKK (kelompok risiko {kelompok_risiko})", PEMBERI_KERJA, upah, jkk),
        _rate_line("JKM", PEMBERI_KERJA, upah, get("jkm.iuran")),
    ]
    if ikut_jkp:
        cap = get("jkp.batas_upah")
        base, note = _capped(upah, cap, "batas upah JKP")
        government = get("jkp.iuran.pemerintah")
        lines.append(_rate_line("JKP, bagian pemerintah pusat", PEMERINTAH, base, government, cap=cap, note=note))
        recomposed = get("jkp.iuran.rekomposisi_jkk")
        notes.append(
            f"Iuran JKP tidak dipotong dari gaji: {format_persen(government.value)} dibayar pemerintah pusat "
            f"dan {format_persen(recomposed.value)} diambil dari iuran JKK yang sudah dibayar pemberi kerja."
        )
    if ikut_jkn:
        jkn = iuran_jkn_ppu(rates, upah, on=day, upah_minimum=upah_minimum)
        lines += jkn.lines
        notes += jkn.notes
    return Calculation(f"Iuran bulanan untuk upah {format_rupiah(upah)}", day, tuple(lines), tuple(notes))


def _jkn_base(rates: RateTable, upah: int, day: dt.date, upah_minimum: int | None) -> tuple[int, Rate, str]:
    """The wage JKN is computed on: capped, and raised to the regional minimum wage when one is given."""
    cap = rates.get("jkn.ppu.batas_upah", day)
    base, note = _capped(upah, cap, "batas upah JKN")
    if upah_minimum is not None:
        floor = _amount(upah_minimum, "Upah minimum")
        if base < floor:
            base = floor
            note = f"upah {format_rupiah(upah)} di bawah upah minimum: dihitung dari {format_rupiah(floor)}"
    return base, cap, note


def iuran_jkn_ppu(
    rates: RateTable,
    upah: int,
    *,
    anak: int = 0,
    tambahan: int = 0,
    on: dt.date | None = None,
    upah_minimum: int | None = None,
) -> Calculation:
    """JKN for an employee's household: the 5% covers the worker, spouse and up to 3 children.

    `anak` counts the worker's registered children; `tambahan` counts parents and parents-in-law.
    Each child past the third and each parent adds 1% of the same capped wage, paid by the worker.
    """
    day = _day(on)
    upah = _amount(upah, "Gaji", positive=True)
    anak = _count(anak, "Jumlah anak", MAX_PERSONS)
    tambahan = _count(tambahan, "Jumlah anggota keluarga tambahan", MAX_PERSONS)
    base, cap, note = _jkn_base(rates, upah, day, upah_minimum)
    covered = int(rates.get("jkn.ppu.anak_ditanggung", day).value)
    employer, worker = rates.get("jkn.ppu.iuran.pemberi_kerja", day), rates.get("jkn.ppu.iuran.pekerja", day)
    lines = [
        _rate_line("JKN, bagian pemberi kerja", PEMBERI_KERJA, base, employer, cap=cap, note=note),
        _rate_line("JKN, dipotong dari gaji", PEKERJA, base, worker, cap=cap, note=note),
    ]
    extra = max(0, anak - covered) + tambahan
    if extra:
        lines.append(
            _rate_line(
                f"JKN keluarga tambahan ({extra} orang)",
                PEKERJA,
                base,
                rates.get("jkn.ppu.iuran.anggota_tambahan", day),
                quantity=extra,
                cap=cap,
                note=note,
            )
        )
    notes = (f"Iuran 5% sudah menanggung pekerja, suami/istri, dan paling banyak {covered} anak.",)
    return Calculation(f"Iuran JKN pekerja penerima upah, gaji {format_rupiah(upah)}", day, tuple(lines), notes)


def iuran_jkn_mandiri(
    rates: RateTable, kelas: int | str, jumlah_orang: int = 1, *, on: dt.date | None = None
) -> Calculation:
    """JKN for independent members (PBPU and BP): a fixed amount per person per class."""
    day = _day(on)
    number = None if isinstance(kelas, bool) else KELAS.get(str(kelas).strip().lower().removeprefix("kelas").strip())
    if number is None:
        raise HitungError("Kelas JKN mandiri harus 1, 2, atau 3.")
    people = _count(jumlah_orang, "Jumlah orang", MAX_PERSONS)
    if people == 0:
        raise HitungError("Jumlah orang harus paling sedikit 1.")
    fee = rates.get(f"jkn.pbpu.kelas_{number}", day)
    name = f"Kelas {ROMAN[number]}"
    subsidy = rates.find(f"jkn.pbpu.kelas_{number}.bantuan_pemerintah", day)
    if subsidy is None:
        lines = (_fixed_line(f"{name} x {people} orang", PESERTA, int(fee.value), fee, quantity=people),)
        notes = ()
    else:
        own = int(fee.value - subsidy.value)
        lines = (
            _fixed_line(f"{name} x {people} orang, dibayar peserta", PESERTA, own, fee, quantity=people),
            _fixed_line(
                f"{name} x {people} orang, bantuan pemerintah", PEMERINTAH, int(subsidy.value), subsidy, quantity=people
            ),
        )
        notes = (f"Iuran {name} {format_rupiah(int(fee.value))} per orang; peserta membayar {format_rupiah(own)}.",)
    notes += ("Iuran mandiri dihitung per orang untuk setiap anggota keluarga yang terdaftar.",)
    return Calculation(f"Iuran JKN mandiri {name}, {people} orang", day, lines, notes)


TRANSPORTASI, NON_TRANSPORTASI = "transportasi", "non_transportasi"
SEKTOR = {TRANSPORTASI: "sektor transportasi", NON_TRANSPORTASI: "di luar sektor transportasi"}
BPU_DISCOUNT = "bpu.jkk_jkm.persen_dibayar"  # + "." + sector: the share of JKK and JKM a BPU member pays


def bpu_discount(rates: RateTable, sektor: str, on: dt.date | None = None) -> Rate | None:
    """The temporary BPU discount row (PP 50/2025) for a sector on a date, or None when none applies."""
    if sektor not in SEKTOR:
        raise HitungError("Sektor BPU harus transportasi (ojol, ojek, sopir, kurir) atau bukan transportasi.")
    return rates.find(f"{BPU_DISCOUNT}.{sektor}", _day(on))


def bpu_discount_depends_on_sector(rates: RateTable, on: dt.date | None = None) -> bool:
    """Whether the BPU contribution on that date differs by sector (then the sector must be known)."""
    day = _day(on)
    paid = {(r.value if (r := rates.find(f"{BPU_DISCOUNT}.{s}", day)) else None) for s in SEKTOR}
    return len(paid) > 1


def _discount_periods(rates: RateTable) -> str:
    """The contribution months each sector's relief covers, for a note."""
    parts = []
    for sektor, name in SEKTOR.items():
        for r in (r for r in rates.rows if r.key == f"{BPU_DISCOUNT}.{sektor}"):
            end = f" sampai {format_tanggal(r.effective_until)}" if r.effective_until else " dan seterusnya"
            parts.append(f"{name} untuk iuran {format_tanggal(r.effective_from)}{end}")
    return "; ".join(parts)


def iuran_bpu(
    rates: RateTable,
    penghasilan: int,
    *,
    ikut_jht: bool = False,
    sektor: str | None = None,
    on: dt.date | None = None,
) -> Calculation:
    """Monthly BPJS Ketenagakerjaan contributions of an informal worker (BPU) for a declared income.

    With `sektor` ("transportasi" or "non_transportasi"), a temporary discount of the table
    (PP 50/2025: JKK and JKM for the contribution months it names) is applied as a negative line
    after the normal ones, so the reply shows both the normal and the discounted amount.
    """
    day = _day(on)
    income = _amount(penghasilan, "Penghasilan", positive=True)
    jkk = rates.get("bpu.jkk.iuran", day)
    low, high = rates.get("bpu.jkk.iuran_minimum", day), rates.get("bpu.jkk.iuran_maksimum", day)
    raw = _percent_of(income, jkk.value)
    jkk_line = _rate_line("JKK", PESERTA, income, jkk)
    share = f"{format_persen(jkk.value)} dari penghasilan ({format_rupiah(raw)})"
    if raw < low.value:
        jkk_line = _fixed_line(
            "JKK (iuran paling sedikit)", PESERTA, int(low.value), low, note=f"{share} kurang dari iuran paling sedikit"
        )
    elif raw > high.value:
        jkk_line = _fixed_line(
            "JKK (iuran paling banyak)", PESERTA, int(high.value), high, note=f"{share} melebihi iuran paling banyak"
        )
    jkm = rates.get("bpu.jkm.iuran", day)
    jkm_line = _fixed_line("JKM", PESERTA, int(jkm.value), jkm)
    lines = [jkk_line, jkm_line]
    if ikut_jht:
        lines.append(_rate_line("JHT (pilihan)", PESERTA, income, rates.get("bpu.jht.iuran", day)))
    notes = [
        "BPJS Ketenagakerjaan membulatkan penghasilan ke rentang tabel iuran BPU, "
        "jadi tagihan resmi bisa sedikit berbeda.",
        "Penghasilan yang dilaporkan juga menjadi dasar santunan JKK.",
    ]
    if sektor is not None:
        paid = bpu_discount(rates, sektor, day)
        who = SEKTOR[sektor]
    else:  # the sector does not matter when every sector gets the same relief that day
        paid = None if bpu_discount_depends_on_sector(rates, day) else rates.find(f"{BPU_DISCOUNT}.{TRANSPORTASI}", day)
        who = "semua sektor"
    if paid is not None:
        normal = jkk_line.amount + jkm_line.amount
        cut = normal - (_percent_of(jkk_line.amount, paid.value) + _percent_of(jkm_line.amount, paid.value))
        lines.append(
            Line(
                label=f"Keringanan iuran JKK dan JKM ({who}): dibayar {format_persen(paid.value)}",
                payer=PESERTA,
                amount=-cut,
                base=normal,
                rate=paid.value,
                key=paid.key,
                regulation=str(paid.regulation),
            )
        )
    periods = _discount_periods(rates)
    if periods and (paid is not None or sektor is None or any(r.key == f"{BPU_DISCOUNT}.{sektor}" for r in rates.rows)):
        reg = paid.regulation if paid is not None else None
        name = f"{reg.kind} {reg.number}/{reg.year}" if reg else "sementara"
        state = "" if paid is not None else " Tanggal ini tidak termasuk: iuran normal." if sektor else ""
        notes.insert(
            0,
            f"Keringanan {name}: {periods}; tidak untuk peserta yang iurannya dibayar APBN/APBD, "
            f"iuran JHT tidak didiskon.{state}",
        )
    title = f"Iuran BPU untuk penghasilan {format_rupiah(income)}"
    return Calculation(title, day, tuple(lines), tuple(notes))


def manfaat_jkp(rates: RateTable, upah: int, *, on: dt.date | None = None) -> Calculation:
    """The JKP cash benefit after a layoff on `on`: each stage's monthly amount and the total."""
    day = _day(on)
    upah = _amount(upah, "Upah terakhir", positive=True)
    cap = rates.get("jkp.batas_upah", day)
    base, note = _capped(upah, cap, "batas upah JKP")
    lines, first_month = [], 1
    for stage in (1, 2):
        share = rates.find(f"jkp.manfaat.tahap_{stage}.persen", day)
        if share is None:
            break
        months = int(rates.get(f"jkp.manfaat.tahap_{stage}.bulan", day).value)
        last_month = first_month + months - 1
        monthly = _percent_of(base, share.value)
        label = (
            f"Bulan {first_month}-{last_month}: {format_persen(share.value)} x {format_rupiah(base)}"
            f" = {format_rupiah(monthly)} per bulan"
        )
        lines.append(_rate_line(label, BPJS_TK, base, share, quantity=months, cap=cap, note=note))
        first_month = last_month + 1
    if not lines:
        raise RateNotFound(f"Belum ada angka manfaat JKP yang tercatat untuk tanggal {format_tanggal(day)}.")
    notes = (
        "Uang tunai JKP hanya untuk pekerja yang di-PHK dan memenuhi syarat masa iuran; "
        "bulan kedua dan seterusnya mensyaratkan upaya mencari kerja.",
    )
    return Calculation(f"Manfaat uang tunai JKP, upah terakhir {format_rupiah(upah)}", day, tuple(lines), notes)


def denda_rawat_inap(
    rates: RateTable, biaya_rawat_inap: int, bulan_tunggakan: int, *, on: dt.date | None = None
) -> Calculation:
    """The JKN service penalty for an inpatient stay within 45 days of reactivating after arrears."""
    day = _day(on)
    bill = _amount(biaya_rawat_inap, "Biaya rawat inap")
    months = _count(bulan_tunggakan, "Jumlah bulan tunggakan", MAX_ARREARS_MONTHS)
    share = rates.get("jkn.denda.persen", day)
    max_months = rates.get("jkn.denda.bulan_maksimum", day)
    cap = rates.get("jkn.denda.maksimum", day)
    counted = min(months, int(max_months.value))
    raw = _percent_of(bill, share.value) * counted
    amount = min(raw, int(cap.value))
    notes = []
    if months > counted:
        notes.append(f"Tunggakan {months} bulan dihitung {counted} bulan (paling banyak {counted} bulan).")
    if raw > amount:
        notes.append(f"Hasil hitungan {format_rupiah(raw)} dibatasi denda paling tinggi {format_rupiah(amount)}.")
    if months == 0:
        notes.append("Tanpa tunggakan iuran tidak ada denda pelayanan.")
    notes.append(
        "Denda hanya dikenakan bila rawat inap terjadi dalam 45 hari sejak kepesertaan aktif kembali; "
        "untuk karyawan (PPU) denda ditanggung pemberi kerja."
    )
    line = Line(
        label=f"{format_persen(share.value)} x {format_rupiah(bill)} x {counted} bulan",
        payer=PESERTA,
        amount=amount,
        base=bill,
        rate=share.value,
        quantity=counted,
        key=share.key,
        regulation=str(share.regulation),
        note=f"dibatasi {format_rupiah(int(cap.value))} ({cap.key})" if raw > amount else "",
    )
    return Calculation("Denda pelayanan rawat inap JKN", day, (line,), tuple(notes))


def klaim_jht_sebagian(
    rates: RateTable,
    saldo: int,
    *,
    keperluan: str = "lain",
    masa_kepesertaan_tahun: int | None = None,
    on: dt.date | None = None,
) -> Calculation:
    """The most a member still working may take from the JHT balance: 30% for a house, else 10%."""
    day = _day(on)
    balance = _amount(saldo, "Saldo JHT")
    purposes = {"lain": "lain", "pensiun": "lain", "rumah": "rumah", "perumahan": "rumah"}
    purpose = purposes.get(str(keperluan).strip().lower())
    if purpose is None:
        raise HitungError("Keperluan klaim JHT sebagian harus 'rumah' (30%) atau 'lain' (10%).")
    share = rates.get(f"jht.klaim_sebagian.{purpose}", day)
    minimum = int(rates.get("jht.klaim_sebagian.masa_kepesertaan", day).value)
    notes = [
        f"Syarat: masa kepesertaan paling singkat {minimum} tahun; "
        "klaim sebagian hanya bisa sekali selama menjadi peserta."
    ]
    label = "Klaim JHT sebagian untuk " + ("kepemilikan rumah" if purpose == "rumah" else "persiapan pensiun")
    line = _rate_line(label, BPJS_TK, balance, share)
    if masa_kepesertaan_tahun is not None:
        years = _count(masa_kepesertaan_tahun, "Masa kepesertaan", 100)
        if years < minimum:
            line = Line(
                label=label,
                payer=BPJS_TK,
                amount=0,
                base=balance,
                rate=share.value,
                key=share.key,
                regulation=str(share.regulation),
                note=f"masa kepesertaan {years} tahun, belum {minimum} tahun",
            )
            notes.insert(0, f"Belum bisa: masa kepesertaan baru {years} tahun, syarat paling singkat {minimum} tahun.")
    return Calculation(f"Klaim JHT sebagian dari saldo {format_rupiah(balance)}", day, (line,), tuple(notes))


def santunan_jkm(rates: RateTable, *, on: dt.date | None = None) -> Calculation:
    """The JKM lump sums paid to the heirs of a member who dies other than by a work accident."""
    day = _day(on)
    parts = (
        ("Santunan kematian sekaligus", "jkm.santunan_sekaligus"),
        ("Santunan berkala (24 bulan, dibayar sekaligus)", "jkm.santunan_berkala"),
        ("Biaya pemakaman", "jkm.biaya_pemakaman"),
    )
    found = [(label, rates.get(key, day)) for label, key in parts]
    lines = tuple(_fixed_line(label, BPJS_TK, int(rate.value), rate) for label, rate in found)
    notes = ("Beasiswa anak dan santunan kecelakaan kerja (JKK) diatur terpisah dan tidak termasuk di sini.",)
    return Calculation("Santunan Jaminan Kematian (JKM)", day, lines, notes)
