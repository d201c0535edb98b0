"""to_html(): a photo table with inline thumbnails that a notebook can show safely."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from galleryk.media import to_html
from galleryk.sandbox.demo_images import demo_catalog, render_jpeg


@pytest.fixture
def table(tmp_path: Path) -> pd.DataFrame:
    paths = []
    for i, pic in enumerate(demo_catalog(5)):
        path = tmp_path / f"photo{i}.jpg"
        path.write_bytes(render_jpeg(pic))
        paths.append(str(path))
    return pd.DataFrame({"path": paths, "title": [f"Pic {i}" for i in range(5)]})


def images(html: str) -> list[str]:
    return re.findall(r'<img src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', html)


def test_each_row_gets_an_inline_jpeg_thumbnail_of_the_asked_size(table: pd.DataFrame) -> None:
    found = images(to_html(table, size=64))
    assert len(found) == 5
    preview = Image.open(io.BytesIO(base64.b64decode(found[0])))
    assert preview.format == "JPEG" and max(preview.size) == 64


def test_other_values_are_escaped(table: pd.DataFrame) -> None:
    table.loc[0, "title"] = "<script>alert(1)</script> & co"
    html = to_html(table.head(1))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_rows_beyond_max_rows_are_left_out_with_a_note(table: pd.DataFrame) -> None:
    html = to_html(table, max_rows=2)
    assert len(images(html)) == 2
    assert "first 2 of 5 rows" in html


def test_unreadable_files_show_a_reason_instead_of_failing(table: pd.DataFrame, tmp_path: Path) -> None:
    bad = tmp_path / "notes.jpg"
    bad.write_text("hello")
    table.loc[1, "path"] = str(bad)
    table.loc[2, "path"] = None
    html = to_html(table)
    assert len(images(html)) == 3 and "no preview" in html and "not an image" in html


def test_a_missing_path_column_is_named_in_the_error(table: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="file"):
        to_html(table, path_column="file")


def test_missing_values_show_as_blank_cells(table: pd.DataFrame) -> None:
    table["rating"] = pd.array([1, None, 3, 4, 5], dtype="Int64")
    assert "<NA>" not in to_html(table)
