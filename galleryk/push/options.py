"""How a push goes: the options that travel together, as one value.

``push(df, fotki, album="Trip", tags="summer", resize=2048)`` takes any field of
:class:`PushOptions` by name; ``push(df, fotki, album="Trip", options=opts)`` takes them as one
value that a notebook can keep and reuse. Fields are checked when the options are made, before
anything is sent.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..transport.retry import RetryPolicy
from .items import MetaSpec
from .markers import check_style

OnItem = Callable[[Any, str], Any]
"""``on_item(index, status)``: a row's final status is known."""
OnProgress = Callable[[Any, int, int], Any]
"""``on_progress(index, bytes_sent, total)``: a row's upload body goes out."""
OnStatus = Callable[[str], Any]
"""``on_status(text)``: what the push is doing now, in words (the progress bar's description): ``push to
<target>`` while it sends, other words while it waits (for another push, a rate limit, lost replies)."""


@dataclass(frozen=True, kw_only=True)
class PushOptions:
    """Everything about how a push goes, beside where (the service and the album) and what (the rows).

    ``title``/``description``/``tags``: a literal, a column name or a function of the row.
    ``marker``: where each photo carries the ``galleryk:sha=...`` marker that lets a later push
    recognise it without the journal: ``"tag"``, ``"description"`` (a last line of it) or None
    (no marker: a push whose journal is lost uploads everything again). ``resize`` (longest side
    in pixels) and ``strip_metadata`` (drop EXIF and XMP) change the file sent, not the file on
    disk. ``workers``: uploads at once. ``retries``: further attempts after a failure that may
    pass. ``settle``: seconds an upload whose reply was lost is given to land, counted from the
    loss, on top of the time it had taken. ``lock_timeout``: seconds to wait for another push to
    the same album on this machine (None: as long as it runs; then PushBusy). ``progress``: show a
    progress bar. ``cancel``: an Event that stops the push (Ctrl-C does the same). ``on_item``,
    ``on_progress`` and ``on_status``: called from the push's threads as rows finish, bodies go out
    and the push moves on (waiting for another push, for a rate limit, for lost replies); they must
    return quickly, and an exception they raise is logged and otherwise ignored. ``upload_unseen``:
    upload rows the journal does not know into an album whose uploads wait for approval even where the
    service does not show you yours (Coppermine 1.4's public albums). By default such rows are sent only
    into an album the push made, or where an upload (of this push, or recorded in its journal) came back
    with its photo's id; else each fails saying why, since a copy may already wait there unseen.
    """

    title: MetaSpec = None
    description: MetaSpec = None
    tags: MetaSpec = None
    marker: str | None = "tag"
    resize: int | None = None
    strip_metadata: bool = False
    workers: int = 4
    retries: int = 3
    settle: float = 5.0
    lock_timeout: float | None = None
    progress: bool = True
    cancel: threading.Event | None = field(default=None, compare=False)
    on_item: OnItem | None = field(default=None, compare=False)
    on_progress: OnProgress | None = field(default=None, compare=False)
    on_status: OnStatus | None = field(default=None, compare=False)
    upload_unseen: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers!r}")
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise ValueError(f"retries must be a whole number, 0 or more, not {self.retries!r}")
        if self.settle < 0:
            raise ValueError(f"settle must not be negative, not {self.settle}")
        if self.resize is not None and (isinstance(self.resize, bool) or int(self.resize) < 1):
            raise ValueError(f"resize is a longest side in pixels, not {self.resize!r}")
        check_style(self.marker)

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy these options ask for."""
        return RetryPolicy(retries=self.retries)

    def with_(self, **changes: Any) -> PushOptions:
        """These options with ``changes``; a name that is not an option is a TypeError naming the known ones."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(
                f"push() got unknown option(s) {', '.join(map(repr, unknown))}; "
                f"the options are: {', '.join(sorted(known))}"
            )
        return dataclasses.replace(self, **changes) if changes else self


__all__ = ["OnItem", "OnProgress", "PushOptions"]
