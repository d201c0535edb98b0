"""A Fotki-style server that sends values which do not parse gets a BadReply naming the field, never a raw traceback.

The server here answers every method with a canned reply (signatures are not checked: it
plays a broken service, not the sandbox), in XML or JSON as the client asks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from galleryk.base.errors import BadReply, BadValue
from galleryk.fotki import Fotki

LISTING_XML = (
    '<rsp stat="ok"><photos page="1" pages="1" perpage="500" total="1">'
    '<photo id="{id}" owner="7" title="t" ispublic="{public}" isfriend="0" isfamily="0"/></photos></rsp>'
)
LISTING_JSON = (
    '{{"stat": "ok", "photos": {{"page": 1, "pages": 1, "perpage": 500, "total": 1, "photo": '
    '[{{"id": {id}, "owner": 7, "title": "t", "ispublic": {public}, "isfriend": 0, "isfamily": 0}}]}}}}'
)
INFO_XML = (
    '<rsp stat="ok"><photo id="5" license="0" rotation="0" originalformat="jpg"><title>t</title>'
    '<dates posted="{posted}" taken="{taken}" takengranularity="0" lastupdate="1711655130"/></photo></rsp>'
)
SETS_XML = '<rsp stat="ok"><photosets><photoset id="{id}" primary="1" photos="{photos}"><title>s</title></photoset></photosets></rsp>'


class _Canned:
    """Answers each method (the last part of the path) with the text set for it."""

    def __init__(self) -> None:
        self.replies: dict[str, tuple[str, str]] = {}
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def _app(self, environ: dict, start_response):
        method = Request(environ).path.rsplit("/", 1)[-1]
        body, kind = self.replies.get(method, ('<rsp stat="fail"><err code="112" msg="no"/></rsp>', "text/xml"))
        return Response(body, content_type=kind)(environ, start_response)

    def client(self, fmt: str = "xml") -> Fotki:
        return Fotki(
            "key",
            "secret",
            token="token-1",
            api_url=f"{self.url}/v2flkr",
            auth_url=f"{self.url}/api_auth",
            format=fmt,
            token_cache="memory",
            retries=0,
        )

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def canned() -> Iterator[_Canned]:
    server = _Canned()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("fmt", "body", "field", "value"),
    [
        ("json", LISTING_JSON.format(id="1e400", public=1), "id", "1e400"),
        ("json", LISTING_JSON.format(id=123, public='"maybe"'), "ispublic", "maybe"),
        ("json", LISTING_JSON.format(id="Infinity", public=1), None, "Infinity"),
        ("xml", LISTING_XML.format(id="12abc", public="1"), "id", "12abc"),
        ("xml", LISTING_XML.format(id="99999999999999999999999", public="1"), "id", "99999999999999999999999"),
    ],
    ids=["json-id-1e400", "json-bad-flag", "json-infinity", "xml-id-text", "xml-id-too-big"],
)
def test_a_listing_with_a_value_that_does_not_parse_names_the_field(
    canned: _Canned, fmt: str, body: str, field: str | None, value: str
) -> None:
    canned.replies["flickr_photos_getNotInSet"] = (body, "application/json" if fmt == "json" else "text/xml")
    with pytest.raises(BadReply) as info:
        canned.client(fmt).photos()
    assert value in str(info.value)
    if field is not None:
        assert isinstance(info.value, BadValue) and info.value.field == field and repr(field) in str(info.value)


def test_a_page_count_that_does_not_parse_is_a_bad_reply_not_a_listing_cut_short(canned: _Canned) -> None:
    body = LISTING_XML.format(id="5", public="1").replace('pages="1"', 'pages="many"')
    canned.replies["flickr_photos_getNotInSet"] = (body, "text/xml")
    with pytest.raises(BadValue) as info:
        canned.client().photos()
    assert info.value.field == "pages" and "'many'" in str(info.value)


@pytest.mark.parametrize(
    ("posted", "taken", "field"),
    [
        ("1e400", "2009-06-25 15:22:19", "posted"),
        ("yesterday", "2009-06-25 15:22:19", "posted"),
        ("1711655130", "2009-13-45 99:00:00", "taken"),
    ],
)
def test_photo_info_with_a_date_that_does_not_parse_names_the_field(
    canned: _Canned, posted: str, taken: str, field: str
) -> None:
    canned.replies["flickr_photos_getInfo"] = (INFO_XML.format(posted=posted, taken=taken), "text/xml")
    with pytest.raises(BadValue, match=f"'{field}'") as info:
        canned.client().photo_info(5)
    assert info.value.field == field


def test_zero_and_empty_dates_are_missing_not_errors(canned: _Canned) -> None:
    canned.replies["flickr_photos_getInfo"] = (INFO_XML.format(posted="", taken="0000-00-00 00:00:00"), "text/xml")
    info = canned.client().photo_info(5)
    assert info["taken"] is None and info["posted"] is None


def test_a_photoset_count_that_does_not_parse_names_the_field(canned: _Canned) -> None:
    canned.replies["flickr_photosets_getList"] = (SETS_XML.format(id="3", photos="lots"), "text/xml")
    with pytest.raises(BadValue, match="'photos'"):
        canned.client().photosets()


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("xml", '<rsp stat="ok"><photoid>1e400</photoid></rsp>'),
        ("json", '{"stat": "ok", "photoid": {"_content": 1e400}}'),
        ("json", '{"stat": "ok", "photo": {"id": -5}}'),
    ],
    ids=["xml", "json", "json-negative"],
)
def test_an_upload_reply_with_a_bad_photo_id_names_the_field(canned: _Canned, fmt: str, body: str) -> None:
    canned.replies["upload"] = (body, "application/json" if fmt == "json" else "text/xml")
    with pytest.raises(BadValue, match="not a photo id") as info:
        canned.client(fmt).upload(b"\xff\xd8\xff\xd9", title="x")
    assert info.value.field in ("photoid", "photo")
