"""Pushing a selection DataFrame to a service, resumably and without duplicates."""

from .engine import push
from .journal import Journal, JournalCorrupt, JournalError
from .lock import PushBusy

__all__ = ["Journal", "JournalCorrupt", "JournalError", "PushBusy", "push"]
