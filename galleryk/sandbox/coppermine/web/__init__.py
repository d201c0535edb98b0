"""The stock Coppermine 1.6 pages: routing (:mod:`.app`), sessions and login (:mod:`.session`), browsing
(:mod:`.browse`), uploads (:mod:`.upload`) and the HTML itself (:mod:`.pages`)."""

from .app import CpgWeb

__all__ = ["CpgWeb"]
