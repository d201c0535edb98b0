"""Which tiles of a grid are selected, and how clicks and keys change that: pure logic, tested without a browser.

The listing holds every id; a filter decides which of them are *shown*, and tile positions
count shown tiles only. A plain click selects one photo and makes it the anchor; ctrl/cmd-
click toggles one and moves the anchor; shift-click selects the range of shown photos from
the anchor to the click (ctrl+shift adds the range to what was selected). Whatever the grid
does touches only the shown photos: a selected photo hidden by the filter stays selected.
Ids keep the listing's order whatever the order of the clicks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class Selection:
    """The selected ids among ``ids`` (a listing's ids, in its order), the ids shown, and a click anchor."""

    def __init__(self, ids: Sequence[Any] = ()) -> None:
        self._ids: list[Any] = []
        self._index: dict[Any, int] = {}
        self._chosen: set[Any] = set()
        self._shown: list[Any] | None = None  # None: every id is shown
        self._shown_index: dict[Any, int] = {}
        self._anchor: Any = None  # an id, so that it survives a change of filter
        self.reset(ids)

    def reset(self, ids: Sequence[Any], keep: bool = False) -> None:
        """A new listing, everything shown; with ``keep`` the ids still present stay selected (a listing that grew)."""
        self._ids = list(ids)
        self._index = {value: i for i, value in enumerate(self._ids)}
        self._chosen = {i for i in self._chosen if i in self._index} if keep else set()
        if not keep or self._anchor not in self._index:
            self._anchor = None
        self.show(None)

    def show(self, ids: Sequence[Any] | None) -> None:
        """Show only ``ids`` (a filter's matches, in listing order); None shows every id."""
        self._shown = None if ids is None else list(ids)
        self._shown_index = {} if self._shown is None else {value: i for i, value in enumerate(self._shown)}

    def __len__(self) -> int:
        return len(self._chosen)

    @property
    def size(self) -> int:
        """How many ids the listing has."""
        return len(self._ids)

    @property
    def listing(self) -> list[Any]:
        """Every id of the listing, in its order."""
        return self._ids

    @property
    def shown(self) -> list[Any]:
        """The ids shown, in listing order."""
        return self._ids if self._shown is None else self._shown

    @property
    def ids(self) -> list[Any]:
        """The selected ids, in listing order (shown or not)."""
        if len(self._chosen) * 4 < len(self._ids):
            return [value for _, value in sorted((self._index[v], v) for v in self._chosen)]
        return [value for value in self._ids if value in self._chosen]

    @property
    def hidden(self) -> int:
        """How many selected ids the filter hides."""
        if self._shown is None:
            return 0
        return sum(1 for value in self._chosen if value not in self._shown_index)

    @property
    def anchor(self) -> int | None:
        """The shown position a shift-click draws its range from (None if that photo is not shown)."""
        return None if self._anchor is None else self.position_of(self._anchor)

    def id_at(self, index: int) -> Any:
        """The id of the ``index``-th shown tile."""
        return self.shown[index]

    def position_of(self, value: Any) -> int | None:
        """Where the id ``value`` is among the shown tiles (None if hidden or unknown)."""
        if self._shown is None:
            return self._index.get(value)
        return self._shown_index.get(value)

    def index_of(self, value: Any) -> int | None:
        """Where the id ``value`` is in the listing."""
        return self._index.get(value)

    def is_selected(self, value: Any) -> bool:
        return value in self._chosen

    def click(self, index: int, shift: bool = False, toggle: bool = False) -> None:
        """What a click on shown tile ``index`` does, with the shift and ctrl/cmd keys as given."""
        shown = self.shown
        if not 0 <= index < len(shown):
            raise IndexError(f"tile {index} is not in this view of {len(shown)}")
        anchor = self.anchor
        if shift and anchor is not None:
            low, high = sorted((anchor, index))
            span = set(shown[low : high + 1])
            self._chosen = (self._chosen | span) if toggle else self._hidden_chosen() | span
            return  # the anchor stays, so a second shift-click re-draws the range from it
        value = shown[index]
        if toggle:
            self._chosen ^= {value}
        else:
            self._chosen = self._hidden_chosen() | {value}
        self._anchor = value

    def _hidden_chosen(self) -> set[Any]:
        if self._shown is None:
            return set()
        return {value for value in self._chosen if value not in self._shown_index}

    def set_anchor(self, index: int) -> None:
        """Make shown tile ``index`` the anchor without selecting it (the keyboard's focus moved there)."""
        self._anchor = self.shown[index]

    def select_all(self) -> None:
        """Every shown id joins the selection."""
        self._chosen |= set(self.shown)

    def select_none(self) -> None:
        """Every shown id leaves the selection (hidden ones stay)."""
        self._chosen = self._hidden_chosen()
        self._anchor = None

    def set_ids(self, values: Iterable[Any]) -> list[Any]:
        """Select exactly ``values``, shown or not; returns those not in the listing (they are not selected)."""
        wanted = list(values)
        unknown = [v for v in wanted if v not in self._index]
        self._chosen = {v for v in wanted if v in self._index}
        return unknown
