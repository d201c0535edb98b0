"""Planning against the sandbox: one row per action, how each photo was recognised, and nothing sent.

Each test reads one thing a user sees in a plan: a folder half uploaded by another tool is
half skips (found by their pictures) and half uploads; what an earlier push left is known by
the journal without a thumbnail; two look-alikes are a conflict; an edited listing gives the
changed fields; a service without a way says so in the row; delete rows only when asked.
"""

from __future__ import annotations

import pandas as pd
import pytest
from support.plan_photos import WRITE_METHODS, files, folder, other_tool, scan, titled

import galleryk as gk
from galleryk.push.matching import MAX_DISTANCE
from galleryk.push.plan import ACTIONS, COLUMNS


@pytest.fixture
def photos(tmp_path):
    return folder(tmp_path, 6)


def test_planning_sends_no_change_to_coppermine(cpg, stock_sandbox, photos):
    other_tool(cpg, files(photos)[:3], "Half")
    cpg.albums()  # signed in before counting
    stock_sandbox.faults.reset_requests("coppermine")
    scan(photos).galleryk.plan(cpg, album="Half", delete=True)
    log = stock_sandbox.faults.log("coppermine")
    assert [h.path for h in log.hits if h.method == "POST"] == [] and log.stored == 0


def test_planning_sends_no_change_to_fotki(fotki, sandbox, photos):
    other_tool(fotki, files(photos)[:3], "Half")
    sandbox.faults.reset_requests("fotki")
    titled(scan(photos)).galleryk.plan(fotki, album="Half", delete=True)
    asked = sandbox.faults.requests("fotki")
    assert [m for m in WRITE_METHODS if asked.get(m)] == [] and sandbox.faults.log("fotki").stored == 0


def test_a_half_uploaded_folder_is_skips_found_by_their_picture_and_uploads(cpg, photos):
    theirs = other_tool(cpg, files(photos)[:3], "Half")
    plan = scan(photos).galleryk.plan(cpg, album="Half")
    assert plan["action"].tolist() == ["skip"] * 3 + ["upload"] * 3
    assert plan["match"].tolist() == ["perceptual"] * 3 + ["none"] * 3
    assert plan["remote_id"].tolist()[:3] == theirs
    assert all(0 <= d <= MAX_DISTANCE for d in plan["distance"][:3])


def test_a_plan_has_the_documented_columns_and_names_its_target(cpg, photos):
    plan = scan(photos).galleryk.plan(cpg, album="Mine", create=True)
    assert list(plan.columns) == COLUMNS and list(plan["action"].cat.categories) == ACTIONS
    assert (plan.attrs["album"], plan.attrs["target"]) == ("Mine", "Coppermine (alice)")


def test_a_photo_in_no_photoset_is_planned_as_a_skip_put_in_the_photoset(fotki, photos):
    other_tool(fotki, files(photos)[:2], "Half")
    (loose,) = other_tool(fotki, files(photos)[2:3], None)
    plan = scan(photos).galleryk.plan(fotki, album="Half")
    row = plan[plan["remote_id"] == loose].iloc[0]
    assert (row["action"], row["in_album"]) == ("skip", False) and "put in this one" in row["reason"]


def test_what_a_push_uploaded_is_known_by_the_journal_without_a_thumbnail(cpg, photos, tmp_path):
    df = scan(photos)
    pushed = df.galleryk.push(cpg, album="Mine", create=True, journal=tmp_path / "j.sqlite", progress=False)
    plan = df.galleryk.plan(cpg, album="Mine", journal=tmp_path / "j.sqlite")
    assert plan["match"].tolist() == ["journal"] * 6 and plan["distance"].isna().all()
    assert plan["remote_id"].astype(str).tolist() == pushed["remote_id"].tolist()
    assert plan.attrs["thumbnails_read"] == 0


def test_a_marker_shown_on_the_album_pages_is_enough_without_the_journal(cpg, photos, tmp_path):
    df = scan(photos)
    df.galleryk.push(
        cpg, album="Mine", create=True, marker="description", journal=tmp_path / "a.sqlite", progress=False
    )
    plan = df.galleryk.plan(cpg, album="Mine", journal=tmp_path / "fresh.sqlite")
    assert plan["match"].tolist() == ["marker"] * 6 and plan.attrs["thumbnails_read"] == 0


def test_two_look_alikes_online_are_a_conflict_naming_both(cpg, photos):
    first = files(photos)[0]
    twice = other_tool(cpg, [first, first], "Twice")
    plan = scan(photos).galleryk.plan(cpg, album="Twice")
    row = plan.iloc[0]
    assert (row["action"], sorted(row["candidates"]), row["remote_id"]) == ("conflict", sorted(twice), pd.NA)


def test_one_look_alike_for_two_local_photos_is_a_conflict_for_both(cpg, photos, tmp_path):
    first = files(photos)[0]
    (copy,) = other_tool(cpg, [first], "Once")
    (photos / "copy_of_first.jpg").write_bytes(first.read_bytes() + b"\0")  # the same picture, another file
    plan = scan(photos).galleryk.plan(cpg, album="Once")
    conflicts = plan[plan["action"] == "conflict"]
    assert len(conflicts) == 2 and {tuple(c) for c in conflicts["candidates"]} == {(copy,)}


def test_without_thumbnails_a_copy_made_by_another_tool_is_planned_as_an_upload(cpg, photos):
    other_tool(cpg, files(photos)[:3], "Half")
    plan = scan(photos).galleryk.plan(cpg, album="Half", max_distance=None)
    assert plan["action"].tolist() == ["upload"] * 6 and plan.attrs["thumbnails_read"] == 0


def test_new_titles_for_photos_online_are_update_rows_with_old_and_new(cpg, photos):
    other_tool(cpg, files(photos)[:2], "Half")
    plan = titled(scan(photos)).galleryk.plan(cpg, album="Half")
    first = plan.iloc[0]
    assert (first["action"], first["match"]) == ("update", "perceptual")
    assert first["changes"] == "title: '20250706_151918_HARBOUR_1' -> 'Harbour 1'"


def test_without_update_photos_online_stay_skips(cpg, photos):
    other_tool(cpg, files(photos)[:2], "Half")
    plan = titled(scan(photos)).galleryk.plan(cpg, album="Half", update=False)
    assert plan["action"].tolist()[:2] == ["skip", "skip"]


def test_an_edited_listing_plans_updates_for_the_changed_fields_only(cpg, photos):
    other_tool(cpg, files(photos)[:3], "Half")
    listing = cpg.photos("Half", details=True)
    listing.loc[0, "title"] = "Harbour at dawn"
    listing.at[1, "tags"] = ["sea", "boats"]
    plan = listing.galleryk.plan(cpg)
    assert plan["action"].tolist() == ["update", "update", "skip"]
    assert plan["match"].tolist() == ["id"] * 3
    assert plan["changes"].iloc[1] == "tags: [] -> ['sea', 'boats']"
    assert plan["title"].isna().iloc[1]  # an update sends only what changed


def test_on_fotki_a_photo_edit_is_impossible_and_says_why(fotki, photos):
    other_tool(fotki, files(photos)[:2], "Half")
    listing = fotki.photos("Half")
    listing.loc[0, "title"] = "Harbour at dawn"
    row = listing.galleryk.plan(fotki).iloc[0]
    assert row["action"] == "impossible" and "documented API has no call to edit a photo" in row["reason"]


def test_delete_plans_the_album_photos_the_selection_lacks_only_when_asked(cpg, photos):
    theirs = other_tool(cpg, files(photos)[:3], "Half")
    listing = cpg.photos("Half")
    kept = listing[listing["id"] != theirs[1]]
    assert "delete" not in set(kept.galleryk.plan(cpg)["action"])
    plan = kept.galleryk.plan(cpg, delete=True)
    assert plan.loc[plan["action"] == "delete", "remote_id"].tolist() == [theirs[1]]


def test_on_fotki_a_photo_delete_is_impossible_and_says_why(fotki, photos):
    theirs = other_tool(fotki, files(photos)[:2], "Half")
    listing = fotki.photos("Half")
    plan = listing[listing["id"] == theirs[0]].galleryk.plan(fotki, delete=True)
    row = plan[plan["remote_id"] == theirs[1]].iloc[0]
    assert row["action"] == "impossible" and "no call to delete a photo" in row["reason"]


def test_the_service_is_asked_once_whether_it_answers_flickrs_edit_call(fotki, sandbox, photos):
    other_tool(fotki, files(photos)[:2], "Half")
    listing = fotki.photos("Half")
    listing["title"] = ["One", "Two"]
    listing.galleryk.plan(fotki)
    listing.galleryk.plan(fotki)
    assert sandbox.faults.requests("fotki").get("flickr.photos.setMeta") == 1


def test_a_missing_album_is_a_create_album_row_with_create_and_an_error_without(cpg, photos):
    plan = scan(photos).galleryk.plan(cpg, album="Brand new", create=True)
    assert plan["action"].tolist() == ["create_album"] + ["upload"] * 6
    with pytest.raises(gk.AlbumNotFound):
        scan(photos).galleryk.plan(cpg, album="Brand new")


def test_positions_on_coppermine_follow_the_selection(cpg, photos):
    other_tool(cpg, files(photos)[3:], "Half")
    plan = scan(photos).galleryk.plan(cpg, album="Half")
    assert plan["position"].tolist() == [1, 2, 3, 4, 5, 6]


def test_positions_on_fotki_keep_the_photoset_and_add_new_photos_after(fotki, photos):
    other_tool(fotki, [files(photos)[4], files(photos)[2]], "Half")
    plan = scan(photos).galleryk.plan(fotki, album="Half")
    assert plan["position"].tolist() == [3, 4, 2, 5, 1, 6]


def test_the_estimate_counts_each_upload_and_its_adding_at_fotkis_pace(fotki, photos):
    plan = scan(photos).galleryk.plan(fotki, album="New set", create=True)
    cost = plan.attrs["estimate"]
    assert cost["requests"] == 1 + 6 * 2 and cost["seconds"] >= 13.0
    assert cost["upload_bytes"] == sum(p.stat().st_size for p in files(photos))


def test_an_edited_photosets_listing_plans_a_photoset_update(fotki):
    sets = fotki.albums()
    sets.loc[0, "title"] = "Harbour walk, July"
    plan = sets.galleryk.plan(fotki)
    assert plan["action"].tolist() == ["update"] + ["skip"] * (len(sets) - 1)
    assert plan["kind"].iloc[0] == "album" and "Harbour walk, July" in plan["changes"].iloc[0]


def test_a_copy_from_another_service_is_known_by_the_journal_after_it_was_pushed(fotki, cpg, tmp_path):
    listing = fotki.photos("Harbour walk")
    listing.galleryk.push(cpg, album="Copied", create=True, journal=tmp_path / "j.sqlite", progress=False)
    plan = listing.galleryk.plan(cpg, album="Copied", journal=tmp_path / "j.sqlite")
    assert set(plan["match"]) == {"journal"} and plan["source_id"].notna().all()


def test_a_copy_made_by_another_tool_is_found_by_comparing_the_two_services_thumbnails(fotki, cpg, tmp_path):
    listing = fotki.photos("Harbour walk")
    first = listing.iloc[0]
    data = tmp_path / "x.jpg"
    fotki.download(int(first["id"]), data)
    aid = cpg.create_album("Copied by hand")
    made = cpg.upload(data, album=aid, title="by hand")
    plan = listing.galleryk.plan(cpg, album="Copied by hand", update=False)
    row = plan.iloc[0]
    assert (row["action"], row["match"], row["remote_id"]) == ("skip", "perceptual", int(made.id))


def test_a_service_that_answers_flickrs_edit_call_gets_photo_updates(fotki, sandbox, photos):
    sandbox.settings.fotki_flickr_photo_calls = True
    other_tool(fotki, files(photos)[:2], "Half")
    listing = fotki.photos("Half", details=True)
    listing.loc[0, "title"] = "Harbour at dawn"
    listing.at[1, "tags"] = ["sea"]
    report = listing.galleryk.plan(fotki).galleryk.apply(progress=False)
    assert report["status"].tolist() == ["updated", "updated"]
    after = fotki.photos("Half", details=True)
    assert (after.loc[0, "title"], after.at[1, "tags"]) == ("Harbour at dawn", ["sea"])


def test_a_plan_against_a_photoset_galleryk_filled_costs_no_more_than_listing_it(fotki, sandbox, photos, tmp_path):
    df = scan(photos)
    df.galleryk.push(fotki, album="Pushed", create=True, journal=tmp_path / "j.sqlite", progress=False)
    sandbox.faults.reset_requests("fotki")
    fotki.photos("Pushed")
    listing = sum(sandbox.faults.requests("fotki").values())
    sandbox.faults.reset_requests("fotki")
    df.galleryk.plan(fotki, album="Pushed", journal=tmp_path / "j.sqlite")
    assert sum(sandbox.faults.requests("fotki").values()) == listing
