"""Fixtures for the ``galleryk`` command: credentials for a sandbox in the environment, and ways to run it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import galleryk.sandbox as gks
from galleryk.access import sandbox_fotki
from galleryk.cli import main
from galleryk.sandbox import sample_photos


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _clear_galleryk_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("GALLERYK_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def app_env(sandbox: gks.Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """The sandbox application's key and secret and both services' addresses in the environment; no token."""
    _clear_galleryk_env(monkeypatch)
    env = {
        "GALLERYK_FOTKI_API_KEY": sandbox.api_key,
        "GALLERYK_FOTKI_SECRET": sandbox.secret,
        "GALLERYK_FOTKI_API_URL": sandbox.fotki_api_url,
        "GALLERYK_FOTKI_AUTH_URL": sandbox.fotki_auth_url,
        "GALLERYK_COPPERMINE_URL": sandbox.coppermine_url,
        "GALLERYK_COPPERMINE_USER": "alice",
        "GALLERYK_COPPERMINE_PASSWORD": sandbox.users["alice"],
        "GALLERYK_CACHE_DIR": str(tmp_path / "cache"),
        "GALLERYK_CONFIG": str(tmp_path / "no-such-config.ini"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def cli_env(app_env: dict[str, str], sandbox: gks.Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """As app_env, plus a Fotki token of Alice's (as after ``galleryk login fotki``)."""
    token = sandbox_fotki(sandbox, "alice").check_token()
    monkeypatch.setenv("GALLERYK_FOTKI_TOKEN", token.token)
    return {**app_env, "GALLERYK_FOTKI_TOKEN": token.token}


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run one ``galleryk`` command in this process: its exit status, stdout and stderr."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's usage errors, --help and --version end this way
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def process():
    """Run ``galleryk`` as its own process, with pipes for stdin, stdout and stderr (no terminal anywhere)."""
    return run_process


def command() -> list[str]:
    """The installed ``galleryk`` script of this environment, as a subprocess would start it."""
    script = Path(sys.executable).with_name("galleryk")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "galleryk.cli"]


def run_process(
    *argv: str, env: dict[str, str] | None = None, stdin: int | None = subprocess.DEVNULL, timeout: float = 120
) -> Result:
    """Run ``galleryk`` as its own process with pipes for stdin, stdout and stderr (no terminal anywhere)."""
    done = subprocess.run(
        [*command(), *argv],
        env={**os.environ, **(env or {})},
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def good_folder(tmp_path: Path) -> Path:
    """Three readable generated JPEGs."""
    folder = sample_photos(tmp_path / "photos", 3, broken=True)
    (folder / "notes_not_a_photo.jpg").unlink()
    return folder


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """Two readable generated JPEGs and notes_not_a_photo.jpg, a text file."""
    return sample_photos(tmp_path / "mixed", 2, broken=True)
