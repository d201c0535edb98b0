"""Where a gallery does not show an uploader their pictures awaiting approval (Coppermine 1.4's public albums), a
push never sends blindly what may already wait there: a stand-in client whose album editor shows nothing, over the
sandbox's album whose uploads wait for approval. The real 1.4.27 is in test_push_coppermine_servers.py."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

import galleryk as gk

UNSEEN = "the album editor of 1.4 takes only albums of the user's own gallery"


class Unseeing(gk.Coppermine):
    """A Coppermine client that, as on 1.4's public albums, is shown none of its pictures awaiting approval."""

    def pending_photos(self, album=None, *, listed=None) -> pd.DataFrame:
        df = super().pending_photos(album, listed=listed).iloc[0:0]
        df.attrs.update(complete=False, pending=UNSEEN)
        return df


@pytest.fixture
def unseeing(stock_sandbox) -> Unseeing:
    return Unseeing(stock_sandbox.coppermine_url, username="alice", password=stock_sandbox.users["alice"])


def held_titles(sandbox, album: str) -> Counter:
    with sandbox.store.read() as db:
        rows = db.execute(
            "SELECT p.title FROM cpg_pictures p JOIN cpg_albums a ON a.aid = p.aid WHERE a.title = ?", (album,)
        ).fetchall()
    return Counter(r[0] for r in rows)


def test_a_lost_journal_sends_nothing_that_may_wait_unseen_and_says_how_to_send_it(
    photo_folder, unseeing, stock_sandbox, tmp_path
):
    df = gk.scan(photo_folder, progress=False).head(3)
    first = df.galleryk.push(
        unseeing, album="Members' corner", journal=tmp_path / "a.sqlite", progress=False, upload_unseen=True
    )
    assert first["status"].tolist() == ["uploaded"] * 3 and first["note"].str.contains("approval").all()
    again = df.galleryk.push(unseeing, album="Members' corner", journal=tmp_path / "lost.sqlite", progress=False)
    assert again["status"].tolist() == ["failed"] * 3
    assert again["error"].str.contains("cannot tell whether this one already waits there").all()
    assert again["error"].str.contains("upload_unseen=True").all() and again["error"].str.contains(UNSEEN).all()
    titles = held_titles(stock_sandbox, "Members' corner")
    assert [titles[f"photo_{i:03d}"] for i in range(3)] == [1, 1, 1]  # beside the album's own pictures


def test_a_journal_whose_uploads_there_came_back_with_ids_lets_new_rows_go(photo_folder, unseeing, tmp_path):
    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    first = df.head(2).galleryk.push(
        unseeing, album="Alice's garden", journal=journal, progress=False, upload_unseen=True
    )
    assert first["remote_id"].notna().all()  # not held: the album takes this user's uploads without approval
    more = df.galleryk.push(unseeing, album="Alice's garden", journal=journal, progress=False)
    assert more["status"].tolist() == ["skipped"] * 2 + ["uploaded"] * 4


def test_without_that_knowledge_even_an_album_without_approval_gets_nothing_blind(photo_folder, unseeing, tmp_path):
    report = gk.scan(photo_folder, progress=False).galleryk.push(
        unseeing, album="Alice's garden", progress=False, journal=tmp_path / "j.sqlite"
    )
    assert set(report["status"]) == {"failed"} and not report["retry"].any()


def test_an_album_the_push_makes_holds_nothing_unseen(photo_folder, unseeing, tmp_path):
    report = gk.scan(photo_folder, progress=False).galleryk.push(
        unseeing,
        album="Made now",
        create=True,
        journal=tmp_path / "j.sqlite",
        progress=False,
    )
    assert report["status"].tolist() == ["uploaded"] * 6


def test_a_plan_sees_the_pictures_that_wait_for_approval(photo_folder, cpg, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(2)
    df.galleryk.push(cpg, album="Members' corner", journal=tmp_path / "a.sqlite", progress=False)
    plan = df.galleryk.plan(cpg, album="Members' corner", journal=tmp_path / "lost.sqlite")
    assert plan["action"].astype(str).tolist() == ["skip", "skip"]
    assert plan["reason"].str.contains("awaiting the gallery admin's approval").all()
    assert (plan["match"] == "marker").all()


def test_a_plan_says_which_uploads_need_upload_unseen_and_apply_keeps_to_it(photo_folder, unseeing, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(2)
    plan = df.galleryk.plan(unseeing, album="Members' corner", journal=tmp_path / "j.sqlite")
    assert plan["action"].astype(str).tolist() == ["upload", "upload"]
    assert plan["reason"].str.contains("upload_unseen=True").all()
    refused = plan.galleryk.apply(progress=False)
    assert refused["status"].tolist() == ["failed", "failed"]
    sent = plan.galleryk.apply(progress=False, upload_unseen=True)
    assert sent["status"].tolist() == ["uploaded", "uploaded"] and sent["note"].str.contains("approval").all()
