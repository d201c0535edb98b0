"""Push callbacks that make the order uploads finish in deterministic: the first row's upload waits for the others."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pandas as pd


def held_first(df: pd.DataFrame, others: int, on_item: Callable[[Any, str], Any] | None = None) -> dict:
    """Push options whose callbacks keep the first row's upload from finishing until ``others`` other rows are done;
    ``on_item`` is called too, for each finished row."""
    done, seen = threading.Event(), set()
    first = df.index[0]

    def on_progress(index, sent, total):
        if index == first and sent == total:
            done.wait(30)

    def finished(index, status):
        seen.add(index)
        if len(seen - {first}) >= others:
            done.set()
        if on_item is not None:
            on_item(index, status)

    return {"on_progress": on_progress, "on_item": finished, "workers": len(df), "progress": False}
