"""The ``stored_then_cut`` fault: the service does the work, then the connection closes without a byte of reply.

The deterministic form of "the server stored the upload, then the connection dropped", for every
call that changes something: Fotki uploads, photoset creation and addPhoto; Coppermine uploads
(``uniload.php`` and the cpgAPI) and album creation.
"""

from __future__ import annotations

import pytest
import requests
from support import fotki_raw as fr
from support.cpg_web import base as cpg_base
from support.cpg_web import form_token as cpg_token
from support.cpg_web import signed_in as cpg_signed_in

ALICE_LOOSE_PHOTO = 4000000027
"""One of alice's seeded photos in no photoset."""


def _cut(service: str, sandbox, only: str) -> None:
    sandbox.faults.set(service, stored_then_cut=1.0, only=only, limit=1)


def _set_titles(sandbox, tok: str) -> set[str]:
    doc = fr.root(fr.call(sandbox, "flickr_photosets_getList", tok))
    return {s.findtext("title") for s in doc.iter("photoset")}


def _set_photos(sandbox, set_id: str) -> set[int]:
    doc = fr.root(fr.call(sandbox, "flickr_photosets_getPhotos", None, photoset_id=set_id))
    return {int(p.get("id")) for p in doc.iter("photo")}


def test_a_fotki_upload_is_stored_though_the_connection_closes_without_a_reply(sandbox) -> None:
    tok = fr.token(sandbox)
    before = fr.photo_ids(sandbox, tok)
    _cut("fotki", sandbox, "upload")
    with pytest.raises(requests.ConnectionError):
        fr.upload(sandbox, tok)
    assert len(fr.photo_ids(sandbox, tok) - before) == 1


def test_a_photoset_is_created_though_the_connection_closes_without_a_reply(sandbox) -> None:
    tok = fr.token(sandbox)
    _cut("fotki", sandbox, "photosets_create")
    with pytest.raises(requests.ConnectionError):
        fr.post(sandbox, "flickr_photosets_create", tok, btitle="Cut short", primary_photo_id=ALICE_LOOSE_PHOTO)
    assert "Cut short" in _set_titles(sandbox, tok)


def test_add_photo_takes_effect_though_the_connection_closes_without_a_reply(sandbox) -> None:
    tok = fr.token(sandbox)
    sets = fr.root(fr.call(sandbox, "flickr_photosets_getList", tok))
    set_id = next(sets.iter("photoset")).get("id")
    _cut("fotki", sandbox, "addPhoto")
    with pytest.raises(requests.ConnectionError):
        fr.post(sandbox, "flickr_photosets_addPhoto", tok, photoset_id=set_id, photo_id=ALICE_LOOSE_PHOTO)
    assert ALICE_LOOSE_PHOTO in _set_photos(sandbox, set_id)


def test_the_log_shows_no_status_for_a_request_cut_after_storing(sandbox) -> None:
    tok = fr.token(sandbox)
    _cut("fotki", sandbox, "upload")
    with pytest.raises(requests.ConnectionError):
        fr.upload(sandbox, tok)
    last = sandbox.request_log("fotki").hits[-1]
    assert (last.status, last.fault) == (0, "stored_then_cut") and last.stored_id is not None


def test_a_uniload_upload_is_stored_though_the_connection_closes_without_a_reply(sandbox) -> None:
    alice = cpg_signed_in(sandbox, "alice")
    form = {"method": "upload_sgl", "album": "5", **cpg_token(alice, sandbox)}
    _cut("coppermine", sandbox, "uniload")
    with pytest.raises(requests.ConnectionError):
        alice.post(
            cpg_base(sandbox) + "uniload.php",
            data=form,
            files={"Filedata": ("cut.jpg", fr.jpeg(), "image/jpeg")},
            allow_redirects=False,
            timeout=30,
        )
    assert (sandbox.data_dir / "files/coppermine/albums/userpics/10002/5/cut.jpg").exists()


def test_a_cpgapi_upload_is_stored_though_the_connection_closes_without_a_reply(sandbox) -> None:
    form = {"function": "cpgAPI.upload", "username": "alice", "password": sandbox.users["alice"], "aid": "5"}
    _cut("coppermine", sandbox, "cpgAPI.upload")
    with pytest.raises(requests.ConnectionError):
        requests.post(
            sandbox.coppermine_url + "/api/",
            data=form,
            files={"file": ("api-cut.jpg", fr.jpeg(), "image/jpeg")},
            timeout=30,
        )
    assert (sandbox.data_dir / "files/coppermine/albums/userpics/10002/5/api-cut.jpg").exists()


def test_an_album_is_created_though_the_connection_closes_without_a_reply(sandbox) -> None:
    alice = cpg_signed_in(sandbox, "alice")
    params = {"what": "albmgr", "op": "add", "cat": 10002, "name": "Cut album", "position": 1}
    params.update(cpg_token(alice, sandbox))
    _cut("coppermine", sandbox, "delete.php")
    with pytest.raises(requests.ConnectionError):
        alice.get(cpg_base(sandbox) + "delete.php", params=params, timeout=30)
    assert "Cut album" in alice.get(cpg_base(sandbox) + "upload.php?single", timeout=30).text
