"""``galleryk demo``: the main job, end to end, against a built-in sandbox.

It starts a sandbox (stock Coppermine pages, no ``api/``), writes a folder of photos, scans it,
lists Fotki, pushes a pandas selection into a new Fotki photoset, reruns the push to show that
nothing is uploaded twice, and copies a Fotki photoset into a new Coppermine album.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from datetime import datetime
from pathlib import Path

import pandas as pd

from .. import sandbox as sandbox_mod
from ..media import ScanWarning, scan
from ..push import push
from ..sandbox.demo_images import demo_catalog, render_jpeg


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole workflow against a built-in sandbox")
    p.add_argument("--data", type=Path, help="keep the sandbox's data in this folder (default: a temporary one)")
    p.add_argument("--photos", type=int, default=12, help="how many local photos to make (default 12)")
    p.set_defaults(func=run)


def _title(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 70 - len(text)), flush=True)


def _print(df: pd.DataFrame, columns: list[str] | None = None) -> None:
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 40):
        print((df[columns] if columns else df).to_string())


def make_photos(folder: Path, count: int) -> Path:
    """Write ``count`` generated JPEGs with EXIF dates and cameras, plus one broken file, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for picture in demo_catalog(count, start=datetime(2025, 7, 5, 8, 30), seed=23):
        name = f"{picture.taken:%Y%m%d_%H%M%S}_{picture.title.replace(' ', '_').lower()}.jpg"
        (folder / name).write_bytes(render_jpeg(picture))
    (folder / "notes_not_a_photo.jpg").write_text("a text file with a .jpg name\n")
    return folder


def run(args: argparse.Namespace) -> int:
    settings = sandbox_mod.SandboxSettings(coppermine_api=False)
    warnings.filterwarnings("ignore", category=ScanWarning)  # the demo shows the error column instead
    with tempfile.TemporaryDirectory(prefix="galleryk-demo-") as tmp, \
            sandbox_mod.start(args.data, seed=True, settings=settings) as sb:
        _title("1. A built-in sandbox speaks Fotki and Coppermine on loopback")
        print(f"Fotki API {sb.fotki_api_url}, Coppermine {sb.coppermine_url}; demo users: {', '.join(sb.users)}")
        fotki = sb.fotki("alice")  # for the real service: galleryk.Fotki(api_key, secret).login()
        cpg = sb.coppermine("alice")  # galleryk.Coppermine(url, username, password)

        _title("2. What is online: Alice's Fotki photosets, and a Coppermine gallery")
        _print(fotki.photosets(), ["id", "title", "photos"])
        _print(cpg.albums(), ["id", "title", "category_path", "can_upload"])
        print(f"(Coppermine protocol: {cpg.mode}; {cpg.mode_reason})")

        _title("3. Scan a local folder (headers and EXIF only; unreadable files are reported)")
        folder = make_photos(Path(tmp) / "my-photos", args.photos)
        local = scan(folder, progress=False)
        _print(local, ["name", "width", "height", "taken", "camera_model", "error"])

        _title("4. Curate with pandas: readable landscape photos taken in the morning")
        pick = local[local["error"].isna() & (local["width"] > local["height"]) & (local["taken"].dt.hour < 12)]
        print(f"{len(pick)} of {len(local)} files picked")

        _title("5. Push them into a new Fotki photoset")
        journal = Path(tmp) / "push-journal.sqlite3"
        report = push(pick, fotki, album="Summer mornings", create=True, tags="demo summer", journal=journal,
                      progress=False)
        _print(report, ["item", "status", "remote_id", "album", "seconds"])

        _title("6. Run the same push again: the journal knows, nothing is uploaded twice")
        again = push(pick, fotki, album="Summer mornings", create=True, tags="demo summer", journal=journal,
                     progress=False)
        counts = again["status"].value_counts()
        print(", ".join(f"{n} {status}" for status, n in counts.items() if n))
        sets = fotki.photosets()
        print(sets.loc[sets["title"] == "Summer mornings", ["id", "title", "photos"]].to_string(index=False))

        _title("7. Copy a Fotki photoset into a new Coppermine album (title, description, tags kept)")
        harbour = fotki.photos("Harbour walk")
        copied = push(harbour, cpg, album="Harbour walk (from Fotki)", create=True, source=fotki,
                      journal=Path(tmp) / "copy-journal.sqlite3", progress=False)
        _print(copied, ["item", "status", "remote_id", "album"])
        _print(cpg.photos("Harbour walk (from Fotki)"), ["pid", "title", "filename"])

        failed = int((report["status"] == "failed").sum() + (copied["status"] == "failed").sum())
        _title("Done" if not failed else f"Done, with {failed} failures")
    return 1 if failed else 0
