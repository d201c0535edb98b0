"""``galleryk app``: a seeded sandbox and the Voilà app (the notebook galleryk ships, app/app.ipynb), until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .jupyter import add_options, app_notebook, require, serve

NEEDS = ("voila", "anywidget", "ipykernel")
"""What the app needs beyond galleryk itself: the ``app`` extra."""


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "app",
        parents=[common],
        help="the galleryk app in the browser (Voila), with a seeded sandbox; needs pip install 'galleryk[app]'",
    )
    add_options(p, "the app", "a folder holding another app.ipynb (default: the app galleryk ships)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require("the app", NEEDS, "app")
    notebook = app_notebook(args.notebooks)
    here = Path.cwd()

    def argv(port: int, token: str) -> list[str]:
        # Voila serves one notebook and runs no other code; it listens on loopback only
        return [
            sys.executable,
            "-m",
            "voila",
            str(notebook),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--ServerApp.port_retries=0",
        ]

    return serve(
        "app",
        argv,
        lambda port, token: f"http://127.0.0.1:{port}/",
        data=args.data,
        port=args.port,
        stock=not args.cpgapi,
        cwd=here,
        env={"GALLERYK_APP_FOLDER": str(here)},  # a folder typed in the app without a full path starts here
    )
