"""The lying-server faults: an upload answered with an existing, unrelated photo's id, stored or not.

Checked with plain HTTP on both services and every upload path (Fotki XML and JSON, the cpgAPI,
``uniload.php``, ``db_input.php``); what was really stored is read on the server's side.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from support import fotki_raw as fr
from support.cpg_web import base as cpg_base
from support.cpg_web import form_token as cpg_token
from support.cpg_web import signed_in as cpg_signed_in


def _fotki_ids(sandbox) -> set[int]:
    with sandbox.store.read() as conn:
        return {row[0] for row in conn.execute("SELECT id FROM fotki_photos")}


def _cpg_pids(sandbox) -> set[int]:
    with sandbox.store.read() as conn:
        return {row[0] for row in conn.execute("SELECT pid FROM cpg_pictures")}


def _named_photo(resp: requests.Response) -> int:
    if resp.headers["Content-Type"].startswith("application/json"):
        return int(json.loads(resp.content)["photo"]["_content"])
    return int(fr.root(resp).findtext("photoid"))


# -- Fotki ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_wrong_id_stores_the_upload_and_names_an_existing_other_photo(sandbox, fmt: str) -> None:
    tok = fr.token(sandbox)
    before = _fotki_ids(sandbox)
    sandbox.faults.set("fotki", wrong_id=1.0)
    named = _named_photo(fr.upload(sandbox, tok, **({"format": "json"} if fmt == "json" else {})))
    new = _fotki_ids(sandbox) - before
    assert named in before and len(new) == 1 and sandbox.faults.injected("fotki")["wrong_id"] == 1


def test_wrong_id_unstored_names_an_existing_photo_and_stores_nothing(sandbox) -> None:
    tok = fr.token(sandbox)
    before = _fotki_ids(sandbox)
    sandbox.faults.set("fotki", wrong_id_unstored=1.0)
    named = _named_photo(fr.upload(sandbox, tok))
    assert named in before and _fotki_ids(sandbox) == before


def test_the_photo_named_is_the_uploaders_own_oldest(sandbox) -> None:
    tok = fr.token(sandbox, "bob")
    sandbox.faults.set("fotki", wrong_id=1.0)
    named = _named_photo(fr.upload(sandbox, tok))
    with sandbox.store.read() as conn:
        oldest = conn.execute(
            "SELECT MIN(p.id) FROM fotki_photos p JOIN users u ON u.id = p.owner_id WHERE u.name = 'bob'"
        ).fetchone()[0]
    assert named == oldest


def test_the_log_holds_both_the_id_stored_and_the_id_named(sandbox) -> None:
    tok = fr.token(sandbox)
    sandbox.faults.set("fotki", wrong_id=1.0)
    named = _named_photo(fr.upload(sandbox, tok))
    last = sandbox.request_log("fotki").hits[-1]
    assert last.fault == "wrong_id" and last.named_id == named and last.stored_id not in (None, named)


def test_the_lie_strikes_uploads_only_and_limit_ends_it(sandbox) -> None:
    tok = fr.token(sandbox)
    sandbox.faults.set("fotki", wrong_id=1.0, limit=1)
    fr.call(sandbox, "flickr_photosets_getList", tok)
    existing = _fotki_ids(sandbox)
    lied = _named_photo(fr.upload(sandbox, tok))
    before = _fotki_ids(sandbox)
    truthful = _named_photo(fr.upload(sandbox, tok))
    assert lied in existing and _fotki_ids(sandbox) - before == {truthful}


# -- Coppermine: the cpgAPI ---------------------------------------------------------------------------
def _cpgapi_upload(sandbox, name: str) -> int:
    form = {"function": "cpgAPI.upload", "username": "alice", "password": sandbox.users["alice"], "aid": "5"}
    files = {"file": (name, fr.jpeg(), "image/jpeg")}
    resp = requests.post(sandbox.coppermine_url + "/api/", data=form, files=files, timeout=30)
    return int(fr.root(resp).findtext("pid"))


def _stored_file(sandbox, name: str):
    return sandbox.data_dir / "files/coppermine/albums/userpics/10002/5" / name


def test_cpgapi_wrong_id_stores_the_picture_and_names_another(sandbox) -> None:
    before = _cpg_pids(sandbox)
    sandbox.faults.set("coppermine", wrong_id=1.0)
    named = _cpgapi_upload(sandbox, "lie.jpg")
    assert named in before and len(_cpg_pids(sandbox) - before) == 1 and _stored_file(sandbox, "lie.jpg").exists()


def test_cpgapi_wrong_id_unstored_names_another_picture_and_stores_nothing(sandbox) -> None:
    before = _cpg_pids(sandbox)
    sandbox.faults.set("coppermine", wrong_id_unstored=1.0)
    named = _cpgapi_upload(sandbox, "ghost.jpg")
    assert named in before and _cpg_pids(sandbox) == before and not _stored_file(sandbox, "ghost.jpg").exists()


# -- Coppermine: the stock pages ------------------------------------------------------------------------
def _page_upload(sandbox, page: str, name: str) -> int:
    alice = cpg_signed_in(sandbox, "alice")
    form = {"album": "5", **cpg_token(alice, sandbox)}
    form.update({"method": "upload_sgl"} if page == "uniload.php" else {"event": "picture"})
    field = "Filedata" if page == "uniload.php" else "userpicture"
    resp = alice.post(
        cpg_base(sandbox) + page,
        data=form,
        files={field: (name, fr.jpeg(), "image/jpeg")},
        allow_redirects=False,
        timeout=30,
    )
    assert resp.status_code == 302, resp.text
    return int(parse_qs(urlsplit(resp.headers["Location"]).query)["pid"][0])


@pytest.mark.parametrize("page", ["uniload.php", "db_input.php"])
def test_a_page_upload_with_wrong_id_is_stored_and_redirects_to_another_picture(sandbox, page: str) -> None:
    before = _cpg_pids(sandbox)
    sandbox.faults.set("coppermine", wrong_id=1.0)
    named = _page_upload(sandbox, page, "page-lie.jpg")
    assert named in before and len(_cpg_pids(sandbox) - before) == 1


@pytest.mark.parametrize("page", ["uniload.php", "db_input.php"])
def test_a_page_upload_with_wrong_id_unstored_redirects_to_another_picture_and_stores_nothing(sandbox, page) -> None:
    before = _cpg_pids(sandbox)
    sandbox.faults.set("coppermine", wrong_id_unstored=1.0)
    named = _page_upload(sandbox, page, "page-ghost.jpg")
    assert named in before and _cpg_pids(sandbox) == before and sandbox.request_log("coppermine").stored == 0
