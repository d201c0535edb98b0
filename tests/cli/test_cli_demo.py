"""``galleryk demo``: the first impression, with names a user can follow and a next step at the end."""

from __future__ import annotations

import re
import tempfile

import pytest


@pytest.fixture(scope="module")
def demo_run() -> tuple[int, str]:
    """One run of the demo for the whole module (it takes a few seconds)."""
    import contextlib
    import io

    from galleryk.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["demo"])
    return code, out.getvalue() + err.getvalue()


def test_the_demo_succeeds(demo_run):
    code, text = demo_run
    assert code == 0, text


def test_the_demo_shows_no_temporary_paths(demo_run):
    _, text = demo_run
    assert "galleryk-demo-" not in text and tempfile.gettempdir() not in text


def test_the_demo_keeps_album_ids_and_titles_in_their_own_columns(demo_run):
    _, text = demo_run
    assert not re.search(r"\) \(\d+\)", text)  # no "Harbour walk (from Fotki) (8)" labels
    assert re.search(r"^\s*\d+\s+Summer mornings\s+3$", text, re.M)  # id, title, photos (3 of the 12 picked)
    assert re.search(r"^\s*\d+\s+Harbour walk \(from Fotki\)\s+User galleries / alice$", text, re.M)


def test_the_demo_ends_with_what_to_try_next(demo_run):
    _, text = demo_run
    tail = text[text.index("== Done") :]
    for step in ("galleryk sandbox --seed", "galleryk login fotki", "galleryk --help"):
        assert step in tail


@pytest.mark.timeout(900)
def test_make_demo_shows_only_galleryks_own_output(tmp_path):
    """``make demo`` on a fresh machine: pip's hundred lines go to a log, the terminal shows the demo."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GALLERYK_", "VIRTUAL_ENV"))}
    env["GALLERYK_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run(
        ["make", "--no-print-directory", "demo", f"VENV={tmp_path / 'venv'}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=800,
    )
    text = done.stdout + done.stderr
    assert done.returncode == 0, text
    lines = text.splitlines()
    assert lines[0].startswith("== Setting up") and "== Done" in text
    pip_words = ("Collecting", "Requirement already", "Successfully", "Installing", "Downloading", "WARNING", "pip")
    assert [line for line in lines if line.lstrip().startswith(pip_words)] == []
    assert (tmp_path / "venv" / "setup.log").is_file()  # where pip's output went
