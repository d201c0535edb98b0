"""Fotki listings as DataFrames: the doc's examples give typed columns, empty listings keep their dtypes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from galleryk.fotki.replies import parse_reply
from galleryk.frames.columns import parse_taken
from galleryk.frames.fotki import infos_frame, photos_frame, photosets_frame

_spec = importlib.util.spec_from_file_location(
    "fotki_examples", Path(__file__).parents[1] / "fotki" / "test_fotki_replies.py"
)
examples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(examples)  # type: ignore[union-attr]


def _body(xml: str):
    return parse_reply(xml.encode())


def test_photosets_from_the_doc_example() -> None:
    df = photosets_frame(_body(examples.GET_LIST).iterchildren("photoset"))
    assert df["id"].tolist() == [456786521, 721364646]
    assert df["title"].tolist() == ["Test", "Next Set"] and df["photos"].tolist() == [2, 12]
    assert str(df["id"].dtype) == "Int64" and str(df["title"].dtype) == "string"


def test_photos_not_in_set_from_the_doc_example() -> None:
    df = photos_frame([_body(examples.NOT_IN_SET)])
    assert df["id"].tolist() == [466654687, 654548864, 465432132, 4565213888]
    assert df["ispublic"].tolist() == [True, False, True, True]
    assert str(df["ispublic"].dtype) == "boolean" and df["isprimary"].isna().all()


def test_photos_of_a_set_carry_isprimary_and_the_set_id() -> None:
    df = photos_frame([_body(examples.GET_PHOTOS)], album_id=456786521)
    assert df["isprimary"].tolist() == [False, True]
    assert df["album_id"].tolist() == [456786521, 456786521]


def test_unknown_attributes_become_extra_string_columns() -> None:
    df = photos_frame([_body('<photos page="1" pages="1"><photo id="1" secret="abc" server="7"/></photos>')])
    assert list(df.columns[-2:]) == ["secret", "server"] and str(df["server"].dtype) == "string"


def test_non_numeric_owner_ids_fall_back_to_text() -> None:
    df = photos_frame([_body('<photos><photo id="1" owner="12037949754@N01"/></photos>')])
    assert df["owner"].tolist() == ["12037949754@N01"]


def test_get_info_example_gives_typed_values() -> None:
    row = infos_frame([_body(examples.GET_INFO)]).iloc[0]
    assert row["id"] == 4878654632 and row["owner"] == 46656165646
    assert row["taken"] == pd.Timestamp("2009-06-25 15:22:19")
    assert row["posted"] == pd.Timestamp(1711655130, unit="s", tz="UTC")
    assert row["tags"] == ["tag1", "tag2"] and bool(row["ispublic"]) and not bool(row["isfriend"])
    assert row["page_url"] == "http://www.fotki.com/none/testalbum/Title.png" and pd.isna(row["original_url"])


@pytest.mark.parametrize(
    "text",
    [
        "20090625 15:22:19",
        "2009-06-25 15:22:19",
        "2009-06-25T15:22:19",
        "2009-06-25T15:22:19Z",
        "2009-06-25T15:22:19+02:00",
        "20090625152219",
    ],
)
def test_taken_dates_in_every_form(text: str) -> None:
    assert parse_taken(text) == pd.Timestamp("2009-06-25 15:22:19")


def test_unreadable_taken_date_is_nat() -> None:
    assert parse_taken("0000-00-00 00:00:00") is pd.NaT and parse_taken("yesterday") is pd.NaT


@pytest.mark.parametrize("build,kind", [(photos_frame, "photos"), (photosets_frame, "sets"), (infos_frame, "infos")])
def test_empty_listing_has_the_columns_and_dtypes(build, kind) -> None:
    empty = build([])
    assert len(empty) == 0
    if kind == "photos":
        assert dict(empty.dtypes.astype(str)) == {
            "id": "Int64",
            "album_id": "Int64",
            "title": "string",
            "description": "string",
            "tags": "object",
            "taken": "datetime64[s]",
            "owner": "Int64",
            "ispublic": "boolean",
            "isfriend": "boolean",
            "isfamily": "boolean",
            "isprimary": "boolean",
        }
    elif kind == "infos":
        assert str(empty["taken"].dtype) == "datetime64[s]" and str(empty["posted"].dtype) == "datetime64[s, UTC]"
    else:
        assert list(empty.columns[:2]) == ["id", "title"]


def test_json_and_xml_give_the_same_frame() -> None:
    xml = photosets_frame(_body(examples.GET_LIST).iterchildren("photoset"))
    data = (
        b'{"photosets": {"cancreate": "1", "photoset": ['
        b'{"id": "456786521", "primary": "46876213", "photos": 2, "farm": "1", "title": {"_content": "Test"},'
        b' "description": {"_content": "Test description"}},'
        b'{"id": 721364646, "primary": "4566687963", "photos": "12", "farm": 1, "title": {"_content": "Next Set"},'
        b' "description": {"_content": "This is description too"}}]}, "stat": "ok"}'
    )
    js = photosets_frame(parse_reply(data, "json").iterchildren("photoset"))
    pd.testing.assert_frame_equal(xml, js)


def test_rows_with_different_attributes_keep_every_value() -> None:
    page = etree.fromstring('<photos><photo id="1" x="a"/><photo id="2" y="b"/><photo id="3" x="c" y="d"/></photos>')
    df = photos_frame([page])
    assert df["x"].tolist() == ["a", pd.NA, "c"] and df["y"].tolist() == [pd.NA, "b", "d"]


def test_pages_with_different_attributes_are_aligned() -> None:
    first = etree.fromstring('<photos><photo id="1" ispublic="1"/></photos>')
    second = etree.fromstring('<photos><photo id="2" extra="e"/></photos>')
    df = photos_frame([first, second])
    assert df["ispublic"].tolist() == [True, pd.NA] and df["extra"].tolist() == [pd.NA, "e"]


def test_boolean_spellings_mix_in_one_column() -> None:
    page = etree.fromstring(
        '<photos><photo id="1" ispublic="true"/><photo id="2" ispublic="0"/><photo id="3" ispublic="1"/></photos>'
    )
    assert photos_frame([page])["ispublic"].tolist() == [True, False, True]


def test_pages_read_in_different_shapes_join_into_one_typed_column() -> None:
    plain = etree.fromstring('<photoset owner="3"><photo id="1" ispublic="1"/><photo id="2" ispublic="0"/></photoset>')
    odd = etree.fromstring(
        '<photoset owner="12037949754@N01"><photo id="" ispublic="true"/><photo id="4" ispublic="no"/></photoset>'
    )
    df = photos_frame([plain, odd], album_id=9)
    assert df["id"].tolist() == [1, 2, pd.NA, 4] and str(df["id"].dtype) == "Int64"
    assert df["ispublic"].tolist() == [True, False, True, False] and str(df["ispublic"].dtype) == "boolean"
    assert df["owner"].tolist() == ["3", "3", "12037949754@N01", "12037949754@N01"]
    assert df["album_id"].tolist() == [9, 9, 9, 9]


def test_many_pages_give_the_rows_of_each_in_order() -> None:
    pages = [
        etree.fromstring(
            '<photoset owner="3">'
            + "".join(
                f'<photo id="{p * 100 + i}" title="t{p}-{i}" isprimary="{int(p == i == 0)}"/>' for i in range(100)
            )
            + "</photoset>"
        )
        for p in range(5)
    ]
    df = photos_frame(pages)
    assert df["id"].tolist() == [p * 100 + i for p in range(5) for i in range(100)]
    assert df["title"].iloc[[0, 499]].tolist() == ["t0-0", "t4-99"] and int(df["isprimary"].sum()) == 1
