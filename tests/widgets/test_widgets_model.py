"""The widgets driven from Python against the sandbox, as the browser would drive them: no browser, real HTTP."""

from __future__ import annotations

import time
from collections import Counter

import ipywidgets as widgets
import pandas as pd
import pytest
import requests
from support.widget_tree import descendants, find, states
from widget_support import fill_photoset, make_photos

import galleryk as gk
import galleryk.widgets as gw
from galleryk.access import sandbox_coppermine, sandbox_fotki


def until(check, timeout: float = 20.0):
    """Poll ``check()`` until it is true (the widgets work in threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {check}")


# -- SignIn -----------------------------------------------------------------------------------------------
def test_coppermine_wrong_password_then_right_one(sandbox):
    cpg = gk.Coppermine(sandbox.coppermine_url)
    signin = gw.SignIn(cpg)
    assert not signin.signed_in
    signin.type_user("alice")
    signin.type_password("not-" + sandbox.users["alice"])
    assert "not-" + sandbox.users["alice"] not in states(signin)  # emptied the moment it arrived
    signin.sign_in()
    assert signin.wait() is False
    assert "did not accept that user name and password" in signin.status
    signin.type_password(sandbox.users["alice"])
    signin.sign_in()
    assert signin.wait() is True
    assert signin.status == "Signed in to the gallery as alice."
    assert len(cpg.photos("Alice's garden")) == 1  # her private album: the client itself is signed in now


def test_coppermine_password_never_sits_in_widget_state(sandbox):
    signin = gw.SignIn(gk.Coppermine(sandbox.coppermine_url))
    signin.type_user("alice")
    signin.type_password(sandbox.users["alice"])
    signin.sign_in()
    signin.wait()
    assert sandbox.users["alice"] not in states(signin)


def signed_out_fotki(sandbox) -> gk.Fotki:
    """A Fotki client for the sandbox with no token yet (kept in memory once it has one)."""
    return gk.Fotki(
        sandbox.api_key,
        sandbox.secret,
        api_url=sandbox.fotki_api_url,
        auth_url=sandbox.fotki_auth_url,
        token_cache="memory",
    )


def frob_of(url: str) -> str:
    """The one-time frob in an approval link."""
    return dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))["frob"]


def test_fotki_continue_before_approving_says_so_and_stays_usable(sandbox):
    client = signed_out_fotki(sandbox)
    signin = gw.SignIn(client, fallback_after=None)
    signin.sign_in()
    signin.wait()
    url = signin.approval_url
    assert url and "frob=" in url
    signin.continue_()
    signin.wait()
    assert "not been told yes yet" in signin.status and not signin.signed_in
    frob = frob_of(url)
    sandbox.approve(frob, "alice", "write")  # what the approval page does when alice says yes
    signin.continue_()
    assert signin.wait() is True
    assert signin.status == "Signed in to Fotki as alice (write)."
    assert signin.approval_url is None
    assert frob not in states(signin)
    signin.sign_out()
    assert not signin.signed_in and not client.signed_in


def test_without_javascript_the_approval_link_goes_through_the_local_server_and_the_frob_stays_out(sandbox):
    client = signed_out_fotki(sandbox)
    signin = gw.SignIn(client, fallback_after=0.0)  # no browser view will report: the plain link shows at once
    signin.sign_in()
    signin.wait()
    url = signin.approval_url
    frob = frob_of(url)
    link = until(
        lambda: next((w for w in descendants(signin) if "galleryk-approve" in str(getattr(w, "value", ""))), None)
    )
    href = link.value.split('href="', 1)[1].split('"', 1)[0]
    assert href.startswith("http://127.0.0.1:") and frob not in states(signin)
    reply = requests.get(href, allow_redirects=False, timeout=10)
    assert reply.status_code == 302 and reply.headers["Location"] == url  # the browser goes on to approve
    sandbox.approve(frob, "alice", "write")
    signin.continue_()
    assert signin.wait() is True and "galleryk-approve" not in states(signin)
    assert requests.get(href, allow_redirects=False, timeout=10).status_code == 404  # used up: withdrawn
    signin.close()


# -- AlbumBrowser -----------------------------------------------------------------------------------------
@pytest.fixture
def big_set(sandbox):
    return fill_photoset(sandbox, "alice", 2000, "Big set")


def test_browse_2000_photos_select_a_range_and_push_the_selection(sandbox, big_set):
    set_id, ids = big_set
    fotki = sandbox_fotki(sandbox, "alice")
    browser = gw.AlbumBrowser(fotki, album=set_id, fallback_after=None)
    assert browser.wait(30)
    assert len(browser.listing) == 2000 and browser.album == set_id
    browser.click(10)
    browser.click(14, shift=True)
    browser.click(1995, toggle=True)  # the set reuses 12 pictures: 1995 has other bytes than 10-14
    assert browser.selected_ids == [*ids[10:15], ids[1995]]
    selection = browser.selection
    assert selection["id"].tolist() == [*ids[10:15], ids[1995]]

    cpg = sandbox_coppermine(sandbox, "alice")
    report = selection.galleryk.push(cpg, album="Alice's holidays", progress=False)
    assert (report["status"] == "uploaded").all(), report
    arrived = Counter(cpg.photos("Alice's holidays")["title"])
    assert all(arrived[f"Big set {i + 1}"] == 1 for i in (10, 11, 12, 13, 14, 1995))


def test_first_page_of_thumbnails_comes_before_the_whole_listing(sandbox, big_set):
    set_id, ids = big_set
    browser = gw.AlbumBrowser(sandbox_fotki(sandbox, "alice"), album=set_id, fallback_after=None)
    content, buffers = browser.grid.page(0)
    assert content["ids"] == ids[: len(content["ids"])] and len(content["ids"]) == browser.grid.grid.page_size
    assert len(buffers) == len(content["ids"]) and all(b[:3] == b"\xff\xd8\xff" for b in buffers)
    assert all(isinstance(b, bytes) for b in buffers)  # binary buffers, not base64 text
    last = browser.grid.page(2000 // browser.grid.grid.page_size)[0]
    assert last["ids"][-1] == ids[-1]


def test_setting_selected_ids_from_python_updates_the_grid_and_rejects_strangers(sandbox, big_set):
    set_id, ids = big_set
    browser = gw.AlbumBrowser(sandbox_fotki(sandbox, "alice"), album=set_id, fallback_after=None)
    browser.wait(30)
    browser.selected_ids = [ids[5], ids[3]]
    assert browser.grid.grid.selected_ids == [ids[3], ids[5]]  # what the browser sees, in listing order
    with pytest.raises(ValueError, match="not in this listing"):
        browser.selected_ids = [1]
    browser.select_all()
    assert len(browser.selection) == 2000
    browser.select_none()
    assert browser.selection.empty


def test_reading_the_album_again_shows_new_photos_and_keeps_the_selection(sandbox, tmp_path):
    fotki = sandbox_fotki(sandbox, "alice")
    browser = gw.AlbumBrowser(fotki, album="Harbour walk", fallback_after=None)
    browser.wait(30)
    browser.click(2)
    browser.click(5, shift=True)
    chosen = list(browser.selected_ids)
    added = fotki.upload(make_photos(tmp_path, 1)[0], title="Late arrival")
    fotki.add_to_photoset(browser.album, added.id)
    browser.refresh()  # what the app does when who is signed in changes
    until(lambda: len(browser.listing) == 9)
    browser.wait(30)
    assert browser.selected_ids == chosen
    assert "Late arrival" in browser.listing["title"].tolist()


def test_album_is_settable_by_title_and_an_unknown_one_lists_the_choices(sandbox):
    browser = gw.AlbumBrowser(sandbox_fotki(sandbox, "alice"), fallback_after=None)
    browser.wait(30)
    browser.album = "Garden days"
    browser.wait(30)
    assert set(browser.listing["title"]) and len(browser.listing) == 8
    with pytest.raises(gk.AlbumNotFound) as info:
        browser.album = "No such set"
    assert "Harbour walk" in info.value.choices


def test_coppermine_categories_show_in_the_picker_and_private_thumbnails_load(sandbox):
    browser = gw.AlbumBrowser(sandbox_coppermine(sandbox, "alice"), album="Alice's garden", fallback_after=None)
    browser.wait(30)
    labels = [label for label, _ in find(browser, widgets.Dropdown, "Album").options]
    assert "Travel / Europe & Asia › Harbour & Beach" in labels
    content, buffers = browser.grid.page(0)
    assert content["ok"] == [True] and len(buffers) == 1  # a private album, seen by its owner


def test_a_listing_that_fails_shows_why_and_the_browser_stays_usable(sandbox):
    fotki = gk.Fotki(
        sandbox.api_key,
        sandbox.secret,
        api_url=sandbox.fotki_api_url,
        auth_url=sandbox.fotki_auth_url,
        token_cache="memory",
    )
    browser = gw.AlbumBrowser(fotki, fallback_after=None)
    until(lambda: "not signed in" in browser.status)
    fotki.get_token(_approved_frob(sandbox, fotki))
    browser.refresh()
    until(lambda: "Harbour walk" in browser.status)


def _approved_frob(sandbox, client) -> str:
    frob = client.get_frob()
    sandbox.approve(frob, "alice", "write")
    return frob


def test_without_javascript_the_pager_takes_over_and_still_selects(sandbox, big_set):
    set_id, ids = big_set
    browser = gw.AlbumBrowser(sandbox_fotki(sandbox, "alice"), album=set_id, fallback_after=0.2)
    browser.wait(30)
    until(lambda: browser.view == "pager")
    pager = browser.grid.pager
    until(lambda: pager.tiles[0].image.value)
    pager.tiles[2].toggle.value = True
    pager.range.value = True
    pager.tiles[5].toggle.value = True
    assert browser.selected_ids == ids[2:6]
    pager.go(1)
    assert pager.label.value.startswith("Page 2 of 167")
    browser.grid.use_grid()  # the JavaScript reported after all: the pager gives back and drops its pictures
    assert all(t.image.value == b"" for t in pager.tiles)


def shown(image: widgets.Image) -> bytes:
    """What the browser draws in a stock pager's ``image``: the picture at the address it holds."""
    return requests.get(bytes(image.value).decode(), timeout=10).content if image.value else b""


def test_the_pager_shown_before_the_listing_arrives_draws_the_pictures_once_it_does():
    grid = gw.TileGrid(lambda row: f"jpeg {row['id']}".encode(), id_column="id", fallback_after=None)
    try:
        grid.set_rows(pd.DataFrame({"id": pd.Series([], dtype="Int64"), "title": []}), complete=False)
        grid.use_pager()  # the JavaScript did not report before the first page of the listing came
        rows = pd.DataFrame({"id": pd.array(range(1, 31), dtype="Int64"), "title": [f"p{i}" for i in range(1, 31)]})
        grid.set_rows(rows, complete=True, reset=False)  # the same listing, grown
        until(lambda: shown(grid.pager.tiles[0].image) == b"jpeg 1")
        assert shown(grid.pager.tiles[11].image) == b"jpeg 12"
    finally:
        grid.close()


def test_a_pager_refresh_that_read_the_rows_earlier_does_not_undo_a_later_one():
    import threading

    def thumb(row: pd.Series) -> bytes:  # pictures that take a while, as over the network
        time.sleep(1.0)
        return f"jpeg {row['id']}".encode()

    grid = gw.TileGrid(thumb, id_column="id", fallback_after=None)
    try:
        grid.set_rows(pd.DataFrame({"id": pd.Series([], dtype="Int64"), "title": []}), complete=False)
        grid.use_pager()
        grid.pager.label.value = ""
        inside = threading.Event()

        def slow(change: dict) -> None:  # the watchdog's refresh, slowed down after it read the (empty) rows
            if threading.current_thread().name == "watchdog":
                inside.set()
                time.sleep(0.5)

        grid.pager.label.observe(slow, "value")
        watchdog = threading.Thread(target=grid.pager.refresh, kwargs={"reset": True}, name="watchdog")
        watchdog.start()
        assert inside.wait(5)
        rows = pd.DataFrame({"id": pd.array(range(1, 31), dtype="Int64"), "title": [f"p{i}" for i in range(1, 31)]})
        grid.set_rows(rows, complete=True, reset=False)  # meanwhile the listing arrives
        watchdog.join()
        until(lambda: shown(grid.pager.tiles[0].image) == b"jpeg 1", timeout=15)
    finally:
        grid.close()


# -- Uploader ---------------------------------------------------------------------------------------------
def _albums_read(uploader: gw.Uploader) -> bool:
    """Whether the album picker holds the target's albums (it shows "Loading…", valued None, until then)."""
    return find(uploader, widgets.Dropdown, "Album").value is not None


def test_upload_cancel_half_way_then_start_again_completes_without_duplicates(sandbox, tmp_path):
    make_photos(tmp_path / "trip", 10)
    fotki = sandbox_fotki(sandbox, "alice")
    uploader = gw.Uploader(tmp_path / "trip", targets=[fotki], workers=1, fallback_after=None)
    until(lambda: len(uploader.files) == 10 and _albums_read(uploader))
    uploader.album = "Trip 2024"
    uploader.apply_to_all(tags="trip, sea")
    sandbox.faults.set("fotki", latency=0.15)
    try:
        uploader.start()
        until(lambda: sum(s == "uploaded" for _, s in uploader.progress.values()) >= 3)
        uploader.cancel()
        first = uploader.wait(60)
    finally:
        sandbox.faults.clear("fotki")
    statuses = Counter(first["status"].astype(str))
    assert statuses["cancelled"] >= 3 and statuses["uploaded"] >= 3, statuses
    assert uploader.status.startswith("Cancelled")

    second = (uploader.start(), uploader.wait(60))[1]
    assert set(second["status"].astype(str)) <= {"uploaded", "skipped"}
    assert uploader.status.startswith("Done")
    sets = fotki.photosets()
    trip = sets[sets["title"] == "Trip 2024"]
    assert len(trip) == 1  # one photoset, not one per run
    titles = Counter(fotki.photos(int(trip["id"].iloc[0]))["title"])
    assert titles == Counter({f"photo_{i:03d}": 1 for i in range(10)})
    info = fotki.photo_info(fotki.photos(int(trip["id"].iloc[0]))["id"].iloc[0])
    assert {"trip", "sea"} <= set(info["tags"])


def test_the_uploader_says_when_it_waits_for_the_services_rate_limit(sandbox, tmp_path):
    make_photos(tmp_path / "limited", 6)
    fotki = sandbox_fotki(sandbox, "alice")
    uploader = gw.Uploader(tmp_path / "limited", targets=[fotki], workers=2, fallback_after=None)
    until(lambda: len(uploader.files) == 6 and _albums_read(uploader))
    uploader.album = "Slowly"
    lines: list[str] = []
    uploader.observe(lambda change: lines.append(change["new"]), "status")
    sandbox.faults.set("fotki", rate_limit=2, rate_window=1.0, rate_only="upload")
    try:
        report = (uploader.start(), uploader.wait(60))[1]
    finally:
        sandbox.faults.clear("fotki")
    assert set(report["status"].astype(str)) == {"uploaded"}
    waits = [line for line in lines if "waiting for the rate limit until" in line]
    assert waits and waits[0].startswith("Sending 6 files to ")
    assert uploader.status.startswith("Done")


def test_start_clicked_the_moment_the_button_comes_back_starts_the_next_run(sandbox, tmp_path):
    make_photos(tmp_path / "new", 3)
    fotki = sandbox_fotki(sandbox, "alice")
    uploader = gw.Uploader(tmp_path / "new", targets=[fotki], workers=1, fallback_after=None)
    until(lambda: len(uploader.files) == 3 and _albums_read(uploader))
    uploader.album = "Brand new set"  # a new photoset: the list of albums is read again at the end
    runs = []

    def click_when_enabled(change: dict) -> None:  # what a quick user does
        if change["new"] is False and not runs:
            uploader.start()
            runs.append(uploader.running)

    find(uploader, widgets.Button, "Start").observe(click_when_enabled, "disabled")
    uploader.start()
    until(lambda: runs, timeout=60)
    assert runs == [True]  # the click was not swallowed by the run still ending
    second = uploader.wait(60)
    assert set(second["status"].astype(str)) == {"skipped"}
    assert uploader.status.startswith("Done")


def test_uploader_per_file_title_and_a_missing_album_name_is_refused(sandbox, tmp_path):
    make_photos(tmp_path / "two", 2)
    cpg = sandbox_coppermine(sandbox, "alice")
    uploader = gw.Uploader(gk.scan(tmp_path / "two", progress=False), targets=[cpg], fallback_after=None)
    until(lambda: _albums_read(uploader))
    picker = find(uploader, widgets.Dropdown, "Album")
    picker.value = next(value for label, value in picker.options if label.startswith("New "))  # no title typed
    uploader.start()
    assert "Type the new album's title first" in uploader.status and not uploader.running
    uploader.album = 5
    uploader.set_title(1, "The second one")
    uploader.start()
    report = uploader.wait(60)
    assert (report["status"] == "uploaded").all()
    assert "The second one" in set(cpg.photos(5)["title"])
    assert uploader.progress == {0: (1.0, "uploaded"), 1: (1.0, "uploaded")}


def test_uploader_shows_a_push_error_in_words_and_can_start_again(sandbox, tmp_path):
    make_photos(tmp_path / "one", 1)
    fotki = gk.Fotki(
        sandbox.api_key,
        sandbox.secret,
        api_url=sandbox.fotki_api_url,
        auth_url=sandbox.fotki_auth_url,
        token_cache="memory",
    )
    uploader = gw.Uploader(tmp_path / "one", targets=[fotki], fallback_after=None)
    until(lambda: _albums_read(uploader) and len(uploader.files) == 1)
    uploader.start()
    uploader.wait(30)
    assert "not signed in to Fotki" in uploader.status
    assert not find(uploader, widgets.Button, "Start").disabled


def test_the_core_library_does_not_import_the_widgets():
    import subprocess
    import sys

    code = "import galleryk, sys; galleryk.scan; print('galleryk.widgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_selection_logic_shift_ranges_keep_their_anchor():
    sel = gw.Selection(list("abcdefgh"))
    sel.click(3)
    sel.click(6, shift=True)
    assert sel.ids == list("defg")
    sel.click(1, shift=True)  # re-drawn from the same anchor
    assert sel.ids == list("bcd")
    sel.click(7, toggle=True)
    sel.click(5, shift=True, toggle=True)  # ctrl+shift adds a range from the new anchor
    assert sel.ids == list("bcdfgh")
    assert pd.isna(pd.NA) and sel.set_ids(["a", "zz"]) == ["zz"]


def test_the_uploader_pushes_with_the_options_it_was_given(sandbox, tmp_path):
    make_photos(tmp_path / "marked", 2)
    cpg = sandbox_coppermine(sandbox, "alice")
    uploader = gw.Uploader(
        tmp_path / "marked", targets=[cpg], fallback_after=None, options=gk.PushOptions(marker="description")
    )
    until(lambda: len(uploader.files) == 2 and _albums_read(uploader))
    uploader.album = 5
    report = (uploader.start(), uploader.wait(60))[1]
    assert (report["status"] == "uploaded").all()
    for pid in report["remote_id"]:
        info = cpg.photo_info(int(pid))
        assert "galleryk:sha=" in info["description"] and not any(t.startswith("galleryk") for t in info["tags"])
