"""Names that cannot hurt: titles, descriptions, tags and album names are checked before anything is sent.

A service stores what it is sent. A title holding a control character (NUL, ESC...) is kept by
some services and then breaks every reply that carries it (XML 1.0 cannot hold most of them);
an empty or blank album name makes an album nobody can name again, or is refused only after the
photos went up. So galleryk refuses, before the first upload:

- control characters (C0, except tab and newline, and DEL) in a title, a description, a tag
  or an album name;
- an empty or blank album name (one of only spaces).

The error names the field, and the row when there is one, and says which character where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import GallerykError

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
"""The characters refused: C0 controls but tab (U+0009) and newline (U+000A), and DEL (U+007F)."""
SHOWN_PROBLEMS = 5


class BadName(GallerykError, ValueError):
    """A title, description, tag or album name that galleryk will not send; ``problems`` lists each as one line."""

    def __init__(self, message: str, *, problems: Iterable[str] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


def control_problem(value: str) -> str | None:
    """What is wrong with ``value`` ("a control character U+0000 at position 5"), or None when nothing is."""
    hit = CONTROL.search(value)
    if hit is None:
        return None
    return f"a control character (U+{ord(hit.group()):04X}) at position {hit.start() + 1}"


def text_problem(field: str, value: Any) -> str | None:
    """``field`` and what is wrong with its ``value`` (a text, or a list of tags), or None when it may be sent."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else [str(v) for v in value]
    for one in values:
        problem = control_problem(one)
        if problem is not None:
            shown = one if len(one) <= 40 else one[:37] + "..."
            return f"{field} {shown!r} holds {problem}"
    return None


def check_text(field: str, value: Any, *, row: str | None = None) -> None:
    """Raise :class:`BadName` when ``value`` (a text or a list of tags) holds a control character; ``row`` names
    where it comes from."""
    problem = text_problem(field, value)
    if problem is not None:
        where = f"{row}: " if row is not None else ""
        raise BadName(f"{where}{problem}, which galleryk does not send; remove it", problems=[where + problem])


def check_album_name(value: Any, field: str = "album") -> None:
    """Raise :class:`BadName` for an album name (a title, not an id) that is empty, blank or holds a control
    character; ids (ints) and None (no album) pass."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return
    text = str(value)
    if not text.strip():
        what = "empty" if not text else "blank (only white space)"
        raise BadName(
            f"{field} {text!r} is {what}: name the album by its title or id, or leave {field} out",
            problems=[f"{field} is {what}"],
        )
    check_text(field, text)


def check_rows(rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Check each row's fields (``("row 3 (a.jpg)", {"title": ..., "description": ..., "tags": [...]})``); one
    :class:`BadName` naming every bad row (the first few in the message, all in ``problems``)."""
    problems = []
    for row, fields in rows:
        for field, value in fields.items():
            problem = text_problem(field, value)
            if problem is not None:
                problems.append(f"{row}: {problem}")
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        more = f"; and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
        raise BadName(
            f"nothing was sent: {len(problems)} field(s) hold control characters, which galleryk does not send "
            f"({shown}{more}); remove them and push again",
            problems=problems,
        )


__all__ = ["CONTROL", "BadName", "check_album_name", "check_rows", "check_text", "control_problem", "text_problem"]
