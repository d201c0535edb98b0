"""Finding what a page shows inside a widget, through ipywidgets' public ``children``, as a person sees it.

The widget tests drive galleryk's widgets the way the browser does; these helpers find a
control by its kind and visible label, and gather the text a widget shows, without reaching
into a galleryk object's private attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import ipywidgets as widgets

W = TypeVar("W", bound=widgets.Widget)


def descendants(root: widgets.Widget) -> Iterator[widgets.Widget]:
    """``root`` and every widget inside it (its ``children``, theirs, ...), depth first in page order."""
    todo = [root]
    while todo:
        widget = todo.pop()
        yield widget
        todo.extend(reversed(list(getattr(widget, "children", ()) or ())))


def find(root: widgets.Widget, kind: type[W], label: str | None = None) -> W:
    """The one widget of ``kind`` in ``root`` whose description starts with ``label`` (any, when None)."""
    found = [
        w
        for w in descendants(root)
        if isinstance(w, kind) and (label is None or str(getattr(w, "description", "")).startswith(label))
    ]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} {kind.__name__} widgets labelled {label!r} in {type(root).__name__}")
    return found[0]


def shown_text(root: widgets.Widget) -> str:
    """The text of every HTML and Label widget in ``root``, one per line (markup left in)."""
    return "\n".join(
        str(w.value) for w in descendants(root) if isinstance(w, (widgets.HTML, widgets.Label)) and w.value
    )


def states(root: widgets.Widget) -> str:
    """The synced state of every widget in ``root``, as text: what the browser (and a saved notebook) holds."""
    return repr([w.get_state() for w in descendants(root)])


def from_frontend(widget: widgets.Widget, content: dict, buffers: list[bytes] | None = None) -> None:
    """Deliver ``content`` to ``widget`` as its JavaScript sends it: a custom message arriving on its comm."""
    widget.comm.handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": buffers or []})


def to_frontend(widget: widgets.Widget, receive) -> None:
    """Hand each custom message ``widget`` sends its JavaScript to ``receive(content, buffers)``, at its comm.

    For a widget with no front end (no kernel: a dummy comm); state updates are dropped as the dummy would.
    """

    def send(data=None, metadata=None, buffers=None) -> None:
        if isinstance(data, dict) and data.get("method") == "custom":
            receive(data.get("content"), list(buffers or []))

    widget.comm.send = send
