"""`python -m bot`: ask (text and JSON), start without a token, stats, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.offline import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """Run `python -m bot ...` in a clean directory (no .env) with the given settings."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL")}
    full_env.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot", *args], env=full_env, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(built_index: Path, tmp_path: Path) -> dict[str, str]:
    return {"INDEX_DIR": str(built_index), "DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def in_process_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_ask_json_in_a_subprocess(env, tmp_path):
    done = run_bot("ask", "--json", "apa itu JKP?", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"question", "language", "answered", "passages", "reply", "answer_sentence"} <= set(data)
    assert data["question"] == "apa itu JKP?" and data["language"] == "id" and data["answered"] is True
    assert 1 <= len(data["passages"]) <= 3
    for passage in data["passages"]:
        assert set(passage) == {"text", "title", "source", "url", "score"}
    assert data["answer_sentence"] in data["passages"][0]["text"]  # quoted verbatim from the first passage
    assert data["reply"].startswith(f"“{data['answer_sentence']}")  # the reply opens with it
    assert data["passages"][0]["title"] == "Jaminan Kehilangan Pekerjaan (JKP)"
    assert "<b>" not in data["reply"] and "bpjsketenagakerjaan.go.id/jkp" in data["reply"]


def test_ask_english_and_unanswered(in_process_env, capsys):
    assert main(["ask", "--json", "what", "is", "JHT"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "en" and data["reply"].startswith(f"“{data['answer_sentence']}")
    assert "Quoted from Indonesian documents" in data["reply"]
    assert main(["ask", "--json", "resep rendang padang"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["answered"] is False and data["passages"] == []
    assert "belum menemukan jawaban" in data["reply"] and "• Jaminan" in data["reply"]


def test_ask_prints_the_plain_reply(in_process_env, capsys):
    assert main(["ask", "berapa", "iuran", "JHT?"]) == 0
    out = capsys.readouterr().out
    assert "5,7% dari upah" in out and "📄 Jaminan Hari Tua (JHT)" in out and "<blockquote>" not in out


def test_start_without_token_answers_the_sample_and_explains_the_token(env, tmp_path):
    done = run_bot("start", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Jaminan Kehilangan Pekerjaan (JKP) adalah" in done.stdout
    assert "TELEGRAM_BOT_TOKEN" in done.stdout.splitlines()[-1] or "TELEGRAM_BOT_TOKEN" in done.stdout.splitlines()[-2]


def test_run_without_token_is_one_clear_line(env, tmp_path):
    done = run_bot("run", env={**env, "TELEGRAM_BOT_TOKEN": ""}, cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_index_is_one_clear_line(in_process_env, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "nothing-here"))
    assert main(["ask", "apa itu JKP?"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "python -m index build" in err


def test_run_with_unreachable_api_is_one_clear_line_without_the_token(env, tmp_path):
    token = TOKEN
    done = run_bot("run", env={**env, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"}, cwd=tmp_path)
    assert done.returncode != 0
    assert "cannot reach the Bot API" in done.stderr.strip().splitlines()[-1]
    assert token not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_stats(in_process_env, capsys):
    from bot.store import Store

    store = Store(Path(os.environ["DATA_DIR"]))
    store.log_question(user_id=1, chat_type="private", language="id", question="apa itu JKP?", answered=True, confidence=0.9)
    store.log_question(user_id=1, chat_type="private", language="id", question="resep rendang", answered=False, confidence=0.1)
    store.close()
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "Pertanyaan: 2" in out and "Terjawab: 1 (50%)" in out and "1× resep rendang" in out


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "start", "ask", "chat", "stats", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "WEBHOOK_SECRET"):
        assert command in out


def test_chat_loop(in_process_env, monkeypatch, capsys):
    answers = iter(["apa itu JKP?", "", "keluar"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["chat"]) == 0
    assert "Jaminan Kehilangan Pekerjaan (JKP)" in capsys.readouterr().out


def test_replicas_without_a_fixed_webhook_secret_are_refused(env, tmp_path):
    settings = {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.org/hook", "DATABASE_URL": "postgresql://127.0.0.1:1/x"}
    result = _run_bytes([b"run"], settings, tmp_path)
    assert result.returncode != 0 and b"WEBHOOK_SECRET must be set" in result.stderr and b"Traceback" not in result.stderr


def test_an_unreachable_database_is_one_line(env, tmp_path):
    result = _run_bytes([b"stats"], {**env, "DATABASE_URL": "postgresql://127.0.0.1:1/x"}, tmp_path)
    assert result.returncode != 0 and b"cannot reach PostgreSQL" in result.stderr and b"Traceback" not in result.stderr


def _run_bytes(args: list[bytes], env: dict[str, str], cwd: Path, stdin: bytes = b"", shell_pipe: str = "") -> subprocess.CompletedProcess:
    """Run `python -m bot` with raw byte arguments (and optionally piped into a shell command)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL")}
    full_env.update(env, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    command = [sys.executable.encode(), b"-m", b"bot", *args]
    if shell_pipe:
        quoted = b" ".join(b"'" + part.replace(b"'", b"'\\''") + b"'" for part in command)
        command = [b"/bin/sh", b"-c", quoted + b" | " + shell_pipe.encode()]
    return subprocess.run(command, env=full_env, cwd=cwd, input=stdin, capture_output=True, timeout=120)


def test_ask_into_a_pipe_closed_early_ends_quietly(env, tmp_path):
    done = _run_bytes([b"ask", b"apa itu JKP?"], env, tmp_path, shell_pipe="head -c 1")
    assert done.returncode == 0
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr, done.stderr


def test_invalid_utf8_and_terminal_escapes_are_neither_echoed_nor_fatal(env, tmp_path):
    question = b"apa itu JKP \xff\xfe \x1b[31mmerah\x1b[0m \x07\x1b]0;judul\x07?"
    done = _run_bytes([b"ask", question], env, tmp_path)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout
    assert "Jaminan Kehilangan Pekerjaan".encode() in done.stdout
    chat = _run_bytes([b"chat"], env, tmp_path, stdin=b"apa itu jkp \xff\xfe\n\x1b[2Jjht?\nkeluar\n")
    assert chat.returncode == 0 and b"Traceback" not in chat.stderr, chat.stderr
    assert b"\x1b" not in chat.stdout


def test_the_console_does_not_claim_it_logged_a_question(in_process_env, capsys):
    assert main(["ask", "resep rendang padang yang enak"]) == 0
    out = capsys.readouterr().out
    assert "Maaf" in out and "dicatat" not in out
