"""Column builders with honest dtypes, shared by every listing: lists of raw values in, pandas arrays out.

Services send everything as text (XML attributes, JSON strings or numbers). A listing gathers
one Python list per column, then :func:`build_frame` turns each into the right array:

======== ======================================= ===========================================
kind     dtype                                   from
======== ======================================= ===========================================
int      ``Int64`` (nullable)                    "123", 123, "" / None -> <NA>
bool     ``boolean`` (nullable)                  "1"/"0", "true"/"false", "yes"/"no", 1/0
string   ``string``                              any text; None -> <NA>
unix     ``datetime64[s, UTC]``                  seconds since the epoch ("1711655130")
taken    ``datetime64[s]`` (naive, camera time)  "20090625 15:22:19", "2009-06-25 15:22:19", ISO
list     ``object`` holding lists                lists (tags); None stays None (not said)
======== ======================================= ===========================================

An empty listing gives an empty DataFrame with the same columns and dtypes. A value that does
not parse as its kind (an id of ``1e400`` or ``abc``, a flag of ``maybe``, a date of
``yesterday``) makes :func:`build_frame` raise :class:`~galleryk.errors.BadValue` (a
``BadReply`` and a ``ValueError``) naming the field and the value: a broken server's reply is
reported, never turned into a raw traceback or a silently wrong table. Empty values, and the
zero dates servers send for "unknown" (``0000-00-00 00:00:00``), are missing values, not errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..base.errors import BadValue

if TYPE_CHECKING:
    from pandas._libs.tslibs.nattype import NaTType

KINDS = ("int", "bool", "string", "unix", "taken", "list")
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f", ""})
_COMPACT_TAKEN = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2}):?(\d{2}):?(\d{2}))?$")
_ISO_TAKEN = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_NULLS = (None, "")
_ZERO_DATE = re.compile(r"^[0\s:./T-]*$")  # "", "0000-00-00 00:00:00", "00000000": no date


def int_array(values: Sequence[Any]) -> pd.api.extensions.ExtensionArray:
    """Nullable Int64 from text or numbers; empty text and None become <NA>; anything else non-numeric raises."""
    if values and all(v not in _NULLS for v in values):
        try:
            return pd.array(np.array(values, dtype=np.int64), dtype="Int64")
        except (ValueError, TypeError, OverflowError):
            pass
    return pd.array([None if v in _NULLS else int(v) for v in values], dtype="Int64")


def bool_array(values: Sequence[Any]) -> pd.api.extensions.ExtensionArray:
    """Nullable booleans from "1"/"0", "true"/"false" and friends; None becomes <NA>."""
    try:
        meaning = {v: _bool(v) for v in set(values)}  # a listing holds few distinct spellings: convert each once
    except TypeError:  # unhashable values
        return pd.array([_bool(v) for v in values], dtype="boolean")
    if None not in meaning.values():
        flags = np.fromiter(map(meaning.__getitem__, values), dtype=bool, count=len(values))
        return pd.array(flags, dtype="boolean")
    return pd.array([meaning[v] for v in values], dtype="boolean")


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def string_array(values: Sequence[Any]) -> pd.api.extensions.ExtensionArray:
    """Text with pandas' nullable ``string`` dtype; None stays <NA>."""
    return pd.array([v if v is None or isinstance(v, str) else str(v) for v in values], dtype="string")


def unix_array(values: Sequence[Any]) -> pd.DatetimeIndex:
    """UTC datetimes from seconds since the epoch; empty, None or 0 become NaT."""
    seconds = [None if v in _NULLS or str(v) == "0" else int(float(v)) for v in values]
    return pd.to_datetime(pd.array(seconds, dtype="Int64"), unit="s", utc=True).as_unit("s")


def parse_taken(value: Any) -> pd.Timestamp | NaTType:
    """A "taken" date as a naive Timestamp: "20090625 15:22:19", "2009-06-25 15:22:19", ISO forms; else NaT."""
    if value is None:
        return pd.NaT
    if isinstance(value, datetime):
        return pd.Timestamp(value.replace(tzinfo=None))
    text = str(value).strip()
    m = _COMPACT_TAKEN.match(text) or _ISO_TAKEN.match(text)
    if m is None:
        return pd.NaT
    year, month, day, hour, minute, second = (int(p) if p else 0 for p in m.groups())
    try:
        return pd.Timestamp(
            datetime(year, month, day, hour, minute, second)
        )  # the clock reading, in the camera's time; offsets are dropped
    except ValueError:
        return pd.NaT


def taken_array(values: Sequence[Any]) -> pd.DatetimeIndex:
    """Naive datetimes (camera time) from the taken forms :func:`parse_taken` reads; empty or zero dates -> NaT.

    Text that is neither raises ValueError (a column of a reply is not guessed at).
    """
    return pd.DatetimeIndex([_taken_strict(v) for v in values], dtype="datetime64[s]")


def _taken_strict(value: Any) -> pd.Timestamp | NaTType:
    stamp = parse_taken(value)
    if stamp is pd.NaT and value is not None and not _ZERO_DATE.match(str(value).strip()):
        raise ValueError(f"not a date: {value!r}")
    return stamp


def list_array(values: Sequence[Any]) -> np.ndarray:
    """An object column holding one list per row (tags); None stays None: the listing did not say."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = None if v is None else list(v)
    return out


def missing_column(kind: str, n: int) -> Any:
    """A column of ``n`` missing values of ``kind`` (<NA>, NaT or None), made without a value-by-value parse."""
    if kind == "int":
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    if kind == "bool":
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    if kind == "string":
        return pd.array(np.full(n, None, dtype=object), dtype="string")
    if kind == "taken":
        return pd.DatetimeIndex(np.full(n, np.datetime64("NaT", "s")), dtype="datetime64[s]")
    if kind == "unix":
        return pd.DatetimeIndex(np.full(n, np.datetime64("NaT", "s"))).tz_localize("UTC")
    if kind == "list":
        return np.full(n, None, dtype=object)
    raise ValueError(f"unknown column kind {kind!r}; known: {', '.join(KINDS)}")


_BUILDERS = {
    "int": int_array,
    "bool": bool_array,
    "string": string_array,
    "unix": unix_array,
    "taken": taken_array,
    "list": list_array,
}


def column(values: Sequence[Any], kind: str, name: str | None = None) -> Any:
    """One column of ``kind`` (see the module table) from raw values.

    With ``name`` (the field the values come from), a value that does not parse raises
    :class:`~galleryk.errors.BadValue` naming the field; without, the builder's ValueError.
    """
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown column kind {kind!r}; known: {', '.join(KINDS)}") from None
    if name is None:
        return builder(values)
    try:
        return builder(values)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _bad_value(name, kind, values, exc) from None


def scalar(value: Any, kind: str, name: str) -> Any:
    """One value of ``kind`` as a plain Python value (None when missing), by the same rules as :func:`column`.

    For callers that read one record at a time (a photo's details), where a one-row array
    would cost more than the call itself. A value that does not parse raises BadValue naming ``name``.
    """
    if kind == "list":
        return None if value is None else list(value)
    if value is None:
        return None
    if kind == "string":
        return value if isinstance(value, str) else str(value)
    try:
        if kind == "int":
            if value == "":
                return None
            number = int(value)
            if not -(1 << 63) <= number < (1 << 63):
                raise OverflowError(number)
            return number
        if kind == "bool":
            return _bool(value)
        if kind == "unix":
            if value == "" or str(value) == "0":
                return None
            return pd.Timestamp(int(float(value)), unit="s", tz="UTC")
        if kind == "taken":
            stamp = _taken_strict(value)
            return None if stamp is pd.NaT else stamp
    except (ValueError, TypeError, OverflowError) as exc:
        raise _bad_value(name, kind, [value], exc) from None
    raise ValueError(f"unknown column kind {kind!r}; known: {', '.join(KINDS)}")


_KIND_WORDS = {
    "int": "a whole number that fits 64 bits",
    "bool": "a yes/no flag",
    "unix": "a time in seconds since 1970",
    "taken": "a date",
    "string": "text",
    "list": "a list",
}


def _bad_value(name: str, kind: str, values: Sequence[Any], exc: BaseException) -> BadValue:
    """The BadValue for the first of ``values`` that ``kind`` cannot take (found again, value by value)."""
    builder = _BUILDERS[kind]
    culprit: Any = None
    for value in values:
        try:
            builder([value])
        except (ValueError, TypeError, OverflowError):
            culprit = value
            break
    shown = repr(culprit if culprit is not None else exc)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return BadValue(
        f"the reply's {name!r} field holds {shown}, which is not {_KIND_WORDS.get(kind, kind)}",
        field=name,
        value=culprit,
    )


def build_frame(
    columns: Mapping[str, Sequence[Any]], kinds: Mapping[str, str], default: str = "string"
) -> pd.DataFrame:
    """A DataFrame from raw column lists: known columns in ``kinds`` order, then the extras (as ``default``).

    Columns named in ``kinds`` but missing from ``columns`` are filled with <NA>; every column
    has the same length (the longest list's). A value that does not parse raises BadValue naming its field.
    """
    n = max((len(v) for v in columns.values()), default=0)
    data: dict[str, Any] = {}
    for name, kind in kinds.items():
        values = columns.get(name)
        data[name] = column(values, kind, name) if values is not None else missing_column(kind, n)
    for name, values in columns.items():
        if name not in kinds:
            data[name] = column(values, default, name)
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def empty_frame(kinds: Mapping[str, str]) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of ``kinds``."""
    return build_frame({}, kinds)
