"""Shared fixtures: a seeded sandbox per test, started from a copy of one seeded template.

The session also runs in a temporary directory of its own (``TMPDIR``, inherited by every
process the tests start), which must be empty when the session ends: anything left there is
a leak some code or test must clean up, and fails the run, naming what was left. galleryk's
cache folder (journals, locks, thumbnails, tokens) is a session folder too
(``GALLERYK_CACHE_DIR``), removed at the end: the suite never writes into the home folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import galleryk.sandbox as gks

SESSION_TEMP_PREFIX = "galleryk-tests-"
_SESSION_TEMP = pytest.StashKey[dict]()


# -- the session's private temp directory, which must end empty ---------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    root = tempfile.gettempdir()
    private = tempfile.mkdtemp(prefix=SESSION_TEMP_PREFIX, dir=root)
    cache = tempfile.mkdtemp(prefix="galleryk-test-cache-", dir=root)
    saved = {name: os.environ.get(name) for name in ("TMPDIR", "PYTEST_DEBUG_TEMPROOT", "GALLERYK_CACHE_DIR")}
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", root)  # pytest's tmp_path folders stay where they always were
    os.environ["TMPDIR"] = private  # for the subprocesses: CLIs, servers, notebook kernels
    os.environ["GALLERYK_CACHE_DIR"] = cache
    tempfile.tempdir = private
    config.stash[_SESSION_TEMP] = {
        "dir": Path(private),
        "before": set(os.listdir(private)),
        "saved": saved,
        "cache": cache,
        "left": [],
        "seen": {},
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Note the first test after which each entry of the temp directory appeared, to name a leak's source."""
    yield
    state = item.config.stash.get(_SESSION_TEMP, None)
    if state is not None and state["dir"].exists():
        for name in os.listdir(state["dir"]):
            state["seen"].setdefault(name, item.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_SESSION_TEMP, None)
    if state is None or not state["dir"].exists():
        return
    private: Path = state["dir"]
    state["left"] = sorted(set(os.listdir(private)) - state["before"])
    shutil.rmtree(private, ignore_errors=True)
    shutil.rmtree(state["cache"], ignore_errors=True)
    tempfile.tempdir = None
    for name, value in state["saved"].items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if state["left"] and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_SESSION_TEMP, None)
    if state and state["left"]:
        terminalreporter.section("left behind in the temp directory", red=True, bold=True)
        terminalreporter.write_line(
            f"the test session left {len(state['left'])} entries in its temp directory "
            f"{state['dir']} (now removed): each is a leak to fix at its source"
        )
        for name in state["left"]:
            after = state["seen"].get(name)
            terminalreporter.write_line(f"  {name}" + (f"  (first seen after {after})" if after else ""), red=True)


# -- sandboxes ------------------------------------------------------------------------------------------
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


# -- Coppermine: the real galleries (each once per session) and the fixture over every server --------
from support.cpg_fixtures import cpg_server, cpg_server_16, real_coppermine, real_gallery, real_servers  # noqa: E402,F401
