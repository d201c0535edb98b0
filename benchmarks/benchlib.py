"""What every benchmark script here shares: interleaved rounds, ratios with their spread, peak memory, reports.

A figure is never one run. Each contestant runs once per round, the order rotating from round
to round so that drift (another process waking up, caches filling) hits all alike; a ratio
is taken within each round (contestant / baseline of the same round), and the report gives
the median of those ratios with their min and max.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RESULTS = Path(os.environ.get("GALLERYK_BENCH_RESULTS") or Path(__file__).resolve().parent / "results")
"""Where reports go: ``benchmarks/results/`` (not committed), or ``$GALLERYK_BENCH_RESULTS``."""


def interleaved(
    contestants: dict[str, Callable[[], Any]],
    rounds: int,
    *,
    before: Callable[[], Any] | None = None,
    warmup: bool = True,
    cpu: dict[str, list[float]] | None = None,
) -> dict[str, list[float]]:
    """Wall seconds of each contestant in each of ``rounds`` rounds, the order rotating every round.

    ``before`` runs (untimed) before every timed run, e.g. to drop the page cache. With
    ``warmup`` every contestant runs once untimed first. ``cpu``, when given, is filled with
    this process's CPU seconds (all threads) per run: steadier than wall time when other
    processes share the machine, though blind to waiting.
    """
    names = list(contestants)
    if warmup:
        for name in names:
            if before is not None:
                before()
            contestants[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(rounds):
        order = names[i % len(names) :] + names[: i % len(names)]
        if i % 2:
            order.reverse()
        for name in order:
            if before is not None:
                before()
            start, start_cpu = time.perf_counter(), time.process_time()
            contestants[name]()
            times[name].append(time.perf_counter() - start)
            if cpu is not None:
                cpu.setdefault(name, []).append(time.process_time() - start_cpu)
    return times


def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max of some measurements."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def ratio(times: dict[str, list[float]], contestant: str, baseline: str) -> dict[str, Any]:
    """Per-round ratios contestant / baseline: median, min, max, plus both sides' median seconds."""
    per_round = [a / b for a, b in zip(times[contestant], times[baseline])]
    return {
        **spread(per_round),
        "rounds": len(per_round),
        "contestant": contestant,
        "baseline": baseline,
        "contestant_s": spread(times[contestant]),
        "baseline_s": spread(times[baseline]),
    }


def show_ratio(r: dict[str, Any], goal: str = "") -> str:
    """``1.04x (min 0.98x, max 1.10x)`` plus the goal and whether it is met, when given."""
    text = f"{r['median']:.2f}x (min {r['min']:.2f}x, max {r['max']:.2f}x, {r['rounds']} rounds)"
    return f"{text}  goal {goal}" if goal else text


def show_seconds(s: dict[str, float]) -> str:
    return f"{s['median']:.3f} s (min {s['min']:.3f}, max {s['max']:.3f})"


def goal_met(r: dict[str, Any], *, at_most: float | None = None, at_least: float | None = None) -> bool:
    """Whether the median ratio meets the goal."""
    if at_most is not None:
        return r["median"] <= at_most
    assert at_least is not None
    return r["median"] >= at_least


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def write_report(name: str, report: dict[str, Any], quick: bool = False) -> Path:
    """Write ``report`` (plus when and where) as JSON to ``benchmarks/results/<name>[-quick].json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}{'-quick' if quick else ''}.json"
    full = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(), **report}
    path.write_text(json.dumps(full, indent=2, default=str) + "\n")
    return path


def print_table(rows: list[tuple[str, str, str]]) -> None:
    """Rows of (what, measured, goal / note), aligned."""
    width = max(len(r[0]) for r in rows)
    for what, measured, note in rows:
        print(f"  {what:<{width}}  {measured}{'  ' + note if note else ''}")
    sys.stdout.flush()


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB (VmHWM; see :func:`reset_peak_rss`)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def rss_mb() -> float:
    """This process's resident memory now, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux ``clear_refs`` 5); False when the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True
