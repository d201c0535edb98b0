"""Uploads to the sandbox's Fotki over raw HTTP: validation, what is stored, concurrency, persistence."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
import requests
from lxml import etree
from PIL import Image

import galleryk.sandbox as gks

TIMEOUT = 30


# -- a tiny client, written here so the server is checked against the doc, not against galleryk --
def signed(secret: str, params: dict) -> dict:
    text = secret + "".join(f"{k}{params[k]}" for k in sorted(params))
    return {**params, "api_sig": hashlib.md5(text.encode("utf-8")).hexdigest()}


def call(sb, method: str, /, **params) -> etree._Element:
    params = signed(sb.secret, {"api_key": sb.api_key, **{k: str(v) for k, v in params.items()}})
    return etree.fromstring(requests.get(f"{sb.fotki_api_url}/{method}", params=params, timeout=TIMEOUT).content)


def upload(sb, tok: str, data: bytes | None, filename: str = "p.jpg", **fields) -> requests.Response:
    params = signed(sb.secret, {"api_key": sb.api_key, "auth_token": tok, **fields})
    name = "photo" if data is not None else "image"  # no data: send a file under the wrong name
    files = {name: (filename, picture() if data is None else data, "application/octet-stream")}
    return requests.post(f"{sb.fotki_api_url}/upload", data=params, files=files, timeout=TIMEOUT)


def code(root: etree._Element) -> int | None:
    return int(root.find("err").get("code")) if root.get("stat") == "fail" else None


def token(sb, user: str = "alice", perms: str = "write") -> str:
    def auth(**p):
        query = signed(sb.secret, {"api_key": sb.api_key, **p})
        return etree.fromstring(requests.get(sb.fotki_auth_url, params=query, timeout=TIMEOUT).content)

    frob = auth(method="flickr.auth.getFrob").findtext("frob")
    sb.approve(frob, user, perms)
    return auth(method="flickr.auth.getToken", frob=frob).findtext("auth/token")


def picture(fmt: str = "JPEG", size=(64, 48), colour=(200, 30, 30), exif: dict | None = None) -> bytes:
    image = Image.new("RGB", size, colour)
    buf = io.BytesIO()
    extra = {}
    if exif:
        e = Image.Exif()
        for tag, value in exif.items():
            if tag == 0x9003:
                e.get_ifd(0x8769)[tag] = value
            else:
                e[tag] = value
        extra["exif"] = e
    image.save(buf, fmt, **extra)
    return buf.getvalue()


def photo_id_of(r: requests.Response) -> str:
    root = etree.fromstring(r.content)
    assert root.get("stat") == "ok", r.text
    return root.findtext("photoid")


def info(sb, photo_id: str, tok: str | None = None) -> etree._Element:
    extra = {"auth_token": tok} if tok else {}
    return call(sb, "flickr_photos_getInfo", photo_id=photo_id, **extra).find("photo")


# -- success ------------------------------------------------------------------------------------------
def test_upload_returns_a_big_photo_id(sandbox):
    r = upload(sandbox, token(sandbox), picture(), title="t")
    assert r.headers["Content-Type"].startswith("text/xml") and int(photo_id_of(r)) > 4_000_000_000


def test_upload_in_json_follows_the_doc(sandbox):
    r = upload(sandbox, token(sandbox), picture(), format="json")
    data = json.loads(r.content)
    assert data["stat"] == "ok" and data["photo"]["_content"].isdigit()


def test_upload_stores_title_description_and_tags(sandbox):
    pid = photo_id_of(
        upload(
            sandbox, token(sandbox), picture(), title="Quay", description="By the sea", tags='boats "New York",harbour'
        )
    )
    photo = info(sandbox, pid)
    tags = {t.text: t.get("raw") for t in photo.findall("tags/tag")}
    assert (photo.findtext("title"), photo.findtext("description")) == ("Quay", "By the sea")
    assert tags == {"boats": "boats", "newyork": "New York", "harbour": "harbour"}


def test_upload_reads_taken_and_rotation_from_exif(sandbox):
    data = picture(exif={0x0112: 6, 0x9003: "2021:07:04 10:11:12"})
    photo = info(sandbox, photo_id_of(upload(sandbox, token(sandbox), data)))
    assert photo.find("dates").get("taken") == "2021-07-04 10:11:12" and photo.get("rotation") == "90"


def test_upload_without_exif_date_is_taken_at_upload_time(sandbox):
    photo = info(sandbox, photo_id_of(upload(sandbox, token(sandbox), picture())))
    taken = datetime.strptime(photo.find("dates").get("taken"), "%Y-%m-%d %H:%M:%S")
    assert taken.year >= 2024


def test_upload_records_the_original_format(sandbox):
    photo = info(sandbox, photo_id_of(upload(sandbox, token(sandbox), picture("PNG"), filename="p.png")))
    assert photo.get("originalformat") == "png"


def test_upload_is_public_unless_asked(sandbox):
    tok = token(sandbox)
    public = photo_id_of(upload(sandbox, tok, picture()))
    private = photo_id_of(upload(sandbox, tok, picture(), is_public="0", is_family="1"))
    assert info(sandbox, public).find("visibility").get("ispublic") == "1"
    assert info(sandbox, private) is None
    assert info(sandbox, private, tok).find("visibility").attrib == {"ispublic": "0", "isfriend": "0", "isfamily": "1"}


def test_uploaded_photo_is_in_no_set(sandbox):
    tok = token(sandbox)
    pid = photo_id_of(upload(sandbox, tok, picture()))
    assert pid in [p.get("id") for p in call(sandbox, "flickr_photos_getNotInSet", auth_token=tok).iter("photo")]


def test_uploaded_file_is_kept_under_the_users_folder_byte_for_byte(sandbox):
    data = picture()
    pid = photo_id_of(upload(sandbox, token(sandbox), data))
    owner = info(sandbox, pid).find("owner").get("nsid")
    stored = sandbox.data_dir / "files" / "fotki" / owner / f"{pid}_o.jpg"
    assert stored.read_bytes() == data


def test_signature_covers_the_fields_but_not_the_file(sandbox):
    tok = token(sandbox)
    params = signed(sandbox.secret, {"api_key": sandbox.api_key, "auth_token": tok, "title": "a"})
    params["title"] = "b"
    r = requests.post(
        f"{sandbox.fotki_api_url}/upload", data=params, files={"photo": ("p.jpg", picture())}, timeout=TIMEOUT
    )
    assert code(etree.fromstring(r.content)) == 96


# -- refusals ----------------------------------------------------------------------------------------
def test_upload_by_get_fails_with_2(sandbox):
    assert code(call(sandbox, "upload", auth_token=token(sandbox), title="x")) == 2


def test_upload_without_photo_fails_with_2(sandbox):
    assert code(etree.fromstring(upload(sandbox, token(sandbox), None).content)) == 2


def test_empty_file_fails_with_4(sandbox):
    assert code(etree.fromstring(upload(sandbox, token(sandbox), b"").content)) == 4


@pytest.mark.parametrize(
    "data",
    [b"just some text, not a picture\n", picture()[:400], picture()[:-2], picture("PNG", size=(300, 200))[:-20]],
    ids=["text", "truncated-jpeg", "jpeg-without-its-end", "truncated-png"],
)
def test_not_an_image_fails_with_5(sandbox, data):
    assert code(etree.fromstring(upload(sandbox, token(sandbox), data).content)) == 5


def test_too_large_fails_with_8(sandbox):
    data = picture()
    sandbox.settings.fotki_max_upload_bytes = len(data) - 1
    assert code(etree.fromstring(upload(sandbox, token(sandbox), data).content)) == 8


def test_storage_failure_fails_with_3(sandbox):
    tok = token(sandbox, "carol")  # carol has no photos yet, so no folder: put a file in its way
    with sandbox.store.read() as conn:
        carol = conn.execute("SELECT id FROM users WHERE name = 'carol'").fetchone()[0]
    (sandbox.data_dir / "files" / "fotki" / str(carol)).write_bytes(b"in the way")
    assert code(etree.fromstring(upload(sandbox, tok, picture()).content)) == 3


def test_refused_uploads_leave_no_files_behind(sandbox):
    tok = token(sandbox)
    for data in (b"", b"text", picture()[:400]):
        upload(sandbox, tok, data)
    leftovers = [p for p in (sandbox.data_dir / "files" / "fotki").rglob("*") if p.name.startswith(".upload-")]
    assert leftovers == []


def test_upload_without_token_fails_with_99(sandbox):
    params = signed(sandbox.secret, {"api_key": sandbox.api_key})
    r = requests.post(
        f"{sandbox.fotki_api_url}/upload", data=params, files={"photo": ("p.jpg", picture())}, timeout=TIMEOUT
    )
    assert code(etree.fromstring(r.content)) == 99


# -- concurrency and persistence ------------------------------------------------------------------------
def test_fifty_concurrent_uploads_are_each_stored_once_and_intact(sandbox):
    tok = token(sandbox)
    before = int(call(sandbox, "flickr_photos_getNotInSet", auth_token=tok).find("photos").get("total"))
    pictures = [picture(size=(80 + i, 60), colour=(i * 5, 255 - i * 5, 100)) for i in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        ids = list(pool.map(lambda i: photo_id_of(upload(sandbox, tok, pictures[i], title=f"c{i}")), range(50)))
    assert len(set(ids)) == 50
    listing = call(sandbox, "flickr_photos_getNotInSet", auth_token=tok).find("photos")
    assert int(listing.get("total")) == before + 50
    for i, pid in enumerate(ids):
        photo = info(sandbox, pid)
        original = next(u.text for u in photo.findall("urls/url") if u.get("type") == "original")
        served = requests.get(original, timeout=TIMEOUT).content
        assert photo.findtext("title") == f"c{i}"
        assert hashlib.md5(served).hexdigest() == hashlib.md5(pictures[i]).hexdigest()


def test_keys_tokens_and_photos_survive_a_restart(sandbox):
    tok = token(sandbox)
    pid = photo_id_of(upload(sandbox, tok, picture(), title="kept"))
    api_key, secret = sandbox.api_key, sandbox.secret
    sandbox.stop()
    again = gks.start(sandbox.data_dir)
    try:
        assert (again.api_key, again.secret) == (api_key, secret)
        check = signed(secret, {"api_key": api_key, "method": "flickr.auth.checkToken", "auth_token": tok})
        auth = etree.fromstring(requests.get(again.fotki_auth_url, params=check, timeout=TIMEOUT).content)
        assert auth.findtext("auth/token") == tok
        assert info(again, pid).findtext("title") == "kept"
        assert photo_id_of(upload(again, tok, picture())) != pid
    finally:
        again.stop()


def test_credentials_file_is_private_and_matches(sandbox):
    path = sandbox.data_dir / "credentials.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text()) == {"api_key": sandbox.api_key, "secret": sandbox.secret}


def test_a_jpeg_with_bytes_after_its_end_marker_is_stored(sandbox):
    reply = etree.fromstring(
        upload(sandbox, token(sandbox), picture() + b"\x00trailer written by a phone" * 10).content
    )
    assert reply.get("stat") == "ok" and reply.findtext("photoid")
