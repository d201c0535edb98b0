"""Pushing a selection DataFrame to a service, resumably and without duplicates; matching it with what is online.

    import galleryk.push as gp
    report = gp.push(df, fotki, album="Trip", create=True)       # or df.galleryk.push(fotki, ...)
    gp.check(cpg, album="Harbour", create=True)                  # before anything is sent: the journal it will use
    m = gp.match(gk.scan("~/Pictures/trip"), fotki.photos("Trip"))

Modules: :mod:`.engine` (push, check), :mod:`.runner` (one item), :mod:`.targets` (the service
adapter), :mod:`.remote` (what the push knows of the album), :mod:`.journal`, :mod:`.lock`,
:mod:`.markers`, :mod:`.items`, :mod:`.options`, :mod:`.report`, :mod:`.watch`, :mod:`.matching` (match),
:mod:`.plan` (``df.galleryk.plan``: one row per action, nothing sent; its rows in :mod:`.planrows`, look-alikes
in :mod:`.lookalikes`), :mod:`.apply` (``plan.galleryk.apply()``), :mod:`.undo` (``report.galleryk.undo()``),
:mod:`.estimate`, :mod:`.accessor` (``df.galleryk``).
"""

from .engine import check, default_journal_path, push
from .journal import Journal, JournalCorrupt, JournalError
from .lock import PushBusy, PushCancelled
from .matching import Match, match
from .options import PushOptions

__all__ = [
    "Journal",
    "JournalCorrupt",
    "JournalError",
    "Match",
    "PushBusy",
    "PushCancelled",
    "PushOptions",
    "check",
    "default_journal_path",
    "match",
    "push",
]
