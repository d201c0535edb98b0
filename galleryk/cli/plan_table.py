"""``galleryk push ... --plan``: the plan a push would follow, printed as a table; nothing is sent.

One line per row of the plan (:func:`galleryk.push.plan.plan`): the action, the file (relative
to the folder), how it was recognised online and the photo's id there, and why. Then the
count per action, what the apply would cost (requests, time at the service's pace, bytes to
upload) and what the service keeps of the order.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..services.contract import Service

WIDTH = 60
"""Characters of a reason shown on the line (the CSV report keeps it whole)."""


def plan_lines(plan: pd.DataFrame, folder: Path) -> list[str]:
    """The plan as lines of text: a header, one line per row, the totals, the estimate and the order."""
    root = os.path.abspath(folder)
    rows: list[tuple[str, str, str, str, str]] = []
    for _, row in plan.iterrows():
        if isinstance(row["path"], str):
            what = os.path.relpath(row["path"], root)
        elif row["kind"] == "album":
            what = f"{row['title']}"
        else:
            what = f"#{row['remote_id']}" + (f" {row['title']}" if isinstance(row["title"], str) else "")
        how = "" if pd.isna(row["match"]) or row["match"] == "none" else str(row["match"])
        if how == "perceptual" and not pd.isna(row["distance"]):
            how = f"picture ({int(row['distance'])} bits)"
        rid = "" if pd.isna(row["remote_id"]) else str(row["remote_id"])
        why = row["changes"] if isinstance(row["changes"], str) else str(row["reason"] or "")
        rows.append((str(row["action"]), what, how, rid, _cut(why)))
    head = ("action", "file", "found by", "id", "why")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    lines = ["  ".join(f"{cell:<{w}}" for cell, w in zip(r[:4], widths)) + f"  {r[4]}" for r in [head, *rows]]
    counts = plan["action"].value_counts()
    lines.append("total: " + ", ".join(f"{int(counts[a])} {a}" for a in plan["action"].cat.categories if counts.get(a)))
    return [line.rstrip() for line in lines]


def cost_lines(plan: pd.DataFrame, client: Service) -> list[str]:
    """What applying the plan would cost, and what the service keeps of the order."""
    cost: dict[str, Any] = plan.attrs.get("estimate") or {}
    mib = (cost.get("upload_bytes") or 0) / 2**20
    lines = [
        f"apply:   about {cost.get('requests', 0)} requests to {client.name}, {_duration(cost.get('seconds') or 0)} "
        f"({cost.get('basis', '')}), {mib:.1f} MiB to upload",
        f"order:   {plan.attrs.get('order', '')}",
        "nothing was sent: run the same command with --adopt instead of --plan to carry out this plan",
    ]
    by_picture = int((plan["match"].isin(["perceptual", "digest"]) & (plan["action"] != "conflict")).sum())
    if by_picture:
        lines.append(
            f"         (without --adopt, a push knows photos only by its journal and galleryk's marker: the {by_picture} "
            "found by their picture or digest would be uploaded again)"
        )
    return lines


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _cut(text: str) -> str:
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


__all__ = ["cost_lines", "plan_lines"]
