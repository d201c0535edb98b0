"""Applying a plan against the sandbox: exactly the rows left, once, journaled, and the album in the plan's order."""

from __future__ import annotations

import threading

import pytest
from support.plan_photos import files, folder, other_tool, scan, titled

import galleryk as gk


@pytest.fixture
def photos(tmp_path):
    return folder(tmp_path, 6)


def test_applying_a_half_uploaded_folder_uploads_the_rest_and_retitles_the_copies(cpg, photos):
    theirs = other_tool(cpg, files(photos)[:3], "Half")
    report = titled(scan(photos)).galleryk.plan(cpg, album="Half").galleryk.apply(progress=False)
    assert report["status"].tolist() == ["updated"] * 3 + ["uploaded"] * 3
    online = cpg.photos("Half")
    assert len(online) == 6 and set(theirs) <= set(online["id"])
    assert sorted(online["title"]) == sorted(titled(scan(photos))["title"])


def test_adopted_photos_are_known_by_the_journal_next_time(cpg, photos):
    other_tool(cpg, files(photos)[:3], "Half")
    scan(photos).galleryk.plan(cpg, album="Half").galleryk.apply(progress=False)
    again = scan(photos).galleryk.plan(cpg, album="Half")
    assert again["match"].tolist() == ["journal"] * 6 and again.attrs["thumbnails_read"] == 0


def test_a_push_after_adopting_uploads_nothing_twice(cpg, photos):
    other_tool(cpg, files(photos)[:3], "Half")
    scan(photos).galleryk.plan(cpg, album="Half").galleryk.apply(progress=False)
    report = scan(photos).galleryk.push(cpg, album="Half", progress=False)
    assert report["status"].tolist() == ["skipped"] * 6 and len(cpg.photos("Half")) == 6


def test_only_the_rows_left_in_the_plan_are_applied(cpg, photos):
    plan = scan(photos).galleryk.plan(cpg, album="Picked", create=True)
    picked = plan[plan["path"].isna() | plan["path"].str.contains("harbour|beach")]
    report = picked.galleryk.apply(progress=False)
    assert list(report.index) == list(picked.index)
    assert sorted(cpg.photos("Picked")["title"]) == ["20250706_151918_harbour_1", "20250707_214521_beach_5"]


def test_applying_the_same_plan_twice_changes_nothing_the_second_time(cpg, photos):
    other_tool(cpg, files(photos)[:2], "Half")
    plan = titled(scan(photos)).galleryk.plan(cpg, album="Half")
    plan.galleryk.apply(progress=False)
    again = plan.galleryk.apply(progress=False)
    assert set(again["status"]) == {"skipped"} and len(cpg.photos("Half")) == 6
    assert again.loc[again["action"] == "update", "note"].tolist() == ["already as planned: nothing sent"] * 2


def test_an_update_writes_the_old_values_to_the_journal_before_sending(cpg, photos):
    (pid,) = other_tool(cpg, files(photos)[:1], "Half")
    listing = cpg.photos("Half", details=True)
    listing.loc[0, "title"] = "Harbour at dawn"
    report = listing.galleryk.plan(cpg).galleryk.apply(progress=False)
    with gk.Journal(report.attrs["journal"]) as jr:
        (change,) = jr.changes(report.attrs["run"])
    assert (change.action, change.remote_id, change.old, change.new, change.state) == (
        "update",
        str(pid),
        {"title": "20250706_151918_HARBOUR_1"},
        {"title": "Harbour at dawn"},
        "done",
    )


def test_edited_tags_are_sent_and_the_marker_stays(cpg, photos, tmp_path):
    pushed = scan(photos).iloc[:1].galleryk.push(cpg, album="Mine", create=True, progress=False)
    listing = cpg.photos("Mine", details=True)
    listing.at[0, "tags"] = ["sea", "boats"]
    listing.galleryk.plan(cpg).galleryk.apply(progress=False)
    tags = cpg.photo_info(int(pushed["remote_id"].iloc[0]))["tags"]
    assert sorted(t for t in tags if not t.startswith("galleryk")) == ["boats", "sea"]
    assert pushed["marker"].iloc[0] in tags


def test_delete_rows_remove_the_photos_from_coppermine(cpg, photos):
    theirs = other_tool(cpg, files(photos)[:3], "Half")
    listing = cpg.photos("Half")
    report = listing[listing["id"] == theirs[0]].galleryk.plan(cpg, delete=True).galleryk.apply(progress=False)
    assert report["status"].tolist() == ["skipped", "deleted", "deleted"]
    assert cpg.photos("Half")["id"].tolist() == [theirs[0]]


def test_conflict_rows_are_not_applied_and_say_so(cpg, photos):
    first = files(photos)[0]
    other_tool(cpg, [first, first], "Twice")
    report = scan(photos).galleryk.plan(cpg, album="Twice").galleryk.apply(progress=False)
    row = report.iloc[0]
    assert (row["status"], row["note"][:25]) == ("skipped", "not applied (conflict): s")
    assert len(cpg.photos("Twice")) == 2 + 5


def test_a_conflict_the_user_settles_in_the_plan_is_adopted(cpg, photos):
    first = files(photos)[0]
    twice = other_tool(cpg, [first, first], "Twice")
    plan = scan(photos).galleryk.plan(cpg, album="Twice")
    plan.loc[0, ["action", "match", "remote_id"]] = ["skip", "perceptual", twice[1]]
    plan.galleryk.apply(progress=False)
    assert scan(photos).galleryk.plan(cpg, album="Twice").loc[0, "match"] == "journal"


def test_the_photoset_is_made_in_the_selections_order_even_when_uploads_finish_backwards(fotki, photos):
    # the first photo's upload is held until the other five are done: it finishes last
    df = scan(photos)
    others_done, seen = threading.Event(), set()

    def hold_first(index, sent, total):
        if index == df.index[0] and sent == total:
            others_done.wait(30)

    def done(index, status):
        seen.add(index)
        if len(seen - {df.index[0]}) == 5:
            others_done.set()

    plan = df.galleryk.plan(fotki, album="In order", create=True)
    report = plan.galleryk.apply(progress=False, workers=6, on_progress=hold_first, on_item=done)
    uploaded = report[report["action"] == "upload"]
    assert fotki.photos("In order")["id"].astype(str).tolist() == uploaded["remote_id"].tolist()


def test_a_photo_in_no_photoset_is_put_in_the_photoset_at_its_place(fotki, photos):
    other_tool(fotki, files(photos)[:1], "Half")
    (loose,) = other_tool(fotki, files(photos)[1:2], None)
    report = scan(photos).galleryk.plan(fotki, album="Half").galleryk.apply(progress=False)
    assert report["status"].tolist() == ["skipped"] * 2 + ["uploaded"] * 4
    assert fotki.photos("Half")["id"].tolist()[:2][1] == loose


def test_a_gallery_sorting_by_position_shows_the_plans_order(cpg, stock_sandbox, photos):
    stock_sandbox.configure_coppermine(default_sort_order="pa")
    other_tool(cpg, files(photos)[3:], "Half")
    backwards = scan(photos).galleryk.plan(cpg, album="Half").sort_values("path", ascending=False)
    report = backwards.galleryk.apply(progress=False)
    assert report.attrs["order"] == "the album shows its photos in the selection's order"
    assert cpg.photos("Half")["id"].astype(str).tolist() == report["remote_id"].tolist()


def test_a_gallery_sorting_by_file_name_keeps_the_order_but_says_visitors_do_not_see_it(cpg, stock_sandbox, photos):
    stock_sandbox.configure_coppermine(default_sort_order="na")
    plan = scan(photos).galleryk.plan(cpg, album="Named", create=True)
    report = plan.iloc[::-1].galleryk.apply(progress=False)
    assert report.attrs["order"].startswith("the selection's order is stored, but not shown to visitors")


def test_a_photoset_title_edited_in_the_listing_is_sent_through_editmeta(fotki):
    sets = fotki.albums()
    sets.loc[0, "title"] = "Harbour walk, July"
    report = sets.galleryk.plan(fotki).galleryk.apply(progress=False)
    after = fotki.albums()
    assert report["status"].iloc[0] == "updated"
    assert (after["title"].iloc[0], after["description"].iloc[0]) == ("Harbour walk, July", sets["description"].iloc[0])


def test_a_plan_for_another_account_is_refused(cpg, stock_sandbox, photos):
    plan = scan(photos).galleryk.plan(cpg, album="Mine", create=True)
    with pytest.raises(ValueError, match="plan again for this client"):
        plan.galleryk.apply(gk.sandbox_coppermine(stock_sandbox, "bob"))


def test_a_table_that_is_not_a_plan_is_refused(photos):
    with pytest.raises(ValueError, match="needs a plan made by df.galleryk.plan"):
        scan(photos).galleryk.apply()
