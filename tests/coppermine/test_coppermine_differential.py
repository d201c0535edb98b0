"""The sandbox checked against the real 1.6.26 gallery: the same raw requests give replies of the same shape.

Each scenario is a sequence of plain HTTP requests, as a browser sends them, replayed on both
servers; every reply is reduced to its *shape* (status, where a redirect leads, which kind of
message the page shows, the fields a client parses) and the two lists must be equal. Ids,
tokens and wording of our own making are left out; the gallery's words that clients match on
are kept. Left out too, as content rather than protocol: what the index pages' "random files" and
"last additions" blocks hold (which blocks a page has is kept), and the list of allowed extensions after a refusal's colon (1.6.26
accepts documents and movies too; the sandbox, pictures only). The pages that change pictures (the edit form,
the delete link, the picture manager) are compared by the fields of their forms, the values a client reads
back, the "saved" notice, the delete report's icons and the order of the picture manager's rows.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import requests
from support.cpg_servers import SandboxServer

from galleryk.coppermine import pages

from .test_coppermine_edits import setting
from .test_coppermine_front_page import blocks
from .test_coppermine_servers import jpeg

AGENT = "galleryk-differential/1.0"


def shape(resp: requests.Response) -> dict:
    """What a client can tell from a reply, without ids, tokens or the theme's markup."""
    out: dict = {"status": resp.status_code}
    location = resp.headers.get("Location")
    if location:
        q = parse_qs(urlsplit(location).query)
        out["redirect"] = urlsplit(location).path.rsplit("/", 1)[-1]
        out["redirect_has"] = sorted(k for k in q if k in ("pid", "album", "message_id", "message_icon"))
        out["icon"] = q.get("message_icon", [None])[0]
        return out
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
    out["type"] = ctype
    if ctype == "text/plain" and resp.text.startswith("{"):
        data = json.loads(resp.text)
        out["json"] = {k: ("<id>" if k == "newAid" else v) for k, v in data.items()}
        return out
    if resp.status_code == 430:
        out["body"] = resp.text.split(":")[0]  # the gallery's words; the extension list after ":" is its setting
        return out
    text = pages.decode(resp.content, resp.headers.get("Content-Type"))
    doc = pages.parse(text)
    out["gallery_page"] = pages.is_gallery_page(doc)
    out["signed_in"] = pages.is_logged_in(doc)
    out["die"] = pages.die_message(doc)
    out["ban"] = pages.ban_message(doc)
    out["login_failed"] = pages.login_failure(doc)
    notices = [
        " ".join(el.text_content().split())
        for el in doc.iter()
        if isinstance(el.tag, str) and "cpg_user_message" in (el.get("class") or "").split()
    ]
    if "index.php" not in resp.url:  # the index pages' "random files" and "last additions" depend on the content
        out["notices"] = [n for n in notices if n != out["die"]]
    albums = pages.upload_albums(doc)
    if albums is not None:
        out["upload_groups"] = sorted({a.group or "" for a in albums})
        out["separator"] = pages.keyword_separator(doc)
        out["form_token"] = pages.form_token(doc) is not None
    if "index.php" in resp.url:  # which blocks the page has; what they hold is content (test_coppermine_front_page)
        out["blocks"] = [re.sub(r" - .*", " - <category>", heading) for heading in blocks(text)]
        return out
    thumbs = pages.thumbnails(doc, resp.url)
    if thumbs.photos:
        out["thumbs"] = [(p["title"], p["filename"]) for p in thumbs.photos]
        out["pages"] = (thumbs.total, thumbs.pages)
    if "displayimage.php" in resp.url:
        info = pages.picture(doc, resp.url)
        out["picture"] = (info["title"], info["description"], info["tags"], info["filename"])
    out.update(change_pages(doc))
    return out


def change_pages(doc) -> dict:
    """What a client reads on the pages that change pictures: the edit form (its fields, the values it shows), the
    "saved" notice, the delete report's green icons, the picture manager's fields (its rows are ``thumbs``)."""
    out: dict = {}
    forms = {f.get("id"): f for f in doc.forms}
    if "cpgform_editonepic" in forms:
        values = dict(forms["cpgform_editonepic"].form_values())
        out["edit_form"] = sorted(values)
        out["edit_values"] = {k: values.get(k) for k in ("title", "caption", "keywords", "filename", "approved")}
    if "cpgformPic" in forms:
        out["picmgr_form"] = sorted(dict(forms["cpgformPic"].form_values()))
    saved = [li for li in doc.iter("li") if "ok.png" in (li.get("style") or "")]
    if saved:
        out["saved"] = " ".join(saved[0].text_content().split())
    icons = [img for img in doc.iter("img") if "ok.png" in (img.get("src") or "") and img.get("title")]
    if icons:
        out["deleted_icons"] = [img.get("title") for img in icons]
    return out


def fields(resp: requests.Response, form_id: str) -> dict[str, str]:
    """The fields a browser would post with one of the page's forms."""
    doc = pages.parse(pages.decode(resp.content, resp.headers.get("Content-Type")))
    return dict(next(f for f in doc.forms if f.get("id") == form_id).form_values())


def pid_of(upload: requests.Response) -> int:
    return int(parse_qs(urlsplit(upload.headers["Location"]).query)["pid"][0])


def signed_in(srv, role: str) -> Browser:
    b = Browser(srv)
    b.get("login.php"), b.get("index.php"), b.login(role)
    return b


class Browser:
    """A requests session that keeps one User-Agent and knows the gallery's base URL."""

    def __init__(self, server) -> None:
        self.base = server.url
        self.s = requests.Session()
        self.s.headers["User-Agent"] = AGENT
        self.server = server

    def get(self, path: str, **kw) -> requests.Response:
        return self.s.get(self.base + path, allow_redirects=False, timeout=60, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.s.post(self.base + path, allow_redirects=False, timeout=60, **kw)

    def login(self, role: str, password: str | None = None) -> requests.Response:
        name, right = self.server.role(role)
        return self.post(
            "login.php?referer=index.php", data={"username": name, "password": password or right, "submitted": "1"}
        )

    def token(self) -> dict[str, str]:
        t = pages.form_token(self.get("upload.php?single").text)
        return {"form_token": t.form_token, "timestamp": t.timestamp} if t else {"form_token": "", "timestamp": ""}

    def upload(self, album: int, data: bytes, name: str, token: dict | None = None, **fields) -> requests.Response:
        form = {"method": "upload_sgl", "album": str(album), **(token if token is not None else self.token()), **fields}
        return self.post("uniload.php", data=form, files={"Filedata": (name, data, "image/jpeg")})


def both(sandbox, real_coppermine):
    return [SandboxServer(sandbox), real_coppermine]


def replay(scenario, servers) -> list[list[dict]]:
    return [scenario(Browser(srv), srv) for srv in servers]


def same(scenario, sandbox, real_coppermine) -> None:
    fake, real = replay(scenario, both(sandbox, real_coppermine))
    assert fake == real


def test_signing_in_and_out(sandbox, real_coppermine):
    def scenario(b, srv):
        out = [shape(b.get("login.php")), shape(b.get("index.php")), shape(b.login("user"))]
        out.append(shape(b.get("index.php")))
        logout = next(
            a.get("href")
            for a in lxml.html.fromstring(b.get("index.php").content).iter("a")
            if "logout.php" in (a.get("href") or "")
        )
        out.append(shape(b.get(logout.replace("&amp;", "&"))))
        out.append(shape(b.get("index.php")))
        return out

    same(scenario, sandbox, real_coppermine)


def test_a_login_without_the_second_page_view_leaves_a_guest(sandbox, real_coppermine):
    def scenario(b, srv):
        return [shape(b.get("login.php")), shape(b.login("user")), shape(b.get("index.php"))]

    same(scenario, sandbox, real_coppermine)


def test_a_wrong_password_and_the_ban(sandbox, real_coppermine):
    def scenario(b, srv):
        try:
            b.get("login.php"), b.get("index.php")
            out = [shape(b.login("other", password="wrong")) for _ in range(6)]
            out += [
                shape(b.login("other")),
                shape(b.get("thumbnails.php?album=1")),
                shape(b.post("uniload.php", data={"method": "upload_sgl"})),
            ]
            return out
        finally:
            srv.clear_bans()

    same(scenario, sandbox, real_coppermine)


def test_uploads_and_their_refusals(sandbox, real_coppermine):
    def scenario(b, srv):
        b.get("login.php"), b.get("index.php"), b.login("user")
        aid_open, closed = srv.album("open"), srv.album("closed")
        own = srv.fresh_album("Differential uploads")  # empty: the picture page's film strip shows this upload only
        token = b.token()
        good = b.upload(own, jpeg(70), "diff.jpg", token, title="Crème", caption="At dawn", keywords="sea;harbour walk")
        out = [shape(b.get("upload.php?single")), shape(good)]
        out.append(shape(b.get(good.headers["Location"].split("#")[0])))
        out.append(shape(b.upload(aid_open, jpeg(71), "pending.jpg", token)))
        out.append(shape(b.upload(closed, jpeg(72), "closed.jpg", token)))
        out.append(shape(b.upload(own, b"not an image" * 20, "bad.jpg", token)))
        out.append(shape(b.upload(own, jpeg(73), "bad.exe", token)))
        out.append(shape(b.upload(own, jpeg(74), "tok.jpg", {"form_token": "0" * 32, "timestamp": "1"})))
        out.append(shape(b.upload(987654, jpeg(75), "none.jpg", token)))
        with srv.set_size_limit_kb(1):
            out.append(shape(b.upload(own, jpeg(76, size=(200, 200), noise=True), "big.jpg", token)))
        srv.forget_sessions("user")
        out.append(shape(b.upload(own, jpeg(77), "lost.jpg", token)))
        return out

    fake, real = replay(scenario, both(sandbox, real_coppermine))
    assert fake[2:] == real[2:]
    # the upload form: the same groups (the padded user name, category names), separator and token
    assert fake[0] == real[0] or _without_groups(fake[0]) == _without_groups(real[0])
    assert fake[1] == real[1]


@pytest.mark.parametrize("lang", ["german", "french"])
def test_a_gallery_in_another_language_words_its_refusals_and_labels_alike(sandbox, real_servers, lang):
    """The sandbox's language setting against 1.6.26's ``lang``: the same words where clients read words."""

    def words(resp: requests.Response) -> list[str]:
        text = pages.decode(resp.content, resp.headers.get("Content-Type"))
        if resp.status_code == 430:
            return [text.split(":")[0]]
        doc = pages.parse(text)
        said = [pages.die_message(doc), pages.login_failure(doc), pages.ban_message(doc)]
        # the keywords field's label, without 1.6.26's "Insert from list" link beside it (the sandbox has none)
        label = doc.xpath("//input[@name='keywords']/ancestor::tr[1]/td[1]/text()")
        menu = [" ".join(a.text_content().split()) for a in doc.iter("a") if "logout.php" in (a.get("href") or "")]
        return [w for w in [*said, " ".join(" ".join(label).split()), *menu] if w]

    def scenario(b, srv):
        out = [words(b.get("login.php")), words(b.get("index.php")), words(b.login("user", "Wrong-42"))]
        b.get("login.php"), b.get("index.php"), b.login("user")
        own, token = srv.fresh_album(f"Differential {lang}"), b.token()
        out.append(words(b.get("upload.php?single")))
        out.append(words(b.upload(srv.album("closed"), jpeg(80), "closed.jpg", token)))
        out.append(words(b.upload(own, b"not an image" * 20, "bad.jpg", token)))
        out.append(words(b.upload(own, jpeg(81), "bad.exe", token)))
        with srv.set_size_limit_kb(1):
            out.append(words(b.upload(own, jpeg(82, size=(200, 200), noise=True), "big.jpg", token)))
        out.append(words(b.get("thumbnails.php?album=987654")))
        srv.clear_bans()
        return out

    fake = SandboxServer(sandbox)
    sandbox.configure_coppermine(lang=lang)
    assert replay(scenario, [fake]) == replay(scenario, [real_servers("1.6.26", lang)])


def _without_groups(s: dict) -> dict:
    return {k: v for k, v in s.items() if k != "upload_groups"}


def test_album_pages(sandbox, real_coppermine):
    def scenario(b, srv):
        b.get("login.php"), b.get("index.php"), b.login("user")
        empty = srv.fresh_album("Differential empty")
        return [
            shape(b.get(f"thumbnails.php?album={empty}")),
            shape(b.get("thumbnails.php?album=987654")),
            shape(b.get("index.php?cat=9999")),
        ]


def test_index_pages_and_their_blocks(sandbox, real_coppermine):
    def scenario(b, srv):
        pages_ = [
            "index.php",
            f"index.php?cat={srv.public_category}",
            f"index.php?cat={srv.user_category}",
            "index.php?cat=1",
            "index.php?cat=10099",
        ]
        out = [shape(b.get(p)) for p in pages_]
        b.get("login.php"), b.get("index.php"), b.login("user")
        return out + [shape(b.get(p)) for p in pages_]

    same(scenario, sandbox, real_coppermine)


def test_the_album_manager(sandbox, real_coppermine):
    def scenario(b, srv):
        guest = shape(
            b.get("delete.php", params={"what": "albmgr", "op": "add", "cat": "0", "name": "x", "position": "0"})
        )
        b.get("login.php"), b.get("index.php"), b.login("user")
        token = b.token()
        q = {"what": "albmgr", "op": "add", "position": "0"}
        out = [
            guest,
            shape(b.get("delete.php", params={**q, "cat": str(srv.user_category), "name": "Diff & Co", **token})),
            shape(b.get("delete.php", params={**q, "cat": str(srv.public_category), "name": "Diff public", **token})),
            shape(b.get("delete.php", params={**q, "cat": str(srv.user_category), "name": "", **token})),
            shape(
                b.get(
                    "delete.php",
                    params={**q, "cat": str(srv.user_category), "name": "x", "form_token": "0" * 32, "timestamp": "1"},
                )
            ),
        ]
        viewer = Browser(srv)
        viewer.get("login.php"), viewer.get("index.php"), viewer.login("viewer")
        out.append(shape(viewer.get("delete.php", params={**q, "cat": "0", "name": "x", **viewer.token()})))
        return out

    same(scenario, sandbox, real_coppermine)


@pytest.mark.parametrize("page", ["sidebar.php"])
def test_sidebar_is_a_bare_template(sandbox, real_coppermine, page):
    def scenario(b, srv):
        r = b.get(page)
        return [
            {
                "status": r.status_code,
                "gallery_page": pages.is_gallery_page(r.text),
                "tree": bool(re.search(r'<ul id="tree"', r.text)),
            }
        ]

    same(scenario, sandbox, real_coppermine)


def test_the_newest_first_meta_album_and_pages_past_the_end(sandbox, real_coppermine):
    def scenario(b, srv):
        b.get("login.php"), b.get("index.php"), b.login("user")
        aid = srv.fresh_album("Differential recent")
        token = b.token()
        for i, name in enumerate(["c.jpg", "a.jpg", "d.jpg", "b.jpg"]):
            b.upload(aid, jpeg(80 + i), name, token, title=f"Recent {i}")
        out = []
        with srv.set_thumbs_per_page(2):
            for page in (1, 2, 3, 4):  # 4 pictures, 2 a page: page 3 starts right after the last, page 4 further
                out.append(shape(b.get(f"thumbnails.php?album={aid}&page={page}")))
                recent = b.get(f"thumbnails.php?album=lastup&cat=-{aid}&page={page}")
                out.append({**shape(recent), "links_album": pages.links_album(recent.text, aid)})
        for other in (987654, srv.album("hidden")):  # an album that does not exist, one the user may not see
            recent = b.get(f"thumbnails.php?album=lastup&cat=-{other}")
            out.append({**shape(recent), "links_album": pages.links_album(recent.text, other)})
        return out

    same(scenario, sandbox, real_coppermine)


def test_pictures_awaiting_approval(sandbox, real_coppermine):
    def scenario(b, srv):
        aid = srv.fresh_album("Differential approval", public=True)
        admin = Browser(srv)
        admin.get("login.php"), admin.get("index.php"), admin.login("admin")
        admin.upload(aid, jpeg(90), "zz.jpg", title="approved")
        b.get("login.php"), b.get("index.php"), b.login("user")
        out = [shape(b.upload(aid, jpeg(91), "aa.jpg", title="waiting"))]
        listed = pages.thumbnails(admin.get(f"thumbnails.php?album={aid}").text, srv.url).photos
        waiting = next(p["id"] for p in listed if p["title"] == "waiting")
        out += [shape(b.get(f"thumbnails.php?album={aid}")), shape(admin.get(f"thumbnails.php?album={aid}"))]
        for who in (b, admin):  # the owner is shown the approved picture in its place; the admin, the picture
            page = who.get(f"displayimage.php?pid={waiting}")
            furniture = ("thumbs", "pages")  # 1.6.26's film strip and arrows, which the sandbox does not draw
            out.append(
                {
                    **{k: v for k, v in shape(page).items() if k not in furniture},
                    "shown_is_asked": pages.shown_pid(page.text) == waiting,
                }
            )
        out.append(shape(admin.get(f"thumbnails.php?album=lastup&cat=-{aid}")))
        return out

    same(scenario, sandbox, real_coppermine)


def test_the_album_editor_shows_the_uploader_what_awaits_approval(sandbox, real_coppermine):
    def editor(page: requests.Response) -> dict:
        rows = pages.album_editor(page.text, page.url)
        return {
            **{k: v for k, v in shape(page).items() if k not in ("thumbs", "pages")},
            "editor": [(r["title"], r["keywords"], r["filename"]) for r in rows],
        }

    def scenario(b, srv):
        public = srv.fresh_album("Differential editor", public=True)
        mine = srv.fresh_album("Differential own editor")
        empty = srv.fresh_album("Differential empty editor")
        b.get("login.php"), b.get("index.php"), b.login("user")
        b.upload(public, jpeg(93), "held.jpg", title="held", keywords="sea;galleryk-abc")
        b.upload(mine, jpeg(94), "mine.jpg", title="mine", caption="at home")
        other = signed_in(srv, "other")
        out = [editor(b.get(f"editpics.php?album={public}")), editor(b.get(f"editpics.php?album={mine}"))]
        out.append(editor(b.get(f"editpics.php?album={empty}")))  # "Album is empty"
        out.append(editor(other.get(f"editpics.php?album={mine}")))  # not bob's: no permission
        out.append(editor(other.get(f"editpics.php?album={public}")))  # alice's upload is not bob's to see
        out.append(editor(b.get("editpics.php?album=987654")))  # no such album
        return out

    same(scenario, sandbox, real_coppermine)


def test_editing_a_picture(sandbox, real_coppermine):
    def scenario(b, srv):
        b.get("login.php"), b.get("index.php"), b.login("user")
        own = srv.fresh_album("Differential edits")
        token = b.token()
        pid = pid_of(b.upload(own, jpeg(60), "edit.jpg", token, title="Before", caption="At dawn", keywords="k1;k2"))
        page = b.get(f"edit_one_pic.php?id={pid}")
        form = fields(page, "cpgform_editonepic")
        apply = {"apply_changes": "Apply changes"}
        out = [shape(page)]
        out.append(
            shape(b.post("edit_one_pic.php", data={**form, "title": 'Say "hi" <b>', "keywords": " a ; b;; ", **apply}))
        )
        out.append(shape(b.post("edit_one_pic.php", data={**form, "form_token": "0" * 32, **apply})))
        out.append(shape(b.post("edit_one_pic.php", data={**form, "id": "987654", **apply})))
        out.append(shape(b.post("edit_one_pic.php", data={**form, "title": "no apply_changes: nothing stored"})))
        no_name = {k: v for k, v in form.items() if k != "filename"}
        out.append(shape(b.post("edit_one_pic.php", data={**no_name, "title": "Stored all the same", **apply})))
        out.append(shape(b.get(f"edit_one_pic.php?id={pid}")))
        other = signed_in(srv, "other")
        out.append(shape(other.get(f"edit_one_pic.php?id={pid}")))
        out.append(shape(other.post("edit_one_pic.php", data={**form, **other.token(), **apply})))
        admin = signed_in(srv, "admin")
        page = admin.get(f"edit_one_pic.php?id={pid}")
        out.append(shape(page))
        unapproved = {k: v for k, v in fields(page, "cpgform_editonepic").items() if k != "approved"}
        out.append(shape(admin.post("edit_one_pic.php", data={**unapproved, "title": "not stored", **apply})))
        out.append(shape(admin.get("edit_one_pic.php?id=987654")))
        guest = Browser(srv)
        guest.get("login.php"), guest.get("index.php")
        out.append(shape(guest.get(f"edit_one_pic.php?id={pid}")))
        return out

    same(scenario, sandbox, real_coppermine)


def test_deleting_a_picture(sandbox, real_coppermine):
    def scenario(b, srv):
        b.get("login.php"), b.get("index.php"), b.login("user")
        own = srv.fresh_album("Differential deletes")
        token = b.token()
        pid = pid_of(b.upload(own, jpeg(61), "gone.jpg", token, title="Gone"))
        link = {"id": str(pid), "what": "picture"}
        other = signed_in(srv, "other")
        out = [shape(other.get("delete.php", params={**link, **other.token()}))]
        out.append(shape(b.get("delete.php", params=link)))
        out.append(shape(b.get("delete.php", params={**link, **token})))
        out.append(shape(b.get("delete.php", params={**link, **token})))
        out.append(shape(b.get(f"thumbnails.php?album={own}")))
        guest = Browser(srv)
        guest.get("login.php"), guest.get("index.php")
        out.append(shape(guest.get("delete.php", params={**link, "form_token": "0" * 32, "timestamp": "1"})))
        return out

    same(scenario, sandbox, real_coppermine)


def test_the_picture_manager_and_the_order_of_album_pages(sandbox, real_coppermine):
    def moved(resp: requests.Response) -> dict:
        s = shape(resp)
        return {**s, "notices": [re.sub(r"\d+", "#", "".join(n.split())) for n in s["notices"]]}

    def scenario(b, srv):
        b.get("login.php"), b.get("index.php"), b.login("user")
        aid = srv.fresh_album("Differential order")
        token = b.token()
        pids = [
            pid_of(b.upload(aid, jpeg(62 + i), name, token))
            for i, name in enumerate(["c.jpg", "a.jpg", "d.jpg", "b.jpg"])
        ]
        page = b.get(f"picmgr.php?aid={aid}")
        form = fields(page, "cpgformPic")
        order = "".join(f"{p}," for p in pids[::-1])
        out = [shape(page), shape(b.post("delete.php?what=picmgr", data={**form, "picture_order": order}))]
        out.append(moved(b.get(f"picmgr.php?aid={aid}&message_id=x")))
        out.append(
            moved(b.get(b.post("delete.php?what=picmgr", data={**form, "picture_order": order}).headers["Location"]))
        )
        out.append(shape(b.get(f"thumbnails.php?album={aid}")))
        with setting(srv, "default_sort_order", "pa"):
            out.append(shape(b.get(f"thumbnails.php?album={aid}")))
        with setting(srv, "default_sort_order", "pd"):
            out.append(shape(b.get(f"thumbnails.php?album={aid}")))
        other = signed_in(srv, "other")  # 1.6.26 lets anyone who may create albums sort any album
        theirs = other.get(f"picmgr.php?aid={aid}")
        out.append(shape(theirs))
        out.append(
            shape(
                other.post(
                    "delete.php?what=picmgr",
                    data={**fields(theirs, "cpgformPic"), "picture_order": "".join(f"{p}," for p in pids)},
                )
            )
        )
        out.append(shape(b.get(f"picmgr.php?aid={aid}")))
        stale = {
            **form,
            "form_token": "0" * 32,
            "picture_order": order,
        }  # its sort_order is stored before the token is checked
        out.append(shape(b.post("delete.php?what=picmgr", data=stale)))
        out.append(shape(b.get(f"picmgr.php?aid={aid}")))
        viewer = signed_in(srv, "viewer")
        out.append(shape(viewer.get(f"picmgr.php?aid={aid}")))
        out.append(shape(viewer.post("delete.php?what=picmgr", data={**form, **viewer.token()})))
        out.append(shape(b.get("picmgr.php?aid=987654")))
        return out

    same(scenario, sandbox, real_coppermine)
