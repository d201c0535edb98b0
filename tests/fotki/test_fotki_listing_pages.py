"""How a Fotki listing walks its pages: the same table whatever the concurrency, threads that follow
the page count and the rate limit, and no requests past a page that comes back empty.

A small page server written here (not the sandbox) plays a Flickr-style service whose replies
can be slow or claim more pages than it has; it counts what it was asked and how many requests
it had in flight at once.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from galleryk.fotki import Fotki


class PageServer:
    """getPhotos of ``photos`` photos, ``per_page`` a page; pages from ``empty_from`` on are empty but
    still claim the full count; every reply waits ``delay`` seconds, or with ``gather`` until that
    many requests are in flight at once (5 s at most)."""

    def __init__(
        self,
        photos: int,
        per_page: int,
        *,
        delay: float = 0.0,
        empty_from: int | None = None,
        gather: int | None = None,
    ) -> None:
        self.photos, self.per_page, self.delay, self.empty_from, self.gather = (
            photos,
            per_page,
            delay,
            empty_from,
            gather,
        )
        self.requests: list[int] = []
        self.in_flight = self.most_in_flight = 0
        self._lock = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                page = int(parse_qs(urlsplit(self.path).query)["page"][0])
                body = outer.enter(page)
                time.sleep(outer.delay)
                outer.leave()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/v2flkr"

    def enter(self, page: int) -> bytes:
        with self._lock:
            self.requests.append(page)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self._lock.notify_all()
            if self.gather is not None and page > 1:
                self._lock.wait_for(lambda: self.most_in_flight >= self.gather, timeout=5)
        pages = -(-self.photos // self.per_page)
        first = (page - 1) * self.per_page
        rows = range(first, min(first + self.per_page, self.photos))
        if self.empty_from is not None and page >= self.empty_from:
            rows = range(0)
        photos = "".join(
            f'<photo id="{1000 + i}" title="p{i}" isprimary="{int(i == 0)}" ispublic="{i % 2}" '
            f'isfriend="0" isfamily="0"/>'
            for i in rows
        )
        return (
            f'<?xml version="1.0" encoding="utf-8" ?><rsp stat="ok"><photoset id="7" owner="3" page="{page}" '
            f'pages="{pages}" perpage="{self.per_page}" total="{self.photos}">{photos}</photoset></rsp>'
        ).encode()

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def client(self, **options: object) -> Fotki:
        return Fotki(
            "key",
            "secret",
            "token",
            api_url=self.url,
            auth_url=self.url,
            token_cache="memory",
            per_page=self.per_page,
            **options,
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pages():
    servers: list[PageServer] = []

    def start(*args: object, **kwargs: object) -> PageServer:
        servers.append(PageServer(*args, **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def test_the_table_is_the_same_whatever_the_concurrency(pages):
    server = pages(1234, 50)
    frames = [server.client(max_workers=n).photos(7) for n in (1, 2, 5, 16)]
    assert frames[0]["id"].tolist() == list(range(1000, 2234))
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other)


def test_each_page_is_asked_for_once(pages):
    server = pages(1000, 100)
    server.client(max_workers=4).photos(7)
    assert sorted(server.requests) == list(range(1, 11))


def test_threads_follow_the_page_count_up_to_max_workers(pages):
    few = pages(3 * 10, 10, delay=0.2)
    few.client(max_workers=16).photos(7)
    many = pages(40 * 10, 10, gather=16)  # each reply waits until 16 requests are in flight
    many.client(max_workers=16).photos(7)
    assert few.most_in_flight <= 2 and many.most_in_flight == 16


def test_a_rate_limit_keeps_the_listing_to_the_threads_that_can_keep_its_pace() -> None:
    paced = Fotki("key", "secret", calls_per_hour=3600, max_workers=16)  # one call a second
    free = Fotki("key", "secret", max_workers=16)
    # page 1 took 0.3 s: with a call a second, two threads keep the pace; without a limit, one a page
    assert (paced.page_workers(39, 0.3), free.page_workers(39, 0.3), free.page_workers(5, 0.3)) == (2, 16, 5)


def test_a_rate_limited_listing_is_complete(pages):
    server = pages(6 * 10, 10)
    df = server.client(max_workers=16, calls_per_hour=360_000).photos(7)
    assert df["id"].tolist() == list(range(1000, 1060)) and sorted(server.requests) == list(range(1, 7))


def test_no_page_is_asked_for_after_one_comes_back_empty(pages):
    server = pages(100 * 10, 10, empty_from=4)
    df = server.client(max_workers=2).photos(7)
    assert df["id"].tolist() == list(range(1000, 1030))
    assert max(server.requests) < 12 and len(server.requests) < 12  # of the 100 pages it claims


def test_a_limit_stops_the_walk_at_the_page_that_reaches_it(pages):
    server = pages(1000, 100)
    df = server.client(max_workers=4).photos(7, limit=250)
    assert df["id"].tolist() == list(range(1000, 1250)) and sorted(server.requests) == [1, 2, 3]
