"""Replies that leave the outcome in doubt, and the mode probe under faults (issue 10, Coppermine client side).

These run on the sandbox, whose fault injector can answer 500, cut a reply after the gallery
has acted, or send an HTML error page on purpose; a real gallery does that only by accident.
The one probe fact that needs the real server (``php -S`` answers ``api/`` with index.php) runs
there. Counts are taken on the server's side: the sandbox's request log and its database.
"""

from __future__ import annotations

import logging
import warnings

import pytest

import galleryk as gk
from galleryk.access import sandbox_coppermine
from galleryk.base.errors import BadReply, HttpStatusError, TransportError
from galleryk.coppermine.errors import CoppermineError, CoppermineServerError

from .test_coppermine_servers import jpeg


def client(sandbox, user="alice", **options) -> gk.Coppermine:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.InsecureGalleryWarning)
        return sandbox_coppermine(sandbox, user, **options)


@pytest.fixture
def stock(sandbox):
    sandbox.settings.coppermine_api = False
    return sandbox


@pytest.fixture
def served(caplog):
    """Request lines the sandbox served (its own log), as "METHOD /path"."""
    caplog.set_level(logging.INFO, logger="galleryk.sandbox")

    def lines(fragment: str) -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "galleryk.sandbox" and fragment in r.getMessage()]

    return lines


def pictures(sandbox, title: str | None = None) -> int:
    with sandbox.store.read() as conn:
        if title is None:
            return conn.execute("SELECT COUNT(*) FROM cpg_pictures").fetchone()[0]
        return conn.execute("SELECT COUNT(*) FROM cpg_pictures WHERE title = ?", (title,)).fetchone()[0]


def albums_titled(sandbox, title: str) -> int:
    with sandbox.store.read() as conn:
        return conn.execute("SELECT COUNT(*) FROM cpg_albums WHERE title = ?", (title,)).fetchone()[0]


# -- uploads in doubt -------------------------------------------------------------------------------
def test_a_500_from_uniload_is_in_doubt_not_a_final_refusal(stock, served):
    stock.faults.set("coppermine", error_500=1.0, only="uniload")
    cpg = client(stock)
    with pytest.raises(HttpStatusError, match="may or may not") as info:
        cpg.upload(jpeg(1), album=5, title="Doubt 500", filename="d.jpg")
    assert not isinstance(info.value, CoppermineError) and info.value.status == 500
    assert len(served("POST /cpg/uniload.php")) == 1  # not sent again blindly


def test_a_redirect_whose_body_is_cut_still_names_the_stored_picture(stock, served):
    # the headers arrived whole: the redirect to the picture is the gallery's answer, nothing is in doubt
    stock.faults.set("coppermine", cut=1.0, only="uniload")
    result = client(stock).upload(jpeg(2), album=5, title="Cut body", filename="c.jpg")
    assert result.status == "uploaded" and pictures(stock, "Cut body") == 1
    assert len(served("POST /cpg/uniload.php")) == 1


def test_an_error_page_from_uniload_is_in_doubt(stock):
    stock.faults.set("coppermine", html_200=1.0, only="uniload")
    with pytest.raises(BadReply, match="may or may not"):
        client(stock).upload(jpeg(3), album=5, filename="e.jpg")


# -- album creation in doubt ------------------------------------------------------------------------
def test_a_cut_reply_to_album_creation_is_resolved_by_looking_for_the_album(stock, served):
    cpg = client(stock)
    cpg.albums()
    stock.faults.set("coppermine", cut=1.0, only="delete.php", limit=1)
    aid = cpg.create_album("Made once")
    assert albums_titled(stock, "Made once") == 1
    assert cpg.albums().set_index("id").loc[aid, "title"] == "Made once"
    assert len(served("GET /cpg/delete.php")) == 1  # found, so not sent again


def test_a_500_before_album_creation_is_sent_once_more_and_makes_one_album(stock, served):
    cpg = client(stock)
    cpg.albums()
    stock.faults.set("coppermine", error_500=1.0, only="delete.php", limit=1)
    aid = cpg.create_album("Made after a 500")
    assert albums_titled(stock, "Made after a 500") == 1 and aid > 0
    assert len(served("GET /cpg/delete.php")) == 2


def test_an_album_of_the_same_title_made_earlier_is_not_taken_for_the_lost_one(stock):
    cpg = client(stock)
    first = cpg.create_album("Twice")
    stock.faults.set("coppermine", cut=1.0, only="delete.php", limit=1)
    second = cpg.create_album("Twice")
    assert second != first and albums_titled(stock, "Twice") == 2


# -- the mode probe ------------------------------------------------------------------------------------
def test_one_500_on_the_probe_does_not_pick_the_wrong_mode(sandbox):
    sandbox.faults.set("coppermine", error_500=1.0, only="galleryk.probe", limit=1)
    assert client(sandbox).mode == "api"


def test_one_html_error_page_on_the_probe_does_not_pick_the_wrong_mode(sandbox):
    sandbox.faults.set("coppermine", html_200=1.0, only="galleryk.probe", limit=1)
    assert client(sandbox).mode == "api"


def test_a_probe_that_keeps_failing_decides_nothing_and_asks_again_later(sandbox):
    sandbox.faults.set("coppermine", html_200=1.0, only="galleryk.probe")
    cpg = client(sandbox)
    with pytest.raises(BadReply, match="nothing was decided"):
        _ = cpg.mode
    sandbox.faults.clear()
    assert cpg.mode == "api"


def test_a_cut_probe_reply_is_tried_again(sandbox):
    sandbox.faults.set("coppermine", cut=1.0, only="galleryk.probe", limit=1)
    assert client(sandbox).mode == "api"


def test_mode_api_on_a_gallery_whose_probe_fails_does_not_claim_there_is_no_add_on(sandbox):
    sandbox.faults.set("coppermine", error_500=1.0, only="galleryk.probe")
    with pytest.raises(TransportError) as info:
        client(sandbox, mode="api").albums()
    assert "has no cpgAPI" not in str(info.value)


def test_php_s_answering_api_with_the_index_page_means_web_mode(real_coppermine):
    # php -S serves index.php (200, HTML) for the unknown path api/, where Apache says 404
    cpg = real_coppermine.client(mode="auto")
    assert cpg.mode == "web" and "HTML" in cpg.mode_reason


def test_a_php_error_of_the_gallery_is_temporary_and_a_push_tries_again(stock, tmp_path):
    # real 1.6.26 on PHP 8 answers this now and then to concurrent uploads into an album needing approval
    cpg = client(stock)
    stock.faults.set("coppermine", php_error=1.0, only="uniload", limit=1)
    with pytest.raises(CoppermineServerError) as info:
        cpg.upload(jpeg(), album="Alice's holidays", title="first try")
    assert info.value.temporary and "not stored" in str(info.value)
    assert pictures(stock, "first try") == 0
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(jpeg())
    stock.faults.set("coppermine", php_error=1.0, only="uniload", limit=1)
    report = gk.scan(folder, progress=False).galleryk.push(
        cpg, album="Alice's holidays", title="second try", journal=tmp_path / "j.sqlite", progress=False
    )
    assert report["status"].tolist() == ["uploaded"] and int(report["attempts"].iloc[0]) == 2
    assert pictures(stock, "second try") == 1
