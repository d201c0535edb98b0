"""A DataFrame of photos as an HTML table with a thumbnail per row, for a notebook cell.

Thumbnails are inlined as base64 ``data:`` URIs so the page needs no server; every other value
is escaped. Only the first ``max_rows`` rows are drawn, with a note, so a big table cannot
flood the notebook with megabytes of images. Local files are read from ``path_column``; for
a remote listing the caller passes ``fetch(row) -> JPEG bytes`` (a client's ``thumbnail``).
"""

from __future__ import annotations

import base64
import html as _html
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from .errors import MediaError
from .thumbnails import thumbnail_bytes

_STYLE = (
    "<style>table.galleryk-thumbs td{vertical-align:middle}"
    "table.galleryk-thumbs td.galleryk-thumb{text-align:center}</style>"
)


def to_html(
    df: pd.DataFrame,
    path_column: str = "path",
    size: int = 128,
    max_rows: int | None = 200,
    fetch: Callable[[pd.Series], bytes] | None = None,
) -> str:
    """HTML for ``df`` with a preview on each row (first ``max_rows`` rows).

    The preview is of the file in ``path_column``, or, with ``fetch``, the JPEG bytes it returns for the row.
    """
    if fetch is None and path_column not in df.columns:
        raise KeyError(f"to_html: no column {path_column!r} holding file paths; columns are {list(df.columns)}")
    if max_rows is not None and max_rows < 0:
        raise ValueError(f"to_html: max_rows must be 0 or more, got {max_rows}")
    shown = df if max_rows is None else df.iloc[:max_rows]
    if fetch is None:
        cells = _thumbnail_cells(list(shown[path_column]), lambda p: _cell(p, size))
    else:
        cells = _thumbnail_cells([row for _, row in shown.iterrows()], lambda row: _remote_cell(row, fetch))
    parts = [_STYLE, '<table class="galleryk-thumbs dataframe">', "<thead><tr>"]
    parts.append(f"<th>{_html.escape(str(df.index.name or ''))}</th><th>preview</th>")
    parts.extend(f"<th>{_html.escape(str(c))}</th>" for c in df.columns)
    parts.append("</tr></thead><tbody>")
    for (label, row), cell in zip(shown.iterrows(), cells):
        parts.append(f"<tr><th>{_html.escape(str(label))}</th>{cell}")
        parts.extend(f"<td>{_html.escape(_text(v))}</td>" for v in row)
        parts.append("</tr>")
    parts.append("</tbody></table>")
    if len(shown) < len(df):
        parts.append(
            f'<p class="galleryk-note">Showing the first {len(shown):,} of {len(df):,} rows; '
            f"filter the DataFrame or pass a larger max_rows to see more.</p>"
        )
    return "".join(parts)


def _thumbnail_cells(items: list[Any], make: Callable[[Any], str]) -> list[str]:
    workers = min(8, (os.cpu_count() or 1) + 2)
    if len(items) < 4:
        return [make(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="galleryk-html") as pool:
        return list(pool.map(make, items))


def _remote_cell(row: pd.Series, fetch: Callable[[pd.Series], bytes]) -> str:
    try:
        data = fetch(row)
    except Exception as exc:  # one photo that cannot be fetched must not hide the table
        return f'<td class="galleryk-thumb"><small>no preview: {_html.escape(str(exc))}</small></td>'
    uri = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
    alt = _html.escape(_text(row.get("title", "")), quote=True)
    return f'<td class="galleryk-thumb"><img src="{uri}" alt="{alt}" loading="lazy"></td>'


def _cell(path: Any, size: int) -> str:
    if path is None or (not isinstance(path, (str, os.PathLike))) or path == "":
        return '<td class="galleryk-thumb"></td>'
    try:
        data = thumbnail_bytes(path, size, "JPEG", quality=80)
    except (MediaError, OSError) as exc:
        return f'<td class="galleryk-thumb"><small>no preview: {_html.escape(str(exc))}</small></td>'
    uri = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
    alt = _html.escape(os.path.basename(os.fspath(path)), quote=True)
    return f'<td class="galleryk-thumb"><img src="{uri}" alt="{alt}" loading="lazy"></td>'


def _text(value: Any) -> str:
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and arrays: not a scalar missing value
        pass
    return str(value)
