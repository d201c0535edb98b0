"""Fixtures of the Coppermine suites: the real gallery once per session, and one fixture over every server.

``cpg_server`` is parametrized over ``sandbox`` (a fresh seeded sandbox per test), ``real``
(the unmodified 1.6.26 gallery, started once per session) and ``live`` (a gallery named by
``GALLERYK_LIVE_CPG_*``, only when those are set). Without the tarball, PHP or MariaDB the real
server's tests skip with one line saying how to run them, or fail when
``GALLERYK_REQUIRE_REAL_COPPERMINE=1`` (as in CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from support import real_coppermine as rc
from support.cpg_servers import CpgServer, LiveServer, RealServer, SandboxServer, live_configured, seed_real


def _unavailable() -> str | None:
    lack = rc.missing()
    return None if lack is None else f"real Coppermine 1.6.26 not available (no {lack}): {rc.HOW_TO_RUN}"


@pytest.fixture(scope="session")
def real_coppermine() -> Iterator[RealServer]:
    """The real 1.6.26 gallery, installed and seeded once for the whole test session, stopped at its end."""
    why = _unavailable()
    if why is not None:
        if os.environ.get(rc.REQUIRE_VAR) == "1":
            pytest.fail(f"{why} ({rc.REQUIRE_VAR}=1)")
        pytest.skip(why)
    real = rc.RealCoppermine().start()
    try:
        yield seed_real(real)
    finally:
        real.stop()


SERVERS = ["sandbox", "real"] + (["live"] if live_configured() else [])


@pytest.fixture(params=SERVERS)
def cpg_server(request) -> CpgServer:
    """The same test against the sandbox, the real 1.6.26 gallery and (when configured) a live one."""
    if request.param == "sandbox":
        return SandboxServer(request.getfixturevalue("sandbox"))
    if request.param == "real":
        return request.getfixturevalue("real_coppermine")
    return LiveServer()
