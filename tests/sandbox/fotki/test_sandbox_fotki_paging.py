"""Paged listings of the sandbox's Fotki (getPhotos, getNotInSet) over raw HTTP: page boundaries,
what each viewer sees, and listings that change between two walks.

The sandbox reads a listing's order once and serves each page as a slice of it; these tests
pin down that the pages are exactly those of a plain ``LIMIT/OFFSET`` walk, also after writes
made through the API or straight into the database.
"""

from __future__ import annotations

import pytest
from lxml import etree

from galleryk.sandbox.fotki import db

from .test_sandbox_fotki_upload import call, picture, token, upload


def add_photos(
    sandbox, owner: str, count: int, *, in_set: bool, private_every: int = 0
) -> tuple[int | None, list[int]]:
    """``count`` photos of ``owner`` written straight into the store (in a new set when ``in_set``)."""
    with sandbox.store.write() as conn:
        owner_id = int(conn.execute("SELECT id FROM users WHERE name = ?", (owner,)).fetchone()[0])
        first = db.next_photo_id(conn)
        ids = list(range(first, first + count))
        for i, photo_id in enumerate(ids):
            record = db.NewPhoto(
                owner_id=owner_id,
                title=f"p{i}",
                description="",
                ispublic=not (private_every and i % private_every == 0),
                isfriend=False,
                isfamily=False,
                rotation=0,
                originalformat="jpg",
                width=8,
                height=8,
                filesize=10,
                taken="2024-06-01 12:00:00",
                tags=[],
            )
            db.insert_photo(conn, photo_id, record, f"{owner_id}/none.jpg")
        set_id = None
        if in_set:
            set_id = db.create_photoset(conn, owner_id, "Paged", "", ids[0])
            for photo_id in ids[1:]:
                db.add_to_photoset(conn, set_id, photo_id)
    return set_id, ids


def pages_of(sandbox, tok: str, method: str, per_page: int, **params) -> tuple[list[etree._Element], list[int]]:
    """Every page of a listing, walked one after the other up to one past the last: (bodies, all ids)."""
    bodies, ids, page = [], [], 1
    while True:
        root = call(sandbox, method, auth_token=tok, page=page, per_page=per_page, **params)
        assert root.get("stat") == "ok", etree.tostring(root)
        body = root[0]
        bodies.append(body)
        ids += [int(p.get("id")) for p in body.iterchildren("photo")]
        if page > int(body.get("pages")):
            return bodies, ids
        page += 1


@pytest.mark.parametrize("count,per_page", [(5, 1), (701, 7), (700, 100), (701, 500)])
def test_a_set_walked_page_by_page_gives_every_photo_once_in_set_order(sandbox, count, per_page):
    set_id, ids = add_photos(sandbox, "carol", count, in_set=True)
    bodies, seen = pages_of(
        sandbox, token(sandbox, "carol"), "flickr.photosets.getPhotos", per_page, photoset_id=set_id
    )
    assert seen == ids
    full, rest = divmod(count, per_page)
    assert [len(b) for b in bodies[:-1]] == [per_page] * full + ([rest] if rest else [])
    assert {(b.get("pages"), b.get("total")) for b in bodies} == {(str(full + bool(rest)), str(count))}


def test_a_page_past_the_end_is_empty_with_the_true_totals(sandbox):
    set_id, _ = add_photos(sandbox, "carol", 250, in_set=True)
    body = call(
        sandbox,
        "flickr.photosets.getPhotos",
        auth_token=token(sandbox, "carol"),
        photoset_id=set_id,
        page=9,
        per_page=100,
    )[0]
    assert len(body) == 0 and (body.get("page"), body.get("pages"), body.get("total")) == ("9", "3", "250")


def test_someone_else_pages_through_the_public_photos_only(sandbox):
    set_id, ids = add_photos(sandbox, "carol", 300, in_set=True, private_every=3)
    public = [pid for i, pid in enumerate(ids) if i % 3 != 0]
    bodies, seen = pages_of(sandbox, token(sandbox, "alice"), "flickr.photosets.getPhotos", 50, photoset_id=set_id)
    assert seen == public and bodies[0].get("total") == str(len(public))


def test_a_photo_added_between_two_walks_is_on_the_next_walk(sandbox):
    tok = token(sandbox, "carol", "write")
    set_id, ids = add_photos(sandbox, "carol", 120, in_set=True)
    pages_of(sandbox, tok, "flickr.photosets.getPhotos", 50, photoset_id=set_id)
    new_id = int(etree.fromstring(upload(sandbox, tok, picture()).content).findtext("photoid"))
    assert (
        call(sandbox, "flickr.photosets.addPhoto", auth_token=tok, photoset_id=set_id, photo_id=new_id).get("stat")
        == "ok"
    )
    bodies, seen = pages_of(sandbox, tok, "flickr.photosets.getPhotos", 50, photoset_id=set_id)
    assert seen == [*ids, new_id] and bodies[0].get("total") == "121"


def test_a_change_written_straight_into_the_database_shows_on_the_next_walk(sandbox):
    tok = token(sandbox, "carol")
    set_id, ids = add_photos(sandbox, "carol", 60, in_set=True)
    pages_of(sandbox, tok, "flickr.photosets.getPhotos", 25, photoset_id=set_id)
    with sandbox.store.write() as conn:  # as another process sharing the data folder would
        conn.execute("DELETE FROM fotki_set_photos WHERE set_id = ? AND photo_id = ?", (set_id, ids[10]))
        conn.execute("UPDATE fotki_photos SET ispublic = 0 WHERE id = ?", (ids[20],))
    _, seen = pages_of(sandbox, tok, "flickr.photosets.getPhotos", 25, photoset_id=set_id)
    assert seen == ids[:10] + ids[11:]
    _, seen_by_alice = pages_of(sandbox, token(sandbox, "alice"), "flickr.photosets.getPhotos", 25, photoset_id=set_id)
    assert ids[20] not in seen_by_alice and len(seen_by_alice) == 58


def test_photos_in_no_set_are_paged_newest_first_and_leave_when_put_in_a_set(sandbox):
    tok = token(sandbox, "carol", "write")
    _, ids = add_photos(sandbox, "carol", 230, in_set=False)
    _, seen = pages_of(sandbox, tok, "flickr.photos.getNotInSet", 100)
    assert seen == sorted(ids, reverse=True)
    created = call(sandbox, "flickr.photosets.create", auth_token=tok, title="Now in a set", primary_photo_id=ids[0])
    assert created.get("stat") == "ok"
    _, seen = pages_of(sandbox, tok, "flickr.photos.getNotInSet", 100)
    assert seen == sorted(ids[1:], reverse=True)
