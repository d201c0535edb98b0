"""Plans applied and undone against every Coppermine server: the sandbox and the real 1.4.27 to 1.7.02 galleries.

The same assertions on each, through the gallery's own pages: a folder half uploaded by another
tool is adopted, retitled and completed; an edited listing's titles, captions and keywords are
saved; delete rows delete; the album takes the plan's order (shown when the gallery sorts by
position, stored but not shown when it sorts by file name); undo deletes what the apply
uploaded and restores what it overwrote. Each test works in an album of its own, since the
real gallery is shared by the session.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import pytest
from support.cpg_servers import SandboxServer
from support.plan_photos import files, folder, resized, scan, titled

import galleryk as gk


@pytest.fixture
def photos(tmp_path):
    return folder(tmp_path, 4)


def client(server) -> gk.Coppermine:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.InsecureGalleryWarning)
        return server.client("user")


def half_uploaded(server, photos) -> tuple[gk.Coppermine, int, list[int]]:
    """A fresh album of the user's holding resized copies of the first two photos, as another tool left it."""
    server.need_uploads()
    cpg = client(server)
    aid = server.fresh_album()
    ids = [int(cpg.upload(resized(p), album=aid, title=p.stem.upper(), filename=p.name).id) for p in files(photos)[:2]]
    return cpg, aid, ids


@contextlib.contextmanager
def sorted_by(server, order: str) -> Iterator[None]:
    """The gallery's "Default sort order for files" set by its admin for one test."""
    server.need("the gallery's default_sort_order setting")
    if isinstance(server, SandboxServer):
        old = server.gallery.config("default_sort_order")
        server.sandbox.configure_coppermine(default_sort_order=order)
        try:
            yield
        finally:
            server.sandbox.configure_coppermine(default_sort_order=old)
        return
    old = server.real.config("default_sort_order")
    server.real.set_config(default_sort_order=order)
    try:
        yield
    finally:
        server.real.set_config(default_sort_order=old)


def test_a_half_uploaded_folder_is_adopted_retitled_and_completed(cpg_server, photos, tmp_path):
    cpg, aid, theirs = half_uploaded(cpg_server, photos)
    plan = titled(scan(photos)).galleryk.plan(cpg, album=aid, journal=tmp_path / "j.sqlite")
    assert plan["action"].tolist() == ["update", "update", "upload", "upload"]
    assert plan["match"].tolist()[:2] == ["perceptual", "perceptual"]
    report = plan.galleryk.apply(progress=False)
    assert report["status"].tolist() == ["updated", "updated", "uploaded", "uploaded"]
    online = cpg.photos(aid)
    assert set(theirs) < set(online["id"]) and sorted(online["title"]) == sorted(plan["title"].dropna())
    again = titled(scan(photos)).galleryk.plan(cpg, album=aid, journal=tmp_path / "j.sqlite")
    assert again["match"].tolist() == ["journal"] * 4 and set(again["action"]) == {"skip"}


def test_an_edited_listing_is_saved_through_the_gallerys_edit_pages_and_undone(cpg_server, photos):
    cpg, aid, (first, second) = half_uploaded(cpg_server, photos)
    listing = cpg.photos(aid, details=True)
    listing.loc[listing["id"] == first, ["title", "description"]] = ["Harbour at dawn", 'Say "hi" & <b>bye</b>']
    listing.at[listing.index[listing["id"] == second][0], "tags"] = ["sea", "old town"]
    report = listing.galleryk.plan(cpg).galleryk.apply(progress=False)
    assert report["status"].tolist() == ["updated", "updated"]
    one, two = cpg.photo_info(first), cpg.photo_info(second)
    assert (one["title"], one["description"]) == ("Harbour at dawn", 'Say "hi" & <b>bye</b>')
    # 1.4 splits keywords on blanks: a tag of two words stays one keyword there with its words joined by "_"
    assert two["tags"] == ["sea", "old_town" if cpg_server.below("1.5") else "old town"]
    undone = report.galleryk.undo()
    assert set(undone["status"]) == {"undone"}
    assert cpg.photo_info(first)["title"] == files(photos)[0].stem.upper() and cpg.photo_info(second)["tags"] == []


def test_delete_rows_delete_through_the_gallerys_delete_page(cpg_server, photos):
    cpg, aid, (first, _) = half_uploaded(cpg_server, photos)
    listing = cpg.photos(aid)
    report = listing[listing["id"] == first].galleryk.plan(cpg, delete=True).galleryk.apply(progress=False)
    assert report["status"].tolist() == ["skipped", "deleted"]
    assert cpg.photos(aid)["id"].tolist() == [first]


def test_a_gallery_sorting_by_position_shows_the_plans_order(cpg_server, photos):
    cpg, aid, _ = half_uploaded(cpg_server, photos)
    with sorted_by(cpg_server, "pa"):
        backwards = scan(photos).galleryk.plan(cpg, album=aid).iloc[::-1]
        report = backwards.galleryk.apply(progress=False)
        assert report.attrs["order"] == "the album shows its photos in the selection's order"
        assert cpg.photos(aid)["id"].astype(str).tolist() == report["remote_id"].tolist()


def test_a_gallery_sorting_by_file_name_stores_the_order_and_says_it_is_not_shown(cpg_server, photos):
    cpg, aid, _ = half_uploaded(cpg_server, photos)
    with sorted_by(cpg_server, "na"):
        report = scan(photos).galleryk.plan(cpg, album=aid).iloc[::-1].galleryk.apply(progress=False)
    assert report.attrs["order"].startswith("the selection's order is stored, but not shown to visitors")
    assert "Position ascending" in report.attrs["order"]


def test_undo_deletes_what_the_apply_uploaded_and_leaves_what_another_tool_did(cpg_server, photos):
    cpg, aid, theirs = half_uploaded(cpg_server, photos)
    report = scan(photos).galleryk.plan(cpg, album=aid).galleryk.apply(progress=False)
    undone = report.galleryk.undo()
    assert undone["status"].tolist() == ["undone", "undone"]
    assert sorted(cpg.photos(aid)["id"]) == sorted(theirs)
