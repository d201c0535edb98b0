"""``galleryk albums`` and ``galleryk photos`` against a sandbox: the tables, CSV files, and what a wrong name says."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

FOTKI_TITLES = ["Harbour walk", "Old town weekend", "Garden days"]
COPPERMINE_TITLES = ["Harbour & Beach", "Alice's holidays", "Members' corner"]


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_albums_fotki_lists_ids_and_titles_in_their_own_columns(cli_env, cli):
    r = cli("albums", "--service", "fotki")
    assert r.code == 0
    header, *rows = r.out.splitlines()
    assert header.split()[:2] == ["id", "title"]
    assert any(row.split()[:3] == ["72157000001", "Harbour", "walk"] for row in rows)
    for title in FOTKI_TITLES:
        assert title in r.out


def test_albums_coppermine_lists_the_seeded_albums(cli_env, cli):
    r = cli("albums", "-s", "coppermine")
    assert r.code == 0
    for title in COPPERMINE_TITLES:
        assert title in r.out


def test_albums_csv_writes_the_table_to_a_file(cli_env, cli, tmp_path):
    target = tmp_path / "sets.csv"
    r = cli("albums", "--service", "fotki", "--csv", str(target))
    assert r.code == 0
    assert f"3 rows written to {target}" in r.out
    assert sorted(pd.read_csv(target)["title"]) == sorted(FOTKI_TITLES)


def test_a_csv_file_in_a_missing_folder_is_refused_naming_the_flag(cli_env, cli, tmp_path):
    r = cli("albums", "--service", "fotki", "--csv", str(tmp_path / "nowhere" / "sets.csv"))
    assert r.code == 2
    assert one_line(r.err).startswith("galleryk albums: --csv ")
    assert "does not exist" in r.err


def test_photos_of_a_fotki_set_by_title(cli_env, cli):
    r = cli("photos", "--service", "fotki", "--album", "Harbour walk")
    assert r.code == 0
    assert "Harbour 1" in r.out and "Garden 8" in r.out
    assert "Old town 9" not in r.out  # the first photo of the next set


def test_photos_of_a_fotki_set_by_id_with_a_limit(cli_env, cli):
    r = cli("photos", "--service", "fotki", "--album", "72157000001", "--limit", "2")
    assert r.code == 0
    assert len(r.out.strip().splitlines()) == 3  # header and two photos


def test_photos_of_a_coppermine_album_to_csv(cli_env, cli, tmp_path):
    target = tmp_path / "harbour.csv"
    r = cli("photos", "-s", "coppermine", "-a", "Harbour & Beach", "--csv", str(target))
    assert r.code == 0
    listed = pd.read_csv(target)
    assert "Harbour 1" in set(listed["title"])
    assert set(listed["album_id"]) == {1}


def test_photos_coppermine_without_album_is_a_usage_error_naming_the_flag(cli_env, cli):
    r = cli("photos", "-s", "coppermine")
    assert r.code == 2
    assert "--album" in one_line(r.err)


@pytest.mark.parametrize(
    "service, album, expected",
    [
        (
            "fotki",
            "No such set",
            "galleryk photos: no photoset 'No such set' on Fotki; photosets you can see: 'Harbour walk', ",
        ),
        (
            "coppermine",
            "No such album",
            "galleryk photos: no album 'No such album' on Coppermine; albums you can see: ",
        ),
    ],
)
def test_a_wrong_album_name_is_one_line_listing_the_real_ones_without_an_error_code(
    cli_env, cli, service, album, expected
):
    r = cli("photos", "-s", service, "-a", album)
    assert r.code == 2
    line = one_line(r.err)
    assert line.startswith(expected)
    assert not re.search(r"\b(1|19): ", line) and "error" not in line.lower()


def test_an_unknown_fotki_photoset_id_says_so_in_words(cli_env, cli):
    r = cli("photos", "-s", "fotki", "-a", "999")
    assert r.code == 2
    assert one_line(r.err).startswith("galleryk photos: no photoset '999' on Fotki; photosets you can see:")


def test_a_negative_limit_is_a_usage_error_naming_the_flag(cli_env, cli):
    r = cli("photos", "-s", "fotki", "--limit", "-1")
    assert r.code == 2
    assert "--limit" in one_line(r.err)


@pytest.mark.parametrize(
    "service, names",
    [
        ("fotki", ["GALLERYK_FOTKI_API_KEY", "GALLERYK_FOTKI_SECRET"]),
        ("coppermine", ["GALLERYK_COPPERMINE_URL"]),
    ],
)
def test_missing_credentials_exit_2_naming_the_env_vars_and_the_config_file(cli_env, cli, monkeypatch, service, names):
    for name in [n for n in cli_env if n.startswith(f"GALLERYK_{service.upper()}_")]:
        monkeypatch.delenv(name)
    r = cli("albums", "--service", service)
    assert (r.code, r.out) == (2, "")
    line = one_line(r.err)
    for name in names:
        assert name in line
    assert cli_env["GALLERYK_CONFIG"] in line
    assert "run `galleryk sandbox --seed`" in line  # there is no config file yet: a first try


def test_a_bad_config_file_exits_2_naming_the_key(cli_env, cli):
    config = Path(cli_env["GALLERYK_CONFIG"])
    config.write_text("[fotki]\napi_kee = abc\n")
    config.chmod(0o600)
    r = cli("albums", "--service", "fotki")
    assert r.code == 2
    assert "api_kee" in one_line(r.err)


def test_a_wrong_coppermine_password_names_the_setting_without_showing_it(cli_env, cli, monkeypatch):
    monkeypatch.setenv("GALLERYK_COPPERMINE_PASSWORD", "not-the-password-1234")
    r = cli("albums", "-s", "coppermine")
    assert r.code == 2
    line = one_line(r.err)
    assert line.startswith("galleryk albums: the Coppermine gallery refused to sign you in")
    assert "GALLERYK_COPPERMINE_PASSWORD" in line
    assert "not-the-password-1234" not in r.text


def test_no_secret_appears_in_any_output(cli_env, cli, good_folder, mixed_folder):
    commands = [
        ["albums", "-s", "fotki"],
        ["albums", "-s", "coppermine"],
        ["photos", "-s", "fotki", "-a", "Harbour walk"],
        ["photos", "-s", "coppermine", "-a", "1"],
        ["photos", "-s", "fotki", "-a", "No such set"],
        ["push", str(good_folder), "--to", "fotki", "-a", "S", "--create"],
        ["push", str(mixed_folder), "--to", "coppermine", "-a", "Alice's garden"],
        ["push", str(good_folder), "--to", "coppermine"],
        ["--debug", "photos", "-s", "coppermine", "-a", "No such album"],
    ]
    results = [cli(*argv) for argv in commands]
    assert [r.code for r in results] == [0, 0, 0, 0, 2, 0, 1, 2, 2]
    secrets = [cli_env[k] for k in ("GALLERYK_FOTKI_SECRET", "GALLERYK_FOTKI_TOKEN", "GALLERYK_COPPERMINE_PASSWORD")]
    for secret in secrets:
        assert not any(secret in r.text for r in results)


def test_the_installed_command_lists_albums_in_a_subprocess(cli_env, process):
    r = process("albums", "--service", "fotki", env=cli_env)
    assert r.code == 0, r.err
    assert "Harbour walk" in r.out
    for key in ("GALLERYK_FOTKI_SECRET", "GALLERYK_FOTKI_TOKEN"):
        assert cli_env[key] not in r.text


def test_photos_on_screen_leave_the_long_urls_to_the_csv_file(cli_env, cli, tmp_path):
    r = cli("photos", "-s", "coppermine", "-a", "Harbour & Beach")
    assert r.code == 0
    assert r.out.splitlines()[0].split() == ["id", "album_id", "title", "description", "tags", "taken", "filename"]
    target = tmp_path / "all.csv"
    assert cli("photos", "-s", "coppermine", "-a", "Harbour & Beach", "--csv", str(target)).code == 0
    assert {"thumb_url", "url", "page_url"} <= set(pd.read_csv(target).columns)


def test_a_reader_that_stops_early_gets_no_error_message(cli_env):
    """As in "galleryk photos ... | head -1": the pipe closes before the table is written."""
    import os
    import subprocess
    import sys

    script = Path(sys.executable).with_name("galleryk")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "galleryk.cli"]
    env = {**os.environ, **cli_env}
    env.pop("PYTHONUNBUFFERED", None)
    proc = subprocess.Popen(
        [*argv, "albums", "-s", "fotki"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert err == ""
