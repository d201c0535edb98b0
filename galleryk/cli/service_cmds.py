"""``galleryk login|logout|albums|photos|push``: the everyday work from a terminal.

Credentials come from the environment or the config file (see :mod:`galleryk.config`), never
from the command line, where they would land in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..config import SERVICES, connect
from ..errors import GallerykError

STATUS_EXIT = {"failed": 1, "cancelled": 130}


class UsageError(GallerykError):
    """The command line asks for something that cannot be done; ``galleryk`` exits 2 with the message."""


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("login", help="sign in to Fotki (approval page in a browser) and cache the token")
    p.add_argument("service", choices=["fotki"])
    p.add_argument("--perms", choices=["read", "write", "delete"], default="write")
    p.add_argument("--no-browser", action="store_true", help="only print the approval link")
    p.set_defaults(func=_cmd_login)

    p = sub.add_parser("logout", help="forget the cached Fotki token")
    p.add_argument("service", choices=["fotki"])
    p.set_defaults(func=_cmd_logout)

    p = sub.add_parser("albums", help="list Fotki photosets or Coppermine albums")
    p.add_argument("--service", "-s", choices=SERVICES, required=True)
    _add_output(p)
    p.set_defaults(func=_cmd_albums)

    p = sub.add_parser("photos", help="list the photos of a photoset/album (Fotki: none given = photos in no set)")
    p.add_argument("--service", "-s", choices=SERVICES, required=True)
    p.add_argument("--album", "-a", help="photoset/album id or exact title")
    p.add_argument("--limit", type=int, help="stop after this many photos")
    _add_output(p)
    p.set_defaults(func=_cmd_photos)

    p = sub.add_parser("push", help="upload a folder of photos, resumably and without duplicates")
    p.add_argument("folder", type=Path)
    p.add_argument("--to", dest="service", choices=SERVICES, required=True)
    p.add_argument("--album", "-a", help="photoset/album id or title (required for Coppermine)")
    p.add_argument("--create", action="store_true", help="create the photoset/album when it does not exist")
    p.add_argument("--no-recursive", dest="recursive", action="store_false", help="only the folder itself")
    p.add_argument("--tags", help="tags for every photo, space-separated")
    p.add_argument("--resize", type=int, metavar="PIXELS", help="shrink to this longest side before upload")
    p.add_argument("--strip-metadata", action="store_true", help="drop EXIF/XMP (camera, GPS) before upload")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--journal", type=Path, help="journal file (default: one per target and album in the cache)")
    p.add_argument("--report", type=Path, help="also write the report to this CSV file")
    p.set_defaults(func=_cmd_push)


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--csv", type=Path, help="write the table to this CSV file instead of printing it")


def _show(df: pd.DataFrame, csv: Path | None) -> None:
    if csv is not None:
        df.to_csv(csv, index=False)
        print(f"{len(df)} rows written to {csv}")
        return
    with pd.option_context("display.max_rows", 200, "display.max_columns", 20, "display.width", 160,
                           "display.max_colwidth", 50):
        print(df.to_string(index=False) if len(df) else "(none)")


def _cmd_login(args: argparse.Namespace) -> int:
    client = connect("fotki")
    pending = client.login(args.perms)
    if not pending.done:
        print(f"Open this page, sign in and allow galleryk {args.perms} access:\n  {pending.url}")
        if not args.no_browser:
            pending.open_browser()
        input("Press Enter once you have approved... ")
        pending.finish()
    print(f"Signed in to Fotki as {client.username} ({client.perms}); the token is cached.")
    return 0


def _cmd_logout(args: argparse.Namespace) -> int:
    client = connect("fotki")
    client.logout()
    print("The cached Fotki token is forgotten.")
    return 0


def _cmd_albums(args: argparse.Namespace) -> int:
    _show(connect(args.service).albums(), args.csv)
    return 0


def _cmd_photos(args: argparse.Namespace) -> int:
    if args.service == "coppermine" and args.album is None:
        raise UsageError("--service coppermine needs --album (id or title)")
    _show(connect(args.service).photos(args.album, limit=args.limit), args.csv)
    return 0


def _cmd_push(args: argparse.Namespace) -> int:
    from ..media import scan
    from ..push import push

    if not args.folder.is_dir():
        raise UsageError(f"{args.folder} is not a folder")
    client = connect(args.service)
    selection = scan(args.folder, recursive=args.recursive)
    if selection.empty:
        print(f"no image files in {args.folder}")
        return 0
    report = push(
        selection, client, album=args.album, create=args.create, tags=args.tags, resize=args.resize,
        strip_metadata=args.strip_metadata, workers=args.workers, journal=args.journal,
    )
    counts = report["status"].value_counts()
    print(", ".join(f"{n} {status}" for status, n in counts.items() if n))
    failed = report[~report["status"].isin(["uploaded", "skipped"])]
    for _, row in failed.iterrows():
        print(f"  {row['status']}: {row['item']}: {row['error']}", file=sys.stderr)
    if args.report is not None:
        report.to_csv(args.report)
        print(f"report written to {args.report}")
    return max([STATUS_EXIT.get(str(s), 0) for s in report["status"]] or [0])
