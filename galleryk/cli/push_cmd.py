"""``galleryk push``: upload a folder, resumably and without duplicates, and say what happened.

The summary groups the outcome (uploaded, skipped and why, failed and why, one line per failed
file), names the album with its id and link, and says where the journal is that lets the same
command resume or retry.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..access import connect
from ..base.settings import SERVICES
from ..push import JournalError, check
from ..services.contract import Service
from .argtypes import positive
from .errors import UsageError
from .plan_table import cost_lines, plan_lines
from .terminal import check_writable, progress_wanted

EXAMPLES = """\
examples:
  galleryk push ~/Pictures/trip --to fotki --album Trip --create
  galleryk push ~/Pictures/trip --to coppermine --album "Alice's holidays" --resize 2048
  galleryk push ~/Pictures/trip --to fotki --album Trip --plan     (what it would do; nothing is sent)
Run the same command again to resume an interrupted push or retry failed files: the journal
remembers what is done, and nothing is uploaded twice.
"""


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "push",
        parents=[common],
        help="upload a folder of photos, resumably and without duplicates",
        description="Upload the photos in a folder to Fotki or Coppermine, into an album (photoset), and print "
        "what was uploaded, skipped and failed, with the reasons.",
        epilog=EXAMPLES,
    )
    p.add_argument("folder", type=Path, help="the folder of photos (sub-folders too, unless --no-recursive)")
    p.add_argument("--to", dest="service", choices=SERVICES, required=True, help="where to upload")
    p.add_argument("--album", "-a", help="the photoset or album, by id or exact title (needed for Coppermine)")
    p.add_argument("--create", action="store_true", help="create the photoset or album when it does not exist")
    p.add_argument("--no-recursive", dest="recursive", action="store_false", help="only the folder itself")
    p.add_argument(
        "--tags",
        help='tags for every photo, separated by commas ("Old town, sea"), or by spaces when there is no comma',
    )
    p.add_argument(
        "--marker",
        choices=["tag", "description", "none"],
        default="tag",
        help="where each photo carries galleryk's marker (galleryk:sha=...), by which a later push knows "
        "it is there even without the journal: a tag (default), the end of the description, or "
        "none (then a push whose journal is lost uploads everything again)",
    )
    p.add_argument("--resize", type=positive, metavar="PIXELS", help="shrink to this longest side before upload")
    p.add_argument("--strip-metadata", action="store_true", help="drop EXIF and XMP (camera, GPS) before upload")
    p.add_argument("--workers", type=positive, default=4, metavar="N", help="uploads at once (default 4)")
    p.add_argument(
        "--journal",
        type=Path,
        metavar="FILE",
        help="the journal file (default: one per service, user and album in galleryk's cache folder)",
    )
    p.add_argument("--report", type=Path, metavar="FILE", help="also write one row per file to this CSV file")
    p.add_argument(
        "--plan",
        action="store_true",
        help="print what the push would do, one line per file (upload, skip and how it was found online, "
        "conflict), with the requests and time it would take, and change nothing",
    )
    p.add_argument(
        "--adopt",
        action="store_true",
        help="push as the plan says: photos found online by their picture (uploaded by another tool, without "
        "galleryk's marker) are adopted, not uploaded again",
    )
    p.add_argument(
        "--upload-unseen",
        action="store_true",
        help="upload files the journal does not know into an album whose uploads wait for approval even where "
        "the gallery does not show you yours (Coppermine 1.4's public albums): only if no earlier push sent them",
    )
    p.set_defaults(func=run)


@dataclass
class Album:
    """Where a push went, for the summary."""

    title: str
    id: str
    url: str | None
    url_is_a_photo: bool = False


def run(args: argparse.Namespace) -> int:
    from ..media import ScanWarning, scan
    from ..push import push

    if not args.folder.is_dir():
        raise UsageError(f"{args.folder} is not a folder: give the folder that holds the photos")
    check_writable(args.report, "--report")
    check_writable(args.journal, "--journal")
    client = connect(args.service)
    journal = preflight(client, args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScanWarning)  # the summary names every unreadable file
        selection = scan(args.folder, recursive=args.recursive, progress=None if progress_wanted() else False)
    if selection.empty:
        print(f"No image files in {args.folder}: nothing to push.")
        return 0
    if args.plan:
        return show_plan(selection, client, args, journal)
    where = client.name + (f", {client.album_noun} {args.album!r}" if args.album is not None else "")
    print(f"Pushing {len(selection)} files from {args.folder} to {where}...", flush=True)
    how = {
        "marker": None if args.marker == "none" else args.marker,
        "resize": args.resize,
        "strip_metadata": args.strip_metadata,
        "workers": args.workers,
        "progress": progress_wanted(),
        "upload_unseen": args.upload_unseen,
    }
    if args.adopt:
        report = adopt(selection, client, args, journal, how)
    else:
        report = push(
            selection,
            client,
            album=args.album,
            create=args.create,
            tags=_tags(args.tags),
            journal=journal,
            **how,
        )
    files = file_names(selection, report, args.folder)
    print()
    print(summary_table(report, files))
    print()
    album = find_album(client, args.album, report)
    for line in album_lines(client, album, args.album):
        print(line)
    journal = report.attrs.get("journal") or journal
    if journal is not None:
        print(f"journal: {journal}")
        if _to_retry(report):
            print("         (run the same command again to resume or retry: nothing is uploaded twice)")
        else:
            print("         (the same command again uploads nothing twice)")
    if args.report is not None:
        report.assign(file=files).to_csv(args.report, index=False)
        print(f"report:  {args.report}")
    return _exit_status(report)


def show_plan(selection: pd.DataFrame, client: Service, args: argparse.Namespace, journal: Path | None) -> int:
    """``--plan``: print the plan the push would follow (see :mod:`.plan_table`); nothing is sent."""
    from ..push.plan import plan

    print(f"Planning {len(selection)} files from {args.folder} for {client.name}...", flush=True)
    planned = plan(selection, client, album=args.album, create=args.create, tags=_tags(args.tags), journal=journal)
    print()
    for line in [*plan_lines(planned, args.folder), "", *cost_lines(planned, client)]:
        print(line)
    if args.report is not None:
        planned.to_csv(args.report, index=False)
        print(f"plan:    {args.report}")
    return 0


def adopt(
    selection: pd.DataFrame, client: Service, args: argparse.Namespace, journal: Path | None, how: dict
) -> pd.DataFrame:
    """``--adopt``: plan, then apply every row (conflicts are left, and say so in the summary)."""
    from ..push.apply import apply
    from ..push.plan import plan

    planned = plan(selection, client, album=args.album, create=args.create, tags=_tags(args.tags), journal=journal)
    return apply(planned, client, journal=journal, **how)


def preflight(client: Service, args: argparse.Namespace) -> Path | None:
    """Check the album before the folder is scanned (which reads every byte); the journal the push will use.

    The album must exist, or --create must be able to make it; nothing is made here
    (:func:`galleryk.push.check`). The journal is the one the push picks by itself (one per
    service, user and album) unless --journal names one.
    """
    try:
        return check(client, album=args.album, create=args.create, journal=args.journal)
    except (JournalError, sqlite3.DatabaseError):
        journal = args.journal or "the journal"
        raise UsageError(
            f"{journal} is not a galleryk journal, or it is damaged: move it away (the next push "
            "looks on the service for what is there already), or give another --journal"
        ) from None


def file_names(selection: pd.DataFrame, report: pd.DataFrame, folder: Path) -> pd.Series:
    """Each report row's file, relative to the pushed folder (the report shares the selection's index)."""
    root = os.path.abspath(folder)
    paths = selection["path"].reindex(report.index)
    return pd.Series(
        [os.path.relpath(str(p), root) if isinstance(p, str) else str(item) for p, item in zip(paths, report["item"])],
        index=report.index,
        dtype="string",
    )


def summary_table(report: pd.DataFrame, files: pd.Series) -> str:
    """Uploaded, skipped and cancelled counted by reason; every failed file on its own line, with why."""
    rows: list[tuple[str, str, str]] = []
    for status in ("uploaded", "skipped"):
        done = report[report["status"] == status]
        for why, group in done.groupby(done["note"].fillna(""), sort=False):
            rows.append((status, str(len(group)), str(why)))
    for idx, row in report[report["status"] == "failed"].iterrows():
        why = row["error"] if isinstance(row["error"], str) else "no reason given"
        rows.append(("failed", "1", f"{files[idx]}: {why}"))
    cancelled = report[report["status"] == "cancelled"]
    for why, group in cancelled.groupby(cancelled["error"].fillna("no reason given"), sort=False):
        named = f"{files[group.index[0]]}: {why}" if len(group) == 1 else str(why)
        rows.append(("cancelled", str(len(group)), named))
    widths = [max(len(r[i]) for r in [("status", "files", "why"), *rows]) for i in range(2)]
    lines = [f"{'status':<{widths[0]}}  {'files':>{widths[1]}}  why"]
    lines += [f"{s:<{widths[0]}}  {n:>{widths[1]}}  {why}".rstrip() for s, n, why in rows]
    counts = report["status"].value_counts()
    total = ", ".join(f"{int(counts[s])} {s}" for s in ("uploaded", "skipped", "failed", "cancelled") if counts.get(s))
    return "\n".join([*lines, f"total: {total}"])


def find_album(client: Service, album: str | None, report: pd.DataFrame) -> Album | None:
    """The album the push went to, looked up after it (it may have just been created), with a link."""
    if album is None:
        return None
    listing = client.albums()
    text = str(album).strip()
    ids = listing["id"].astype("string")
    hits = listing[ids == text] if text.isdigit() else listing.iloc[0:0]
    if hits.empty:
        hits = listing[listing["title"].astype("string") == str(album)]
    if hits.empty:
        return None
    title, aid = str(hits["title"].iloc[0]), str(hits["id"].iloc[0])
    url = report.attrs.get("album_url") or client.album_url(int(aid))
    if url is None:
        return Album(title, aid, _first_photo_page(client, report), url_is_a_photo=True)
    return Album(title, aid, url)


def _first_photo_page(client: Service, report: pd.DataFrame) -> str | None:
    """The page of a photo in the album, as the link, when the service names no page for the album itself."""
    for rid in report["remote_id"].dropna():
        info = client.photo_info(int(rid))
        if info.get("page_url"):
            return str(info["page_url"])
    return None


def album_lines(client: Service, album: Album | None, asked: str | None) -> list[str]:
    noun = client.album_noun
    if asked is None:
        return [f"{'album:':<8} none (the photos are on {client.name}, in no {noun})"]
    if album is None:
        return [f"{'album:':<8} {asked!r} does not exist (nothing was uploaded into it)"]
    lines = [f"{'album:':<8} {album.title!r}, {client.name} {noun} {album.id}"]
    if album.url:
        lines.append(f"link:    {album.url}" + ("  (the page of one of its photos)" if album.url_is_a_photo else ""))
    return lines


def _exit_status(report: pd.DataFrame) -> int:
    statuses = set(report["status"].astype(str))
    if "cancelled" in statuses:
        left = int((report["status"] == "cancelled").sum())
        sys.stdout.flush()
        print(
            f"galleryk push: interrupted, {left} of {len(report)} files not pushed; run the same command again "
            "to resume",
            file=sys.stderr,
        )
        return 130
    if "failed" in statuses:
        failed = int((report["status"] == "failed").sum())
        retry = _to_retry(report)
        if retry == failed:
            advice = "run the same command again to retry them"
        elif retry:
            advice = f"run the same command again to retry {retry} of them; the others need the file or album fixed"
        else:
            advice = "running it again will not help them: the files (or the album) need fixing first"
        sys.stdout.flush()
        print(f"galleryk push: {failed} of {len(report)} files failed (see above); {advice}", file=sys.stderr)
        return 1
    return 0


def _to_retry(report: pd.DataFrame) -> int:
    """How many rows failed or were cancelled in a way that running the push again may get past."""
    left = report[report["status"].isin(["failed", "cancelled"])]
    return int(left["retry"].fillna(True).astype(bool).sum()) if "retry" in left else len(left)


def _tags(text: str | None) -> list[str] | None:
    """``--tags``: comma-separated (a tag may hold spaces), else space-separated."""
    if not text:
        return None
    parts = text.split(",") if "," in text else text.split()
    return [t.strip() for t in parts if t.strip()] or None
