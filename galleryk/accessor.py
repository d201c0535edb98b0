"""The ``df.galleryk`` accessor: what galleryk adds to any DataFrame of photos."""

from __future__ import annotations

from typing import Any

import pandas as pd


@pd.api.extensions.register_dataframe_accessor("galleryk")
class GallerykAccessor:
    """``df.galleryk.push(target, ...)`` and ``df.galleryk.thumbnails()`` on a selection of photos."""

    def __init__(self, df: pd.DataFrame) -> None:
        self._df = df

    def push(self, target: Any, **options: Any) -> pd.DataFrame:
        """Upload every row to ``target`` (a Fotki or Coppermine client); see ``galleryk.push``."""
        from .push import push

        return push(self._df, target, **options)

    def thumbnails(self, path_column: str = "path", size: int = 128, max_rows: int = 200) -> Any:
        """The table as HTML with a thumbnail per row, for a notebook cell."""
        from IPython.display import HTML

        from .media import to_html

        return HTML(to_html(self._df, path_column=path_column, size=size, max_rows=max_rows))
