"""The everyday ``galleryk`` commands (albums, photos, push) against a sandbox, with credentials from env vars."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import galleryk.sandbox as gks
from galleryk.cli import main
from galleryk.cli.demo import make_photos

pytestmark = [
    pytest.mark.filterwarnings("ignore::galleryk.InsecureGalleryWarning"),  # the sandbox is plain http
    pytest.mark.filterwarnings("ignore::galleryk.ScanWarning"),  # the broken files are put there on purpose
]

FOTKI_TITLES = ["Harbour walk", "Old town weekend", "Garden days"]
COPPERMINE_TITLES = ["Harbour & Beach", "Alice's holidays", "Members' corner"]


@pytest.fixture
def cli_env(sandbox: gks.Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Credentials for Alice on both services in the environment; caches and config kept under tmp_path."""
    for name in [n for n in os.environ if n.startswith("GALLERYK_")]:
        monkeypatch.delenv(name)
    token = sandbox.fotki("alice")._current_token()
    assert token is not None
    env = {
        "GALLERYK_FOTKI_API_KEY": sandbox.api_key,
        "GALLERYK_FOTKI_SECRET": sandbox.secret,
        "GALLERYK_FOTKI_API_URL": sandbox.fotki_api_url,
        "GALLERYK_FOTKI_AUTH_URL": sandbox.fotki_auth_url,
        "GALLERYK_FOTKI_TOKEN": token.token,
        "GALLERYK_COPPERMINE_URL": sandbox.coppermine_url,
        "GALLERYK_COPPERMINE_USER": "alice",
        "GALLERYK_COPPERMINE_PASSWORD": sandbox.users["alice"],
        "GALLERYK_CACHE_DIR": str(tmp_path / "cache"),
        "GALLERYK_CONFIG": str(tmp_path / "no-such-config.ini"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def secrets_of(env: dict[str, str]) -> list[str]:
    return [env[k] for k in ("GALLERYK_FOTKI_SECRET", "GALLERYK_FOTKI_TOKEN", "GALLERYK_COPPERMINE_PASSWORD")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run one command in-process; its exit code, stdout and stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # what the interpreter would do with it: a message means exit status 1
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def good_folder(tmp_path: Path) -> Path:
    """Three readable generated JPEGs."""
    folder = make_photos(tmp_path / "photos", 3)
    (folder / "notes_not_a_photo.jpg").unlink()
    return folder


def test_albums_fotki_lists_the_seeded_photosets(cli_env, capsys):
    code, out, _ = run(capsys, "albums", "--service", "fotki")
    assert code == 0
    for title in FOTKI_TITLES:
        assert title in out


def test_albums_coppermine_lists_the_seeded_albums(cli_env, capsys):
    code, out, _ = run(capsys, "albums", "-s", "coppermine")
    assert code == 0
    for title in COPPERMINE_TITLES:
        assert title in out


def test_albums_csv_writes_the_table_to_a_file(cli_env, capsys, tmp_path):
    target = tmp_path / "sets.csv"
    code, out, _ = run(capsys, "albums", "--service", "fotki", "--csv", str(target))
    assert code == 0
    assert f"3 rows written to {target}" in out
    assert sorted(pd.read_csv(target)["title"]) == sorted(FOTKI_TITLES)


def test_photos_of_a_fotki_set_by_title(cli_env, capsys):
    code, out, _ = run(capsys, "photos", "--service", "fotki", "--album", "Harbour walk")
    assert code == 0
    assert "Harbour 1" in out and "Garden 8" in out
    assert "Old town 9" not in out  # the first photo of the next set


def test_photos_of_a_coppermine_album_to_csv(cli_env, capsys, tmp_path):
    target = tmp_path / "harbour.csv"
    code, _, _ = run(capsys, "photos", "-s", "coppermine", "-a", "Harbour & Beach", "--csv", str(target))
    assert code == 0
    listed = pd.read_csv(target)
    assert "Harbour 1" in set(listed["title"])
    assert set(listed["album"]) == {1}


def test_photos_coppermine_without_album_is_a_usage_error(cli_env, capsys):
    code, _, err = run(capsys, "photos", "-s", "coppermine")
    assert code == 2
    assert "--album" in err


def test_push_to_fotki_creates_the_set_and_a_rerun_skips_everything(cli_env, capsys, good_folder):
    code, out, _ = run(capsys, "push", str(good_folder), "--to", "fotki", "--album", "CLI trip", "--create")
    assert (code, out.splitlines()[0]) == (0, "3 uploaded")
    code, out, _ = run(capsys, "push", str(good_folder), "--to", "fotki", "--album", "CLI trip", "--create")
    assert (code, out.splitlines()[0]) == (0, "3 skipped")
    code, out, _ = run(capsys, "photos", "-s", "fotki", "-a", "CLI trip", "--csv", str(good_folder.parent / "t.csv"))
    assert len(pd.read_csv(good_folder.parent / "t.csv")) == 3


def test_push_writes_its_report_as_csv(cli_env, capsys, good_folder, tmp_path):
    report = tmp_path / "report.csv"
    code, _, _ = run(capsys, "push", str(good_folder), "--to", "fotki", "-a", "Reported", "--create",
                     "--report", str(report))
    assert code == 0
    assert list(pd.read_csv(report)["status"]) == ["uploaded"] * 3


def test_push_with_a_broken_file_exits_1_and_names_it(cli_env, capsys, tmp_path):
    folder = make_photos(tmp_path / "mixed", 2)  # two photos and notes_not_a_photo.jpg
    code, out, err = run(capsys, "push", str(folder), "--to", "fotki", "--album", "Mixed", "--create")
    assert code == 1
    assert "2 uploaded" in out and "1 failed" in out
    assert "notes_not_a_photo.jpg" in err


def test_push_to_coppermine_without_album_lists_the_albums(cli_env, capsys, good_folder):
    code, _, err = run(capsys, "push", str(good_folder), "--to", "coppermine")
    assert code == 2
    assert "album" in err
    for title in ("Harbour & Beach", "Alice's holidays"):
        assert title in err


def test_push_to_coppermine_album(cli_env, capsys, good_folder):
    code, out, _ = run(capsys, "push", str(good_folder), "--to", "coppermine", "--album", "Alice's garden")
    assert (code, out.splitlines()[0]) == (0, "3 uploaded")


def test_push_of_a_missing_folder_is_an_error(cli_env, capsys, tmp_path):
    code, _, err = run(capsys, "push", str(tmp_path / "nowhere"), "--to", "fotki", "-a", "X")
    assert code == 2
    assert "is not a folder" in err


@pytest.mark.parametrize("service, names", [
    ("fotki", ["GALLERYK_FOTKI_API_KEY", "GALLERYK_FOTKI_SECRET"]),
    ("coppermine", ["GALLERYK_COPPERMINE_URL"]),
])
def test_missing_credentials_exit_2_naming_the_env_vars(cli_env, capsys, monkeypatch, service, names):
    for name in [n for n in cli_env if n.startswith(f"GALLERYK_{service.upper()}_")]:
        monkeypatch.delenv(name)
    code, out, err = run(capsys, "albums", "--service", service)
    assert code == 2
    assert out == ""
    for name in names:
        assert name in err
    assert cli_env["GALLERYK_CONFIG"] in err


def test_a_bad_config_file_exits_2_naming_the_key(cli_env, capsys, tmp_path):
    config = Path(cli_env["GALLERYK_CONFIG"])
    config.write_text("[fotki]\napi_kee = abc\n")
    config.chmod(0o600)
    code, _, err = run(capsys, "albums", "--service", "fotki")
    assert code == 2
    assert "api_kee" in err


def test_no_secret_appears_in_any_output(cli_env, capsys, tmp_path, good_folder):
    broken = make_photos(tmp_path / "broken", 1)
    commands = [
        ["albums", "-s", "fotki"],
        ["albums", "-s", "coppermine"],
        ["photos", "-s", "fotki", "-a", "Harbour walk"],
        ["photos", "-s", "coppermine", "-a", "1"],
        ["photos", "-s", "fotki", "-a", "No such set"],
        ["push", str(good_folder), "--to", "fotki", "-a", "S", "--create"],
        ["push", str(broken), "--to", "coppermine", "-a", "Alice's garden"],
        ["push", str(good_folder), "--to", "coppermine"],
    ]
    outputs = []
    codes = []
    for argv in commands:
        code, out, err = run(capsys, *argv)
        codes.append(code)
        outputs.append(out + err)
    assert codes == [0, 0, 0, 0, 2, 0, 1, 2]
    for secret in secrets_of(cli_env):
        assert not any(secret in text for text in outputs)


def test_a_wrong_password_exits_2_without_showing_it(cli_env, capsys, monkeypatch):
    monkeypatch.setenv("GALLERYK_COPPERMINE_PASSWORD", "not-the-password-1234")
    code, _, err = run(capsys, "albums", "-s", "coppermine")
    assert code == 2
    assert err.startswith("galleryk albums:")
    assert "not-the-password-1234" not in err


def test_the_installed_command_runs_in_a_subprocess(cli_env):
    script = Path(sys.executable).with_name("galleryk")
    argv = [str(script)] if script.exists() else [sys.executable, "-c", "import sys; from galleryk.cli import main; sys.exit(main())"]
    done = subprocess.run([*argv, "albums", "--service", "fotki"], env={**os.environ, **cli_env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Harbour walk" in done.stdout
    for secret in secrets_of(cli_env):
        assert secret not in done.stdout + done.stderr
