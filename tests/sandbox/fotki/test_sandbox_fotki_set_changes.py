"""What a set is after the documented calls that change it, over raw HTTP: the order addPhoto builds, editMeta, delete.

The Fotki documentation has no call to reorder a set, edit a photo or delete a photo: a set's
order is the order it was built in (``create`` puts the primary first, each ``addPhoto`` adds
"to the end"), and these tests pin that, with what ``editMeta`` and ``delete`` leave behind.
"""

from __future__ import annotations

from .test_sandbox_fotki_api import alice_sets, call, code, loose_photos, token


def built_set(sb, tok: str) -> tuple[str, list[str]]:
    """A new set of alice's four loose photos (two of them private) built in an order that sorts neither way by
    id: the second highest as primary, then the lowest, the highest, the second lowest."""
    ids = sorted((p.get("id") for p in loose_photos(sb)), key=int)
    primary, rest = ids[2], [ids[0], ids[3], ids[1]]
    created = call(
        sb, "flickr_photosets_create", auth_token=tok, btitle="Built", description="As built", primary_photo_id=primary
    )
    set_id = created.find("photoset").get("id")
    for photo in rest:
        call(sb, "flickr_photosets_addPhoto", auth_token=tok, photoset_id=set_id, photo_id=photo)
    return set_id, [primary, *rest]


def listed(sb, set_id: str, **paging) -> list[str]:
    """The set's photos as getPhotos lists them to alice (who sees her private ones)."""
    reply = call(sb, "flickr_photosets_getPhotos", auth_token=token(sb, "alice", "read"), photoset_id=set_id, **paging)
    return [p.get("id") for p in reply.findall("photoset/photo")]


def the_set(sb, set_id: str):
    return next(s for s in alice_sets(sb) if s.get("id") == set_id)


def test_get_photos_lists_the_primary_first_then_the_photos_in_the_order_they_were_added(sandbox):
    set_id, order = built_set(sandbox, token(sandbox))
    assert len(order) == 4 and listed(sandbox, set_id) == order


def test_the_order_holds_across_pages(sandbox):
    set_id, order = built_set(sandbox, token(sandbox))
    pages = [listed(sandbox, set_id, page=n, per_page=1) for n in range(1, len(order) + 1)]
    assert [p for page in pages for p in page] == order


def test_only_the_primary_is_marked_primary(sandbox):
    set_id, order = built_set(sandbox, token(sandbox))
    reply = call(sandbox, "flickr_photosets_getPhotos", auth_token=token(sandbox, "alice", "read"), photoset_id=set_id)
    photos = reply.findall("photoset/photo")
    assert [p.get("id") for p in photos if p.get("isprimary") == "1"] == [order[0]]


def test_edit_meta_leaves_the_photos_and_their_order(sandbox):
    tok = token(sandbox)
    set_id, order = built_set(sandbox, tok)
    call(sandbox, "flickr_photosets_editMeta", auth_token=tok, photoset_id=set_id, title="Renamed", description="New")
    assert (the_set(sandbox, set_id).findtext("title"), listed(sandbox, set_id)) == ("Renamed", order)


def test_edit_meta_without_a_description_keeps_the_one_the_set_has(sandbox):
    tok = token(sandbox)
    set_id, _ = built_set(sandbox, tok)
    call(sandbox, "flickr_photosets_editMeta", auth_token=tok, photoset_id=set_id, title="Only the title")
    assert the_set(sandbox, set_id).findtext("description") == "As built"


def test_edit_meta_with_an_empty_description_clears_it(sandbox):
    tok = token(sandbox)
    set_id, _ = built_set(sandbox, tok)
    call(sandbox, "flickr_photosets_editMeta", auth_token=tok, photoset_id=set_id, title="Bare", description="")
    assert the_set(sandbox, set_id).findtext("description") in ("", None)


def test_a_deleted_set_is_gone_from_the_list_and_deleting_it_again_fails_with_1(sandbox):
    tok = token(sandbox)
    set_id, _ = built_set(sandbox, tok)
    assert call(sandbox, "flickr_photosets_delete", auth_token=tok, photoset_id=set_id).get("stat") == "ok"
    gone = set_id not in [s.get("id") for s in alice_sets(sandbox)]
    assert (gone, code(call(sandbox, "flickr_photosets_delete", auth_token=tok, photoset_id=set_id))) == (True, 1)


def test_a_set_made_again_from_the_same_photos_takes_the_new_order(sandbox):
    tok = token(sandbox)
    set_id, order = built_set(sandbox, tok)
    call(sandbox, "flickr_photosets_delete", auth_token=tok, photoset_id=set_id)
    again = call(sandbox, "flickr_photosets_create", auth_token=tok, btitle="Again", primary_photo_id=order[-1])
    new_id = again.find("photoset").get("id")
    for photo in order[:-1]:
        call(sandbox, "flickr_photosets_addPhoto", auth_token=tok, photoset_id=new_id, photo_id=photo)
    assert listed(sandbox, new_id) == [order[-1], *order[:-1]]
