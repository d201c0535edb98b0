"""A link button whose address is sent to the browser in a message, never kept in widget state.

Fotki's approval link carries a one-time frob and its signature: they must not land in a
saved notebook. The browser asks for the address when the link appears; the kernel answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

_HERE = Path(__file__).parent


class SecretLink(anywidget.AnyWidget):
    """``<a target=_blank>`` to an address held in the kernel; ``url = None`` hides it."""

    _esm = _HERE / "link.js"
    _css = _HERE / "link.css"
    label = traitlets.Unicode("Open").tag(sync=True)
    active = traitlets.Bool(False).tag(sync=True)

    def __init__(self, label: str = "Open", **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)
        self._url: str | None = None
        self.reported = False
        """Whether a browser view said it runs (then the address reaches it by message)."""
        self._listeners: list = []
        self.on_msg(self._on_msg)

    @property
    def url(self) -> str | None:
        return self._url

    @url.setter
    def url(self, value: str | None) -> None:
        self._url = value or None
        self.active = self._url is not None
        self.send({"type": "url", "url": self._url})

    def on_ready(self, callback: Any) -> None:
        """Call ``callback()`` when a browser view reports."""
        self._listeners.append(callback)

    def _on_msg(self, _widget: Any, content: dict, _buffers: list) -> None:
        if isinstance(content, dict) and content.get("type") == "ready":
            self.reported = True
            self.send({"type": "url", "url": self._url})
            for callback in self._listeners:
                callback()
