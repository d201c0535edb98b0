"""Reading every example reply of the Fotki doc (bare and wrapped, XML and JSON) and its failures."""

from __future__ import annotations

import pytest
from lxml import etree

from galleryk.base.errors import BadReply
from galleryk.fotki.auth import frob_from, token_from
from galleryk.fotki.errors import FotkiAuthError, FotkiError, FotkiNotFound, FotkiUnavailable
from galleryk.fotki.replies import parse_reply, upload_id

DECL = '<?xml version="1.0" encoding="utf8" ?>\n'

GET_INFO = """<photo id="4878654632" license="3" rotation="90" originalformat="png">
   <owner nsid="46656165646" username="none" realname="Real None" location="San Francisco" />
   <title>Title</title>
   <description>It is Description</description>
   <visibility ispublic="1" isfriend="0" isfamily="0" />
   <dates posted="1711655130" taken="20090625 15:22:19" takengranularity="0" lastupdate="1815627043" />
   <permissions permcomment="3" permaddmeta="2" />
   <editability cancomment="1" canaddmeta="1" />
   <comments>1</comments>
   <tags>
      <tag id="465456465" author="46656165646" raw="tag1">tag1</tag>
      <tag id="465456464" author="46656165646" raw="tag2">tag2</tag>
   </tags>
   <urls>
      <url type="photopage">http://www.fotki.com/none/testalbum/Title.png</url>
   </urls>
</photo>"""
NOT_IN_SET = """<photos page="1" pages="3" perpage="10" total="25">
   <photo id="466654687" owner="321546454456" title="title1" ispublic="1" isfriend="0" isfamily="0" />
   <photo id="654548864" owner="321546454456" title="title2" ispublic="0" isfriend="1" isfamily="1" />
   <photo id="465432132" owner="321546454456" title="title3" ispublic="1" isfriend="0" isfamily="0" />
   <photo id="4565213888" owner="321546454456" title="title4" ispublic="1" isfriend="0" isfamily="0" />
</photos>"""
CREATE = '<photoset id="45654895" url="http://www.fotki.com/none/newphotoset/" />'
GET_LIST = """<photosets cancreate="1">
   <photoset id="456786521" primary="46876213" photos="2" farm="1">
      <title>Test</title>
      <description>Test description</description>
   </photoset>
   <photoset id="721364646" primary="4566687963" photos="12" farm="1">
      <title>Next Set</title>
      <description>This is description too</description>
   </photoset>
</photosets>"""
GET_PHOTOS = """<photoset id="456786521" primary="46876213" page="1" perpage="500" pages="1" total="2">
   <photo id="45456488" title="photo in this set" isprimary="0" />
   <photo id="46876213" title="fotki is cool" isprimary="1" />
</photoset>"""
UPLOAD = "<photoid>468786232</photoid>"
EXAMPLES = {
    "getInfo": GET_INFO,
    "getNotInSet": NOT_IN_SET,
    "create": CREATE,
    "getList": GET_LIST,
    "getPhotos": GET_PHOTOS,
    "upload": UPLOAD,
}


def _wrapped(body: str) -> bytes:
    return f'{DECL}<rsp stat="ok">\n{body}\n</rsp>'.encode()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_bare_and_wrapped_examples_give_the_same_body(name: str) -> None:
    bare = parse_reply(EXAMPLES[name].encode())
    wrapped = parse_reply(_wrapped(EXAMPLES[name]))
    assert bare is not None and wrapped is not None
    assert etree.tostring(bare, with_tail=False) == etree.tostring(wrapped, with_tail=False)


def test_empty_success_reply_gives_none() -> None:
    assert parse_reply(f'{DECL}<rsp stat="ok">\n</rsp>'.encode()) is None


def test_doc_upload_reply_gives_the_photo_id() -> None:
    assert upload_id(parse_reply(_wrapped("<photoid>487624164546</photoid>"))) == "487624164546"


def test_doc_json_upload_example_names_it_photo() -> None:
    body = parse_reply(b'{"photo" : {"_content":"487624164546"} , "stat":"ok"}', "json")
    assert upload_id(body) == "487624164546"


def test_json_upload_named_photoid_is_accepted_too() -> None:
    assert upload_id(parse_reply(b'{"photoid": {"_content": "7"}, "stat": "ok"}', "json")) == "7"


def test_doc_failure_envelope_raises_fotki_error_with_code_and_message() -> None:
    data = f'{DECL}<rsp stat="fail">\n   <err code="12" msg="Cannot upload photo" />\n</rsp>'.encode()
    with pytest.raises(FotkiError) as info:
        parse_reply(data, method="upload")
    assert info.value.code == 12 and info.value.message == "Cannot upload photo"


def test_json_failure_raises_fotki_error() -> None:
    with pytest.raises(FotkiError) as info:
        parse_reply(b'{"stat": "fail", "code": "96", "message": "Invalid signature"}', "json")
    assert info.value.code == 96 and isinstance(info.value, FotkiAuthError)


@pytest.mark.parametrize("code", [96, 97, 98, 99, 100, 108])
def test_auth_codes_raise_fotki_auth_error(code: int) -> None:
    with pytest.raises(FotkiAuthError):
        parse_reply(f'<rsp stat="fail"><err code="{code}" msg="x"/></rsp>'.encode(), method="flickr.photos.getInfo")


@pytest.mark.parametrize("code", [105, 106])
def test_temporary_codes_raise_fotki_unavailable(code: int) -> None:
    with pytest.raises(FotkiUnavailable) as info:
        parse_reply(f'<rsp stat="fail"><err code="{code}" msg="Service unavailable"/></rsp>'.encode())
    assert info.value.temporary


def test_code_1_on_a_lookup_raises_not_found() -> None:
    with pytest.raises(FotkiNotFound):
        parse_reply(b'<rsp stat="fail"><err code="1" msg="Photo not found"/></rsp>', method="flickr_photos_getInfo")


def test_code_1_on_create_is_not_a_not_found() -> None:
    with pytest.raises(FotkiError) as info:
        parse_reply(b'<rsp stat="fail"><err code="1" msg="No title"/></rsp>', method="flickr.photosets.create")
    assert not isinstance(info.value, FotkiNotFound)


def test_bare_err_element_is_a_failure() -> None:
    with pytest.raises(FotkiError, match="12: Cannot upload photo"):
        parse_reply(b'<err code="12" msg="Cannot upload photo" />')


def test_html_page_with_status_200_is_a_bad_reply() -> None:
    with pytest.raises(BadReply, match="HTML page"):
        parse_reply(b"<!DOCTYPE html><html><head><title>Fatal error</title></head></html>", method="getList")


def test_truncated_xml_is_a_bad_reply() -> None:
    with pytest.raises(BadReply, match="malformed"):
        parse_reply(_wrapped(GET_PHOTOS)[:120])


def test_truncated_json_is_a_bad_reply() -> None:
    with pytest.raises(BadReply, match="JSON"):
        parse_reply(b'{"photoset": {"id": "1", "photo": [', "json")


def test_json_listing_becomes_the_same_element_as_the_xml() -> None:
    data = (
        b'{"photosets": {"cancreate": 1, "photoset": [{"id": "456786521", "primary": 46876213, "photos": "2",'
        b' "farm": 1, "title": {"_content": "Test"}, "description": {"_content": "Test description"}}]},'
        b' "stat": "ok"}'
    )
    body = parse_reply(data, "json")
    assert body is not None and body.tag == "photosets"
    [ps] = body.findall("photoset")
    assert ps.get("primary") == "46876213" and ps.findtext("title") == "Test"


def test_frob_and_token_replies_are_read() -> None:
    assert frob_from(parse_reply(b'<rsp stat="ok"><frob>45f86824465</frob></rsp>')) == "45f86824465"
    token = token_from(
        parse_reply(
            b'<rsp stat="ok"><auth><token>0987654321</token><perms>write</perms>'
            b'<user nsid="7" username="alice" fullname="Alice"/></auth></rsp>'
        )
    )
    assert (token.token, token.perms, token.user_id, token.username) == ("0987654321", "write", "7", "alice")
    assert "0987654321" not in repr(token)
