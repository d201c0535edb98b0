"""``galleryk app``: a seeded sandbox and the Voilà app (notebooks/app.ipynb), until Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from .jupyter import add_options, find_notebooks, serve


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("app", parents=[common], help="the galleryk app in the browser (Voila), with a seeded sandbox")
    add_options(p, "the app", "the folder holding app.ipynb")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    notebooks = find_notebooks(args.notebooks)

    def argv(port: int, token: str) -> list[str]:
        # Voila serves one notebook and runs no other code; it listens on loopback only
        return [
            sys.executable,
            "-m",
            "voila",
            str(notebooks / "app.ipynb"),
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
        notebooks=notebooks,
    )
