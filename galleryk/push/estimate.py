"""How many requests applying a plan will send, and how long that takes at the service's pace.

A plan is read before anything is sent, so its cost is counted from its rows, by action, with
the requests each action costs on a service of its kind (the figures are the clients' own: an
upload is one request, plus one to add it to a photoset where photos are added after the upload;
an edit reads the photo once for the journal, sends the change and reads the result; ...). The
time is the larger of two floors: the service's allowance (``calls_per_hour``, Fotki's 3,600 an
hour unless the client was told another) and the round trip measured while planning, spread over
the push's workers. Upload bytes are counted apart: their time depends on a line galleryk cannot
measure beforehand.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from ..services.contract import Capabilities

THUMBS_PER_PAGE = 12
"""Pictures on one album page of a stock gallery (Coppermine's default), for the order check's page count."""


@dataclass(frozen=True)
class Estimate:
    """What applying a plan will cost: ``requests`` to the service, ``seconds`` at its pace, ``upload_bytes``."""

    requests: int
    seconds: float
    upload_bytes: int
    basis: str
    """How ``seconds`` was reckoned, in words."""

    def as_dict(self) -> dict:
        return asdict(self)


def per_action(caps: Capabilities, album_size: int) -> dict[str, int]:
    """Requests one row of each action costs on a service with these capabilities (an album of ``album_size``)."""
    adds = 1 if caps.adds_to_album else 0
    return {
        "create_album": 1 if caps.album_needs_photo else 3,  # a gallery's album manager: the form, the post, a look
        "upload": 1 + adds,
        "skip": 0,
        "adopt": adds,  # a photo found outside the album is put in it
        "update": 3,  # the current values for the journal, the change, the values stored
        "delete": 2,
        "order": 0 if not caps.order_albums else 3 + math.ceil(max(album_size, 1) / THUMBS_PER_PAGE),
        "conflict": 0,
        "impossible": 0,
    }


def estimate(
    plan: pd.DataFrame, caps: Capabilities, *, calls_per_hour: float | None, round_trip: float | None, workers: int
) -> Estimate:
    """The cost of applying ``plan`` (its rows as they are now)."""
    costs = per_action(caps, int((plan["action"] != "delete").sum()))
    requests = 0
    for action, in_album in zip(plan["action"], plan["in_album"]):
        if action == "skip" and in_album is False:
            requests += costs["adopt"]
        else:
            requests += costs.get(str(action), 0)
    placed = plan["action"].isin(["upload", "skip", "update"]).sum()
    if placed > 1:
        requests += costs["order"]
    sent = plan.loc[plan["action"] == "upload", "bytes"]
    upload_bytes = int(pd.to_numeric(sent, errors="coerce").fillna(0).sum())
    floors, words = [0.0], []
    if calls_per_hour:
        floors.append(requests * 3600.0 / calls_per_hour)
        words.append(f"at most {calls_per_hour:,.0f} calls an hour")
    if round_trip:
        floors.append(requests * round_trip / max(1, workers))
        words.append(f"{round_trip * 1000:.0f} ms a request (measured while planning) over {workers} workers")
    basis = " and ".join(words) or "no pace known"
    return Estimate(int(requests), round(max(floors), 1), upload_bytes, basis + "; upload time not counted")


__all__ = ["Estimate", "estimate", "per_action"]
