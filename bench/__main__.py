"""`make bench`: measure the bot against a bare PTB echo bot and against Telegram's limits.

Each scenario runs in a fresh process, so peak memory belongs to one scenario.
Figures are ratios measured side by side in one run, because these machines are
shared and noisy. Results: a table on stdout and bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")


def run_scenario(name: str, *args: str) -> dict[str, float]:
    """Run one scenario in a child process and return its figures."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.scenarios", name, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"benchmark scenario {name} failed")
    figures: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--clients", type=int, default=300, help="simulated clients")
    parser.add_argument("--fanout", type=int, default=10_000, help="internships due at once")
    parser.add_argument("--scale", type=int, default=100_000, help="past internships (large)")
    args = parser.parse_args()

    echo = run_scenario("echo", str(args.clients * 6))
    conversation = run_scenario("conversation", str(args.clients), "0")
    small = run_scenario("conversation", str(args.clients), "1000")
    large = run_scenario("conversation", str(args.clients), str(args.scale))
    fanout = run_scenario("fanout", str(args.fanout))
    memory = run_scenario("memory", "10000", "1000")

    results = {
        "conversation_updates_per_s": conversation["updates_per_s"],
        "echo_updates_per_s": echo["updates_per_s"],
        "ratio": conversation["updates_per_s"] / echo["updates_per_s"],
        "p50_ms": conversation["p50_ms"],
        "p99_ms": conversation["p99_ms"],
        "per_update_ms_1k": small["mean_ms"],
        "per_update_ms_100k": large["mean_ms"],
        "reminder_compute_s": fanout["compute_s"],
        "fanout_rate_per_s": fanout["rate_per_s"],
        "fanout_retry_after": fanout["retry_after"],
        "peak_rss_mb": memory["peak_rss_mb"],
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    machine = f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}"
    print(f"werkervaring-bot benchmarks ({machine})")
    print(f"{'figure':<28}{'value':>14}")
    for key, value in results.items():
        print(f"{key:<28}{value:>14.3f}")
    growth = results["per_update_ms_100k"] / results["per_update_ms_1k"]
    print(f"scale: per-update cost at 100k / at 1k past internships = {growth:.2f}")
    print(f"fan-out: {results['fanout_rate_per_s'] / 30:.1%} of Telegram's 30 messages/s")
    print(f"written to {RESULTS}")


def _cores() -> int:
    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
