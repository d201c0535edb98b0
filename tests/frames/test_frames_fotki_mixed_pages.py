"""A listing page whose photos do not all carry the same attributes keeps every photo and every value."""

from __future__ import annotations

from lxml import etree

from galleryk.frames.fotki import photos_frame


def test_a_page_of_photos_with_different_attributes_keeps_them_all() -> None:
    page = etree.fromstring(
        '<photos page="1" pages="1"><photo id="1" title="a" ispublic="1"/>'
        '<photo id="2" title="b" ispublic="0" extra="x"/><photo id="3" title="c"/></photos>'
    )
    df = photos_frame([page])
    assert df["id"].tolist() == [1, 2, 3]
    assert df["title"].tolist() == ["a", "b", "c"]
    assert df["ispublic"].tolist()[:2] == [True, False] and df["ispublic"].isna().tolist()[2]
    assert df["extra"].tolist()[1] == "x" and df["extra"].isna().tolist() == [True, False, True]
