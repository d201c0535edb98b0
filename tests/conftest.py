"""Shared fixtures: a seeded sandbox per test, started from a copy of one seeded template."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import galleryk.sandbox as gks


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder seeded once per test session; tests get copies of it."""
    root = tmp_path_factory.mktemp("sandbox-template") / "data"
    gks.start(root, seed=True).stop()
    return root


@pytest.fixture
def sandbox_data(seeded_template: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded data folder."""
    target = tmp_path / "sandbox-data"
    shutil.copytree(seeded_template, target)
    return target


@pytest.fixture
def sandbox(sandbox_data: Path) -> Iterator[gks.Sandbox]:
    """A running, seeded sandbox on 127.0.0.1 with its own data; stopped after the test."""
    sb = gks.start(sandbox_data, seed=True, port=0)
    try:
        yield sb
    finally:
        sb.stop()


# -- Coppermine: the real 1.6.26 gallery (once per session) and the fixture over every server -------
from support.cpg_fixtures import cpg_server, real_coppermine  # noqa: E402,F401
