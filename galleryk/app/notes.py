"""A step's message line in the app: what the app says about one step, shown under that step.

A warning says what to do before a step can run ("Select photos first"); it goes away as soon
as what it asks for changes (:meth:`Note.settle`), so no message outlives what made it true.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..widgets.words import status_html


class Note:
    """One step's message line: ``say(text, kind)`` shows it, ``settle()`` drops a warning, ``clear()`` drops any."""

    def __init__(self) -> None:
        self.widget = widgets.HTML()
        self.widget.add_class("galleryk-note")
        self.text = ""
        self.kind = ""

    def say(self, text: str, kind: str = "info") -> None:
        """Show ``text``; ``kind`` is info, ok, busy, warn or error (see ``status_html``)."""
        self.text, self.kind = text, kind
        self.widget.value = status_html(text, kind) if text else ""

    def settle(self) -> None:
        """Something the user changed may have made a warning untrue: drop it (other messages stay)."""
        if self.kind == "warn":
            self.clear()

    def clear(self) -> None:
        self.say("", "")
