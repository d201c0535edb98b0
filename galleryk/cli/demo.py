"""``galleryk demo``: the main job, end to end, against a built-in sandbox.

It starts a sandbox (stock Coppermine pages, no ``api/``), writes a folder of photos, scans it,
lists Fotki, pushes a pandas selection into a new Fotki photoset, reruns the push to show that
nothing is uploaded twice, and copies a Fotki photoset into a new Coppermine album.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from .. import sandbox as sandbox_mod
from ..access import sandbox_coppermine, sandbox_fotki
from ..media import ScanWarning, scan
from ..push import push
from ..sandbox import sample_photos
from .argtypes import positive
from .terminal import table_text


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "demo",
        parents=[common],
        help="run the whole workflow against a built-in sandbox",
        description="List, scan, curate with pandas, push, rerun the push, and copy between "
        "services, against a sandbox on 127.0.0.1 that is gone when the demo ends.",
    )
    p.add_argument("--data", type=Path, help="keep the sandbox's data in this folder (default: a temporary one)")
    p.add_argument(
        "--photos", type=positive, default=12, metavar="N", help="how many local photos to make (default 12)"
    )
    p.set_defaults(func=run)


def _title(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 70 - len(text)), flush=True)


def _print(df: pd.DataFrame, columns: list[str] | None = None) -> None:
    print(table_text(df[columns] if columns else df), flush=True)


def _album_row(albums: pd.DataFrame, title: str, columns: list[str]) -> pd.DataFrame:
    return albums.loc[albums["title"] == title, columns]


NEXT_STEPS = """\
The sandbox and the photos were temporary, and are gone now. To go on:
  galleryk sandbox --seed     keep a sandbox running; it prints the settings to export in another terminal
  galleryk login fotki        then: galleryk albums --service fotki
  galleryk push FOLDER --to fotki --album NAME --create
  galleryk app                the galleryk app in your browser, for people who do not code
                              (it needs a few more packages: pip install 'galleryk[app]')
  galleryk lab                JupyterLab on the worked notebooks of a clone, with a seeded sandbox
  galleryk --help             every command, each with its own --help
In Python or Jupyter: import galleryk as gk; acc = gk.accounts(); fotki, cpg = acc.fotki, acc.coppermine"""


def run(args: argparse.Namespace) -> int:
    settings = sandbox_mod.SandboxSettings(coppermine_api=False)
    print("Starting a sandbox (a local Fotki and Coppermine, with demo users and photos)...", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="galleryk-demo-") as tmp,
        sandbox_mod.start(args.data, seed=True, settings=settings) as sb,
    ):
        _title("1. A built-in sandbox speaks Fotki and Coppermine on loopback")
        print(f"Fotki API {sb.fotki_api_url}, Coppermine {sb.coppermine_url}; demo users: {', '.join(sb.users)}")
        fotki = sandbox_fotki(sb, "alice")  # real: galleryk.Fotki(api_key, secret), then login() and finish()
        cpg = sandbox_coppermine(sb, "alice")  # galleryk.Coppermine(url, username, password)

        _title("2. What is online: Alice's Fotki photosets, and a Coppermine gallery")
        _print(fotki.albums(), ["id", "title", "photos"])
        print()
        _print(cpg.albums(), ["id", "title", "category_path", "can_upload"])
        print(f"(Coppermine protocol: {cpg.mode}; {cpg.mode_reason})")

        _title("3. Scan a local folder (headers and EXIF only; unreadable files are reported)")
        folder = sample_photos(Path(tmp) / "my-photos", args.photos, broken=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScanWarning)  # the table below shows the error column instead
            local = scan(folder, progress=False)
        print(f"{len(local)} files in a folder of generated photos, one of them not a photo:")
        _print(
            local.assign(taken=local["taken"].dt.floor("s")),
            ["name", "width", "height", "taken", "camera_model", "error"],
        )

        _title("4. Curate with pandas: readable landscape photos taken in the morning")
        pick = local[local["error"].isna() & (local["width"] > local["height"]) & (local["taken"].dt.hour < 12)]
        print("pick = local[local.error.isna() & (local.width > local.height) & (local.taken.dt.hour < 12)]")
        print(f"{len(pick)} of {len(local)} files picked")

        _title("5. Push them into a new Fotki photoset")
        print('push(pick, fotki, album="Summer mornings", create=True, tags="demo summer")')
        journal = Path(tmp) / "push-journal.sqlite3"
        report = push(
            pick, fotki, album="Summer mornings", create=True, tags="demo summer", journal=journal, progress=False
        )
        _print(report.assign(file=pick["name"], fotki_id=report["remote_id"]), ["file", "status", "fotki_id"])
        sets = fotki.albums()
        print()
        _print(_album_row(sets, "Summer mornings", ["id", "title", "photos"]))

        _title("6. Run the same push again: the journal knows, nothing is uploaded twice")
        again = push(
            pick, fotki, album="Summer mornings", create=True, tags="demo summer", journal=journal, progress=False
        )
        counts = again["status"].value_counts()
        print(", ".join(f"{n} {status}" for status, n in counts.items() if n))
        _print(_album_row(fotki.albums(), "Summer mornings", ["id", "title", "photos"]))

        _title("7. Copy a Fotki photoset into a new Coppermine album (title, description, tags kept)")
        harbour = fotki.photos("Harbour walk")
        print('push(fotki.photos("Harbour walk"), cpg, album="Harbour walk (from Fotki)", create=True, source=fotki)')
        copied = push(
            harbour,
            cpg,
            album="Harbour walk (from Fotki)",
            create=True,
            source=fotki,
            journal=Path(tmp) / "copy-journal.sqlite3",
            progress=False,
        )
        _print(
            copied.assign(fotki_id=harbour["id"], title=harbour["title"], coppermine_id=copied["remote_id"]),
            ["fotki_id", "title", "status", "coppermine_id"],
        )
        albums = cpg.albums()
        print()
        _print(_album_row(albums, "Harbour walk (from Fotki)", ["id", "title", "category_path"]))
        new_album = albums.loc[albums["title"] == "Harbour walk (from Fotki)", "id"]
        if len(new_album):
            print()
            _print(cpg.photos(int(new_album.iloc[0])), ["id", "title", "filename"])

        failed = int((report["status"] == "failed").sum() + (copied["status"] == "failed").sum())
    _title("Done" if not failed else f"Done, with {failed} failures")
    print(NEXT_STEPS, flush=True)
    return 1 if failed else 0
