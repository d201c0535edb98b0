"""The journal records intent before and outcome after each upload, and survives a reopen."""

from __future__ import annotations

from galleryk.push import Journal


def test_an_item_started_without_an_outcome_is_in_doubt_after_a_reopen(tmp_path):
    with Journal(tmp_path / "j.sqlite") as jr:
        jr.start("t", "k1")
        jr.start("t", "k2")
        jr.uploaded("t", "k2", "42")
    with Journal(tmp_path / "j.sqlite") as jr:
        assert jr.get("t", "k1").in_doubt
        assert jr.get("t", "k2").state == "uploaded" and jr.get("t", "k2").remote_id == "42"
        assert jr.get("t", "k3") is None


def test_attempts_count_every_start_and_failures_keep_their_reason(tmp_path):
    with Journal(tmp_path / "j.sqlite") as jr:
        jr.start("t", "k")
        jr.failed("t", "k", "CoppermineError: 13: not an image")
        jr.start("t", "k")
        entry = jr.get("t", "k")
        assert entry.attempts == 2 and entry.in_doubt and entry.error is None
        jr.failed("t", "k", "again")
        assert jr.get("t", "k").error == "again"


def test_targets_and_albums_are_kept_apart(tmp_path):
    with Journal(tmp_path / "j.sqlite") as jr:
        jr.start("fotki|a", "k")
        jr.uploaded("fotki|a", "k", "1")
        jr.set_album("fotki|a", "72157")
        assert jr.get("fotki|b", "k") is None
        assert jr.album("fotki|a") == "72157" and jr.album("fotki|b") is None
        jr.added_to_album("fotki|a", "k")
        assert jr.entries("fotki|a")["k"].in_album


def test_a_file_that_is_not_a_journal_is_named_with_the_way_out(photo_folder, fotki, tmp_path):
    import pytest

    import galleryk as gk

    journal = tmp_path / "j.sqlite"
    journal.write_bytes(b"these are not the bytes of a journal\n" * 100)
    with pytest.raises(gk.JournalCorrupt) as info:
        gk.scan(photo_folder, progress=False).galleryk.push(fotki, journal=journal, progress=False)
    assert str(journal) in str(info.value) and "Move it aside" in str(info.value)
    assert info.value.path == journal


def test_a_damaged_journal_is_reported_and_a_fresh_one_recognises_the_earlier_uploads(photo_folder, fotki, tmp_path):
    import pytest

    import galleryk as gk

    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    df.galleryk.push(fotki, journal=journal, progress=False)
    data = bytearray(journal.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page in the middle overwritten, the header intact
    journal.write_bytes(bytes(data))
    with pytest.raises(gk.JournalCorrupt, match="is damaged") as info:
        df.galleryk.push(fotki, journal=journal, progress=False)
    assert "sqlite3" not in type(info.value).__module__
    journal.rename(tmp_path / "j.sqlite.damaged")  # the way out the message gives
    again = df.galleryk.push(fotki, journal=journal, progress=False)
    assert again["status"].tolist() == ["skipped"] * 6
