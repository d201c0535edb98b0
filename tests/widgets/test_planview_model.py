"""PlanView driven from Python against the sandbox, as the browser would drive it: tiles, captions, ticks, Apply."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from support.plan_photos import files, folder, other_tool, scan, titled

import galleryk.widgets as gw
from galleryk.access import sandbox_coppermine


@pytest.fixture
def cpg(sandbox):
    sandbox.settings.coppermine_api = False
    return sandbox_coppermine(sandbox, "alice")


@pytest.fixture
def half(cpg, tmp_path):
    """A folder of four photos whose first two another tool uploaded (resized, no marker) to "Half"."""
    photos = folder(tmp_path, 4)
    other_tool(cpg, files(photos)[:2], "Half")
    return photos


def size_of(jpeg: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(jpeg)) as im:
        return im.size


def test_a_photo_found_by_its_picture_shows_the_local_and_the_online_one_side_by_side(cpg, half):
    view = gw.PlanView(scan(half).galleryk.plan(cpg, album="Half"), fallback_after=None)
    (matched_w, matched_h), (upload_w, upload_h) = size_of(view.tile(0)), size_of(view.tile(2))
    assert matched_h == upload_h == 180 and matched_w > 1.8 * upload_w


def test_a_conflict_shows_the_local_picture_and_every_candidate(cpg, tmp_path):
    photos = folder(tmp_path, 2)
    first = files(photos)[0]
    other_tool(cpg, [first, first], "Twice")
    view = gw.PlanView(scan(photos).galleryk.plan(cpg, album="Twice"), fallback_after=None)
    one, _ = size_of(view.tile(1))
    three, _ = size_of(view.tile(0))
    assert three > 2.5 * one


def test_captions_say_the_action_the_match_and_its_distance(cpg, half):
    plan = titled(scan(half)).galleryk.plan(cpg, album="Half")
    view = gw.PlanView(plan, fallback_after=None)
    captions = view.grid.rows["caption"].tolist()
    assert captions[0] == f"update title · perceptual, {plan['distance'].iloc[0]} bits"
    assert captions[2:] == ["upload", "upload"]


def test_every_row_but_conflicts_starts_ticked_and_an_untick_leaves_the_plan(cpg, tmp_path):
    photos = folder(tmp_path, 3)
    first = files(photos)[0]
    other_tool(cpg, [first, first], "Twice")
    plan = scan(photos).galleryk.plan(cpg, album="Twice")
    view = gw.PlanView(plan, fallback_after=None)
    assert view.ticked == [1, 2]
    view.grid.click(1, toggle=True)  # as a click on the second tile does
    assert view.plan.index.tolist() == [2] and view.plan.attrs == plan.attrs


def test_apply_runs_only_the_ticked_rows_and_fills_the_bar(cpg, half):
    view = gw.PlanView(scan(half).galleryk.plan(cpg, album="Half"), fallback_after=None)
    view.tick(3, on=False)
    view.apply()
    report = view.wait(60)
    assert report is not None and report.index.tolist() == [0, 1, 2]
    assert report["status"].tolist() == ["skipped", "skipped", "uploaded"]
    assert len(cpg.photos("Half")) == 3
    assert view.status.startswith("Done: 1 uploaded, 2 skipped.")


def test_nothing_ticked_is_nothing_to_apply(cpg, half):
    view = gw.PlanView(scan(half).galleryk.plan(cpg, album="Half"), fallback_after=None)
    view.grid.select_none()
    view.apply()
    assert (view.running, view.status) == (False, "No row is ticked: nothing to apply.")
