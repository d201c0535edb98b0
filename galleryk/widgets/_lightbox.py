"""The grid's large view: one photo fetched through a callback in a worker thread, the latest request served.

Someone holding an arrow key in the large view asks for many photos in a row; only the
one asked for last is fetched (requests overtaken while they waited are dropped, and a
picture that arrives after the view moved on is not delivered). The bytes go to whoever
delivers them: the JavaScript grid sends them as a binary buffer in a custom message, the
stock pager publishes them on galleryk's local server and shows their address.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

log = logging.getLogger("galleryk.widgets")

_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(data: bytes) -> str:
    """The MIME type of an image's bytes, from their first bytes ("application/octet-stream" if unknown)."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


class LargeFetcher:
    """Runs ``fetch(row)`` for the photo asked for last, and hands ``deliver(key, data, error)`` the result.

    ``key`` identifies a request (e.g. the listing version and the photo); ``error`` is a short
    text (never a traceback) when the fetch failed, and then ``data`` is None.
    """

    def __init__(
        self,
        fetch: Callable[[pd.Series], bytes],
        deliver: Callable[[Hashable, bytes | None, str | None], Any],
        describe: Callable[[BaseException], str],
    ) -> None:
        self._fetch = fetch
        self._deliver = deliver
        self._describe = describe
        self._wanted: Hashable = None
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="galleryk-large")

    def request(self, key: Hashable, row: pd.Series) -> None:
        """Fetch ``row``'s picture for ``key``; any request still waiting is dropped."""
        with self._lock:
            self._wanted = key
        self._pool.submit(self._run, key, row)

    def cancel(self) -> None:
        """Deliver nothing more (the large view closed)."""
        with self._lock:
            self._wanted = None

    @property
    def wanted(self) -> Hashable:
        """The key asked for last (None after :meth:`cancel`)."""
        return self._wanted

    def _run(self, key: Hashable, row: pd.Series) -> None:
        if key != self._wanted:
            return  # overtaken while it waited
        data: bytes | None = None
        error: str | None = None
        try:
            data = self._fetch(row)
            if not isinstance(data, (bytes, bytearray, memoryview)) or not len(data):
                raise ValueError("the large picture came back empty")
            data = bytes(data)
        except Exception as exc:  # the view says why; the grid goes on
            log.info("galleryk grid: no large picture: %s", type(exc).__name__)
            data, error = None, self._describe(exc)
        if key == self._wanted:
            try:
                self._deliver(key, data, error)
            except Exception:
                log.exception("galleryk grid: delivering a large picture failed")

    def close(self) -> None:
        self.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
