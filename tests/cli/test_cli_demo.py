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
