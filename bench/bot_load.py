"""Bot benchmark: end-to-end latency and throughput of the real bot, through the Bot API emulator.

Starts `tests/e2e/emulator.js` and `python -m bot run` on loopback, then measures
(a) latency: one user asks questions one after another; time from the user's send to the bot's
    reply being seen in the emulator (p50/p99);
(b) throughput: many users ask for a fixed time, each waiting for its answer before asking
    again (a closed loop, as people do); answers/s, errors, lost messages, p50/p99.
The bot's per-user flood limit (USER_RATE_LIMIT) is raised for the run: the simulated users ask
far faster than a person, and the limit is not what is measured.

With `--replicas N` the bot runs as N replicas in webhook mode behind a round-robin load
balancer, sharing a PostgreSQL database and Redis (a scratch database and key prefix on the
servers of `tests/servers.py`, removed afterwards); updates are POSTed to the balancer as Telegram
delivers them, and replies are still counted in the emulator.

    python -m bench bot [--users 50] [--seconds 60] [--questions 100] [--fake] [--replicas N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench._util import REPO, eval_dir, percentiles, write_result
from tests import servers
from tests.harness import (
    BotProcess, Emulator, EmulatorClient, HarnessError, LoadBalancer, Telegram, User, emulator_missing, fake_token, free_port,
)
from bot.texts import TEXTS
from index.build import build_index
from index.evaluate import read_cases
from index.store import manifest_path, read_manifest
from tests.fakes import FakeEncoder
from index.settings import IndexSettings

logger = logging.getLogger(__name__)

GOAL = {"p50_ms_max": 100.0, "answers_per_s_min": 50.0, "lost": 0, "errors": 0}
RAISED_USER_LIMIT = 1_000_000
FALLBACK_QUESTIONS = (
    "apa itu JKP?",
    "berapa iuran JHT?",
    "cara klaim JHT setelah resign",
    "apakah JKN menanggung persalinan?",
    "syarat pencairan jaminan pensiun",
    "iuran BPJS Kesehatan kelas 3 berapa",
    "what is JHT?",
    "manfaat jaminan kecelakaan kerja",
)
ERROR_TEXT_KEYS = ("error", "maintenance", "rate_limited")  # replies that are failures, not answers
ERROR_LOG_LINE = re.compile(r"\bERROR\b|\bCRITICAL\b|^Traceback", re.MULTILINE)


@dataclass
class Options:
    users: int = 50
    seconds: float = 60.0
    questions: int = 100  # asked one after another in the latency phase
    grace: float = 10.0  # seconds to wait for late replies before counting a question lost
    reply_timeout: float = 30.0  # a simulated user gives up waiting after this and asks again
    start_timeout: float = 300.0  # the bot may load a real model first
    index_dir: Path | None = None
    fake: bool = False
    send_rate: float = 100.0  # the bot's overall sending cap for the run, above Telegram's ~30/s
    replicas: int = 0  # 0: one bot by long polling (the default setup); N: N webhook replicas
    out: str = "bot_load"


@dataclass
class Phase:
    """What one phase measured."""

    users: int
    seconds: float
    sent: int = 0
    answered: int = 0
    lost: int = 0
    extra_replies: int = 0
    errors: int = 0
    error_replies: int = 0
    send_failures: int = 0
    sent_by_chat: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, send to reply seen
    emulator_latencies: list[float] = field(default_factory=list)  # seconds, on the emulator's clock

    def summary(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if not k.endswith("latencies") and k != "sent_by_chat"}
        data["seconds"] = round(self.seconds, 2)
        data["answers_per_s"] = round(self.answered / self.seconds, 1) if self.seconds else 0.0
        data["latency"] = percentiles(self.latencies)
        data["latency_emulator_clock"] = percentiles(self.emulator_latencies)
        return data


def load_questions() -> tuple[list[str], str]:
    """The development questions when they are beside the checkout, else a built-in list."""
    path = eval_dir() / "bpjs_dev_questions.tsv"
    if path.is_file():
        questions = [case.question for case in read_cases(path) if case.question]
        if questions:
            return questions, f"{len(questions)} development questions from {path}"
    return list(FALLBACK_QUESTIONS), f"data not found ({path}); using {len(FALLBACK_QUESTIONS)} built-in questions"


def error_prefixes() -> tuple[str, ...]:
    """The opening words of the bot's failure texts, in every language it speaks."""
    return tuple(texts[key].split("{")[0] for texts in TEXTS.values() for key in ERROR_TEXT_KEYS if key in texts)


def choose_index(options: Options, work: Path) -> tuple[Path, str, bool]:
    """The index to serve: the configured one if built, else a FakeEncoder index of the corpus."""
    settings = IndexSettings(_env_file=REPO / ".env")
    configured = options.index_dir or settings.index_dir
    configured = configured if configured.is_absolute() else REPO / configured
    if not options.fake and manifest_path(configured).is_file():
        return configured, str(read_manifest(configured).get("model")), False
    corpus = settings.corpus_dir if settings.corpus_dir.is_absolute() else REPO / settings.corpus_dir
    fake_dir = work / "index"
    build_index(corpus, fake_dir, encoder=FakeEncoder())
    why = "--fake was given" if options.fake else f"no built index at {configured} (run `make index`)"
    print(
        f"!!! WARNING: {why}; serving a FakeEncoder index of {corpus}.\n"
        "!!! Latency and throughput below do NOT include the real embedding model.",
        flush=True,
    )
    return fake_dir, "fake", True


def model_cache_dir() -> Path:
    """The configured model cache, so a converted model is reused rather than rebuilt per run."""
    models = IndexSettings(_env_file=REPO / ".env").models_dir
    return models if models.is_absolute() else REPO / models


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process (all its threads) has used, from /proc; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Bench:
    """One run: the emulator, the bot (or its replicas), and the simulated users talking to them.

    Users send through `sender`: the emulator (the bot polls it) or `Telegram` (webhook delivery).
    """

    def __init__(self, options: Options, client: EmulatorClient, bots: list[BotProcess], sender: EmulatorClient | Telegram):
        self.options = options
        self.client = client
        self.bots = bots
        self.sender = sender
        self.failure_prefixes = error_prefixes()

    async def wait_ready(self) -> float:
        """Send /start until the bot answers; returns the seconds it took to come up."""
        started = time.perf_counter()
        user = User(1, "Pemanasan")
        await self.sender.send_text(user, "/start")
        while time.perf_counter() - started < self.options.start_timeout:
            for bot in self.bots:
                if not bot.alive():
                    raise HarnessError(f"the bot exited while starting:\n{bot.log()[-3000:]}")
            if await self.client.wait_bot_messages(user.id, timeout=2.0):
                return time.perf_counter() - started
        raise HarnessError(f"the bot did not answer /start within {self.options.start_timeout:.0f} s")

    async def ask(self, user: User, question: str, after: int, phase: Phase) -> int:
        """One question and the wait for its reply; returns the newest bot update id seen."""
        sent_at = time.perf_counter()
        try:
            await self.sender.send_text(user, question)
        except (HarnessError, httpx.HTTPError) as exc:
            phase.send_failures += 1
            logger.warning("user %d could not send: %s", user.id, exc)
            await asyncio.sleep(0.1)
            return after
        phase.sent += 1
        phase.sent_by_chat[user.id] += 1
        replies = await self.client.wait_bot_messages(user.id, after, timeout=self.options.reply_timeout)
        if not replies:
            return after
        phase.latencies.append(time.perf_counter() - sent_at)
        if str(replies[0]["message"].get("text", "")).startswith(self.failure_prefixes):
            phase.error_replies += 1
        return max(r["updateId"] for r in replies)

    async def user_loop(self, user: User, questions: list[str], count: int | None, deadline: float, phase: Phase) -> None:
        """Ask `count` questions (or until `deadline`), each after the previous one's reply."""
        after, i = 0, user.id
        while (count is None or i - user.id < count) and time.perf_counter() < deadline:
            after = await self.ask(user, questions[i % len(questions)], after, phase)
            i += 1

    async def phase(self, first_user: int, users: int, questions: list[str], count: int | None, seconds: float) -> Phase:
        """Run `users` simulated users, then settle who got answers from the emulator's record."""
        phase = Phase(users=users, seconds=seconds)
        log_errors_before = self.log_errors()
        ids = [first_user + n for n in range(users)]
        started = time.perf_counter()
        deadline = started + (seconds if count is None else self.options.start_timeout + count * self.options.reply_timeout)
        await asyncio.gather(*(self.user_loop(User(i), questions, count, deadline, phase) for i in ids))
        phase.seconds = time.perf_counter() - started
        await self.settle(set(ids), phase)
        phase.errors = phase.send_failures + phase.error_replies + self.log_errors() - log_errors_before
        return phase

    def log_errors(self) -> int:
        """ERROR/CRITICAL lines and tracebacks the bot has logged so far."""
        return sum(len(ERROR_LOG_LINE.findall(bot.log())) for bot in self.bots)

    async def settle(self, chat_ids: set[int], phase: Phase) -> None:
        """Wait out late replies, then pair each chat's questions with the bot's replies in order."""
        deadline = time.perf_counter() + self.options.grace
        while True:
            if isinstance(self.sender, Telegram):  # the emulator never saw the questions: count them here
                pairing = count_replies(await self.client.bot_messages(), phase.sent_by_chat)
            else:
                pairing = pair_replies(await self.client.history(), chat_ids)
            if pairing.lost == 0 or time.perf_counter() > deadline:
                break
            await asyncio.sleep(0.5)
        phase.answered, phase.lost, phase.extra_replies = pairing.answered, pairing.lost, pairing.extra_replies
        phase.emulator_latencies = pairing.latencies


@dataclass(frozen=True)
class Pairing:
    """Questions matched with the bot's replies, oldest first within each chat."""

    answered: int
    lost: int
    extra_replies: int  # bot messages with no open question in their chat (a double answer)
    latencies: list[float]  # seconds


def pair_replies(history: list[dict[str, Any]], chat_ids: set[int]) -> Pairing:
    """Match each question in `chat_ids` with the bot's next message there, on the emulator's clock."""
    pending: dict[int, list[int]] = {c: [] for c in chat_ids}
    answered, extra, latencies = 0, 0, []
    for item in sorted(history, key=lambda u: u["updateId"]):
        message = item.get("message") or {}
        if "chat_id" in message:  # a message the bot sent
            chat = int(message["chat_id"])
            if pending.get(chat):
                answered += 1
                latencies.append((item["time"] - pending[chat].pop(0)) / 1000)
            elif chat in pending:
                extra += 1
        elif "chat" in message and int(message["chat"]["id"]) in pending:
            pending[int(message["chat"]["id"])].append(item["time"])
    return Pairing(answered, sum(len(p) for p in pending.values()), extra, latencies)


def count_replies(bot_messages: list[dict[str, Any]], sent_by_chat: Counter) -> Pairing:
    """Questions sent per chat against the bot's messages there (no emulator clock: the questions went by webhook)."""
    replies = Counter(int(m["message"]["chat_id"]) for m in bot_messages)
    answered = sum(min(n, replies[chat]) for chat, n in sent_by_chat.items())
    lost = sum(max(0, n - replies[chat]) for chat, n in sent_by_chat.items())
    extra = sum(max(0, replies[chat] - n) for chat, n in sent_by_chat.items())
    return Pairing(answered, lost, extra, [])


def goal_check(throughput: dict[str, Any], latency: dict[str, Any], still_running: bool) -> dict[str, Any]:
    """Each goal of the issue with the measured figure and whether it was met."""
    checks = {
        "bot_kept_running": still_running,
        "nothing_lost": throughput["lost"] == 0 and latency["lost"] == 0,
        "no_errors": throughput["errors"] == 0 and latency["errors"] == 0,
        "p50_ms<=100": latency["latency"].get("p50_ms", math.inf) <= GOAL["p50_ms_max"],
        "answers_per_s>=50": throughput["answers_per_s"] >= GOAL["answers_per_s_min"],
    }
    return {**checks, "all_met": all(checks.values())}


async def run(options: Options) -> dict[str, Any]:
    """Start everything, run both phases, stop everything; returns the results."""
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    questions, questions_note = load_questions()
    print(f"questions: {questions_note}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bot-load-") as tmp:
        work = Path(tmp)
        index_dir, model, fake = choose_index(options, work)
        print(f"index: {index_dir} (model {model})", flush=True)
        token = fake_token()
        emulator = Emulator.start()
        bot = None
        client = EmulatorClient(
            emulator.url,
            token,
            httpx.AsyncClient(
                timeout=httpx.Timeout(options.reply_timeout + 30, connect=5.0),
                limits=httpx.Limits(max_connections=2 * options.users + 10),
                trust_env=False,
            ),
        )
        bots: list[BotProcess] = []
        try:
            env = {
                "TELEGRAM_BOT_TOKEN": token,
                "TELEGRAM_API_BASE_URL": emulator.bot_api_base(),
                "INDEX_DIR": str(index_dir),
                "DATA_DIR": str(work / "data"),
                "MODEL_CACHE_DIR": str(model_cache_dir()),
                "USER_RATE_LIMIT": str(RAISED_USER_LIMIT),
                "SEND_RATE_LIMIT": str(options.send_rate),
                "LOG_LEVEL": "INFO",
            }
            (work / "cwd").mkdir()  # empty: nothing there can shadow a package or act as .env
            async with contextlib.AsyncExitStack() as stack:
                sender: EmulatorClient | Telegram = client
                if options.replicas:
                    sender = await stack.enter_async_context(_replicas(options.replicas, env, work, bots))
                else:
                    bots.append(BotProcess.start(env, work / "bot.log", cwd=work / "cwd"))
                bench = Bench(options, client, bots, sender)
                startup_s = await bench.wait_ready()
                print(f"bot answered /start after {startup_s:.1f} s", flush=True)
                # One pass through the questions before measuring, so first-use costs (lazily loaded
                # models or language profiles) are reported apart from the steady state.
                warm_up = Phase(1, 0)
                await bench.user_loop(User(2), questions, len(questions), time.perf_counter() + options.start_timeout, warm_up)

                latency = await bench.phase(1000, 1, questions, options.questions, 0)
                print(f"latency phase: {json.dumps(latency.summary())}", flush=True)
                pids = {f"bot{i}": bot.process.pid for i, bot in enumerate(bots)} | {"emulator": emulator.process.pid, "bench": os.getpid()}
                cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                throughput = await bench.phase(10_000, options.users, questions, None, options.seconds)
                cores_used = {}
                for name, pid in pids.items():
                    before, after = cpu_before[name], cpu_seconds(pid)
                    cores_used[name] = None if before is None or after is None else round((after - before) / throughput.seconds, 2)
                still_running = all(bot.alive() for bot in bots)
        finally:
            await client.aclose()
            for bot in bots:
                bot.stop()
            emulator.stop()
        token_in_log = any(token in bot.log() for bot in bots)

    lat, thr = latency.summary(), throughput.summary()
    thr["cpu_cores_used"] = cores_used  # during the throughput phase, of os.cpu_count()
    return {
        "index": {"dir": str(index_dir), "model": model, "fake_encoder": fake},
        "setup": f"{options.replicas} webhook replicas behind a round-robin balancer, PostgreSQL and Redis"
        if options.replicas else "one bot, long polling, SQLite and memory",
        "questions": questions_note,
        "flood_limit": (
            f"USER_RATE_LIMIT raised to {RAISED_USER_LIMIT} for the run; each simulated user waits "
            f"for its answer (or {options.reply_timeout:.0f} s) before asking again; "
            f"SEND_RATE_LIMIT {options.send_rate:g} messages/s (Telegram's own cap is about 30)"
        ),
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "bot_startup_s": round(startup_s, 2),
        "warm_up": {"questions": warm_up.sent, "latency": percentiles(warm_up.latencies)},
        "bot_still_running": still_running,
        "token_in_bot_log": token_in_log,
        "latency": lat,
        "throughput": thr,
        "goal": GOAL,
        "goal_met": goal_check(thr, lat, still_running),
    }


@contextlib.asynccontextmanager
async def _replicas(count: int, env: dict[str, str], work: Path, bots: list[BotProcess]):
    """`count` webhook replicas on a scratch PostgreSQL database and Redis prefix, behind a balancer;
    yields the `Telegram` that delivers updates to them (appending each replica to `bots`)."""
    reason = servers.postgres_missing() or servers.redis_missing()
    if reason:
        raise HarnessError(f"--replicas needs PostgreSQL and Redis: {reason}")
    secret = "bench-replicas"
    with servers.scratch_database() as database_url, servers.scratch_prefix() as prefix:
        ports = [free_port() for _ in range(count)]
        for i, port in enumerate(ports):
            replica_env = env | {
                "WEBHOOK_URL": "https://bot.example.org/tg",
                "WEBHOOK_SECRET": secret,
                "WEBHOOK_PORT": str(port),
                "DATABASE_URL": database_url,
                "REDIS_URL": servers.REDIS_URL,
                "REDIS_PREFIX": prefix,
                "REPLICA_NAME": f"replica-{i}",
                "DATA_DIR": str(work / f"data-{i}"),
            }
            bots.append(BotProcess.start(replica_env, work / f"replica-{i}.log", cwd=work / "cwd"))
        for bot, port in zip(bots, ports):
            await bot.wait_healthy(port, timeout=300.0)  # the real model loads first
        balancer = await LoadBalancer(ports).start()
        telegram = Telegram(f"{balancer.url}/tg", secret, patience=60.0)
        try:
            yield telegram
        finally:
            await telegram.aclose()
            await balancer.close()
            for bot in bots:
                bot.stop()  # before the database is dropped


def _ms(phase: dict[str, Any], key: str, clock: str = "latency") -> str:
    value = phase[clock].get(key)
    return "-" if value is None else f"{value:.1f} ms"


def human_summary(results: dict[str, Any]) -> str:
    lat, thr, met = results["latency"], results["throughput"], results["goal_met"]
    mark = {True: "met", False: "NOT met"}
    lines = [
        f"index: {results['index']['model']}" + ("  (FAKE ENCODER: not the real model)" if results["index"]["fake_encoder"] else ""),
        f"setup: {results['setup']}",
        f"start-up: /start answered after {results['bot_startup_s']} s; warm-up pass of "
        f"{results['warm_up']['questions']} questions: slowest {_ms(results['warm_up'], 'max_ms')}",
        f"latency, 1 user, {lat['sent']} questions: p50 {_ms(lat, 'p50_ms')}, p99 {_ms(lat, 'p99_ms')} "
        f"(emulator clock p50 {_ms(lat, 'p50_ms', 'latency_emulator_clock')}); lost {lat['lost']}, errors {lat['errors']}",
        f"throughput, {thr['users']} users for {thr['seconds']} s: {thr['answers_per_s']} answers/s "
        f"({thr['answered']}/{thr['sent']}), p50 {_ms(thr, 'p50_ms')}, p99 {_ms(thr, 'p99_ms')}, "
        f"lost {thr['lost']}, errors {thr['errors']}, double answers {thr['extra_replies']}",
        "cores used meanwhile: " + ", ".join(f"{k} {v}" for k, v in thr["cpu_cores_used"].items()),
        f"goal: bot kept running {mark[met['bot_kept_running']]}, nothing lost {mark[met['nothing_lost']]}, "
        f"no errors {mark[met['no_errors']]}, p50 <= 100 ms {mark[met['p50_ms<=100']]}, "
        f">= 50 answers/s {mark[met['answers_per_s>=50']]}",
        f"load average (1, 5, 15 min) at start {results['load_average']['start']}, at end "
        f"{results['load_average']['end']}, on {os.cpu_count()} cores",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bot_load",
        description="End-to-end latency and throughput of the real bot through the Bot API emulator (loopback only).",
    )
    d = Options()
    parser.add_argument("--users", type=int, default=d.users, help=f"simulated users in the throughput phase (default {d.users})")
    parser.add_argument("--seconds", type=float, default=d.seconds, help=f"length of the throughput phase (default {d.seconds:.0f})")
    parser.add_argument("--questions", type=int, default=d.questions, help=f"questions in the latency phase (default {d.questions})")
    parser.add_argument("--grace", type=float, default=d.grace, help=f"seconds to wait for late replies (default {d.grace:.0f})")
    parser.add_argument("--reply-timeout", type=float, default=d.reply_timeout, help=f"a user's wait for one reply (default {d.reply_timeout:.0f})")
    parser.add_argument("--index-dir", type=Path, help="index to serve (default: INDEX_DIR from the settings)")
    parser.add_argument("--fake", action="store_true", help="serve a FakeEncoder index of the corpus instead of the real one")
    parser.add_argument("--send-rate", type=float, default=d.send_rate, help=f"SEND_RATE_LIMIT for the bot, messages/s (default {d.send_rate:g}; production keeps Telegram's 30)")
    parser.add_argument("--replicas", type=int, default=d.replicas, metavar="N", help="run N replicas in webhook mode on PostgreSQL and Redis (default 0: one polling bot)")
    parser.add_argument("--out", default=d.out, help=f"results name under bench/results/ (default {d.out})")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0 or args.questions < 1 or args.replicas < 0:
        parser.error("--users, --seconds and --questions must be positive, --replicas not negative")
    return Options(
        users=args.users, seconds=args.seconds, questions=args.questions, grace=args.grace,
        reply_timeout=args.reply_timeout, index_dir=args.index_dir, fake=args.fake, send_rate=args.send_rate,
        replicas=args.replicas, out=args.out,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
    reason = emulator_missing()
    if reason:
        print(f"bot benchmark skipped: {reason}")
        return 0
    try:
        results = asyncio.run(run(options))
    except HarnessError as exc:
        print(f"bot benchmark failed: {exc}", file=sys.stderr)
        return 1
    path = write_result(options.out, results)
    print(json.dumps(results, ensure_ascii=False))
    print(human_summary(results))
    print(f"written to {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
