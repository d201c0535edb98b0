"""What the index pages' "Random files" and "Last additions" blocks hold, on the sandbox and the real 1.6.26 gallery.

The markup checked is 1.6's (1.4 draws the blocks otherwise and links pictures by position), so the
test runs on the sandbox and the release it imitates.

A visitor browsing the sandbox sees what a stock gallery shows: the newest pictures first, and
random ones, only from albums that visitor may see, scoped to the category of the page.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html
import requests

from .test_coppermine_servers import jpeg


def blocks(page: str) -> dict[str, list[tuple[int, str]]]:
    """Each block's heading -> the (pid, cat of its link, or "") of its pictures, in page order."""
    doc = lxml.html.fromstring(page)
    out: dict[str, list[tuple[int, str]]] = {}
    for table in doc.xpath('//table[contains(@class, "maintable")]'):
        head = " ".join(" ".join(table.xpath('.//div[@class="cpg_starttable_inner"]//text()')).split())
        if not head.startswith(("Random files", "Last additions")):
            continue
        links = []
        for a in table.xpath('.//td[contains(@class, "thumbnails")]//a[contains(@href, "displayimage.php")]'):
            q = parse_qs(urlsplit(a.get("href")).query)
            links.append((int(q["pid"][0]), q.get("cat", [""])[0]))
        out[head] = links
    return out


def test_the_newest_pictures_lead_the_front_page_and_a_private_one_only_for_its_owner(cpg_server_16):
    cpg_server = cpg_server_16
    cpg_server.need_uploads()
    owner = cpg_server.client()
    public = int(owner.upload(jpeg(41), album=cpg_server.album("own"), filename="front_public.jpg").id)
    private = int(owner.upload(jpeg(42), album=cpg_server.album("private"), filename="front_private.jpg").id)
    guest = requests.Session()
    guest.headers["User-Agent"] = "galleryk-front-page-test"

    top = blocks(guest.get(cpg_server.url + "index.php", timeout=60).text)
    assert list(top) == ["Random files", "Last additions"]
    assert top["Last additions"][0] == (public, "0")
    assert 0 < len(top["Random files"]) <= 8 and len(top["Last additions"]) <= 8
    assert all(pid != private for block in top.values() for pid, _ in block)

    home = blocks(guest.get(cpg_server.url + f"index.php?cat={cpg_server.user_category}", timeout=60).text)
    recent = next(v for k, v in home.items() if k.startswith("Last additions - "))
    assert recent[0] == (public, str(cpg_server.user_category))
    assert all(pid != private for block in home.values() for pid, _ in block)

    mine = blocks(owner.transport.get(cpg_server.url + f"index.php?cat={cpg_server.user_category}").text)
    assert next(v for k, v in mine.items() if k.startswith("Last additions - "))[:2] == [
        (private, str(cpg_server.user_category)),
        (public, str(cpg_server.user_category)),
    ]
