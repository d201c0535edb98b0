"""Fixtures of the Coppermine suites: the real galleries once per session, and one fixture over every server.

``cpg_server`` is parametrized over ``sandbox`` (a fresh seeded sandbox per test), the four real
releases ``1.4.27``, ``1.5.21``, ``1.6.26`` and ``1.7.02`` (each installed by its own installer and
seeded once per session, on first use, and stopped at its end) and ``live`` (a gallery named by
``GALLERYK_LIVE_CPG_*``, only when those are set). ``real_servers(version, lang)`` gives the seeded
real gallery of any version and language (German and French 1.6.26 for the language tests);
``real_coppermine`` is the English 1.6.26 one, and ``real_gallery`` the same galleries as the
installer left them plus the suite's users (tests there make their own). Without a tarball, PHP or
MariaDB the real servers' tests skip with one line saying how to run them, or fail when
``GALLERYK_REQUIRE_REAL_COPPERMINE=1`` (as in CI).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from support import real_coppermine as rc
from support.cpg_servers import CpgServer, LiveServer, RealServer, SandboxServer, live_configured, seed_real

VERSIONS = ("1.4.27", "1.5.21", "1.6.26", "1.7.02")
"""The real releases every web-mode test of the client and of pushes runs on."""


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
def real_servers() -> Iterator[Callable[..., RealServer]]:
    """``real_servers(version="1.6.26", lang="english")``: that real gallery, installed and seeded on first use and
    shared by the rest of the session (tests make their own albums), stopped at its end."""
    started: dict[tuple[str, str], RealServer] = {}

    def server(version: str = "1.6.26", lang: str = "english") -> RealServer:
        if (version, lang) not in started:
            _need(version)
            real = rc.gallery_class(version)(lang=lang).start()
            try:
                started[version, lang] = seed_real(real)
            except BaseException:
                real.stop()
                raise
        return started[version, lang]

    try:
        yield server
    finally:
        for running in started.values():
            running.real.stop()


@pytest.fixture(scope="session")
def real_coppermine(real_servers) -> RealServer:
    """The real English 1.6.26 gallery, installed and seeded once for the whole test session."""
    return real_servers("1.6.26")


@pytest.fixture(scope="session")
def real_gallery(real_servers) -> Callable[..., rc.RealCoppermine]:
    """``real_gallery(version, lang="english")``: the session's real gallery of that version and language (the
    seeded one: tests make their own users and albums)."""
    return lambda version="1.6.26", lang="english": real_servers(version, lang).real


LIVE = ["live"] if live_configured() else []
SERVERS = ["sandbox", *VERSIONS, *LIVE]


def server_for(request) -> CpgServer:
    """The server a parametrized fixture's ``request.param`` names."""
    if request.param == "sandbox":
        return SandboxServer(request.getfixturevalue("sandbox"))
    if request.param == "live":
        return LiveServer()
    return request.getfixturevalue("real_servers")(request.param)


@pytest.fixture(params=SERVERS)
def cpg_server(request) -> CpgServer:
    """The same test against the sandbox, each real release and (when configured) a live gallery."""
    return server_for(request)


@pytest.fixture(params=["sandbox", "1.6.26", *LIVE])
def cpg_server_16(request) -> CpgServer:
    """The sandbox and the real 1.6.26 it imitates: for what the sandbox must draw as 1.6.26 does."""
    return server_for(request)
