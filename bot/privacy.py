"""Personal data never reaches storage or logs: numbers are masked, user ids are hashed."""

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

# A 16-digit NIK, also written in groups ("3201 2345 6789 0001", "3201-2345-...").
_NIK = re.compile(r"(?<!\d)\d{4}(?:[ .-]?\d{4}){3}(?!\d)|(?<!\d)\d{16}(?!\d)")
# Indonesian mobile numbers: 08..., 628..., +62 8... with optional spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[ .-]?8\d{1,3}(?:[ .-]?\d{2,5}){1,4}(?!\d)")
# Any other long digit run (card, KPJ or account numbers): personal as well.
_LONG_NUMBER = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){9,}(?![\d.,]\d|\d)")


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return PHONE_MASK if 9 <= digits <= 15 else match.group()


def mask_personal_data(text: str) -> str:
    """Replace NIK numbers, phone numbers and other long digit runs with placeholders."""
    text = _NIK.sub(NIK_MASK, text)
    text = _PHONE.sub(_phone, text)
    return _LONG_NUMBER.sub(NUMBER_MASK, text)


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
