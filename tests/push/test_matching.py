"""``galleryk.match``: a scan against a listing of either service, through public calls on the sandbox.

Copies are made the way services and people make them (pushed with a marker, uploaded as
they are, resized, recompressed, turned a quarter turn) and near-duplicates (a burst shot a
little to the side, the same scene with something added) must stay unmatched.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image, ImageDraw

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki
from galleryk.push.matching import MAX_DISTANCE


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


@pytest.fixture
def local(tmp_path: Path) -> pd.DataFrame:
    folder = gk.sandbox.sample_photos(tmp_path / "mine", 8, broken=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.ScanWarning)
        return gk.scan(folder, progress=False)


def _picture(local: pd.DataFrame, i: int) -> Image.Image:
    with Image.open(local["path"].iloc[i]) as im:
        return im.convert("RGB")


def _by_name(result: pd.DataFrame) -> dict[str, tuple]:
    return {
        n: (r, h, d, t)
        for n, r, h, d, t in zip(
            result["name"], result["remote_id"], result["how"], result["distance"], result["rotation"]
        )
    }


@pytest.fixture
def fotki_copies(sandbox, local, tmp_path):
    """A Fotki photoset holding copies of local photos 0-5 made in six ways, and near-duplicates of 6 and 7."""
    fotki = sandbox_fotki(sandbox, "alice")
    gk.push.push(local.iloc[[0]], fotki, album="Copies", create=True, journal=tmp_path / "j.sqlite3", progress=False)
    ids = {"marker": int(fotki.photos("Copies")["id"].iloc[0])}

    def put(name: str, data: bytes) -> None:
        ids[name] = int(fotki.upload(data, album="Copies", title=name, filename=f"{name}.jpg").id)

    put("as is", Path(local["path"].iloc[1]).read_bytes())
    small = _picture(local, 2)
    small.thumbnail((320, 320))
    put("resized", _jpeg(small))
    put("recompressed", _jpeg(_picture(local, 3), quality=25))
    put("turned", _jpeg(_picture(local, 4).rotate(-90, expand=True)))  # a quarter turn clockwise
    both = _picture(local, 5)
    both.thumbnail((500, 500))
    put("resized and recompressed", _jpeg(both, quality=40))
    burst = _picture(local, 6)
    w, h = burst.size
    put("burst", _jpeg(burst.crop((int(w * 0.06), 0, w, h)).resize((w, h))))
    added = _picture(local, 7)
    ImageDraw.Draw(added).ellipse((w * 0.55, h * 0.1, w * 0.8, h * 0.4), fill=(250, 240, 30))
    put("added", _jpeg(added))
    return fotki, ids


def test_copies_on_fotki_are_found_by_marker_digest_and_picture_and_near_duplicates_are_not(local, fotki_copies):
    fotki, ids = fotki_copies
    remote = fotki.photos("Copies")
    result, remote_only = gk.match(local, remote, originals=True)
    got = _by_name(result)
    names = list(local["name"])
    assert got[names[0]][:2] == (ids["marker"], "marker")
    assert got[names[1]][:3] == (ids["as is"], "digest", 0)
    for i, how in ((2, "resized"), (3, "recompressed"), (5, "resized and recompressed")):
        rid, kind, distance, turn = got[names[i]]
        assert (rid, kind, turn) == (ids[how], "phash", 0) and distance <= MAX_DISTANCE, how
    rid, kind, _, turn = got[names[4]]
    assert (rid, kind, turn) == (ids["turned"], "phash", 90)
    assert got[names[6]][0] is pd.NA and got[names[7]][0] is pd.NA  # the burst and the added shape are others
    assert got["notes_not_a_photo.jpg"][1] is pd.NA
    assert sorted(remote_only["id"]) == sorted([ids["burst"], ids["added"]])
    assert list(result.index) == list(local.index) and set(local.columns) <= set(result.columns)


def test_without_originals_a_kept_copy_is_still_found_by_its_picture(local, fotki_copies):
    fotki, ids = fotki_copies
    result, _ = gk.match(local, fotki.photos("Copies"))
    rid, how, distance, turn = _by_name(result)[local["name"].iloc[1]]
    assert (rid, how, turn) == (ids["as is"], "phash", 0) and distance <= 4


def test_with_thumbnails_off_only_exact_ways_match(local, fotki_copies):
    fotki, ids = fotki_copies
    result, remote_only = gk.match(local, fotki.photos("Copies"), max_distance=None)
    assert result["how"].dropna().tolist() == ["marker"]
    assert len(remote_only) == len(ids) - 1


def test_coppermine_copies_are_found_by_keyword_marker_and_by_thumbnail(sandbox, local, tmp_path):
    cpg = sandbox_coppermine(sandbox, "alice")
    gk.push.push(local.iloc[[0, 1]], cpg, album="Alice's garden", journal=tmp_path / "c.sqlite3", progress=False)
    smaller = _picture(local, 2)
    smaller.thumbnail((400, 400))
    pid = cpg.upload(_jpeg(smaller, 60), album="Alice's garden", title="smaller", filename="smaller.jpg").id
    remote = cpg.photos("Alice's garden")
    result, remote_only = gk.match(local, remote)
    got = _by_name(result)
    assert [got[n][1] for n in local["name"].iloc[:3]] == ["marker", "marker", "phash"]
    assert got[local["name"].iloc[2]][0] == int(pid)
    seeded = set(remote["id"]) - {got[n][0] for n in local["name"].iloc[:3]}
    assert set(remote_only["id"]) == seeded and len(seeded) > 0


def test_a_remote_photo_is_the_copy_of_one_local_photo_at_most(sandbox, tmp_path):
    twice = gk.scan(gk.sandbox.sample_photos(tmp_path / "a", 1), progress=False)
    other = gk.sandbox.sample_photos(tmp_path / "b", 1, start=pd.Timestamp("2025-07-05 08:30").to_pydatetime())
    with Image.open(next(other.iterdir())) as im:  # the same picture, another encoding: another digest
        again = im.convert("RGB")
    again.save(tmp_path / "a" / "copy.jpg", "JPEG", quality=70)
    local = gk.scan(tmp_path / "a", progress=False)
    fotki = sandbox_fotki(sandbox, "alice")
    fotki.upload(twice["path"].iloc[0], album="One", create_album=True, title="one")
    result, _ = gk.match(local, fotki.photos("One"))
    assert result["remote_id"].notna().sum() == 1


def test_bad_input_gets_a_clear_error(local):
    with pytest.raises(ValueError, match="'path' column"):
        gk.match(pd.DataFrame({"x": [1]}), pd.DataFrame({"id": [1]}))
    with pytest.raises(ValueError, match="needs an 'id' column"):
        gk.match(local, pd.DataFrame({"title": ["a"]}))
    with pytest.raises(ValueError, match="pass client="):
        gk.match(local, pd.DataFrame({"id": pd.array([4000000001], dtype="Int64")}))
