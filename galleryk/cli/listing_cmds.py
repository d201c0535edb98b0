"""``galleryk albums`` and ``galleryk photos``: what is online, as a table or a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..access import connect
from ..base.errors import AlbumNotFound, Reason, ServiceError
from ..base.settings import SERVICES
from .argtypes import non_negative
from .errors import UsageError
from .terminal import check_writable, show_table

TERMINAL_HIDDEN = ("thumb_url", "url", "page_url")
"""Columns too wide for a terminal table; --csv writes them."""


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "albums",
        parents=[common],
        help="list your Fotki photosets or Coppermine albums",
        description="List your Fotki photosets, or the Coppermine albums you can see, with their ids.",
    )
    p.add_argument("--service", "-s", choices=SERVICES, required=True, help="which service to list")
    _add_output(p)
    p.set_defaults(func=run_albums)

    p = sub.add_parser(
        "photos",
        parents=[common],
        help="list the photos of a photoset or album",
        description="List the photos of a Fotki photoset or a Coppermine album. On Fotki, with no "
        "--album, list your photos that are in no photoset.",
    )
    p.add_argument("--service", "-s", choices=SERVICES, required=True, help="which service to list")
    p.add_argument("--album", "-a", help="the photoset or album: its id or its exact title")
    p.add_argument("--limit", type=non_negative, metavar="N", help="stop after N photos")
    _add_output(p)
    p.set_defaults(func=run_photos)


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="write the table to FILE instead, with every column (the photos' URLs too)",
    )


def run_albums(args: argparse.Namespace) -> int:
    check_writable(args.csv, "--csv")
    show_table(connect(args.service).albums(), args.csv)
    return 0


def run_photos(args: argparse.Namespace) -> int:
    check_writable(args.csv, "--csv")
    client = connect(args.service)
    if args.album is None and not client.capabilities.loose_photos:
        raise UsageError(
            f"listing {client.name} photos needs --album (an id or a title; "
            f"`galleryk albums --service {args.service}` lists them)"
        )
    album = None if args.album is None else client.resolve_album(args.album)
    try:
        photos = client.photos(album, limit=args.limit)
    except ServiceError as exc:
        if exc.reason is not Reason.NOT_FOUND:
            raise
        raise AlbumNotFound(
            f"no {client.album_noun} {args.album}",
            album=args.album,
            choices=client.albums()["title"].dropna().tolist(),
            service=client.service,
        ) from None
    if args.csv is None:
        photos = photos.drop(columns=[c for c in TERMINAL_HIDDEN if c in photos.columns])
    show_table(photos, args.csv)
    return 0
