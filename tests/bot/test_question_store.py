"""The question log on both databases (SQLite, PostgreSQL): masking, hashed user ids, feedback,
statistics, retention, migrations, and the inbox that replicas share."""

import sqlite3
import time

import pytest

from bot.privacy import DATE_MASK, EMAIL_MASK, NAME_MASK, NIK_MASK, PHONE_MASK, hash_user_id, mask_personal_data
from bot.store import SCHEMA_VERSION, Store, StoreError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK saya 3201234567890001 mau klaim", f"NIK saya {NIK_MASK} mau klaim"),
        ("nik 3201 2345 6789 0001", f"nik {NIK_MASK}"),
        ("hp 081234567890 ya", f"hp {PHONE_MASK} ya"),
        ("wa +62 812-3456-7890", f"wa {PHONE_MASK}"),
        ("telp 0812 3456 789", f"telp {PHONE_MASK}"),
        ("kartu 0001234567890", "kartu [NOMOR]"),
        ("iuran Rp1.000.000.000 dan 5,7% dari upah", "iuran Rp1.000.000.000 dan 5,7% dari upah"),
        ("PP No. 37 Tahun 2021 Pasal 19", "PP No. 37 Tahun 2021 Pasal 19"),
        ("email saya siti.aminah@example.co.id", f"email saya {EMAIL_MASK}"),
        ("lahir 12-05-1990 di Bandung", f"lahir {DATE_MASK} di Bandung"),
        ("tgl lahir 3 Agustus 1985", f"tgl lahir {DATE_MASK}"),
        ("ttl 1990/05/12", f"ttl {DATE_MASK}"),
        ("nama saya Siti Aminah mau klaim JHT", f"nama saya {NAME_MASK} mau klaim JHT"),
        ("klaim a.n. Budi Santoso", f"klaim a.n. {NAME_MASK}"),
        ("my name is John Smith and my JHT", f"my name is {NAME_MASK} and my JHT"),
        ("berlaku 1 Maret 2026? iuran 5,7% dari Rp5.000.000", f"berlaku {DATE_MASK}? iuran 5,7% dari Rp5.000.000"),
        ("i am confused about jht", "i am confused about jht"),
    ],
)
def test_masking(text, expected):
    assert mask_personal_data(text) == expected


def test_user_ids_are_hashed_with_a_persistent_salt(tmp_path):
    first = Store(tmp_path)
    digest = first.user_hash(123456)
    first.close()
    second = Store(tmp_path)
    assert second.user_hash(123456) == digest  # same installation, same hash
    assert digest != hash_user_id(123456, b"another salt") and "123456" not in digest
    assert (tmp_path / "user-id.salt").stat().st_mode & 0o077 == 0
    second.close()


def test_log_question_stores_only_masked_text_and_hashes(tmp_path):
    store = Store(tmp_path)
    qid = store.log_question(
        user_id=987654321, chat_type="private", language="id",
        question="hp saya 081298765432, JHT kapan cair?" + "x" * 3000, answered=True, confidence=0.9,
        passage_ids=("a1", "b2"),
    )
    logged = store.question(qid)
    assert logged.question.startswith(f"hp saya {PHONE_MASK}, JHT kapan cair?") and len(logged.question) == 1000
    store.close()
    rows = sqlite3.connect(tmp_path / "bot.sqlite3").execute("SELECT * FROM questions").fetchall()
    dump = repr(rows)
    assert "987654321" not in dump and "081298765432" not in dump
    assert sqlite3.connect(tmp_path / "bot.sqlite3").execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_feedback_and_stats(tmp_path, database_url):
    store = Store(tmp_path, database_url)
    answered = store.log_question(user_id=1, chat_type="private", language="id", question="apa itu JKP?", answered=True, confidence=0.9)
    for user in (1, 2):
        store.log_question(user_id=user, chat_type="group", language="id", question="Resep rendang", answered=False, confidence=0.1)
    store.log_question(user_id=3, chat_type="private", language="id", question="cuaca besok", answered=False, confidence=0.1)
    assert store.record_feedback(answered, 1, helpful=True)
    assert store.record_feedback(answered, 1, helpful=False)  # replaces the first
    assert store.record_feedback(answered, 2, helpful=True)
    assert not store.record_feedback(99999, 1, helpful=True)
    stats = store.stats(top=5)
    assert (stats.questions, stats.answered, stats.helpful, stats.unhelpful) == (4, 1, 1, 1)
    assert stats.answered_share == 0.25
    assert stats.top_unanswered == (("Resep rendang", 2), ("cuaca besok", 1))
    assert store.question(123456) is None
    store.close()


def test_data_files_are_owner_only(tmp_path):
    Store(tmp_path / "data").log_question(user_id=1, chat_type="private", language="id", question="x", answered=False, confidence=0.0)
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    for path in (tmp_path / "data").iterdir():
        assert path.stat().st_mode & 0o077 == 0, path


def test_questions_older_than_the_retention_are_purged(tmp_path, database_url):
    store = Store(tmp_path, database_url)
    old = store.log_question(user_id=1, chat_type="private", language="id", question="lama", answered=True, confidence=0.9)
    new = store.log_question(user_id=1, chat_type="private", language="id", question="baru", answered=True, confidence=0.9)
    store.record_feedback(old, 1, True)
    with store.database.transaction() as run:
        run("UPDATE questions SET asked_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (old,))
    assert store.purge(0) == 0 and store.question(old) is not None  # 0 keeps everything
    assert store.purge(180) == 1
    assert store.question(old) is None and store.question(new) is not None
    assert store.stats().helpful == 0  # its feedback went with it


def test_replicas_share_question_ids_salt_and_seal_keys(tmp_path, database_url):
    first = Store(tmp_path / "a", database_url)
    qid = first.log_question(user_id=5, chat_type="private", language="id", question="apa itu JKP?", answered=True, confidence=0.9)
    second = Store(tmp_path / "a" if database_url is None else tmp_path / "b", database_url)  # another replica (or a restart)
    assert second.question(qid).question == "apa itu JKP?"
    assert second.user_hash(5) == first.user_hash(5) and second.secret("callback-data") == first.secret("callback-data")
    first.close()
    second.close()


def test_a_follow_up_is_stored_with_the_documents_it_was_searched_with(tmp_path, database_url):
    store = Store(tmp_path, database_url)
    topic = ("ketenagakerjaan/jkp-syarat.md", "ketenagakerjaan/jkp-manfaat.md")
    qid = store.log_question(user_id=5, chat_type="private", language="id", question="syaratnya? (JKP)", answered=True, confidence=0.9, topic=topic)
    plain = store.log_question(user_id=5, chat_type="private", language="id", question="apa itu JHT?", answered=True, confidence=0.9)
    assert store.question(qid).topic == topic and store.question(plain).topic == ()
    store.close()


def test_an_old_sqlite_file_is_migrated_and_keeps_its_questions(tmp_path):
    old = sqlite3.connect(tmp_path / "bot.sqlite3")  # the schema before versions existed
    old.executescript(
        "CREATE TABLE questions (id INTEGER PRIMARY KEY, asked_at TEXT NOT NULL, user_hash TEXT NOT NULL,"
        " chat_type TEXT NOT NULL, language TEXT NOT NULL, question TEXT NOT NULL, answered INTEGER NOT NULL,"
        " confidence REAL NOT NULL, passage_ids TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE inbox (update_id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, payload TEXT, done INTEGER NOT NULL DEFAULT 0);"
        "INSERT INTO questions VALUES (1, '2026-11-01T00:00:00+00:00', 'h', 'private', 'id', 'apa itu JHT?', 1, 0.9, '');"
        "INSERT INTO inbox VALUES (41, '2026-11-01T00:00:00+00:00', '{}', 0);"
    )
    old.commit()
    old.close()
    store = Store(tmp_path)
    assert store.question(1).question == "apa itu JHT?" and store.question(1).topic == ()
    assert store.claim("bot-1", lease=30) == [(41, "{}")]  # an update left by the old version is taken
    with store.database.transaction() as run:
        assert run("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_a_newer_schema_is_refused_with_a_clear_error(tmp_path, database_url):
    Store(tmp_path, database_url).close()
    store = Store(tmp_path, database_url)
    with store.database.transaction() as run:
        run("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    store.close()
    with pytest.raises(StoreError, match="newer than this bot"):
        Store(tmp_path, database_url)


def test_each_accepted_update_is_held_by_one_replica_until_that_one_falls_silent(tmp_path, database_url):
    a = Store(tmp_path, database_url)
    b = Store(tmp_path, database_url) if database_url else a
    a.heartbeat("a")
    b.heartbeat("b")
    assert a.accept(1, "{1}", "a") and not b.accept(1, "{1}", "b")  # Telegram's retry reached the other replica
    assert b.accept(2, "{2}", "b")
    assert b.claim("b", lease=30, own=False) == []  # "a" is alive: its update stays with it
    assert a.claim("a", lease=30, own=True) == [(1, "{1}")]  # a restart of "a" takes its own back at once
    with a.database.transaction() as run:  # "a" has been silent for a minute
        run("UPDATE replicas SET seen_at = ? WHERE name = 'a'", (time.time() - 60,))
    assert b.claim("b", lease=30, own=False) == [(1, "{1}")]
    b.finish(1)
    assert [uid for uid, _ in a.pending()] == [2]
    a.close()
    if b is not a:
        b.close()


def test_one_replica_wins_a_shared_value(tmp_path, database_url):
    a = Store(tmp_path, database_url)
    b = Store(tmp_path, database_url) if database_url else a
    assert a.swap_value("webhook", "fingerprint-1")
    assert not b.swap_value("webhook", "fingerprint-1")  # the other replica finds it done
    assert b.swap_value("webhook", "fingerprint-2") and b.swap_value("webhook", None)
    a.close()
    if b is not a:
        b.close()


def test_an_unreachable_database_is_a_one_line_error(tmp_path):
    with pytest.raises(StoreError, match="cannot reach PostgreSQL"):
        Store(tmp_path, "postgresql://127.0.0.1:1/nothing")
