"""Fotki's tag string: what an upload sends for a list of tags (Flickr's convention)."""

from __future__ import annotations

from collections.abc import Iterable


def tags_text(tags: Iterable[str] | str | None) -> str | None:
    """Flickr's tag string: space separated, "double quoted" when a tag has spaces."""
    if tags is None:
        return None
    if isinstance(tags, str):
        return tags
    out = []
    for tag in tags:
        tag = str(tag).strip().replace('"', "")
        if tag:
            out.append(f'"{tag}"' if " " in tag else tag)
    return " ".join(out) or None
