"""`make bench`: measure the bot against a bare PTB echo bot and against Telegram's limits.

Two parts. In process (`bench.scenarios`): the application on the fake transport and
a fake clock, which measures the CPU of an update alone (a fake clock turns the
outbox's limits off, `bot.limits`). Over HTTP (`bench.over_http`): the real
`werkervaring-bot run` process, with the real clock and Telegram's limits, beside a
bare PTB bot, against a Bot API server in another process; this is what a person waits for.

Each scenario runs in a fresh process, so peak memory belongs to one scenario.
The machines are shared and noisy, so throughput is measured in rounds that
alternate the echo bot and the full conversations (and the two database sizes),
and each figure is the median of its rounds: the ratios compare runs made side
by side. Results: a table on stdout and bench/results.json.

For iterating: `python -m bench --http-only --rounds 1 --fanout 1000` (a few minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import over_http
from bench.scenarios import BUTTONS, BUTTONS_ONCE, ECHO

RESULTS = Path(__file__).with_name("results.json")
# The in-process figures of the table, in its order.
IN_PROCESS_FIGURES = (
    "conversation_updates_per_s",
    "echo_updates_per_s",
    "ratio",
    "p50_ms",
    "p99_ms",
    "per_update_ms_1k",
    "per_update_ms_100k",
    "reminder_compute_s",
    "fanout_rate_per_s",
    "fanout_retry_after",
    "peak_rss_mb",
    "bare_presses_updates_per_s",
    "bare_presses_once_updates_per_s",
)


def run_scenario(name: str, *args: object) -> dict[str, float]:
    """Run one scenario in a child process and return its figures."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.scenarios", name, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"benchmark scenario {name} failed")
    figures: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def median_run(runs: list[dict[str, float]], key: str) -> dict[str, float]:
    """The run whose `key` is the median (so its other figures belong to the same run)."""
    ordered = sorted(runs, key=lambda r: r[key])
    return ordered[(len(ordered) - 1) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--clients", type=int, default=300, help="clients reporting sick")
    parser.add_argument("--rounds", type=int, default=5, help="alternating throughput rounds")
    parser.add_argument("--scale", type=int, default=100_000, help="past internships (large)")
    parser.add_argument("--fanout", type=int, default=10_000, help="internships due at once")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--http-only", action="store_true", help="only the real process over HTTP")
    only.add_argument(
        "--in-process-only", action="store_true", help="only the in-process scenarios"
    )
    args = parser.parse_args()

    results: dict[str, Any] = {}
    if not args.http_only:
        results.update(in_process(args))
    if not args.in_process_only:
        # Kept when a run fails: the bots' and the server's logs are in it.
        folder = Path(tempfile.mkdtemp(prefix="werkervaring-bench-"))
        results["http"] = over_http.run(args.rounds, args.fanout, folder)
        shutil.rmtree(folder, ignore_errors=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")

    print()
    print(f"werkervaring-bot benchmarks ({machine()})")
    if not args.http_only:
        print_in_process(results)
    if "http" in results:
        over_http.print_table(results["http"])
    print(f"written to {RESULTS}")


def in_process(args: argparse.Namespace) -> dict[str, Any]:
    """The in-process scenarios on the fake transport (see the module's docstring)."""
    echoes, buttons, floors, conversations, small, large = [], [], [], [], [], []
    for n in range(args.rounds):
        print(f"round {n + 1}/{args.rounds}: echo, conversations, 1k and {args.scale} past")
        echoes.append(run_scenario("echo", args.clients * 6, ECHO))
        buttons.append(run_scenario("echo", args.clients * 6, BUTTONS))
        floors.append(run_scenario("echo", args.clients * 6, BUTTONS_ONCE))
        conversations.append(run_scenario("conversation", args.clients, 0))
        small.append(run_scenario("conversation", args.clients, 1000))
        large.append(run_scenario("conversation", args.clients, args.scale))
    print(f"fan-out: {args.fanout} evaluation reminders")
    fanout = run_scenario("fanout", args.fanout)
    print("memory: 10000 active internships, 1000 conversations in progress")
    memory = run_scenario("memory", 10_000, 1000)

    echo = median_run(echoes, "updates_per_s")
    conversation = median_run(conversations, "updates_per_s")
    return {
        "conversation_updates_per_s": conversation["updates_per_s"],
        "echo_updates_per_s": echo["updates_per_s"],
        "ratio": conversation["updates_per_s"] / echo["updates_per_s"],
        "p50_ms": conversation["p50_ms"],
        "p99_ms": conversation["p99_ms"],
        "per_update_ms_1k": median_run(small, "mean_ms")["mean_ms"],
        "per_update_ms_100k": median_run(large, "mean_ms")["mean_ms"],
        "reminder_compute_s": fanout["compute_s"],
        "fanout_rate_per_s": fanout["rate_per_s"],
        "fanout_retry_after": fanout["retry_after"],
        "peak_rss_mb": memory["peak_rss_mb"],
        # Beyond the keys: the bare bot answering presses as the flows do, without
        # and with the exactly-once transaction per update (see "What limits it").
        "bare_presses_updates_per_s": median_run(buttons, "updates_per_s")["updates_per_s"],
        "bare_presses_once_updates_per_s": median_run(floors, "updates_per_s")["updates_per_s"],
        # For the table below.
        "api_calls_per_update": conversation["api_calls_per_update"],
        "fanout_delivered": fanout["delivered"],
        "fanout_deliver_s": fanout["deliver_s"],
        "scale": args.scale,
    }


def print_in_process(results: dict[str, Any]) -> None:
    print(f"{'in process, on the fake transport':<36}{'value':>12}  goal")
    goals = {
        "ratio": ">= 0.60",
        "p99_ms": "< 25",
        "fanout_rate_per_s": ">= 28.5 (95% of 30)",
        "fanout_retry_after": "0",
        "peak_rss_mb": "< 200",
    }
    for key in IN_PROCESS_FIGURES:
        print(f"{key:<36}{results[key]:>12.3f}  {goals.get(key, '')}")
    growth = results["per_update_ms_100k"] / results["per_update_ms_1k"]
    calls = results["api_calls_per_update"]
    print(f"scale: per-update cost at {results['scale']} / at 1k past internships = {growth:.2f}")
    echo_rate = results["echo_updates_per_s"]
    print(f"Bot API calls per update: {calls:.2f} (the echo bot: 1). Share of the echo bot:")
    for label, key in (
        ("bare PTB answering presses (3 calls)", "bare_presses_updates_per_s"),
        ("  + each update in a transaction", "bare_presses_once_updates_per_s"),
        ("the bot", "conversation_updates_per_s"),
    ):
        print(f"  {label:<38}{results[key]:>8.0f} updates/s  {results[key] / echo_rate:.3f}")
    print(
        f"fan-out: {results['fanout_delivered']:.0f} messages in "
        f"{results['fanout_deliver_s']:.1f} s, "
        f"{results['fanout_rate_per_s'] / 30:.1%} of Telegram's 30 messages/s"
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
