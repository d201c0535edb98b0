"""The push report: one row per input row, what became of it, and where it went."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..services.registry import client_ref
from .items import Item
from .markers import EXPLANATION, marker_text
from .outcomes import Outcome
from .targets import Target

REPORT_COLUMNS = [
    "item",
    "status",
    "remote_id",
    "album",
    "album_id",
    "error",
    "note",
    "bytes",
    "seconds",
    "attempts",
    "marker",
    "retry",
]
STATUSES = ["uploaded", "skipped", "failed", "cancelled"]
TARGET_ATTR = "galleryk_target"
"""The ``attrs`` entry naming the client a report's photos went to (see :mod:`galleryk.services.registry`)."""


def build_report(
    items: list[Item], outcomes: dict[int, Outcome], adapter: Target, journal: Path | None, style: str | None
) -> pd.DataFrame:
    rows = []
    title = (
        adapter.album_title if adapter.album_title is not None else adapter.album_key
    )  # what was asked, if not found
    for item in items:
        o = outcomes.get(id(item), Outcome("cancelled", error="not started"))
        mark = marker_text(item.token) if style is not None and item.digest is not None else None
        rows.append(
            [
                item.label,
                o.status,
                o.remote_id,
                title,
                adapter.album_id,
                o.error,
                o.note,
                o.bytes,
                o.seconds,
                o.attempts,
                mark,
                o.retry if o.status in ("failed", "cancelled") else None,
            ]
        )
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS, index=[i.index for i in items])
    report["status"] = pd.Categorical(report["status"], categories=STATUSES)
    report["bytes"] = report["bytes"].astype("Int64")
    report["attempts"] = report["attempts"].astype("Int64")
    report["retry"] = report["retry"].astype("boolean")
    for col in ("item", "remote_id", "album", "album_id", "error", "note", "marker"):
        report[col] = report[col].astype("string")
    report.attrs["target"] = adapter.label
    report.attrs["album"] = title
    report.attrs["album_id"] = adapter.album_id
    report.attrs["album_url"] = adapter.album_url
    report.attrs["journal"] = str(journal) if journal is not None else None
    report.attrs["identity"] = adapter.identity  # the journal's name for this service, user and album
    report.attrs["album_created"] = adapter.created
    report.attrs["order"] = adapter.order_note
    report.attrs[TARGET_ATTR] = client_ref(adapter.client)  # so that report.galleryk.undo() finds the client
    report.attrs["marker"] = (
        f"{style}: {EXPLANATION}"
        if style is not None
        else "none: the photos carry no marker, so a push whose journal is lost cannot recognise them"
    )
    return report
