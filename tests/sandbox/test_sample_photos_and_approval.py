"""The public helpers for trying galleryk: sample photos to scan, and playing a person on the approval page."""

from __future__ import annotations

import warnings

import pytest

import galleryk as gk


def test_sample_photos_are_real_jpegs_with_dates_and_cameras_and_the_same_each_time(tmp_path):
    first = gk.sandbox.sample_photos(tmp_path / "a", 5, broken=True)
    again = gk.sandbox.sample_photos(tmp_path / "b", 5, broken=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.ScanWarning)
        a, b = gk.scan(first, progress=False), gk.scan(again, progress=False)
    readable = a[a["error"].isna()]
    assert len(a) == 6 and len(readable) == 5
    assert set(readable["format"]) == {"JPEG"} and (readable["taken_source"] == "exif").all()
    assert readable["camera_model"].notna().all() and readable["taken"].is_monotonic_increasing
    assert list(a["digest"]) == list(b["digest"]) and list(a["name"]) == list(b["name"])


def test_sample_photos_refuses_a_bad_count_and_a_file_for_a_folder(tmp_path):
    with pytest.raises(ValueError, match="n must be"):
        gk.sandbox.sample_photos(tmp_path, -1)
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        gk.sandbox.sample_photos(tmp_path / "file", 1)


def test_approve_in_page_walks_the_sign_in_and_consent_pages_then_the_login_finishes(sandbox):
    fotki = gk.Fotki(
        sandbox.api_key,
        sandbox.secret,
        api_url=sandbox.fotki_api_url,
        auth_url=sandbox.fotki_auth_url,
        token_cache="memory",
    )
    pending = fotki.login("write")
    assert "allowed" in gk.sandbox.approve_in_page(pending.url, "bob")
    assert pending.finish().username == "bob" and fotki.perms == "write"


def test_approve_in_page_says_what_the_page_said_and_never_shows_the_link(sandbox):
    fotki = gk.Fotki(
        sandbox.api_key,
        sandbox.secret,
        api_url=sandbox.fotki_api_url,
        auth_url=sandbox.fotki_auth_url,
        token_cache="memory",
    )
    pending = fotki.login("read")
    with pytest.raises(gk.sandbox.ApprovalError, match="did not ask for consent") as caught:
        gk.sandbox.approve_in_page(pending.url, "alice", "wrong password")
    assert "frob" not in str(caught.value)
    with pytest.raises(gk.sandbox.ApprovalError, match="only a sandbox"):
        gk.sandbox.approve_in_page("https://secure.fotki.com/api_auth?frob=x")
