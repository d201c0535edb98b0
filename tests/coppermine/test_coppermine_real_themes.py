"""The browse calls under every theme that ships with Coppermine 1.6.26, on the real gallery.

Markup differs between themes; the parsers read links and class names, so each theme must
give the same albums, pictures (in the album's order and newest first), picture details, an
empty album, the upload form and the sign-in state. Only the real gallery has these themes (the sandbox draws one minimal theme).
"""

from __future__ import annotations

import pytest
from support.real_coppermine import THEMES

from galleryk.coppermine.errors import CoppermineError

from .test_coppermine_servers import jpeg


@pytest.fixture(scope="module")
def themed(real_coppermine):
    """An album of three pictures over two pages, an empty album, and their ids; made once for all themes."""
    srv = real_coppermine
    cpg = srv.client()
    full, empty = srv.fresh_album("Themed & full"), srv.fresh_album("Themed empty")
    pids = [
        int(
            cpg.upload(
                jpeg(40 + i),
                album=full,
                title=f"Thème {i}",
                description=f"cap {i}",
                tags=["théme", "two words"],
                filename=f"th{i}.jpg",
            ).id
        )
        for i in range(3)
    ]
    return srv, full, empty, pids


@pytest.mark.parametrize("theme", THEMES)
def test_browsing_works_under_each_shipped_theme(themed, theme, tmp_path):
    srv, full, empty, pids = themed
    with srv.set_theme(theme), srv.set_thumbs_per_page(2):
        cpg = srv.client()
        albums = cpg.albums().set_index("id")
        assert albums.loc[full, "title"] == "Themed & full" and albums.loc[full, "category_id"] == srv.user_category
        assert albums.loc[srv.album("nested"), "category_path"] == "Travel / Europe & Asia"
        assert bool(albums.loc[full, "can_upload"]) and not bool(albums.loc[srv.album("closed"), "can_upload"])
        photos = cpg.photos(full).set_index("id")
        assert sorted(photos.index) == pids
        assert photos.loc[pids[0], "title"] == "Thème 0" and photos.loc[pids[0], "description"] == "cap 0"
        assert len(cpg.photos(empty)) == 0
        assert cpg.recent_photos(full)["id"].tolist() == pids[::-1]  # over both pages, newest first
        assert cpg.recent_photos(full, 1)["title"].tolist() == ["Thème 2"]
        with pytest.raises(CoppermineError) as unknown:
            cpg.recent_photos(987654)
        assert unknown.value.code == 19
        info = cpg.photo_info(pids[1])
        assert info["title"] == "Thème 1" and info["tags"] == ["théme", "two words"] and info["album_id"] == full
        assert cpg.download(pids[2], tmp_path).read_bytes() == srv.stored_bytes(pids[2])
        assert cpg.keyword_separator == ";"
