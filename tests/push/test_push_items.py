"""Rows become push items: paths or remote ids, metadata from literals, columns or functions."""

from __future__ import annotations

import pandas as pd
import pytest

from galleryk.push.items import build_items


def test_metadata_may_be_a_literal_a_column_or_a_function():
    df = pd.DataFrame({"path": ["/a/x.jpg", "/a/y.jpg"], "note": ["one", "two"], "tags": ["a b", None]})
    items = build_items(df, remote=False, title=lambda r: r["path"][-5:], description="note", tags=None)
    assert [i.title for i in items] == ["x.jpg", "y.jpg"]
    assert [i.description for i in items] == ["one", "two"]
    assert [i.tags for i in items] == [["a", "b"], []]
    literal = build_items(df, remote=False, description="same for all", tags=["x", "y z"])
    assert {i.description for i in literal} == {"same for all"}
    assert literal[0].tags == ["x", "y z"]


def test_a_scan_error_is_kept_as_the_reason_not_to_upload():
    df = pd.DataFrame({"path": ["/a/x.jpg"], "error": ["not an image Pillow can read"]})
    assert build_items(df, remote=False)[0].problem == "not an image Pillow can read"


def test_a_listing_needs_an_id_column():
    with pytest.raises(ValueError, match="needs the 'id' column"):
        build_items(pd.DataFrame({"title": ["x"]}), remote=True)


def test_the_journal_key_is_the_content_for_files_and_the_source_id_for_listings():
    digest = "ab" * 32
    local = build_items(pd.DataFrame({"path": ["/a/x.jpg"], "digest": [digest]}), remote=False)[0]
    assert local.key == f"sha256:{digest}" and local.token == digest[:16]
    remote = build_items(pd.DataFrame({"id": [17]}), remote=True)[0]
    assert remote.key == "remote:17"
