"""EXIF values as cameras and editors really write them."""

from __future__ import annotations

from datetime import datetime

import pytest

from galleryk.media.exif import orientation_value, parse_exif_datetime, text_value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024:05:18 09:00:00", datetime(2024, 5, 18, 9, 0, 0)),
        ("2024:05:18 09:00:00\x00", datetime(2024, 5, 18, 9, 0, 0)),
        (b"2024:05:18 09:00:00", datetime(2024, 5, 18, 9, 0, 0)),
        ("2024-05-18T09:00:00", datetime(2024, 5, 18, 9, 0, 0)),
        ("2024:05:18", datetime(2024, 5, 18)),
    ],
)
def test_exif_dates_are_parsed(raw: object, expected: datetime) -> None:
    assert parse_exif_datetime(raw) == expected


@pytest.mark.parametrize("raw", ["0000:00:00 00:00:00", "    :  :     :  :  ", "", None, "2024:13:45 10:00:00", 42])
def test_blank_zero_or_impossible_dates_are_no_date(raw: object) -> None:
    assert parse_exif_datetime(raw) is None


def test_subseconds_are_kept() -> None:
    assert parse_exif_datetime("2024:05:18 09:00:00", "25").microsecond == 250000


@pytest.mark.parametrize(("raw", "expected"), [(6, 6), ("3", 3), ((8,), 8), (0, None), (9, None), ("x", None)])
def test_orientation_outside_1_to_8_is_no_orientation(raw: object, expected: int | None) -> None:
    assert orientation_value(raw) == expected


def test_camera_text_loses_padding_and_blank_is_none() -> None:
    assert text_value(b"Canon\x00\x00 ") == "Canon" and text_value("   \x00") is None
