"""The question log, feedback and the inbox of accepted updates, in SQLite under DATA_DIR.

Only masked question text and keyed hashes of user ids are kept (see `privacy`), so the file
can be shown to an admin without exposing who asked or their NIK or phone number. The one
exception is the inbox: an update is stored as received from the moment it is accepted until
it has been handled (seconds), so that a crash cannot lose it; then only its id is kept, for a
day, so that Telegram's redelivery cannot answer it twice.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.privacy import hash_user_id, load_salt, mask_personal_data

logger = logging.getLogger(__name__)

MAX_STORED_CHARS = 1000
INBOX_KEEP = timedelta(days=1)  # ids of handled updates are remembered this long (Telegram keeps updates 24 h)
DATABASE_NAME = "bot.sqlite3"
SALT_NAME = "user-id.salt"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    chat_type TEXT NOT NULL,
    language TEXT NOT NULL,
    question TEXT NOT NULL,
    answered INTEGER NOT NULL,
    confidence REAL NOT NULL,
    passage_ids TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS questions_answered ON questions (answered);
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    payload TEXT,
    done INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER NOT NULL REFERENCES questions (id),
    user_hash TEXT NOT NULL,
    value INTEGER NOT NULL,
    given_at TEXT NOT NULL,
    PRIMARY KEY (question_id, user_hash)
);
"""


@dataclass(frozen=True)
class LoggedQuestion:
    """A stored question, as buttons under its answer need it again."""

    id: int
    question: str
    language: str
    answered: bool


@dataclass(frozen=True)
class Stats:
    """What admins see in `/stats` and `python -m bot stats`."""

    questions: int
    answered: int
    helpful: int
    unhelpful: int
    top_unanswered: tuple[tuple[str, int], ...]

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """Thread-safe access to the bot's SQLite file (WAL mode, one shared connection)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = data_dir / DATABASE_NAME
        self._salt = load_salt(data_dir / SALT_NAME)
        # Owner-only from the first byte (SQLite gives its -wal and -shm files the same mode).
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def secret(self, purpose: str) -> bytes:
        """A key for `purpose`, derived from the installation's secret salt (never stored)."""
        return hmac.new(self._salt, purpose.encode(), hashlib.sha256).digest()

    def user_hash(self, user_id: int | None) -> str:
        """The stored form of a user id."""
        return hash_user_id(user_id, self._salt)

    def log_question(
        self,
        *,
        user_id: int | None,
        chat_type: str,
        language: str,
        question: str,
        answered: bool,
        confidence: float,
        passage_ids: tuple[str, ...] = (),
    ) -> int:
        """Store one asked question (masked) and return its id for the answer's buttons."""
        row = (
            _now(),
            self.user_hash(user_id),
            chat_type,
            language,
            mask_personal_data(question[: MAX_STORED_CHARS * 2])[:MAX_STORED_CHARS],
            int(answered),
            float(confidence),
            ",".join(passage_ids),
        )
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO questions (asked_at, user_hash, chat_type, language, question,"
                " answered, confidence, passage_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return int(cursor.lastrowid)

    def question(self, question_id: int) -> LoggedQuestion | None:
        """A stored question by id, or None if it is unknown."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, question, language, answered FROM questions WHERE id = ?", (question_id,)
            ).fetchone()
        return LoggedQuestion(row[0], row[1], row[2], bool(row[3])) if row else None

    def record_feedback(self, question_id: int, user_id: int | None, helpful: bool) -> bool:
        """Store 👍/👎 for an answer (a second press by the same user replaces the first)."""
        with self._lock, self._db:
            if not self._db.execute("SELECT 1 FROM questions WHERE id = ?", (question_id,)).fetchone():
                return False
            self._db.execute(
                "INSERT INTO feedback (question_id, user_hash, value, given_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (question_id, user_hash) DO UPDATE SET value = excluded.value,"
                " given_at = excluded.given_at",
                (question_id, self.user_hash(user_id), 1 if helpful else -1, _now()),
            )
        return True

    def accept(self, update_id: int, payload: str) -> bool:
        """Store an update before it is acknowledged; False if it was seen before (handled or queued)."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO inbox (update_id, received_at, payload) VALUES (?, ?, ?)", (update_id, _now(), payload)
            )
        return cursor.rowcount == 1

    def finish(self, update_id: int) -> None:
        """Mark an update handled and drop its content."""
        with self._lock, self._db:
            self._db.execute("UPDATE inbox SET done = 1, payload = NULL WHERE update_id = ?", (update_id,))

    def pending(self) -> list[tuple[int, str]]:
        """Updates accepted but never handled (the process died first), oldest first."""
        with self._lock:
            return self._db.execute("SELECT update_id, payload FROM inbox WHERE done = 0 ORDER BY update_id").fetchall()

    def purge(self, older_than_days: int) -> int:
        """Delete questions (and their feedback) asked more than `older_than_days` ago (0 keeps them),
        and the ids of handled updates older than INBOX_KEEP."""
        inbox_cutoff = (datetime.now(timezone.utc) - INBOX_KEEP).isoformat(timespec="seconds")
        with self._lock, self._db:
            self._db.execute("DELETE FROM inbox WHERE done = 1 AND received_at < ?", (inbox_cutoff,))
        if older_than_days <= 0:
            return 0
        cutoff = (datetime.now(timezone.utc) - timedelta(days=older_than_days)).isoformat(timespec="seconds")
        with self._lock, self._db:
            self._db.execute("DELETE FROM feedback WHERE question_id IN (SELECT id FROM questions WHERE asked_at < ?)", (cutoff,))
            deleted = self._db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
        if deleted:
            logger.info("retention: deleted %d questions older than %d days", deleted, older_than_days)
        return deleted

    def stats(self, top: int = 10) -> Stats:
        """Counts of questions, answers and feedback, and the most frequent unanswered questions."""
        with self._lock:
            questions, answered = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM questions"
            ).fetchone()
            helpful, unhelpful = self._db.execute(
                "SELECT COALESCE(SUM(value > 0), 0), COALESCE(SUM(value < 0), 0) FROM feedback"
            ).fetchone()
            unanswered = self._db.execute(
                "SELECT MIN(question), COUNT(*) AS n FROM questions WHERE answered = 0"
                " GROUP BY LOWER(TRIM(question)) ORDER BY n DESC, MAX(id) DESC LIMIT ?",
                (top,),
            ).fetchall()
        return Stats(questions, answered, helpful, unhelpful, tuple((q, n) for q, n in unanswered))
