"""The one pager: a paged listing read as page 1, then the remaining pages concurrently, in order.

Both services page their listings (Fotki's ``page``/``per_page`` replies, Coppermine's
``thumbnails.php?page=N``). :func:`walk` reads page 1 alone (it says how many pages there are),
then asks for the rest with up to ``workers`` threads, at most twice that many ahead of the
reader, and hands each page to ``read`` as it comes in. It stops at the last page, at the first
empty page, or once ``limit`` rows are in. ``send(n)`` makes the request for page ``n`` (in a
fetching thread); ``read(sent)`` turns its reply into a :class:`Page` (in the same thread, or,
beyond a few fetching threads, in one of two parsing threads: each thread that frees a parsed
tree keeps that memory for itself, so fewer parsers keep a long listing's peak low). Each
page's raw reply is dropped as soon as ``read`` returns, so a long listing holds a few at once.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")

PARSERS = 4
"""Up to this many fetching threads, each reads the pages it fetched; with more, :data:`PARSE_SLOTS` threads read."""
PARSE_SLOTS = 2


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page as read: its rows (in whatever form the caller keeps them), how many, and the paging it states."""

    value: T | None
    count: int
    pages: int | None = None
    """How many pages the listing has, when the page says."""
    per_page: int | None = None
    """How many rows a full page holds, when the page says."""


Workers = int | Callable[[int, float], int]
"""Threads for the pages after the first: a number, or ``workers(pages_left, round_trip_of_page_1)``."""


def walk(
    send: Callable[[int], S],
    read: Callable[[S], Page[T]],
    *,
    limit: int | None = None,
    per_page: int | None = None,
    workers: Workers = 4,
    thread_name: str = "galleryk-pages",
) -> list[T]:
    """The ``value`` of every page that holds rows, in page order (see the module docstring)."""
    started = time.monotonic()
    first = read(send(1))
    round_trip = time.monotonic() - started
    if first.value is None or not first.count:
        return []
    pages = first.pages
    if pages is None or pages <= 1 or (limit is not None and first.count >= limit):
        return [first.value]
    size = first.per_page or per_page or first.count
    last = pages if limit is None else min(pages, 1 + math.ceil((limit - first.count) / max(size, 1)))
    numbers = list(range(2, last + 1))
    if not numbers:
        return [first.value]
    threads = workers(len(numbers), round_trip) if callable(workers) else workers
    threads = max(1, min(int(threads), len(numbers)))
    if threads == 1:
        return [first.value, *_until_empty(read(send(n)) for n in numbers)]
    with ThreadPoolExecutor(threads, thread_name_prefix=thread_name) as fetching:
        if threads <= PARSERS:
            pages_read = _in_order(fetching, lambda n: read(send(n)), numbers, window=2 * threads)
            return [first.value, *_read_all(pages_read)]
        with ThreadPoolExecutor(PARSE_SLOTS, thread_name_prefix=f"{thread_name}-parse") as parsing:
            pages_read = _in_order(
                fetching, lambda n: parsing.submit(read, send(n)).result(), numbers, window=2 * threads
            )
            return [first.value, *_read_all(pages_read)]


def _in_order(pool: ThreadPoolExecutor, fn: Callable[[int], R], items: list[int], window: int) -> Iterator[R]:
    """``fn(item)`` for each item, run in ``pool`` with at most ``window`` asked for ahead of the reader."""
    pending: deque[Future[R]] = deque()
    upcoming = iter(items)
    try:
        for item in itertools.islice(upcoming, window):
            pending.append(pool.submit(fn, item))
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(upcoming, 1):
                pending.append(pool.submit(fn, item))
            yield result
    finally:
        for future in pending:
            future.cancel()


def _until_empty(pages: Iterable[Page[T]]) -> list[T]:
    """The values of the pages in order, up to the first empty one."""
    out = []
    for page in pages:
        if not page.count or page.value is None:
            break
        out.append(page.value)
    return out


def _read_all(pages: Iterator[Page[T]]) -> list[T]:
    """:func:`_until_empty` over pages fetched ahead; pages not yet asked for after an empty one never are."""
    try:
        return _until_empty(pages)
    finally:
        close = getattr(pages, "close", None)
        if close is not None:
            close()


__all__ = ["PARSERS", "PARSE_SLOTS", "Page", "Workers", "walk"]
