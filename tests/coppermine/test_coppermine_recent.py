"""The newest pictures first (``recent_photos``, the gallery's "Last additions"), and what awaits approval, on every server.

Each test runs against the sandbox, the four real releases and a live one when configured, with
the same assertions, on albums and uploads of its own. Pages read are counted on the server's
side: the sandbox's request counter, PHP's request log for the real gallery.
"""

from __future__ import annotations

from .test_coppermine_servers import code_of, jpeg


def album_of(cpg_server, cpg, count: int) -> tuple[int, list[int]]:
    """A fresh album of ``count`` uploads, named backwards so that its own order (by file name) is not theirs."""
    aid = cpg_server.fresh_album()
    pids = [
        int(cpg.upload(jpeg(i), album=aid, filename=f"n{count - i:03d}.jpg", title=f"Recent {i}").id)
        for i in range(count)
    ]
    return aid, pids


def test_recent_photos_give_the_newest_first_reading_only_the_pages_the_limit_needs(cpg_server):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    aid, pids = album_of(cpg_server, cpg, 40)
    before = cpg_server.served("thumbnails.php")
    df = cpg.recent_photos(aid, 15)
    after = cpg_server.served("thumbnails.php")
    assert df["id"].tolist() == pids[::-1][:15] and set(df["album_id"]) == {aid}
    if before is not None:
        assert after - before == 2  # 12 a page (1.6.26's 4 x 3): pages 1 and 2 of 4
    assert cpg.recent_photos(aid, 100)["id"].tolist() == pids[::-1]
    assert sorted(cpg.photos(aid)["filename"]) == cpg.photos(aid)["filename"].tolist()  # the album's own order


def test_recent_photos_go_by_upload_time_then_by_id(cpg_server):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    aid, pids = album_of(cpg_server, cpg, 3)
    cpg_server.age_picture(pids[2], 3600)  # the last upload, dated an hour back
    if cpg_server.below("1.6"):  # 1.4's and 1.5's "Last additions" go by id alone
        assert cpg.recent_photos(aid)["id"].tolist() == pids[::-1]
    else:
        assert cpg.recent_photos(aid)["id"].tolist() == [pids[1], pids[0], pids[2]]


def test_recent_photos_leave_out_pictures_awaiting_approval_even_for_the_admin(cpg_server):
    cpg_server.need_uploads()
    aid = cpg_server.fresh_album(public=True)
    admin = cpg_server.client("admin")
    shown = int(admin.upload(jpeg(1), album=aid, filename="shown.jpg", title="by the admin").id)
    assert (
        cpg_server.client().upload(jpeg(2), album=aid, filename="held.jpg", title="held").status == "pending_approval"
    )
    assert "held" in set(admin.photos(aid)["title"])  # the album's own page shows it to the admin
    assert admin.recent_photos(aid)["id"].tolist() == [shown]


def test_recent_photos_of_a_users_gallery_and_of_the_whole_gallery_begin_with_the_newest_upload(cpg_server):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    pid = int(cpg.upload(jpeg(4), album=cpg_server.album("own"), filename="latest.jpg").id)
    mine = cpg.recent_photos(category=cpg_server.user_category, limit=1)
    assert mine["id"].tolist() == [pid] and mine["album_id"].isna().all()  # the pages name no album there
    assert cpg.recent_photos(limit=1)["id"].tolist() == [pid]


def test_recent_photos_of_an_unknown_album_are_error_19_and_of_an_album_you_may_not_see_empty(cpg_server):
    cpg_server.need_uploads()
    hidden = cpg_server.album("hidden")
    cpg_server.client("admin").upload(jpeg(3), album=hidden, filename="staff.jpg")
    cpg = cpg_server.client()
    assert code_of(lambda: cpg.recent_photos(987654)) == 19
    assert len(cpg.recent_photos(hidden)) == 0 and len(cpg_server.client("admin").recent_photos(hidden)) >= 1


def test_pictures_awaiting_approval_are_shown_to_administrators_only(cpg_server):
    cpg_server.need_uploads()
    aid = cpg_server.fresh_album(public=True)
    admin, user = cpg_server.client("admin"), cpg_server.client()
    admin.upload(jpeg(5), album=aid, filename="zz-approved.jpg", title="approved")
    user.upload(jpeg(6), album=aid, filename="aa-waiting.jpg", title="waiting")
    listed = admin.photos(aid).set_index("title")["id"]
    assert set(listed.index) == {"approved", "waiting"}
    assert user.photos(aid)["title"].tolist() == ["approved"]  # its owner does not see it listed (1.6.26)
    # asked for by id, its page shows the owner the approved picture in its place: galleryk says it is not visible
    assert code_of(lambda: user.photo_info(int(listed["waiting"]))) == 19
    assert admin.photo_info(int(listed["waiting"]))["title"] == "waiting"


def test_the_uploader_finds_their_pictures_awaiting_approval_in_pending_photos(cpg_server):
    cpg_server.need_uploads()
    cpg_server.need("an album of the suite's own whose uploads wait for approval")
    aid = cpg_server.fresh_album(public=True)
    user = cpg_server.client()
    user.upload(jpeg(7), album=aid, filename="waits.jpg", title="waits", tags=["sea", "galleryk-0123456789abcdef"])
    held = user.pending_photos(aid)
    if cpg_server.version == "1.4.27":  # 1.4's album editor takes only albums of the user's own gallery
        assert len(held) == 0 and held.attrs["complete"] is False and "permission" in held.attrs["pending"]
    else:
        assert held[["title", "tags"]].to_dict("records") == [
            {"title": "waits", "tags": ["sea", "galleryk-0123456789abcdef"]}
        ]
        assert held.attrs["complete"] is True and len(user.photos(aid)) == 0
