"""A Fotki page server that costs nothing: every reply is made before the first request, then only sent.

It serves ``flickr.photosets.getPhotos`` of one photoset of ``photos`` photos, ``per_page`` to
a page, in the sandbox's XML (same elements, attributes and layout), over HTTP/1.1
keep-alive, from a child process running one asyncio loop. A request costs a read, a look-up
of its ``page`` parameter and a write of bytes made in advance: no signature check, no
database, no XML writing. With the client's own cost the only one left, a listing benchmark
against it measures the client alone. ``latency`` delays each reply (asyncio sleeps, so
concurrent requests wait together, as on a real network).

Run as a script to try it: ``python benchmarks/pageserver.py --photos 20000``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import quoteattr

FIRST_PHOTO_ID = 4_000_000_001
SET_ID = 72_157_000_001
OWNER_ID = 3
OWNER_NAME = "carol"


def page_body(page: int, photos: int, per_page: int) -> bytes:
    """One getPhotos reply, as the sandbox writes it."""
    pages = (photos + per_page - 1) // per_page
    first = (page - 1) * per_page
    rows = range(first, min(first + per_page, photos)) if page >= 1 else range(0)
    out = [
        '<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="ok">\n',
        f'\t<photoset id="{SET_ID}" primary="{FIRST_PHOTO_ID}" owner="{OWNER_ID}" ownername="{OWNER_NAME}" '
        f'page="{page}" pages="{pages}" perpage="{per_page}" total="{photos}">\n',
    ]
    for i in rows:
        out.append(
            f'\t\t<photo id="{FIRST_PHOTO_ID + i}" title={quoteattr(f"bench photo {i}")} '
            f'isprimary="{int(i == 0)}" ispublic="{int(i % 7 != 0)}" isfriend="{int(i % 11 == 0)}" '
            f'isfamily="0" />\n'
        )
    out.append("\t</photoset>\n</rsp>\n")
    return "".join(out).encode("utf-8")


def http_reply(body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


def _serve(conn: Any, photos: int, per_page: int, latency: float) -> None:
    """Child process: precompute every page, serve until told to stop, report the request counts."""
    pages = max(1, (photos + per_page - 1) // per_page)
    replies = {n: http_reply(page_body(n, photos, per_page)) for n in range(1, pages + 2)}  # one past the end: empty
    counts = {"connections": 0, "requests": 0}

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counts["connections"] += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode("latin-1")
                page = parse_qs(urlsplit(target).query).get("page", ["1"])[0]
                counts["requests"] += 1
                if latency:
                    await asyncio.sleep(latency)
                writer.write(replies.get(int(page) if page.isdigit() else 1, replies[pages + 1]))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.CancelledError, ConnectionError):
            pass  # the client went away, or the server is stopping
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(client, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        conn.send(port)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, conn.recv)  # the stop command
        server.close()
        conn.send(dict(counts))

    asyncio.run(main())


class PageServer:
    """The page server in a child process; ``url`` is its getPhotos endpoint. Stop it with :meth:`stop`."""

    def __init__(self, photos: int, per_page: int = 500, latency: float = 0.0) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, photos, per_page, latency), daemon=True)
        self._proc.start()
        self.port = int(self._conn.recv())
        self.api_url = f"http://127.0.0.1:{self.port}/v2flkr"
        self.url = f"{self.api_url}/flickr_photosets_getPhotos"
        self.photos, self.per_page, self.set_id = photos, per_page, SET_ID

    def stop(self) -> dict[str, int]:
        """Stop serving; the connections and requests it saw."""
        self._conn.send("stop")
        counts = self._conn.recv()
        self._proc.join(10)
        return counts

    def __enter__(self) -> PageServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20000)
    args = parser.parse_args()
    import requests

    with PageServer(args.photos) as server:
        session = requests.Session()
        reply = session.get(server.url, params={"page": 1})
        print(server.url, reply.status_code, len(reply.content), "bytes on page 1")
