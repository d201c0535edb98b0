"""The sandbox's Fotki API methods over raw HTTP: shapes in XML and JSON, errors, permissions, paging,
visibility of private photos, and the served files."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
import requests
from lxml import etree
from PIL import Image

TIMEOUT = 10
ALICE_SETS = 3
ALICE_LOOSE = 4  # alice's photos in no set, 2 of them private


# -- a tiny client, written here so the server is checked against the doc, not against galleryk --
def signed(secret: str, params: dict) -> dict:
    text = secret + "".join(f"{k}{params[k]}" for k in sorted(params))
    return {**params, "api_sig": hashlib.md5(text.encode("utf-8")).hexdigest()}


def raw(sb, method: str, /, *, how: str = "get", sign: bool = True, **params) -> requests.Response:
    params = {"api_key": sb.api_key, **{k: str(v) for k, v in params.items()}}
    if sign:
        params = signed(sb.secret, params)
    url = f"{sb.fotki_api_url}/{method}"
    if how == "get":
        return requests.get(url, params=params, timeout=TIMEOUT)
    if how == "multipart":
        return requests.post(url, files={k: (None, v) for k, v in params.items()}, timeout=TIMEOUT)
    return requests.post(url, data=params, timeout=TIMEOUT)


def call(sb, method: str, /, **params) -> etree._Element:
    r = raw(sb, method, **params)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/xml")
    return etree.fromstring(r.content)


def call_json(sb, method: str, /, **params) -> dict:
    return json.loads(raw(sb, method, format="json", **params).content)


def code(root: etree._Element) -> int | None:
    return int(root.find("err").get("code")) if root.get("stat") == "fail" else None


def token(sb, user: str = "alice", perms: str = "delete") -> str:
    auth = lambda **p: etree.fromstring(  # noqa: E731
        requests.get(sb.fotki_auth_url, params=signed(sb.secret, {"api_key": sb.api_key, **p}), timeout=TIMEOUT).content
    )
    frob = auth(method="flickr.auth.getFrob").findtext("frob")
    sb.approve(frob, user, perms)
    return auth(method="flickr.auth.getToken", frob=frob).findtext("auth/token")


def alice_sets(sb) -> list[etree._Element]:
    return call(sb, "flickr_photosets_getList", user_id=user_id(sb, "alice")).findall("photosets/photoset")


def user_id(sb, name: str) -> str:
    frob_token = token(sb, name, "read")
    root = etree.fromstring(
        requests.get(
            sb.fotki_auth_url,
            params=signed(
                sb.secret, {"api_key": sb.api_key, "method": "flickr.auth.checkToken", "auth_token": frob_token}
            ),
            timeout=TIMEOUT,
        ).content
    )
    return root.find("auth/user").get("nsid")


def loose_photos(sb, who: str = "alice") -> list[etree._Element]:
    return call(sb, "flickr_photos_getNotInSet", auth_token=token(sb, who, "read")).findall("photos/photo")


def public_loose_photo(sb, who: str = "alice") -> str:
    return next(p.get("id") for p in loose_photos(sb, who) if p.get("ispublic") == "1")


def private_photo_of_alice(sb) -> str:
    return next(p.get("id") for p in loose_photos(sb) if p.get("ispublic") == "0")


# -- common checks, in the service's order -------------------------------------------------------------
def test_missing_api_key_fails_with_100(sandbox):
    r = requests.get(f"{sandbox.fotki_api_url}/flickr_photosets_getList", params={"user_id": "2"}, timeout=TIMEOUT)
    assert code(etree.fromstring(r.content)) == 100


def test_unknown_api_key_fails_with_100_before_the_signature_is_looked_at(sandbox):
    r = requests.get(f"{sandbox.fotki_api_url}/flickr_photosets_getList", params={"api_key": "x"}, timeout=TIMEOUT)
    assert code(etree.fromstring(r.content)) == 100


def test_missing_signature_fails_with_97(sandbox):
    assert code(etree.fromstring(raw(sandbox, "flickr_photosets_getList", sign=False, user_id=2).content)) == 97


def test_wrong_signature_fails_with_96(sandbox):
    params = signed(sandbox.secret, {"api_key": sandbox.api_key, "user_id": "2"})
    params["user_id"] = "3"
    r = requests.get(f"{sandbox.fotki_api_url}/flickr_photosets_getList", params=params, timeout=TIMEOUT)
    assert code(etree.fromstring(r.content)) == 96


def test_unknown_method_fails_with_112_naming_it(sandbox):
    root = call(sandbox, "flickr_photos_delete", photo_id=1)
    assert code(root) == 112 and root.find("err").get("msg") == 'Method "flickr_photos_delete" not found'


def test_unknown_method_with_a_bad_signature_fails_on_the_signature_first(sandbox):
    params = {"api_key": sandbox.api_key, "api_sig": "0" * 32}
    r = requests.get(f"{sandbox.fotki_api_url}/flickr_photos_delete", params=params, timeout=TIMEOUT)
    assert code(etree.fromstring(r.content)) == 96


def test_dotted_method_names_are_accepted(sandbox):
    assert call(sandbox, "flickr.photosets.getList", user_id=user_id(sandbox, "alice")).get("stat") == "ok"


def test_method_may_be_given_as_a_parameter(sandbox):
    root = call(sandbox, "", method="flickr.photosets.getList", user_id=user_id(sandbox, "alice"))
    assert len(root.findall("photosets/photoset")) == ALICE_SETS


@pytest.mark.parametrize("how", ["post", "multipart"])
def test_post_urlencoded_and_multipart_work_like_get(sandbox, how):
    r = raw(sandbox, "flickr_photosets_getList", how=how, user_id=user_id(sandbox, "alice"))
    assert len(etree.fromstring(r.content).findall("photosets/photoset")) == ALICE_SETS


def test_utf8_values_are_signed_as_utf8(sandbox):
    tok = token(sandbox)
    set_id = alice_sets(sandbox)[0].get("id")
    title = "Café ü 東京 & <friends>"
    assert (
        call(sandbox, "flickr_photosets_editMeta", auth_token=tok, photoset_id=set_id, title=title).get("stat") == "ok"
    )
    assert alice_sets(sandbox)[0].findtext("title") == title


def test_failure_in_json_has_stat_code_and_message(sandbox):
    data = call_json(sandbox, "flickr_photos_getInfo", photo_id=1)
    assert data == {"stat": "fail", "code": 1, "message": "Photo not found"}


def test_invalid_token_on_a_method_without_auth_fails_with_98(sandbox):
    assert code(call(sandbox, "flickr_photos_getInfo", photo_id=4000000001, auth_token="bogus")) == 98


def test_method_needing_auth_without_token_fails_with_99(sandbox):
    assert code(call(sandbox, "flickr_photos_getNotInSet")) == 99


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("flickr_photosets_create", {"btitle": "x", "primary_photo_id": 4000000001}),
        ("flickr_photosets_addPhoto", {"photoset_id": 72157000001, "photo_id": 4000000025}),
        ("flickr_photosets_delete", {"photoset_id": 72157000001}),
        ("flickr_photosets_editMeta", {"photoset_id": 72157000001, "title": "x"}),
        ("upload", {"title": "x"}),
    ],
)
def test_write_methods_refuse_a_read_token_with_99(sandbox, method, params):
    assert code(call(sandbox, method, auth_token=token(sandbox, "alice", "read"), **params)) == 99


def test_read_token_is_enough_for_get_not_in_set(sandbox):
    assert call(sandbox, "flickr_photos_getNotInSet", auth_token=token(sandbox, "alice", "read")).get("stat") == "ok"


def test_delete_token_may_do_what_write_may(sandbox):
    tok = token(sandbox, "alice", "delete")
    assert call(sandbox, "flickr_photosets_delete", auth_token=tok, photoset_id=72157000001).get("stat") == "ok"


# -- getInfo --------------------------------------------------------------------------------------------
def test_get_info_has_the_documented_shape(sandbox):
    photo = call(sandbox, "flickr_photos_getInfo", photo_id=4000000001).find("photo")
    assert set(photo.attrib) >= {"id", "license", "rotation", "originalformat"}
    assert photo.find("owner").get("username") == "alice" and photo.find("owner").get("realname") == "Alice Example"
    assert photo.findtext("title") and photo.findtext("description")
    assert photo.find("visibility").attrib == {"ispublic": "1", "isfriend": "0", "isfamily": "0"}
    assert set(photo.find("dates").attrib) == {"posted", "taken", "takengranularity", "lastupdate"}
    assert photo.find("permissions") is not None and photo.find("editability") is not None
    assert photo.findtext("comments") == "0"
    assert [t.text for t in photo.findall("tags/tag")] and all(t.get("raw") for t in photo.findall("tags/tag"))
    assert {u.get("type") for u in photo.findall("urls/url")} == {"photopage", "original", "thumbnail"}


def test_get_info_taken_is_flickr_form_from_exif(sandbox):
    taken = call(sandbox, "flickr_photos_getInfo", photo_id=4000000001).find("photo/dates").get("taken")
    assert taken[:4] == "2024" and len(taken) == 19 and taken[10] == " "


def test_get_info_cleans_multi_word_tags_and_keeps_raw(sandbox):
    tags = {
        t.text: t.get("raw")
        for t in call(sandbox, "flickr_photos_getInfo", photo_id=4000000002).findall("photo/tags/tag")
    }
    assert tags["oldtown"] == "Old town"


def test_get_info_in_json(sandbox):
    data = call_json(sandbox, "flickr_photos_getInfo", photo_id=4000000001)
    photo = data["photo"]
    assert data["stat"] == "ok" and photo["id"] == "4000000001" and photo["title"]["_content"]
    assert isinstance(photo["tags"]["tag"], list) and photo["tags"]["tag"][0]["_content"]
    assert photo["urls"]["url"][0]["type"] == "photopage"


def test_get_info_of_unknown_photo_fails_with_1(sandbox):
    assert code(call(sandbox, "flickr_photos_getInfo", photo_id=999)) == 1


def test_get_info_without_photo_id_fails_with_1_naming_it(sandbox):
    root = call(sandbox, "flickr_photos_getInfo")
    assert code(root) == 1 and "photo_id" in root.find("err").get("msg")


def test_editability_tells_the_owner_apart(sandbox):
    mine = call(sandbox, "flickr_photos_getInfo", photo_id=4000000001, auth_token=token(sandbox))
    theirs = call(sandbox, "flickr_photos_getInfo", photo_id=4000000001, auth_token=token(sandbox, "bob"))
    assert mine.find("photo/editability").get("canaddmeta") == "1"
    assert theirs.find("photo/editability").get("canaddmeta") == "0"


# -- private photos ------------------------------------------------------------------------------------------
def test_private_photo_is_not_found_for_strangers(sandbox):
    photo_id = private_photo_of_alice(sandbox)
    assert code(call(sandbox, "flickr_photos_getInfo", photo_id=photo_id)) == 1
    assert code(call(sandbox, "flickr_photos_getInfo", photo_id=photo_id, auth_token=token(sandbox, "bob"))) == 1


def test_private_photo_is_seen_by_its_owner(sandbox):
    photo_id = private_photo_of_alice(sandbox)
    root = call(sandbox, "flickr_photos_getInfo", photo_id=photo_id, auth_token=token(sandbox, "alice", "read"))
    assert root.find("photo/visibility").get("ispublic") == "0"


def test_private_photos_in_a_set_are_hidden_and_not_counted_for_others(sandbox):
    bob = user_id(sandbox, "bob")
    (photoset,) = call(sandbox, "flickr_photosets_getList", user_id=bob).findall("photosets/photoset")
    listed = call(sandbox, "flickr_photosets_getPhotos", photoset_id=photoset.get("id")).find("photoset")
    assert photoset.get("photos") == "4" and listed.get("total") == "4" and len(listed) == 4


def test_owner_sees_and_counts_own_private_photos_in_a_set(sandbox):
    bob, tok = user_id(sandbox, "bob"), token(sandbox, "bob", "read")
    (photoset,) = call(sandbox, "flickr_photosets_getList", user_id=bob, auth_token=tok).findall("photosets/photoset")
    listed = call(sandbox, "flickr_photosets_getPhotos", photoset_id=photoset.get("id"), auth_token=tok)
    assert photoset.get("photos") == "5" and listed.find("photoset").get("total") == "5"


# -- getNotInSet --------------------------------------------------------------------------------------------
def test_get_not_in_set_lists_the_callers_photos_outside_sets(sandbox):
    photos = call(sandbox, "flickr_photos_getNotInSet", auth_token=token(sandbox, "alice", "read")).find("photos")
    owners = {p.get("owner") for p in photos}
    assert photos.get("total") == str(ALICE_LOOSE) and owners == {user_id(sandbox, "alice")}
    assert sorted(p.get("ispublic") for p in photos) == ["0", "0", "1", "1"]
    assert set(photos[0].attrib) == {"id", "owner", "title", "ispublic", "isfriend", "isfamily"}


def test_get_not_in_set_in_json_is_a_list(sandbox):
    data = call_json(sandbox, "flickr_photos_getNotInSet", auth_token=token(sandbox, "bob", "read"))
    assert data["photos"]["total"] == "3" and len(data["photos"]["photo"]) == 3


# -- photosets ------------------------------------------------------------------------------------------------
def test_get_list_has_the_documented_shape(sandbox):
    photosets = call(sandbox, "flickr_photosets_getList", user_id=user_id(sandbox, "alice")).find("photosets")
    assert photosets.get("cancreate") in ("0", "1") and len(photosets) == ALICE_SETS
    first = photosets[0]
    assert set(first.attrib) >= {"id", "primary", "photos", "farm"} and first.findtext("title")
    assert first.find("description") is not None and first.get("photos") == "8"


def test_get_list_without_user_id_lists_the_callers_sets(sandbox):
    root = call(sandbox, "flickr_photosets_getList", auth_token=token(sandbox, "bob", "read"))
    assert [s.findtext("title") for s in root.findall("photosets/photoset")] == ["Bike trip"]


@pytest.mark.parametrize("params", [{}, {"user_id": 987654}, {"user_id": "alice"}])
def test_get_list_for_no_or_unknown_user_fails_with_1(sandbox, params):
    assert code(call(sandbox, "flickr_photosets_getList", **params)) == 1


def test_get_list_in_json(sandbox):
    data = call_json(sandbox, "flickr_photosets_getList", user_id=user_id(sandbox, "alice"))
    assert len(data["photosets"]["photoset"]) == ALICE_SETS
    assert data["photosets"]["photoset"][0]["title"]["_content"]


def test_get_photos_has_the_documented_shape(sandbox):
    photoset = call(sandbox, "flickr_photosets_getPhotos", photoset_id=72157000001).find("photoset")
    assert {"id", "primary", "page", "perpage", "pages", "total"} <= set(photoset.attrib)
    assert photoset.get("perpage") == "500" and photoset.get("total") == "8"
    primaries = [p.get("id") for p in photoset if p.get("isprimary") == "1"]
    assert primaries == [photoset.get("primary")] and all(p.get("title") for p in photoset)


def test_get_photos_of_unknown_set_fails_with_1(sandbox):
    assert code(call(sandbox, "flickr_photosets_getPhotos", photoset_id=1)) == 1
    assert code(call(sandbox, "flickr_photosets_getPhotos")) == 1


def test_create_returns_id_and_url_and_holds_the_primary(sandbox):
    tok = token(sandbox)
    loose = public_loose_photo(sandbox)
    created = call(
        sandbox, "flickr_photosets_create", auth_token=tok, btitle="New", description="d", primary_photo_id=loose
    ).find("photoset")
    assert int(created.get("id")) > 72157000000 and created.get("url").startswith("http://127.0.0.1")
    listed = call(sandbox, "flickr_photosets_getPhotos", photoset_id=created.get("id")).find("photoset")
    assert [p.get("id") for p in listed] == [loose] and listed.get("primary") == loose


def test_create_accepts_title_as_well_as_btitle(sandbox):
    root = call(
        sandbox, "flickr_photosets_create", auth_token=token(sandbox), title="Plain", primary_photo_id=4000000001
    )
    assert root.get("stat") == "ok"
    assert "Plain" in [s.findtext("title") for s in alice_sets(sandbox)]


def test_create_in_json(sandbox):
    data = call_json(
        sandbox, "flickr_photosets_create", auth_token=token(sandbox), btitle="J", primary_photo_id=4000000001
    )
    assert data["stat"] == "ok" and data["photoset"]["id"] and data["photoset"]["url"]


def test_create_without_title_fails_with_1(sandbox):
    assert code(call(sandbox, "flickr_photosets_create", auth_token=token(sandbox), primary_photo_id=4000000001)) == 1


@pytest.mark.parametrize("primary", [None, "999", "bobs"])
def test_create_needs_a_primary_photo_of_the_caller(sandbox, primary):
    params = {"btitle": "x"}
    if primary == "bobs":
        params["primary_photo_id"] = loose_photos(sandbox, "bob")[0].get("id")
    elif primary:
        params["primary_photo_id"] = primary
    root = call(sandbox, "flickr_photosets_create", auth_token=token(sandbox), **params)
    assert code(root) == 2 and (primary or "primary_photo_id" in root.find("err").get("msg"))


def test_add_photo_appends_to_the_set(sandbox):
    loose = public_loose_photo(sandbox)
    root = call(
        sandbox, "flickr_photosets_addPhoto", auth_token=token(sandbox), photoset_id=72157000001, photo_id=loose
    )
    assert root.get("stat") == "ok" and len(root) == 0
    listed = call(sandbox, "flickr_photosets_getPhotos", photoset_id=72157000001).find("photoset")
    assert listed[-1].get("id") == loose and listed.get("total") == "9"


def test_add_photo_errors(sandbox):
    tok = token(sandbox)
    bobs_set = call(sandbox, "flickr_photosets_getList", user_id=user_id(sandbox, "bob")).find("photosets/photoset")
    bobs_photo = loose_photos(sandbox, "bob")[0].get("id")
    add = lambda **p: code(call(sandbox, "flickr_photosets_addPhoto", auth_token=tok, **p))  # noqa: E731
    assert add(photoset_id=1, photo_id=4000000001) == 1
    assert add(photoset_id=bobs_set.get("id"), photo_id=4000000001) == 1
    assert add(photo_id=4000000001) == 1
    assert add(photoset_id=72157000001, photo_id=999) == 2
    assert add(photoset_id=72157000001, photo_id=bobs_photo) == 2
    assert add(photoset_id=72157000001) == 2
    assert add(photoset_id=72157000001, photo_id=4000000001) == 3


def test_delete_removes_the_set_but_not_its_photos(sandbox):
    tok = token(sandbox)
    before = call(sandbox, "flickr_photosets_getPhotos", photoset_id=72157000001).findall("photoset/photo")
    assert call(sandbox, "flickr_photosets_delete", auth_token=tok, photoset_id=72157000001).get("stat") == "ok"
    assert code(call(sandbox, "flickr_photosets_getPhotos", photoset_id=72157000001)) == 1
    assert all(call(sandbox, "flickr_photos_getInfo", photo_id=p.get("id")).get("stat") == "ok" for p in before)
    assert len(loose_photos(sandbox)) == ALICE_LOOSE + len(before)


def test_delete_of_unknown_or_someone_elses_set_fails_with_1(sandbox):
    assert (
        code(call(sandbox, "flickr_photosets_delete", auth_token=token(sandbox, "bob"), photoset_id=72157000001)) == 1
    )
    assert code(call(sandbox, "flickr_photosets_delete", auth_token=token(sandbox), photoset_id=5)) == 1


def test_edit_meta_changes_title_and_description(sandbox):
    tok = token(sandbox)
    call(sandbox, "flickr_photosets_editMeta", auth_token=tok, photoset_id=72157000001, title="T2", description="D2")
    first = alice_sets(sandbox)[0]
    assert (first.findtext("title"), first.findtext("description")) == ("T2", "D2")


def test_edit_meta_errors(sandbox):
    tok = token(sandbox)
    assert code(call(sandbox, "flickr_photosets_editMeta", auth_token=tok, photoset_id=9, title="x")) == 1
    bob = token(sandbox, "bob")
    assert code(call(sandbox, "flickr_photosets_editMeta", auth_token=bob, photoset_id=72157000001, title="x")) == 1
    assert code(call(sandbox, "flickr_photosets_editMeta", auth_token=tok, photoset_id=72157000001)) == 2


# -- paging ------------------------------------------------------------------------------------------------
def _page(sb, **params) -> etree._Element:
    return call(sb, "flickr_photosets_getPhotos", photoset_id=72157000001, **params).find("photoset")


def test_paging_reports_page_pages_perpage_total(sandbox):
    first, last = _page(sandbox, per_page=3), _page(sandbox, per_page=3, page=3)
    assert [first.get(k) for k in ("page", "pages", "perpage", "total")] == ["1", "3", "3", "8"]
    assert (len(first), len(last), last.get("page")) == (3, 2, "3")


def test_pages_together_list_every_photo_once_in_order(sandbox):
    everything = [p.get("id") for p in _page(sandbox)]
    paged = [p.get("id") for page in (1, 2, 3) for p in _page(sandbox, per_page=3, page=page)]
    assert paged == everything and len(set(paged)) == 8


def test_page_past_the_end_is_empty(sandbox):
    past = _page(sandbox, per_page=3, page=4)
    assert len(past) == 0 and past.get("total") == "8" and past.get("pages") == "3"


def test_per_page_is_clamped_to_the_limit(sandbox):
    sandbox.settings.fotki_max_per_page = 5
    assert _page(sandbox, per_page=100000).get("perpage") == "5"
    assert _page(sandbox).get("perpage") == "5"


@pytest.mark.parametrize(
    ("params", "page", "perpage"),
    [({"page": "0"}, "1", "500"), ({"page": "x", "per_page": "y"}, "1", "500"), ({"per_page": "-3"}, "1", "500")],
)
def test_bad_paging_values_fall_back_to_defaults(sandbox, params, page, perpage):
    got = _page(sandbox, **params)
    assert (got.get("page"), got.get("perpage")) == (page, perpage)


def test_get_not_in_set_pages_with_default_100(sandbox):
    tok = token(sandbox, "alice", "read")
    photos = call(sandbox, "flickr_photos_getNotInSet", auth_token=tok, per_page=3, page=2).find("photos")
    default = call(sandbox, "flickr_photos_getNotInSet", auth_token=tok).find("photos")
    assert (photos.get("pages"), len(photos), default.get("perpage")) == ("2", 1, "100")


def test_get_list_pages(sandbox):
    photosets = call(sandbox, "flickr_photosets_getList", user_id=user_id(sandbox, "alice"), per_page=2, page=2).find(
        "photosets"
    )
    assert (photosets.get("pages"), photosets.get("total"), len(photosets)) == ("2", "3", 1)


# -- files -------------------------------------------------------------------------------------------------
def _urls(sb, photo_id, tok=None) -> dict[str, str]:
    extra = {"auth_token": tok} if tok else {}
    root = call(sb, "flickr_photos_getInfo", photo_id=photo_id, **extra)
    return {u.get("type"): u.text for u in root.findall("photo/urls/url")}


def test_original_and_thumbnail_are_served(sandbox):
    urls = _urls(sandbox, 4000000001)
    original = requests.get(urls["original"], timeout=TIMEOUT)
    thumb = Image.open(io.BytesIO(requests.get(urls["thumbnail"], timeout=TIMEOUT).content))
    assert (
        original.headers["Content-Type"] == "image/jpeg" and Image.open(io.BytesIO(original.content)).format == "JPEG"
    )
    assert thumb.format == "JPEG" and max(thumb.size) == 100


def test_private_file_needs_the_owners_token(sandbox):
    photo_id = private_photo_of_alice(sandbox)
    alice = token(sandbox, "alice", "read")
    urls = _urls(sandbox, photo_id, alice)
    assert requests.get(urls["original"], timeout=TIMEOUT).status_code == 404
    bob = token(sandbox, "bob", "read")
    assert requests.get(urls["original"], params={"auth_token": bob}, timeout=TIMEOUT).status_code == 404
    assert requests.get(urls["original"], params={"auth_token": alice}, timeout=TIMEOUT).status_code == 200


def test_photo_page_is_served(sandbox):
    page = requests.get(_urls(sandbox, 4000000001)["photopage"], timeout=TIMEOUT)
    assert page.status_code == 200 and "Harbour" in page.text
