"""``galleryk app``: a seeded sandbox and the Voilà app (notebooks/app.ipynb), until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._jupyter import find_notebooks, serve
from . import argtypes


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("app", parents=[common], help="the galleryk app in the browser (Voila), with a seeded sandbox")
    p.add_argument("--port", type=argtypes.port, default=0, metavar="N", help="the app's port on 127.0.0.1 (default: a free one)")
    p.add_argument("--data", type=Path, help="keep the sandbox's data in this folder (default: a temporary one)")
    p.add_argument("--cpgapi", action="store_true", help="give the sandbox gallery the cpgAPI add-on (default: stock)")
    p.add_argument("--notebooks", type=Path, help="the folder holding app.ipynb (default: ./notebooks)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    notebooks = find_notebooks(args.notebooks)

    def argv(port: int, token: str) -> list[str]:
        # Voila serves one notebook and runs no other code; it listens on loopback only
        return [sys.executable, "-m", "voila", str(notebooks / "app.ipynb"), "--no-browser", f"--port={port}",
                "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0"]

    return serve("app", argv, lambda port, token: f"http://127.0.0.1:{port}/", data=args.data, port=args.port,
                 stock=not args.cpgapi, notebooks=notebooks)
