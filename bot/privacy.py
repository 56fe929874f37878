"""Personal data never reaches storage or logs: numbers, emails, dates and names are masked,
user ids are hashed.

Masking is by pattern, so it is a net, not a guarantee: NIK and phone numbers, any other run
of ten or more digits, email addresses, full dates (birth dates are the ones that matter), and
a name the user introduces ("nama saya ...", "a.n. ..."). In logs, the values of the fields of
Telegram objects that hold names, text or ids are masked as well (`mask_log_text`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

NIK_MASK = "[NIK]"
PHONE_MASK = "[TELEPON]"
NUMBER_MASK = "[NOMOR]"
EMAIL_MASK = "[EMAIL]"
DATE_MASK = "[TANGGAL]"
NAME_MASK = "[NAMA]"
ID_MASK = "[ID]"

# A 16-digit NIK, also written in groups ("3201 2345 6789 0001", "3201-2345-...").
_NIK = re.compile(r"(?<!\d)\d{4}(?:[ .-]?\d{4}){3}(?!\d)|(?<!\d)\d{16}(?!\d)")
# Indonesian mobile numbers: 08..., 628..., +62 8... with optional spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[ .-]?8\d{1,3}(?:[ .-]?\d{2,5}){1,4}(?!\d)")
# Any other long digit run (card, KPJ or account numbers): personal as well.
_LONG_NUMBER = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){9,}(?![\d.,]\d|\d)")


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "january february march may june july august october december "
    "jan feb mar apr jun jul agu agt ags aug sep sept okt oct nov des dec"
)
_DATE = re.compile(
    r"(?<![\d.,])(?:[0-3]?\d[-/.][01]?\d[-/.](?:19|20)?\d\d|(?:19|20)\d\d[-/.][01]?\d[-/.][0-3]?\d)(?![\d.,]?\d)"
    rf"|(?<!\d)[0-3]?\d\s+(?:{'|'.join(_MONTHS.split())})\.?\s+(?:19|20)\d\d(?!\d)",
    re.IGNORECASE,
)
# A name the user introduces: up to three words after "nama saya", "namaku", "atas nama", "a.n.", "my name is".
_NAME = re.compile(
    r"\b(nama\s+(?:saya|aku|lengkap(?:\s+saya)?|ku)|namaku|atas\s+nama|a\.\s?n\.?|my\s+name\s+is)\s*[:=]?\s+"
    r"((?!(?:mau|ingin|dan|apa|bagaimana|gimana|umur|lahir|nik|bpjs|sudah|belum|tidak|not|and|a|an|the)\b)[^\W\d_]+"
    r"(?:\s+(?!(?:mau|ingin|dan|apa|bagaimana|gimana|umur|lahir|nik|bpjs|sudah|belum|tidak|not|and|want|from|dari)\b)[^\W\d_]+){0,2})",
    re.IGNORECASE,
)
# Fields of Telegram objects (in PTB's debug logs of raw updates and API calls) that hold personal data.
_PERSONAL_FIELDS = re.compile(
    r"""(['"](?:first_name|last_name|username|text|caption|query|phone_number|email|title|bio|address|vcard)['"]\s*:\s*)(['"])((?:\\.|(?!\2).)*)\2"""
)
_ID_FIELDS = re.compile(r"""(['"](?:id|user_id|chat_id|sender_chat_id)['"]\s*:\s*)-?\d{5,}""")


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return PHONE_MASK if 9 <= digits <= 15 else match.group()


def mask_personal_data(text: str) -> str:
    """Replace NIK and phone numbers, other long digit runs, emails, dates and introduced names."""
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _NIK.sub(NIK_MASK, text)
    text = _PHONE.sub(_phone, text)
    text = _DATE.sub(DATE_MASK, text)
    text = _LONG_NUMBER.sub(NUMBER_MASK, text)
    return _NAME.sub(lambda m: f"{m.group(1)} {NAME_MASK}", text)


def mask_log_text(text: str) -> str:
    """`mask_personal_data` plus the values of Telegram fields that hold names, text or ids."""
    text = _PERSONAL_FIELDS.sub(lambda m: f"{m.group(1)}{m.group(2)}…{m.group(2)}", text)
    text = _ID_FIELDS.sub(lambda m: f"{m.group(1)}{ID_MASK}", text)
    return mask_personal_data(text)


def load_salt(path: Path) -> bytes:
    """The installation's secret salt for hashing user ids, created on first use (mode 600)."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(salt)
    return salt


def hash_user_id(user_id: int | None, salt: bytes) -> str:
    """A keyed hash of a Telegram user id: stable per installation, not reversible without the salt."""
    if user_id is None:
        return ""
    return hmac.new(salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]
