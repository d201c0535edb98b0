"""The grid's keyboard, as pure logic: which action a key names, and where a move takes the focus.

The grid's JavaScript forwards the keys of :data:`FORWARDED` (with shift/ctrl and how many
tiles fit in a row and in a screen); the kernel decides what they do, so the same rules
hold for a key press, a button of the stock pager and a call from Python.

======================  =====================================================
Arrows, Home, End,      move the focus ring (shift: select the range from the
PageUp, PageDown        anchor to the new focus; ctrl+shift: add that range)
Space                   select or unselect the focused photo
Enter                   open the focused photo large (again: close it)
Escape                  close the large view
K / X                   mark the focused photo keep / reject (again: unmark)
Ctrl+A                  select every photo shown
======================  =====================================================

In the large view the arrows step to the previous or next photo.
"""

from __future__ import annotations

MOVES = ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown")
FORWARDED = (*MOVES, " ", "Enter", "Escape", "k", "K", "x", "X", "a", "A")
"""The keys grid.js sends to the kernel (and keeps from the page: no scrolling, no notebook shortcut)."""


def action(key: str, *, ctrl: bool = False) -> str | None:
    """What ``key`` does: "move", "toggle", "open", "close", "keep", "reject", "all", or None (nothing)."""
    if key in MOVES:
        return "move"
    if ctrl:
        return "all" if key in ("a", "A") else None
    return {
        " ": "toggle",
        "Enter": "open",
        "Escape": "close",
        "k": "keep",
        "K": "keep",
        "x": "reject",
        "X": "reject",
    }.get(key)


def moved(focus: int | None, key: str, count: int, cols: int = 1, rows: int = 1, large: bool = False) -> int | None:
    """The tile ``key`` moves the focus to, among ``count`` tiles laid ``cols`` to a row, ``rows`` rows a screen.

    With no focus yet, any move lands on the first tile. In the large view (``large``) every
    arrow steps by one photo. None when there are no tiles.
    """
    if count <= 0:
        return None
    if focus is None or not 0 <= focus < count:
        return 0
    cols, rows = max(1, int(cols)), max(1, int(rows))
    if key == "Home":
        target = 0
    elif key == "End":
        target = count - 1
    elif large:
        target = focus + (-1 if key in ("ArrowLeft", "ArrowUp", "PageUp") else 1)
    else:
        step = {
            "ArrowLeft": -1,
            "ArrowRight": 1,
            "ArrowUp": -cols,
            "ArrowDown": cols,
            "PageUp": -cols * rows,
            "PageDown": cols * rows,
        }[key]
        target = focus + step
        if key == "ArrowUp" and target < 0:
            return focus  # no row above: stay, as a file manager does
        if key == "ArrowDown" and target >= count:
            return count - 1 if (count - 1) // cols > focus // cols else focus  # a short last row: its last tile
    return max(0, min(count - 1, target))
