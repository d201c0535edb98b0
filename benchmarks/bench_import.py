"""Benchmark of ``import galleryk`` against ``import pandas`` alone, each in a fresh interpreter.

A notebook pays for ``import galleryk`` on every kernel start. Goal: at most 0.3 s more than
``import pandas`` (which galleryk needs anyway). Each round starts both, in turn, as new
processes (``python -c "import X"``, the interpreter's own start included on both sides) and
the difference of their wall times is taken within the round (and of their CPU times, which
other processes on the machine disturb less). Also shown: ``python -c pass``,
and what ``import galleryk`` leaves out (the sandbox and its web server, werkzeug, load on
first use of ``galleryk.sandbox``).

Usage: python benchmarks/bench_import.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import benchlib

PROBE = (
    "import sys, json, galleryk; print(json.dumps({m: m in sys.modules for m in "
    "('werkzeug', 'galleryk.sandbox', 'galleryk.widgets', 'ipywidgets', 'IPython')}))"
)


CPU: dict[str, list[float]] = {}


def started(code: str) -> float:
    """Wall seconds of a fresh ``python -c code``; its CPU seconds (user + system) go to ``CPU``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - begin
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(code, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="one round, no warm-up")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    contestants = {
        "import galleryk": lambda: started("import galleryk"),
        "import pandas": lambda: started("import pandas"),
        "python -c pass": lambda: started("pass"),
    }
    times = benchlib.interleaved(contestants, rounds, warmup=not args.quick)
    extra = [a - b for a, b in zip(times["import galleryk"], times["import pandas"])]
    extra_cpu = [a - b for a, b in zip(CPU["import galleryk"], CPU["import pandas"])]
    loaded: dict[str, Any] = json.loads(
        subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    )
    s, c = benchlib.spread(extra), benchlib.spread(extra_cpu)
    benchlib.print_table(
        [
            ("import galleryk", benchlib.show_seconds(benchlib.spread(times["import galleryk"])), ""),
            ("import pandas", benchlib.show_seconds(benchlib.spread(times["import pandas"])), ""),
            ("python -c pass", benchlib.show_seconds(benchlib.spread(times["python -c pass"])), ""),
            (
                "galleryk - pandas, per round",
                f"{s['median']:.3f} s (min {s['min']:.3f}, max {s['max']:.3f}, {rounds} rounds)",
                "goal <= 0.3 s: " + ("met" if s["median"] <= 0.3 else "NOT met"),
            ),
            (
                "the same in CPU time",
                f"{c['median']:.3f} s (min {c['min']:.3f}, max {c['max']:.3f})",
                f"load average {benchlib.machine()['load_avg'][0]:.1f}",
            ),
            ("loaded by import galleryk", ", ".join(f"{m}: {'yes' if v else 'no'}" for m, v in loaded.items()), ""),
        ]
    )
    path = benchlib.write_report(
        "bench_import",
        {
            "rounds": rounds,
            "galleryk_minus_pandas_s": s,
            "galleryk_minus_pandas_cpu_s": c,
            "seconds": {name: benchlib.spread(t) for name, t in times.items()},
            "loaded": loaded,
        },
        args.quick,
    )
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
