"""The ``df.galleryk`` accessor: what galleryk adds to any DataFrame of photos."""

from __future__ import annotations

from typing import Any

import pandas as pd


@pd.api.extensions.register_dataframe_accessor("galleryk")
class GallerykAccessor:
    """``df.galleryk.push(target, ...)``, ``.plan(target, ...)`` and ``.thumbnails()`` on a selection of photos;
    ``plan.galleryk.apply()`` on a plan; ``report.galleryk.undo()`` on a push's or an apply's report."""

    def __init__(self, df: pd.DataFrame) -> None:
        self._df = df

    def push(self, target: Any, **options: Any) -> pd.DataFrame:
        """Upload every row to ``target`` (a service client); see :func:`galleryk.push.push`.

        A listing from a service (no ``path`` column) is copied from the client it was listed
        with, unless ``source=`` names another.
        """
        from ..services.registry import client_for
        from .engine import push

        if "source" not in options and "path" not in self._df.columns:
            found = client_for(self._df)
            if found is not None:
                options["source"] = found
        return push(self._df, target, **options)

    def plan(self, target: Any, **options: Any) -> pd.DataFrame:
        """What pushing (or, for a listing of ``target`` itself, editing) these rows would do, one row per action,
        changing nothing online; see :func:`galleryk.push.plan.plan`."""
        from .plan import plan

        return plan(self._df, target, **options)

    def apply(self, target: Any = None, **options: Any) -> pd.DataFrame:
        """Carry out the rows left in this plan and return the report; see :func:`galleryk.push.apply.apply`."""
        from .apply import apply

        return apply(self._df, target, **options)

    def undo(self, target: Any = None, **options: Any) -> pd.DataFrame:
        """Take back what the push or apply of this report did, where the service allows; see
        :func:`galleryk.push.undo.undo`."""
        from .undo import undo

        return undo(self._df, target, **options)

    def thumbnails(self, path_column: str = "path", size: int = 128, max_rows: int = 200, client: Any = None) -> Any:
        """The table as HTML with a thumbnail per row, for a notebook cell.

        A scan's previews come from the files in ``path_column``; a listing's (``fotki.photos(...)``,
        ``cpg.photos(...)``, a widget's ``.selection``) through the client it came from, or ``client``.
        """
        from IPython.display import HTML

        from ..media import to_html
        from ..services.contract import Service
        from ..services.registry import client_for

        df = self._df
        if client is None and path_column in df.columns:
            return HTML(to_html(df, path_column=path_column, size=size, max_rows=max_rows))
        client = client if client is not None else client_for(df)
        if not isinstance(client, Service):
            raise KeyError(
                f"thumbnails: no column {path_column!r} of local files, and this table does not say which "
                "service client it was listed with (it was saved and loaded, or built by hand): "
                "pass client=, e.g. df.galleryk.thumbnails(client=fotki)"
            )
        return HTML(to_html(df, size=size, max_rows=max_rows, fetch=lambda row: client.thumbnail(row, size=size)))
