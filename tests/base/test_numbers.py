"""Whole numbers in what services send: read when they are there, None (never an exception) when not."""

from __future__ import annotations

import pytest

from galleryk.base.numbers import whole_number


@pytest.mark.parametrize(("sent", "read"), [("42", 42), (" 7\n", 7), ("-3", -3), (12, 12)])
def test_a_number_is_read_with_the_blanks_around_it(sent, read):
    assert whole_number(sent) == read


@pytest.mark.parametrize("sent", [None, "", "  ", "4.5", "12abc", "abc", True])
def test_what_is_not_a_whole_number_reads_as_none(sent):
    assert whole_number(sent) is None
