"""A rerun's "skipped" means the photo is there: the journal is checked against one listing of the album."""

from __future__ import annotations

import shutil

import galleryk as gk
import galleryk.sandbox as gks
from galleryk.access import sandbox_fotki


def test_photos_deleted_by_hand_are_uploaded_again_and_the_rest_skipped(
    sandbox, fotki, photo_folder, tmp_path, delete_fotki_photos
):
    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    first = df.galleryk.push(fotki, album="Kept", create=True, journal=journal, progress=False)
    gone = first["remote_id"].iloc[[1, 4]].tolist()
    delete_fotki_photos(sandbox, gone)
    sandbox.faults.reset_requests("fotki")
    again = df.galleryk.push(fotki, album="Kept", create=True, journal=journal, progress=False)
    assert again["status"].tolist() == ["skipped", "uploaded", "skipped", "skipped", "uploaded", "skipped"]
    assert again["note"].iloc[1].startswith(f"the journal had it as uploaded (id {gone[0]}), but it is no longer")
    assert again["note"].iloc[0] == "done in an earlier run (seen on the service)"
    calls = sandbox.faults.requests("fotki")
    assert calls["flickr.photosets.getPhotos"] == 1  # one listing for the push
    # a look at each photo the listing lacks, and one at each new upload (its reply must name the photo sent)
    assert calls["flickr.photos.getInfo"] == 2 + 2
    assert sorted(fotki.photos("Kept")["title"]) == [f"photo_{i:03d}" for i in range(6)]


def test_after_a_sandbox_reset_a_rerun_uploads_everything_again(seeded_template, tmp_path, photo_folder):
    def fresh(port: int = 0) -> gks.Sandbox:
        data = tmp_path / f"data-{port}"
        shutil.copytree(seeded_template, data)
        return gks.start(data, port=port)

    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    sb = fresh()
    port = sb.port
    try:
        df.galleryk.push(sandbox_fotki(sb, "alice"), album="Reset", create=True, journal=journal, progress=False)
    finally:
        sb.stop()
    sb = fresh(port)  # the same address, the data of a new sandbox: the journal's photos are not there
    try:
        fotki = sandbox_fotki(sb, "alice")
        again = df.galleryk.push(fotki, album="Reset", create=True, journal=journal, progress=False)
        assert again["status"].tolist() == ["uploaded"] * 6
        assert again["note"].str.contains("no longer on the service").all()
        assert sorted(fotki.photos("Reset")["title"]) == [f"photo_{i:03d}" for i in range(6)]
    finally:
        sb.stop()


def test_a_journal_id_that_this_run_gave_to_another_photo_is_not_taken_for_the_old_one(
    seeded_template, tmp_path, photo_folder
):
    # After a reset the service hands out the same ids again: the id the journal kept for the last photo is the one
    # the rerun's first upload gets. That photo is this run's, not the journal's, so the last one goes up again.
    def fresh(name: str, port: int = 0) -> gks.Sandbox:
        data = tmp_path / name
        shutil.copytree(seeded_template, data)
        return gks.start(data, port=port)

    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    sb = fresh("first")
    port = sb.port
    try:
        first = df.iloc[[5]].galleryk.push(
            sandbox_fotki(sb, "alice"), album="Reset", create=True, journal=journal, progress=False
        )
    finally:
        sb.stop()
    sb = fresh("second", port)
    try:
        fotki = sandbox_fotki(sb, "alice")
        again = df.galleryk.push(fotki, album="Reset", create=True, journal=journal, workers=1, progress=False)
        assert again["remote_id"].iloc[0] == first["remote_id"].iloc[0]  # the id came round again
        assert again["status"].tolist() == ["uploaded"] * 6
        assert sorted(fotki.photos("Reset")["title"]) == [f"photo_{i:03d}" for i in range(6)]
    finally:
        sb.stop()


def test_a_photo_taken_out_of_the_photoset_is_put_back(sandbox, fotki, photo_folder, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(3)
    journal = tmp_path / "j.sqlite"
    first = df.galleryk.push(fotki, album="Back", create=True, journal=journal, progress=False)
    with sandbox.store.write() as conn:
        conn.execute("DELETE FROM fotki_set_photos WHERE photo_id = ?", (int(first["remote_id"].iloc[2]),))
    again = df.galleryk.push(fotki, album="Back", create=True, journal=journal, progress=False)
    assert again["status"].tolist() == ["skipped"] * 3
    assert "put back" in again["note"].iloc[2]
    assert set(fotki.photos("Back")["id"].astype(str)) == set(first["remote_id"])


def test_coppermine_pictures_deleted_by_hand_are_uploaded_again(
    stock_sandbox, cpg, photo_folder, tmp_path, coppermine_titles, delete_coppermine_pictures
):
    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    first = df.galleryk.push(cpg, album="Alice's garden", journal=journal, progress=False)
    delete_coppermine_pictures(stock_sandbox, first["remote_id"].iloc[[0]])
    again = df.galleryk.push(cpg, album="Alice's garden", journal=journal, progress=False)
    assert again["status"].tolist() == ["uploaded"] + ["skipped"] * 5
    titles = coppermine_titles(cpg, "Alice's garden")
    assert [titles[f"photo_{i:03d}"] for i in range(6)] == [1] * 6


def test_a_rerun_finds_pictures_awaiting_approval_in_the_album_editor(cpg, photo_folder, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(2)
    df.galleryk.push(cpg, album="Members' corner", journal=tmp_path / "j.sqlite", progress=False)
    again = df.galleryk.push(cpg, album="Members' corner", journal=tmp_path / "j.sqlite", progress=False)
    assert again["status"].tolist() == ["skipped", "skipped"]
    # album pages list pictures awaiting approval to administrators only (1.6.26); their owner sees them in the
    # album editor (editpics.php), where the rerun finds them by their markers
    assert again["note"].str.contains("held for approval then; still awaiting approval").all()


def test_when_the_album_cannot_be_read_a_rerun_says_what_it_could_not_confirm(sandbox, fotki, photo_folder, tmp_path):
    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    df.galleryk.push(fotki, album="Unread", create=True, journal=journal, progress=False)
    sandbox.faults.set("fotki", html_200=1.0, only="getPhotos")  # every listing page is an error page
    again = df.galleryk.push(fotki, album="Unread", create=True, journal=journal, progress=False)
    sandbox.faults.clear()
    assert again["status"].tolist() == ["skipped"] * 6
    assert again["note"].str.startswith("done in an earlier run; galleryk could not confirm it is still there").all()
    assert len(fotki.photos("Unread")) == 6
