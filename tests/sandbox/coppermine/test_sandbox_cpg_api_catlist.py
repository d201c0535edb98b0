"""cpgAPI.catList of the sandbox over raw HTTP: who sees which categories and albums, and the unescaped names."""

from __future__ import annotations

import re

import pytest
import requests
from lxml import etree

from galleryk.sandbox.users import get_user


def _cat_list(sandbox, user: str | None, **extra) -> requests.Response:
    creds = {"username": user or "", "password": sandbox.users[user] if user else ""}
    form = {"function": "cpgAPI.catList", **creds, **extra}
    return requests.post(sandbox.coppermine_url + "/api/", data=form, timeout=30)


def _root(resp: requests.Response) -> etree._Element:
    """Parse as a tolerant client must: names come unescaped, so repair bare ``&`` and recover from the rest."""
    repaired = re.sub(rb"&(?!#?[A-Za-z0-9]+;)", b"&amp;", resp.content)
    return etree.fromstring(repaired, etree.XMLParser(recover=True))


def _tree(resp: requests.Response) -> dict:
    """{(cat id, name): {"albums": {aid: name}, "cats": {...}}} below the <cpg> root."""

    def walk(el) -> dict:
        out = {}
        for cat in el.findall("cat"):
            out[(int(cat.findtext("id")), cat.findtext("name"))] = {
                "albums": {int(a.findtext("id")): a.findtext("name") for a in cat.findall("album")},
                "cats": walk(cat),
            }
        return out

    root = _root(resp)
    assert root.tag == "cpg", resp.text
    return walk(root)


def _album_ids(resp: requests.Response) -> set[int]:
    return {int(a.findtext("id")) for a in _root(resp).iter("album")}


def _cat_ids(resp: requests.Response) -> set[int]:
    return {int(c.findtext("id")) for c in _root(resp).iter("cat")}


def _error(resp: requests.Response) -> int:
    root = _root(resp)
    assert root.findtext("status") == "fail", resp.text
    return int(root.findtext("error"))


def _ucat(sandbox, name: str) -> int:
    with sandbox.store.read() as conn:
        return 10000 + int(get_user(conn, name=name)["id"])


def test_top_category_is_parent_with_id_0(sandbox):
    assert list(_tree(_cat_list(sandbox, "alice"))) == [(0, "Parent")]


def test_admin_sees_every_album(sandbox):
    assert _album_ids(_cat_list(sandbox, "admin")) == {1, 2, 3, 4, 5, 6, 7}


def test_admin_sees_the_personal_categories_of_all_users_with_albums(sandbox):
    users = _tree(_cat_list(sandbox, "admin"))[(0, "Parent")]["cats"][(1, "User galleries")]["cats"]
    assert set(users) == {(_ucat(sandbox, "alice"), "alice"), (_ucat(sandbox, "bob"), "bob")}


def test_user_sees_their_own_personal_category_with_its_albums(sandbox):
    users = _tree(_cat_list(sandbox, "alice"))[(0, "Parent")]["cats"][(1, "User galleries")]["cats"]
    assert users == {
        (_ucat(sandbox, "alice"), "alice"): {"albums": {5: "Alice's holidays", 6: "Alice's garden"}, "cats": {}}
    }


def test_user_does_not_see_other_users_categories(sandbox):
    assert _ucat(sandbox, "alice") not in _cat_ids(_cat_list(sandbox, "bob"))


def test_user_does_not_see_albums_of_another_group(sandbox):
    assert _album_ids(_cat_list(sandbox, "bob")) == {1, 2, 3, 7}


def test_viewer_without_personal_albums_sees_only_public_albums(sandbox):
    resp = _cat_list(sandbox, "carol")
    assert (_album_ids(resp), _cat_ids(resp)) == ({1, 2, 3}, {0, 2, 3, 4})


def test_guest_sees_public_albums_and_no_user_galleries(sandbox):
    resp = _cat_list(sandbox, None)
    assert (_album_ids(resp), _cat_ids(resp)) == ({1, 2, 3}, {0, 2, 3, 4})


def test_subcategories_nest_below_their_parent(sandbox):
    travel = _tree(_cat_list(sandbox, None))[(0, "Parent")]["cats"][(2, "Travel")]
    assert travel == {
        "albums": {2: "City walks"},
        "cats": {(3, "Europe & Asia"): {"albums": {1: "Harbour & Beach"}, "cats": {}}},
    }


def test_album_in_category_0_sits_directly_under_parent(sandbox):
    with sandbox.store.write() as conn:
        conn.execute("UPDATE cpg_albums SET category = 0 WHERE aid = 2")
    assert _tree(_cat_list(sandbox, None))[(0, "Parent")]["albums"] == {2: "City walks"}


def test_names_are_written_unescaped_like_real_servers(sandbox):
    body = _cat_list(sandbox, None).content
    assert b"<name>Harbour & Beach</name>" in body and b"<name>Europe & Asia</name>" in body


def test_reply_with_an_ampersand_name_is_not_well_formed_xml(sandbox):
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(_cat_list(sandbox, None).content)


def test_success_reply_has_no_status_element(sandbox):
    assert _root(_cat_list(sandbox, "alice")).find("status") is None


def test_cat_field_is_ignored(sandbox):
    assert _cat_list(sandbox, "alice", cat="2").content == _cat_list(sandbox, "alice").content


def test_nothing_visible_is_error_23(sandbox):
    with sandbox.store.write() as conn:
        conn.execute("UPDATE cpg_albums SET visibility = 1")
    assert _error(_cat_list(sandbox, None)) == 23


def test_wrong_password_is_error_18(sandbox):
    resp = requests.post(
        sandbox.coppermine_url + "/api/",
        data={"function": "cpgAPI.catList", "username": "alice", "password": "nope"},
        timeout=30,
    )
    assert _error(resp) == 18


def test_guest_without_an_anonymous_group_is_error_21(sandbox):
    with sandbox.store.write() as conn:
        conn.execute("DELETE FROM cpg_groups WHERE id = 3")
    assert _error(_cat_list(sandbox, None)) == 21


def test_catlist_accepts_multipart_form_data(sandbox):
    creds = {"username": "alice", "password": sandbox.users["alice"]}
    fields = {k: (None, v) for k, v in {"function": "cpgAPI.catList", **creds}.items()}
    resp = requests.post(sandbox.coppermine_url + "/api/", files=fields, timeout=30)
    assert _album_ids(resp) == {1, 2, 3, 5, 6}
