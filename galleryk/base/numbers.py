"""Whole numbers read from what a service sends (a query, an attribute, an XML field), or None when it is not one."""

from __future__ import annotations


def whole_number(value: object) -> int | None:
    """``value`` read as a whole number (blanks around it allowed), or None: missing, empty or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


__all__ = ["whole_number"]
