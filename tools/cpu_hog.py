"""Run a command while every core is kept busy by another process, as on a loaded CI machine.

    python tools/cpu_hog.py -- make test

One busy-looping process per core, at the same priority as the command, started before it
and stopped after it; the exit status is the command's.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys


def _spin() -> None:
    while True:
        pass


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: python tools/cpu_hog.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    hogs = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(os.cpu_count() or 2)]
    for hog in hogs:
        hog.start()
    print(f"cpu_hog: {len(hogs)} busy processes beside: {' '.join(command)}", flush=True)
    try:
        return subprocess.call(command)
    finally:
        for hog in hogs:
            hog.terminate()
        for hog in hogs:
            hog.join()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
