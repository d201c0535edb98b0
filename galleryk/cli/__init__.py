"""The ``galleryk`` command: the demo, the sandbox, signing in, listing and pushing from a terminal.

Every error a user can cause ends the command with one line on stderr that names what fixes
it (exit status 2 for a wrong flag, name or setting, 1 for a failure); ``--debug`` adds the
traceback. Library errors are put into command-line words by :mod:`galleryk.cli.errors`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Sequence

from ..base.errors import mask_secrets
from . import app_cmd, cache_cmd, demo, lab_cmd, listing_cmds, login_cmd, push_cmd, sandbox_cmd
from .errors import Context, explain
from .parsing import Parser

DESCRIPTION = """\
List what is on your Fotki account and your Coppermine gallery, and push folders of photos
to either, resumably and without duplicates. Credentials come from environment variables or
a config file; "galleryk sandbox --seed" runs a local stand-in of both services to try it on.
"""

EPILOG = """\
a first try, with nothing but galleryk:
  galleryk demo                      the whole workflow against a built-in sandbox
  galleryk sandbox --seed            a local Fotki and Coppermine; it prints what to export
  galleryk login fotki               then: galleryk albums --service fotki

"galleryk COMMAND --help" tells more about each command.
"""


def _version() -> str:
    from .._version import __version__

    return f"galleryk {__version__}"


def build_parser() -> Parser:
    """The argument parser with every subcommand."""
    parser = Parser(prog="galleryk", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--debug", action="store_true", help="show tracebacks and galleryk's debug log")
    common = Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks and galleryk's debug log"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    demo.add_parser(sub, common)
    sandbox_cmd.add_parser(sub, common)
    login_cmd.add_parsers(sub, common)
    listing_cmds.add_parsers(sub, common)
    push_cmd.add_parser(sub, common)
    lab_cmd.add_parser(sub, common)
    app_cmd.add_parser(sub, common)
    cache_cmd.add_parser(sub, common)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status; errors become one line (with a traceback under --debug)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # named by the command's own parser, so the line points at its --help
        command = _subparsers(parser).get(args.command, parser)
        hint = (
            "" if any(a.startswith("-") for a in extra) else ' (put a name with spaces in quotes: --album "Old town")'
        )
        command.error(f"unrecognized arguments: {' '.join(extra)}{hint}")
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    debug = args.debug or os.environ.get("GALLERYK_DEBUG") == "1"
    ctx = Context(args.command, getattr(args, "service", None), bool(getattr(args, "create", False)))
    with warnings.catch_warnings(), _debug_logging(debug):
        warnings.showwarning = _one_line_warning(args.command)
        try:
            status = int(args.func(args) or 0)
            sys.stdout.flush()
            return status
        except BrokenPipeError:  # "galleryk photos ... | head": the reader has all it wants
            _silence_stdout()
            return 141
        except KeyboardInterrupt:
            sys.stdout.flush()
            print(f"galleryk {args.command}: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # the CLI's boundary: every error becomes one line
            sys.stdout.flush()  # what was said before the error comes before it, also in "2>&1 | less"
            message, status = explain(exc, ctx)
            if debug:
                print(mask_secrets("".join(traceback.format_exception(exc))), file=sys.stderr, end="")
            print(f"galleryk {args.command}: {message}", file=sys.stderr)
            return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _one_line_warning(command: str):
    def show(message, category, filename, lineno, file=None, line=None) -> None:
        sys.stdout.flush()
        print(f"galleryk {command}: warning: {mask_secrets(str(message))}", file=file or sys.stderr)

    return show


@contextlib.contextmanager
def _debug_logging(on: bool) -> Iterator[None]:
    """With ``on``: galleryk's own loggers (which mask secrets) at DEBUG on stderr; other libraries' stay quiet."""
    if not on:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger = logging.getLogger("galleryk")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


if __name__ == "__main__":
    sys.exit(main())
