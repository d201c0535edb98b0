"""The album tree of a stock gallery, walked through its category pages (``index.php?cat=N``).

1.6's ``sidebar.php`` is a bare template and 1.7 has none, so the tree comes from the pages
both have. A walk starts at the top page (and the user galleries and the signed-in user's own
gallery), visits every category linked from a page it has seen, and every page of a long album
list. Each page's breadcrumb gives its category chain; an album belongs to the deepest category
page that lists it, since a page also shows the first albums of its sub-categories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from . import pages

USER_GALLERIES = 1
MAX_PAGES = 2000
"""A bound on the pages one walk reads (a gallery with more categories than this is cut short loudly)."""


@dataclass(frozen=True)
class TreeAlbum:
    """An album with the chain of categories above it, outermost first."""

    aid: int
    title: str
    categories: tuple[tuple[int, str], ...]


Fetch = Callable[[int, int], "pages.CategoryPage | None"]
"""``fetch(cid, page)``: the parsed category page, or None when the gallery shows an error there."""


def walk(
    fetch: Fetch,
    starts: Iterable[int],
    workers: int = 4,
    names: dict[int, str] | None = None,
    within: int | None = None,
) -> list[TreeAlbum]:
    """Every album reachable from the category pages ``starts``, each under its own category chain.

    ``within``: keep to that category and the ones below it (pages whose chain does not pass
    through it, such as the breadcrumb's ancestors, are read once and otherwise ignored).
    """
    names = dict(names or {})
    chains: dict[int, tuple[tuple[int, str], ...]] = {0: ()}
    best: dict[int, tuple[str, tuple[tuple[int, str], ...]]] = {}
    order: dict[int, int] = {0: -1}  # categories and albums in the order the pages show them first
    album_order: dict[int, int] = {}
    seen: set[tuple[int, int]] = set()
    todo = [(cid, 1) for cid in dict.fromkeys(starts)]
    seen.update(todo)
    for cid, _ in todo:
        order.setdefault(cid, len(order))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while todo:
            if len(seen) > MAX_PAGES:
                raise RuntimeError(f"the gallery has more than {MAX_PAGES} category pages; not walking further")
            batch, todo = todo, []
            for (cid, page), found in zip(batch, pool.map(lambda key: fetch(*key), batch)):
                if found is None:
                    continue
                chain = found.chain if found.chain is not None else chains.get(cid)
                if chain is None:
                    chain = _guess_chain(cid, names)
                chains[cid] = chain
                if within is not None and within not in {c for c, _ in chain}:
                    continue
                for aid, title in found.albums.items():
                    album_order.setdefault(aid, len(album_order))
                    if aid not in best or _rank(chain) > _rank(best[aid][1]):
                        best[aid] = (title, chain)
                for other, label in found.categories.items():
                    order.setdefault(other, len(order))
                    if label:
                        names.setdefault(other, label)
                    if (other, 1) not in seen:
                        seen.add((other, 1))
                        todo.append((other, 1))
                if page == 1:
                    for n in range(2, found.pages + 1):
                        if (cid, n) not in seen:
                            seen.add((cid, n))
                            todo.append((cid, n))
    last = len(order) + 1

    def place(aid: int) -> tuple:
        # tree order: a category's sub-categories (in page order) before its own albums (in page order)
        chain = best[aid][1]
        return (*(order.get(cid, last) for cid, _ in chain), last, album_order[aid])

    return [TreeAlbum(aid, *best[aid]) for aid in sorted(best, key=place)]


def _rank(chain: tuple[tuple[int, str], ...]) -> tuple[bool, int]:
    """Which page's word on an album counts: a user's gallery page also lists the albums that user owns
    in public categories ("In Travel - From Category: Travel"), so a public category page wins; then
    the deepest page, since a page also shows the first albums of its sub-categories."""
    return (all(cid != USER_GALLERIES and cid < 10000 for cid, _ in chain), len(chain))


def _guess_chain(cid: int, names: dict[int, str]) -> tuple[tuple[int, str], ...]:
    """A chain for a page without a breadcrumb (a theme that hides it): user galleries sit under category 1."""
    name = names.get(cid, f"Category {cid}")
    if cid >= 10000:
        return ((USER_GALLERIES, names.get(USER_GALLERIES, "User galleries")), (cid, name))
    return ((cid, name),)
