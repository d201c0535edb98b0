"""The Coppermine client's thin adapter over galleryk's transport: the three things it needs from HTTP.

``send`` (any request, cookies kept, one User-Agent for the whole session since stock
Coppermine derives its session cookie's name from it), ``multipart`` (request arguments for
a streamed multipart body with a progress callback, text fields in the gallery's charset)
and ``download`` (stream a file to disk).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import requests

from ..transport import DEFAULT_DEADLINE, DEFAULT_MAX_REPLY, DEFAULT_STALL, Transport

DEFAULT_USER_AGENT = "galleryk-coppermine/0.1 (+https://github.com/galleryk)"
DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for a connection, and for each next byte of a reply."""


class Http:
    """Requests through one :class:`~galleryk.transport.Transport` (one session, pooled, with timeouts).

    ``deadline`` (seconds one page or call may take, retries included), ``stall`` (seconds an upload
    may make no progress) and ``max_reply`` (bytes a page or reply may have) bound what a broken
    server can cost; None turns one off.
    """

    def __init__(
        self,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        user_agent: str | None = None,
        transport: Transport | None = None,
        *,
        deadline: float | None = DEFAULT_DEADLINE,
        stall: float | None = DEFAULT_STALL,
        max_reply: int | None = DEFAULT_MAX_REPLY,
    ) -> None:
        self.transport = transport or Transport(
            timeout=timeout,
            user_agent=user_agent or DEFAULT_USER_AGENT,
            deadline=deadline,
            stall=stall,
            max_reply=max_reply,
        )

    def send(self, method: str, url: str, *, retry: bool | None = None, **kwargs: Any) -> requests.Response:
        """One request; ``retry`` False for requests that must not be repeated (login, uploads)."""
        return self.transport.request(method, url, retry=retry, **kwargs)

    def multipart(
        self,
        fields: dict[str, str],
        file: tuple[str, str, IO[bytes]] | None,
        progress: Callable[[int, int], Any] | None,
        charset: str = "utf-8",
    ) -> dict[str, Any]:
        """Request keyword arguments for a multipart body streamed from ``file`` = (field, name, stream).

        Text fields go out in ``charset``: a PHP gallery keeps the bytes it is sent, so an
        iso-8859-1 gallery must be sent iso-8859-1 (characters outside it as ``&#N;``, as browsers do).
        A file that grows or shrinks while it is sent raises FileChanged.
        """
        return self.transport.multipart(fields, file, progress=progress, charset=charset)

    def download(self, url: str, target: Path) -> None:
        """Stream ``url`` into ``target`` (through a temporary file, so a failure leaves nothing half-written)."""
        self.transport.download(url, target)
