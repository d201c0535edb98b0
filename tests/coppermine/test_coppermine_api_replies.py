"""Reading cpgAPI replies the way real servers write them: charsets, unescaped names, PHP junk, HTML pages."""

from __future__ import annotations

import pytest

from galleryk.coppermine import api
from galleryk.coppermine.errors import CoppermineError

CATLIST = """<?xml version="1.0" encoding="{cs}"?>
<cpg><cat><id>0</id><name>Parent</name>
 <cat><id>1</id><name>User galleries</name>
  <cat><id>10002</id><name>alice</name><album><id>5</id><name>Alice's holidays</name></album></cat></cat>
 <cat><id>2</id><name>Travel</name><album><id>2</id><name>City walks</name></album>
  <cat><id>3</id><name>Europe & Asia</name><album><id>1</id><name>Harbour & Beach</name></album>
   <album><id>8</id><name>Caf\u00e9 <b> & more</name></album></cat></cat>
</cat></cpg>"""


def _albums(body: bytes) -> dict[int, api.ApiAlbum]:
    return {a.aid: a for a in api.catlist_albums(api.read_reply(body))}


def test_catlist_is_flattened_with_category_chains_below_parent():
    albums = _albums(CATLIST.format(cs="utf-8").encode("utf-8"))
    assert albums[1].categories == ((2, "Travel"), (3, "Europe & Asia"))
    assert albums[5].categories == ((1, "User galleries"), (10002, "alice"))


def test_unescaped_ampersands_in_names_survive():
    albums = _albums(CATLIST.format(cs="utf-8").encode("utf-8"))
    assert albums[1].title == "Harbour & Beach"


def test_unescaped_angle_bracket_does_not_lose_the_other_albums():
    albums = _albums(CATLIST.format(cs="utf-8").encode("utf-8"))
    assert set(albums) == {1, 2, 5, 8}


def test_iso_8859_1_declared_charset_is_honoured():
    albums = _albums(CATLIST.format(cs="iso-8859-1").encode("iso-8859-1"))
    assert albums[8].title.startswith("Caf\u00e9")


def test_php_notices_before_the_xml_are_skipped_and_kept():
    body = b"<br />\n<b>Notice</b>: Undefined index: keywords in <b>api/index.php</b><br />\n" + (
        b'<?xml version="1.0" encoding="utf-8"?><uploader><status>ok</status><pid>42</pid></uploader>'
    )
    reply = api.read_reply(body)
    assert api.upload_pid(reply) == 42
    assert "Undefined index" in reply.junk


def test_failure_becomes_coppermine_error_with_code_and_text():
    body = b'<?xml version="1.0"?><cpg><status>fail</status><error>19</error><verbose>Invalid album</verbose></cpg>'
    with pytest.raises(CoppermineError) as info:
        api.raise_for_failure(api.read_reply(body), "cpgAPI.upload")
    assert info.value.code == 19
    assert "Invalid album" in str(info.value)


def test_html_page_instead_of_xml_is_reported_with_its_text():
    page = b"<html><body><b>Fatal error</b>: Allowed memory size exhausted</body></html>"
    with pytest.raises(api.NotXmlReply) as info:
        api.read_reply(page)
    assert "Fatal error" in info.value.text


def test_a_reply_cut_short_is_noticed():
    body = b'<?xml version="1.0"?><cpg><cat><id>0</id><name>Parent</name><cat><id>2</id>'
    assert not api.is_complete(body)
    assert api.is_complete(b'<?xml version="1.0"?><uploader><status>ok</status><pid>1</pid></uploader>\n')


# The real add-on's replies to an upload PHP cut short, byte for byte (1.4.27's api/, PHP 8.2)
OVER_UPLOAD_MAX = (
    b'<?xml version="1.0" encoding="utf-8" ?>\n<cpg>\n  <status>fail</status>\n  <error>6</error>\n'
    b"  <verbose></verbose>\n</cpg>"
)
OVER_POST_MAX = (
    b'<?xml version="1.0" encoding="utf-8" ?>\n<cpg>\n  <status>fail</status>\n  <error>100</error>\n'
    b"  <verbose>Invalid function name passed</verbose>\n</cpg>"
)


@pytest.mark.parametrize(
    ("body", "code", "says"),
    [(OVER_UPLOAD_MAX, 6, "upload_max_filesize"), (OVER_POST_MAX, 100, "post_max_size")],
)
def test_an_upload_over_phps_limits_says_which_limit_and_is_the_files_fault(body, code, says):
    from galleryk.base.errors import Reason

    with pytest.raises(CoppermineError, match=says) as info:
        api.raise_for_failure(api.read_reply(body), "cpgAPI.upload")
    assert info.value.code == code and info.value.reason is Reason.FILE
