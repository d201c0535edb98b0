"""Which tiles of a grid are selected, and how clicks change that: pure logic, tested without a browser.

A plain click selects one photo and makes it the anchor; ctrl/cmd-click toggles one and moves
the anchor; shift-click selects the range from the anchor to the click (ctrl+shift adds the
range to what was selected). Ids keep the listing's order whatever the order of the clicks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class Selection:
    """The selected ids among ``ids`` (a listing's ids, in its order), with a click anchor."""

    def __init__(self, ids: Sequence[Any] = ()) -> None:
        self._ids: list[Any] = []
        self._index: dict[Any, int] = {}
        self._chosen: set[Any] = set()
        self.anchor: int | None = None
        self.reset(ids)

    def reset(self, ids: Sequence[Any], keep: bool = False) -> None:
        """A new listing; with ``keep`` the ids still present stay selected (a listing that grew)."""
        self._ids = list(ids)
        self._index = {value: i for i, value in enumerate(self._ids)}
        self._chosen = {i for i in self._chosen if i in self._index} if keep else set()
        if not keep or (self.anchor is not None and self.anchor >= len(self._ids)):
            self.anchor = None

    def __len__(self) -> int:
        return len(self._chosen)

    @property
    def size(self) -> int:
        """How many ids the listing has."""
        return len(self._ids)

    @property
    def ids(self) -> list[Any]:
        """The selected ids, in listing order."""
        if len(self._chosen) * 4 < len(self._ids):
            return [value for _, value in sorted((self._index[v], v) for v in self._chosen)]
        return [value for value in self._ids if value in self._chosen]

    def id_at(self, index: int) -> Any:
        return self._ids[index]

    def index_of(self, value: Any) -> int | None:
        return self._index.get(value)

    def click(self, index: int, shift: bool = False, toggle: bool = False) -> None:
        """What a click on tile ``index`` does, with the shift and ctrl/cmd keys as given."""
        if not 0 <= index < len(self._ids):
            raise IndexError(f"tile {index} is not in this listing of {len(self._ids)}")
        if shift and self.anchor is not None:
            low, high = sorted((self.anchor, index))
            span = set(self._ids[low : high + 1])
            self._chosen = (self._chosen | span) if toggle else span
            return  # the anchor stays, so a second shift-click re-draws the range from it
        value = self._ids[index]
        if toggle:
            self._chosen ^= {value}
        else:
            self._chosen = {value}
        self.anchor = index

    def select_all(self) -> None:
        self._chosen = set(self._ids)

    def select_none(self) -> None:
        self._chosen = set()
        self.anchor = None

    def set_ids(self, values: Iterable[Any]) -> list[Any]:
        """Select exactly ``values``; returns those not in the listing (they are not selected)."""
        wanted = list(values)
        unknown = [v for v in wanted if v not in self._index]
        self._chosen = {v for v in wanted if v in self._index}
        return unknown
