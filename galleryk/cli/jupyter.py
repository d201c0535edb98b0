"""Run a seeded sandbox and a Jupyter server (JupyterLab or Voilà) together until Ctrl-C.

The sandbox's settings go to a config file (mode 600) named by ``GALLERYK_CONFIG`` in the
server's environment, so its notebooks, kernels and terminals all use that sandbox. The server
runs in a session of its own: Ctrl-C reaches this command only, which stops the server, then
the sandbox, then removes the temporary data folder. What a server needs beyond galleryk itself
comes with an extra (``pip install 'galleryk[app]'``); without it the command says that one line.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .. import sandbox as sandbox_mod
from ..base.errors import GallerykError
from ..base.settings import FIELDS, SERVICES, env_name, write_config
from ..sandbox.scratch import ScratchFolder
from . import argtypes
from .errors import UsageError

READY_SECONDS = 120


class ServeError(GallerykError):
    """The Jupyter server could not be started; the message says why."""


def add_options(p: argparse.ArgumentParser, server: str, notebooks: str) -> None:
    """The options ``galleryk lab`` and ``galleryk app`` share: port, sandbox data, cpgAPI, notebooks folder."""
    p.add_argument(
        "--port", type=argtypes.port, default=0, metavar="N", help=f"{server}'s port on 127.0.0.1 (default: a free one)"
    )
    p.add_argument("--data", type=Path, help="keep the sandbox's data in this folder (default: a temporary one)")
    p.add_argument("--cpgapi", action="store_true", help="give the sandbox gallery the cpgAPI add-on (default: stock)")
    p.add_argument("--notebooks", type=Path, metavar="FOLDER", help=notebooks)


def require(what: str, modules: tuple[str, ...], extra: str) -> None:
    """Stop with the one pip line that installs what ``what`` (the app, ...) needs, when any of ``modules`` is missing."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        names = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
        raise UsageError(
            f"{what} needs {names}, which {'is' if len(missing) == 1 else 'are'} not installed. "
            f"Install {'it' if len(missing) == 1 else 'them'} with: pip install 'galleryk[{extra}]'"
        )


def find_notebooks(given: Path | None, first: str = "00-quickstart.ipynb") -> Path:
    """The worked notebooks: ``given``, else ./notebooks, else the folder beside the package (in a clone)."""
    candidates = (
        [given] if given is not None else [Path.cwd() / "notebooks", Path(__file__).resolve().parents[2] / "notebooks"]
    )
    for folder in candidates:
        if folder is not None and (folder / first).is_file():
            return folder.resolve()
    if given is not None:
        raise UsageError(f"no galleryk notebooks in {given} ({first} is not there)")
    raise UsageError(
        "this command opens the worked notebooks of a clone of galleryk, and there are none in ./notebooks. "
        "Get them with: git clone https://github.com/galleryk/galleryk && cd galleryk && make lab "
        "(or pass --notebooks FOLDER). The app needs no clone: galleryk app"
    )


def app_notebook(given: Path | None = None) -> Path:
    """The app's notebook: ``given`` (a folder holding app.ipynb, or the file), else the one galleryk ships."""
    if given is None:
        return Path(__file__).resolve().parents[1] / "app" / "app.ipynb"  # package data, read as a file
    path = given / "app.ipynb" if given.is_dir() else given
    if not path.is_file():
        raise UsageError(f"no app notebook at {path}")
    return path.resolve()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def write_sandbox_config(sb: sandbox_mod.Sandbox, path: Path, user: str = "alice") -> Path:
    """The config file that points galleryk (notebooks, CLI) at ``sb``; mode 600."""
    return write_config(
        path,
        {
            "fotki": {
                "api_key": sb.api_key,
                "secret": sb.secret,
                "api_url": sb.fotki_api_url,
                "auth_url": sb.fotki_auth_url,
            },
            "coppermine": {"url": sb.coppermine_url, "username": user, "password": sb.users[user]},
        },
    )


def child_env(config: Path) -> dict[str, str]:
    """This environment with ``GALLERYK_CONFIG`` set and no other service setting (they would win over the file)."""
    env = {k: v for k, v in os.environ.items() if k not in {env_name(s, f) for s in SERVICES for f in FIELDS[s]}}
    env["GALLERYK_CONFIG"] = str(config)
    return env


def serve(
    name: str,
    argv_for: Callable[[int, str], list[str]],
    url_for: Callable[[int, str], str],
    *,
    data: Path | None,
    port: int,
    stock: bool,
    cwd: Path,
    env: dict[str, str] | None = None,
    say: Callable[[str], None] = print,
) -> int:
    """Start the sandbox and ``argv_for(port, token)`` in ``cwd`` (with ``env`` added to its environment);
    print where to go; stop both on Ctrl-C or SIGTERM."""
    temporary = data is None
    scratch = ScratchFolder("galleryk-sandbox-") if temporary else None  # gone even if this command is killed
    folder = scratch.path if scratch is not None else Path(str(data)).expanduser().resolve()
    sb = sandbox_mod.start(folder, seed=True, settings=sandbox_mod.SandboxSettings(coppermine_api=not stock))
    proc: subprocess.Popen | None = None
    stop = {"now": False}
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        config = write_sandbox_config(sb, folder / "galleryk.ini")
        port = port or free_port()
        token = secrets.token_hex(16)
        log = open(folder / f"{name}.log", "wb")  # noqa: SIM115 (closed below)
        say(f"galleryk {name}: sandbox running at {sb.url}; starting {name} on 127.0.0.1:{port}…")
        proc = subprocess.Popen(
            argv_for(port, token),
            cwd=cwd,
            env={**child_env(config), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )
        _wait_ready(proc, port, folder / f"{name}.log", stop)
        say(f"galleryk {name}: open {url_for(port, token)}")
        say(f"  notebooks and terminals there use this sandbox: GALLERYK_CONFIG={config}")
        say("  demo users: " + ", ".join(sb.users))
        say("Press Ctrl-C to stop.")
        sys.stdout.flush()
        while not stop["now"] and proc.poll() is None:
            time.sleep(0.3)
        if proc.poll() is not None and not stop["now"]:
            raise ServeError(f"{name} stopped by itself (exit {proc.returncode}); see {folder / (name + '.log')}")
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        sb.stop()
        if scratch:
            scratch.remove()
        say(f"galleryk {name}: {name} and sandbox stopped")


def die_with_parent() -> None:
    """In a child (Linux ``preexec_fn``): SIGTERM when its parent dies without its cleanup (SIGKILL), so no server lingers."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _wait_ready(proc: subprocess.Popen, port: int, log: Path, stop: dict) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and not stop["now"]:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise ServeError(f"the server exited with {proc.returncode} before it listened:\n{tail}")
        if listening(port):
            return
        time.sleep(0.2)
    if not stop["now"]:
        raise ServeError(f"the server did not listen on 127.0.0.1:{port} within {READY_SECONDS} s; see {log}")
