"""Fixtures of the Coppermine suites: the real galleries once per session, and one fixture over every server.

``cpg_server`` is parametrized over ``sandbox`` (a fresh seeded sandbox per test), ``real``
(the unmodified 1.6.26 gallery, started once per session) and ``live`` (a gallery named by
``GALLERYK_LIVE_CPG_*``, only when those are set). ``real_gallery`` starts the real gallery of
any version and language (1.4.27 to 1.7.02), each once per session. Without a tarball, PHP or
MariaDB the real servers' tests skip with one line saying how to run them, or fail when
``GALLERYK_REQUIRE_REAL_COPPERMINE=1`` (as in CI).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from support import real_coppermine as rc
from support.cpg_servers import CpgServer, LiveServer, RealServer, SandboxServer, live_configured, seed_real


def _unavailable(version: str = "1.6.26") -> str | None:
    lack = rc.missing(version)
    return None if lack is None else f"real Coppermine {version} not available (no {lack}): {rc.HOW_TO_RUN}"


def _need(version: str) -> None:
    """Skip (or fail, when the real galleries are required) unless ``version`` can run here."""
    why = _unavailable(version)
    if why is not None:
        if os.environ.get(rc.REQUIRE_VAR) == "1":
            pytest.fail(f"{why} ({rc.REQUIRE_VAR}=1)")
        pytest.skip(why)


@pytest.fixture(scope="session")
def real_coppermine() -> Iterator[RealServer]:
    """The real 1.6.26 gallery, installed and seeded once for the whole test session, stopped at its end."""
    _need("1.6.26")
    real = rc.RealCoppermine().start()
    try:
        yield seed_real(real)
    finally:
        real.stop()


@pytest.fixture(scope="session")
def real_gallery() -> Iterator[Callable[..., rc.RealCoppermine]]:
    """``real_gallery(version, lang="english")``: that real gallery, installed but empty, started on first use
    and shared by the rest of the session (tests make their own users and albums), stopped at its end."""
    started: dict[tuple[str, str], rc.RealCoppermine] = {}

    def gallery(version: str = "1.6.26", lang: str = "english") -> rc.RealCoppermine:
        if (version, lang) not in started:
            _need(version)
            started[version, lang] = rc.gallery_class(version)(lang=lang).start()
        return started[version, lang]

    try:
        yield gallery
    finally:
        for running in started.values():
            running.stop()


SERVERS = ["sandbox", "real"] + (["live"] if live_configured() else [])


@pytest.fixture(params=SERVERS)
def cpg_server(request) -> CpgServer:
    """The same test against the sandbox, the real 1.6.26 gallery and (when configured) a live one."""
    if request.param == "sandbox":
        return SandboxServer(request.getfixturevalue("sandbox"))
    if request.param == "real":
        return request.getfixturevalue("real_coppermine")
    return LiveServer()
