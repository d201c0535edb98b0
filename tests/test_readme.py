"""README's code, run as a reader would: every ```python and ```bash block, verbatim, in a fresh folder.

A block that cannot run here (it needs a real account, your own photos, PyPI, or runs until
Ctrl-C) says so in the README itself, on the line before it:
``<!-- not run by tests/test_readme.py: the reason -->``; it is reported as skipped with that reason.
Each block runs in a new process, in an empty folder of its own, with none of the galleryk
command's settings in the environment (so it meets the sandbox, as a first-time reader does) and
``galleryk`` on the PATH.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SKIP = re.compile(r"<!-- not run by tests/test_readme\.py: (?P<why>.+?) -->")
FENCE = re.compile(r"^```(?P<lang>python|bash)\n(?P<code>.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Block:
    line: int
    lang: str
    code: str
    skip: str | None


def blocks(text: str) -> list[Block]:
    """README's python and bash blocks, each with the reason it is not run (None: it runs)."""
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = SKIP.fullmatch(before.strip())
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(line, match["lang"], match["code"], marker["why"] if marker else None))
    return found


BLOCKS = blocks(README.read_text(encoding="utf-8"))


def test_most_blocks_run_and_each_one_left_out_says_why():
    assert len([b for b in BLOCKS if b.skip is None]) >= 3
    assert all(b.skip and len(b.skip) > 10 for b in BLOCKS if b.skip is not None)
    assert "<!-- not run" not in SKIP.sub("", README.read_text(encoding="utf-8"))  # no marker misspelt


@pytest.mark.timeout(300)
@pytest.mark.parametrize("block", BLOCKS, ids=[f"line {b.line} ({b.lang})" for b in BLOCKS])
def test_readme_block_runs_verbatim_in_a_fresh_folder(block: Block, tmp_path: Path):
    if block.skip is not None:
        pytest.skip(block.skip)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_")}
    env["GALLERYK_CACHE_DIR"] = str(tmp_path / ".cache")  # never the home folder
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # galleryk, python
    folder = tmp_path / "fresh"
    folder.mkdir()
    if block.lang == "python":
        (folder / "readme_block.py").write_text(block.code, encoding="utf-8")
        argv = [sys.executable, "readme_block.py"]
    else:
        argv = ["bash", "-e", "-c", block.code]
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, (
        f"README line {block.line}:\n{block.code}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    assert "Traceback" not in done.stderr
