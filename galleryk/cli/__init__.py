"""The ``galleryk`` command: run the sandbox or the demo, sign in, list, and push from a terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import GallerykError
from . import app_cmd, demo, lab_cmd, sandbox_cmd, service_cmds


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="galleryk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo.add_parser(sub)
    sandbox_cmd.add_parser(sub)
    service_cmds.add_parsers(sub)
    lab_cmd.add_parser(sub)
    app_cmd.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; galleryk's own errors end it with their message instead of a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GallerykError as exc:
        print(f"galleryk {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"galleryk {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
