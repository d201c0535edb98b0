"""``galleryk lab``: a seeded sandbox and JupyterLab on the worked notebooks, until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import sys

from .jupyter import add_options, find_notebooks, require, serve

NEEDS = ("jupyterlab", "anywidget", "ipykernel", "matplotlib")
"""What the worked notebooks and JupyterLab need beyond galleryk itself: the ``notebooks`` extra."""


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "lab",
        parents=[common],
        help="JupyterLab on the worked notebooks of a clone, with a seeded sandbox they use; "
        "needs pip install 'galleryk[notebooks]'",
    )
    add_options(p, "JupyterLab", "the notebooks folder (default: ./notebooks, in a clone of galleryk)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    notebooks = find_notebooks(args.notebooks)
    require("JupyterLab with the worked notebooks", NEEDS, "notebooks")

    def argv(port: int, token: str) -> list[str]:
        out = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={notebooks}",
            f"--IdentityProvider.token={token}",
        ]
        return out + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])

    return serve(
        "lab",
        argv,
        lambda port, token: f"http://127.0.0.1:{port}/lab/tree/00-quickstart.ipynb?token={token}",
        data=args.data,
        port=args.port,
        stock=not args.cpgapi,
        cwd=notebooks,
    )
