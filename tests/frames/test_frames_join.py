"""Scans and listings of both services join and stack without casts: one datetime unit, <NA> for missing."""

from __future__ import annotations

import warnings

import pandas as pd

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki


def _scan(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.ScanWarning)
        return gk.scan(folder, progress=False)


def test_a_scan_joins_the_fotki_listing_of_its_upload_on_taken_without_a_cast(sandbox, tmp_path):
    local = _scan(gk.sandbox.sample_photos(tmp_path / "photos", 3, broken=True))
    fotki = sandbox_fotki(sandbox, "alice")
    gk.push.push(
        local[local["error"].isna()], fotki, album="Joined", create=True, journal=tmp_path / "j.sqlite3", progress=False
    )
    online = fotki.photo_infos(fotki.photos("Joined")["id"])

    assert local["taken"].dtype == online["taken"].dtype == "datetime64[s]"
    joined = local.merge(online[["id", "taken", "originalformat"]], on="taken", how="left")
    assert joined["taken"].dtype == "datetime64[s]"
    assert joined["id"].notna().sum() == 3 and len(joined) == 4
    assert joined.loc[joined["error"].notna(), "id"].iloc[0] is pd.NA


def test_missing_values_are_na_in_every_nullable_column_of_a_scan_and_the_listings(sandbox, tmp_path):
    local = _scan(gk.sandbox.sample_photos(tmp_path / "photos", 2, broken=True))
    broken = local[local["error"].notna()].iloc[0]
    for column in ("format", "width", "camera_model", "orientation"):
        assert broken[column] is pd.NA, f"{column} holds {broken[column]!r}"

    cpg = sandbox_coppermine(sandbox, "alice")
    stacked = pd.concat(
        [
            local[["name", "taken"]].rename(columns={"name": "title"}),
            cpg.photos("Harbour & Beach")[["title"]],
            sandbox_fotki(sandbox, "alice").photo_infos([4000000001])[["title", "taken"]],
        ],
        ignore_index=True,
    )
    assert stacked["taken"].dtype == "datetime64[s]" and stacked["title"].dtype == "string"
    assert stacked["taken"].isna().sum() == len(cpg.photos("Harbour & Beach"))
    assert str(stacked["taken"].iloc[-1]) == "2024-05-18 22:21:14"
