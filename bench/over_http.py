"""`make bench`, the real process: `werkervaring-bot run` and a bare PTB bot over HTTP.

Each bot runs as a process of its own against `bench.botapi_server` (another
process, on the other core: the bots keep to one core, werkervaring-bot by
`ONE_CORE`), with the real clock, werkervaring-bot with the outbox's limits
(`bot.limits`) and a database seeded by `bench.seed`. The server plays the people: C of them at
once report sick (the menu text, then today, 1 day, the doctor, send), each
taking the next step as soon as the previous one was answered (a closed loop).
The bare bot (`bench.bare_bot`) makes the same calls for the same updates with
python-telegram-bot's defaults and no rate limiter.

Rounds alternate the two bots at each load, and each figure is the median of its
rounds (429s and people who gave up are added up), so the ratios compare runs
made side by side on a shared, noisy machine.

Then the fan-out: 10,000 evaluation reminders due when werkervaring-bot starts,
and 20 people reporting sick once the reminders are going out; their latencies
against the same 20 people without the fan-out, the reminders' rate while people
act and while nobody does, and every 429.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from bench.seed import FANOUT_IDS
from bench.stats import median
from tests.harness import BOT_USERNAME, TEST_TOKEN

ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Europe/Brussels"
BOTS = {"werkervaring": "werkervaring-bot", "bare": "bare PTB"}
# Concurrent people, and the sick reports each of them makes one after the other.
LOADS = {"c1": (1, 30), "c20": (20, 5), "c100": (100, 1)}
FANOUT_PEOPLE, FANOUT_REPORTS_EACH = 20, 5
STEPS = [
    ["text", "🤒 Ik ben ziek"],
    ["press", "Vandaag"],
    ["press", "1 dag"],
    ["press", "✅ Ik ben bij de dokter geweest"],
    ["press", "✅ Ja, versturen"],
]
# werkervaring-bot tells the workplace contact and the caseworker of each report.
NOTIFICATIONS = {"werkervaring": 2, "bare": 0}
# Seconds before a person gives up on an answer, and waits for the notifications.
STEP_TIMEOUT = 60.0
SETTLE = 60.0
START_UP = 2.0
# Figures that are added up over the rounds instead of taking their median.
SUMMED = ("timeouts", "missing_buttons", "retry_after_chat", "retry_after_overall")


class Server:
    """`bench.botapi_server` in a process of its own, commanded over its stdin and stdout."""

    def __init__(self, folder: Path, fanout_from: int | None = None) -> None:
        command = [sys.executable, "-m", "bench.botapi_server"]
        if fanout_from is not None:
            command += ["--fanout-from", str(fanout_from)]
        self.log = (folder / "server.log").open("w")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=child_env(),
        )
        self.port = int(self._read()["port"])

    def command(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read()

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the benchmark's Bot API server stopped; see {self.log.name}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def child_env(**extra: str) -> dict[str, str]:
    """This environment without Telegram settings or proxies, the project importable."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TELEGRAM_")
        and key.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env.update(PYTHONPATH=str(ROOT), NO_PROXY="127.0.0.1,localhost", TIMEZONE=TIMEZONE)
    env.update(extra)
    return env


def bot_command(kind: str) -> list[str]:
    if kind == "bare":
        return [sys.executable, "-m", "bench.bare_bot"]
    script = Path(sys.executable).with_name("werkervaring-bot")
    if script.exists():
        return [str(script), "run"]
    return [sys.executable, "-m", "bot.cli", "run"]


@contextmanager
def bot_process(
    kind: str, port: int, folder: Path, database: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """A bot running against the server until the block ends (then SIGTERM)."""
    log: IO[bytes] = (folder / f"{kind}.log").open("wb")
    process = subprocess.Popen(
        bot_command(kind),
        # The folder has no .env: only the environment counts.
        cwd=folder,
        env=child_env(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_BOT_USERNAME=BOT_USERNAME,
            TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
            DATABASE_PATH=str(database),
            LOG_LEVEL="WARNING",
            ONE_CORE="yes",
            # The web desk is measured on its own (bench.desk); here it would take a port.
            DESK_ENABLED="no",
            **env,
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def seed(folder: Path, clients: int, fanout: int, env: dict[str, str]) -> tuple[Path, Any]:
    """A database with the people (see `bench.seed.world`); its path and its people."""
    database = folder / f"world-{clients}-{fanout}.sqlite3"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.seed", "--clients", str(clients), "--fanout", str(fanout)],
        capture_output=True,
        text=True,
        check=False,
        env=child_env(DATABASE_PATH=str(database), **env),
        cwd=folder,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit("seeding the benchmark database failed")
    return database, json.loads(completed.stdout)


def run_once(
    kind: str,
    folder: Path,
    world: Path,
    people: list[dict[str, Any]],
    concurrency: int,
    env: dict[str, str] | None = None,
    fanout: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One bot, freshly started on a copy of the world: a warm-up report, then the load."""
    run = folder / f"run-{kind}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    database = run / "bot.sqlite3"
    shutil.copyfile(world, database)
    server = Server(run, FANOUT_IDS if fanout else None)
    try:
        with bot_process(kind, server.port, run, database, env or {}) as bot:
            if not server.command(cmd="ready", timeout=60)["ready"]:
                raise SystemExit(f"{BOTS[kind]} did not start; see {run / (kind + '.log')}")
            # werkervaring-bot's first reminder tick, a second after it started, replans
            # every open internship: start-up work, not what a person waits for.
            time.sleep(START_UP)
            common = {
                "cmd": "run",
                "steps": STEPS,
                "bot_pid": bot.pid,
                "step_timeout": STEP_TIMEOUT,
                "notifications": NOTIFICATIONS[kind],
            }
            warm = server.command(**common, clients=people[:1], concurrency=1, settle=10)
            if warm["updates"] != len(STEPS):
                raise SystemExit(
                    f"{BOTS[kind]} did not answer the warm-up sick report as expected "
                    f"({warm['updates']} of {len(STEPS)} steps); see {run / (kind + '.log')}"
                )
            figures = server.command(
                **common,
                clients=people[1:],
                concurrency=concurrency,
                settle=SETTLE,
                fanout=fanout,
            )
    finally:
        server.close()
    return figures


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the rounds' figures (sums for what must not happen at all)."""
    summary: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, int | float):
            values = [float(r[key]) for r in runs]
            summary[key] = sum(values) if key in SUMMED else median(values)
    summary["calls_per_update"] = {
        method: median([r["calls"].get(method, 0) / max(r["updates"], 1) for r in runs])
        for method in sorted({m for r in runs for m in r["calls"]})
    }
    summary["notifications"] = {
        key: median([float(r["notifications"][key]) for r in runs])
        for key in runs[0]["notifications"]
    }
    return summary


def loads(folder: Path, rounds: int) -> dict[str, Any]:
    biggest = max(people * each for people, each in LOADS.values())
    world, seeded = seed(folder, biggest + 1, 0, {})
    people = seeded["clients"]
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {key: {k: [] for k in BOTS} for key in LOADS}
    for n in range(rounds):
        for key, (concurrency, each) in LOADS.items():
            # Alternating which bot goes first, so neither always runs on a warmer machine.
            order = list(BOTS) if n % 2 == 0 else list(reversed(BOTS))
            for kind in order:
                print(f"round {n + 1}/{rounds}: {BOTS[kind]}, {concurrency} at once", flush=True)
                figures = run_once(
                    kind, folder, world, people[: 1 + concurrency * each], concurrency
                )
                runs[key][kind].append(figures)
    results: dict[str, Any] = {}
    for key in LOADS:
        bare, ours = summarize(runs[key]["bare"]), summarize(runs[key]["werkervaring"])
        results[key] = {
            "bare": bare,
            "werkervaring": ours,
            "updates_per_s_ratio": ours["updates_per_s"] / bare["updates_per_s"],
            "p99_ratio": ours["p99_ms"] / bare["p99_ms"],
        }
    return results


def fanout_scenario(folder: Path, reminders: int) -> dict[str, Any] | None:
    """werkervaring-bot starting with `reminders` evaluation reminders due, and 20 people
    reporting sick once they are going out; None when there is no time for it today."""
    tz = ZoneInfo(TIMEZONE)
    now = datetime.now(tz)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tz)
    # Sending takes reminders / 28.8 seconds; the reminders expire at 23:59 local time.
    needed = timedelta(seconds=reminders / 20 + 300)
    if midnight - now < needed + timedelta(minutes=1):
        print(f"fan-out skipped: it would run into midnight ({TIMEZONE})")
        return None
    due = max(now - timedelta(minutes=1), now.replace(hour=0, minute=0))
    env = {"EVALUATION_DUE_TIME": f"{due:%H:%M}", "EVALUATION_DEADLINE_TIME": "23:59"}
    world, seeded = seed(folder, 1 + FANOUT_PEOPLE * FANOUT_REPORTS_EACH, reminders, env)
    if seeded["due"] != reminders:
        raise SystemExit(f"seeded {seeded['due']} due reminders instead of {reminders}")
    print(f"fan-out: {reminders} evaluation reminders, {FANOUT_PEOPLE} people reporting sick")
    figures = run_once(
        "werkervaring",
        folder,
        world,
        seeded["clients"],
        FANOUT_PEOPLE,
        env,
        fanout={
            "expected": reminders,
            "start_after": max(1, reminders // 20),
            "timeout": reminders / 20 + 120,
        },
    )
    return figures


def run(rounds: int, reminders: int, folder: Path) -> dict[str, Any]:
    started = time.monotonic()
    results = loads(folder, rounds)
    results["rounds"] = rounds
    fanout = fanout_scenario(folder, reminders) if reminders else None
    if fanout is not None:
        alone = results["c20"]["werkervaring"]
        spread = fanout["fanout"]
        results["fanout"] = {
            "reminders": reminders,
            "people": FANOUT_PEOPLE,
            "p50_ms": fanout["p50_ms"],
            "p99_ms": fanout["p99_ms"],
            "p99_without_ms": alone["p99_ms"],
            "p99_ratio": fanout["p99_ms"] / alone["p99_ms"],
            "updates_per_s": fanout["updates_per_s"],
            "timeouts": fanout["timeouts"],
            "people_retry_after": fanout["retry_after_chat"] + fanout["retry_after_overall"],
            **{f"reminders_{key}": value for key, value in spread.items()},
            "notifications": fanout["notifications"],
        }
    results["minutes"] = (time.monotonic() - started) / 60
    return results


def print_table(results: dict[str, Any]) -> None:
    print()
    print(
        f"The real process over HTTP, median of {results['rounds']} alternating rounds "
        "(each bot on one core, the Bot API server and the people on the other)"
    )
    header = (
        f"{'':<7}{'bot':<18}{'upd/s':>7}{'p50 ms':>9}{'p99 ms':>9}{'calls':>7}"
        f"{'chat/upd':>9}{'chat/press':>11}{'CPU ms':>8}{'busy':>6}{'429':>5}{'lost':>5}"
    )
    print(header)
    for key, (concurrency, _) in LOADS.items():
        for number, kind in enumerate(("bare", "werkervaring")):
            f = results[key][kind]
            label = f"C={concurrency}" if number == 0 else ""
            print(
                f"{label:<7}{BOTS[kind]:<18}{f['updates_per_s']:>7.1f}{f['p50_ms']:>9.1f}"
                f"{f['p99_ms']:>9.1f}{f['api_calls_per_update']:>7.2f}"
                f"{f['chat_bound_per_update']:>9.2f}{f['chat_bound_per_press']:>11.2f}"
                f"{f['cpu_ms_per_update']:>8.2f}{f['bot_busy']:>6.0%}"
                f"{f['retry_after_chat'] + f['retry_after_overall']:>5.0f}"
                f"{f['timeouts'] + f['missing_buttons']:>5.0f}"
            )
    print(
        "calls: Bot API calls per update (getUpdates not counted); chat/upd, chat/press: "
        "calls with a chat_id\nper update and per button press; CPU ms: the bot "
        "process's CPU per update; busy: its share of one core;\n429: Too Many Requests "
        "answered; lost: people who got no answer within "
        f"{STEP_TIMEOUT:.0f} s"
    )
    print("goals (issue 17), werkervaring-bot against the bare bot:")
    for key, (concurrency, _) in LOADS.items():
        ratio, p99 = results[key]["updates_per_s_ratio"], results[key]["p99_ratio"]
        throughput = f"updates/s {ratio:.2f} of bare (goal >= 0.6), " if concurrency > 1 else ""
        print(f"  C={concurrency:<4} {throughput}p99 x{p99:.1f} (goal <= 2)")
    for key in LOADS:
        n = results[key]["werkervaring"]["notifications"]
        if n["expected"]:
            print(
                f"  C={LOADS[key][0]:<4} notifications to workplace and caseworker: "
                f"{n['delivered']:.0f} of {n['expected']:.0f} within {SETTLE:.0f} s after the "
                f"last answer, delay p50 {n['p50_ms'] / 1e3:.1f} s, p99 {n['p99_ms'] / 1e3:.1f} s"
            )
    fanout = results.get("fanout")
    if fanout is not None:
        print(
            f"fan-out: {fanout['reminders']} reminders while {fanout['people']} people report "
            f"sick: their p99 {fanout['p99_ms']:.0f} ms, without the fan-out "
            f"{fanout['p99_without_ms']:.0f} ms: x{fanout['p99_ratio']:.1f} (goal <= 2); "
            f"{fanout['updates_per_s']:.1f} updates/s"
        )
        print(
            f"  reminders: {fanout['reminders_delivered']:.0f} in "
            f"{fanout['reminders_span_s']:.0f} s, {fanout['reminders_rate_per_s']:.1f}/s; "
            f"{fanout['reminders_rate_before_people_per_s']:.1f}/s before the people, "
            f"{fanout['reminders_rate_while_acting_per_s']:.1f}/s while they act, "
            f"{fanout['reminders_rate_after_people_per_s']:.1f}/s after them "
            f"(nobody acts: goal >= 28.5, 95% of 30);\n  429: "
            f"{fanout['reminders_retry_after_overall']:.0f} overall, "
            f"{fanout['reminders_retry_after_chat']:.0f} per chat (goal 0)"
        )
        n = fanout["notifications"]
        print(
            f"  their notifications: {n['delivered']} of {n['expected']}, delay p50 "
            f"{n['p50_ms'] / 1e3:.0f} s, p99 {n['p99_ms'] / 1e3:.0f} s; the reminders were "
            f"still going out for {fanout['reminders_overlap']:.0%} of the people's time"
        )
