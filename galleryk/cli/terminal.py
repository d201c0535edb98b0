"""How the CLI writes: tables that read well, and whether a person is watching (progress bars, prompts)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import pandas as pd


def is_terminal(stream: IO | None) -> bool:
    """Whether ``stream`` is a terminal (not a pipe, a file, or closed)."""
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def progress_wanted() -> bool:
    """Progress bars only where a person watches them: when stderr is a terminal."""
    return is_terminal(sys.stderr)


def table_text(df: pd.DataFrame) -> str:
    """A DataFrame as plain text: no index, every column, NA shown as an empty cell."""
    if df.empty:
        return "(none)"
    shown = df.astype("object").where(df.notna(), "")
    return shown.to_string(index=False)


def check_writable(path: Path | None, flag: str) -> None:
    """Refuse, before any work, an output file whose folder does not exist (or that is a folder)."""
    from .errors import UsageError

    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{flag} {path}: that is a folder; give a file name")
    if not path.parent.is_dir():
        raise UsageError(f"{flag} {path}: the folder {path.parent} does not exist")


def show_table(df: pd.DataFrame, csv: Path | None = None) -> None:
    """Print ``df``, or write it to ``csv`` (every column) and say so."""
    if csv is not None:
        df.to_csv(csv, index=False)
        print(f"{len(df)} rows written to {csv}")
        return
    print(table_text(df))
