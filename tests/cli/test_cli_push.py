"""``galleryk push``: the summary (what was uploaded, skipped and failed, and why), the album and its link, the journal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from galleryk.access import sandbox_coppermine, sandbox_fotki


def summary_rows(out: str) -> list[list[str]]:
    """The rows of the summary table under its "status files why" header, split into status, count and why."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == ["status", "files", "why"])
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith("total:"):
            break
        status, count, *why = line.split(maxsplit=2)
        rows.append([status, count, why[0] if why else ""])
    return rows


def field(out: str, name: str) -> str:
    found = re.search(rf"^{name}:\s+(.*)$", out, re.M)
    assert found, f"no {name}: line in {out!r}"
    return found.group(1)


def test_a_push_prints_the_summary_album_link_and_journal(cli_env, cli, good_folder):
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "CLI trip", "--create")
    assert r.code == 0, r.err
    assert summary_rows(r.out) == [["uploaded", "3", ""]]
    assert field(r.out, "total") == "3 uploaded"
    album = field(r.out, "album")
    assert re.fullmatch(r"'CLI trip', Fotki photoset \d+", album)
    assert field(r.out, "link").startswith("http://127.0.0.1:")
    assert Path(field(r.out, "journal")).is_file()


def test_a_rerun_skips_everything_and_says_why(cli_env, cli, good_folder):
    assert cli("push", str(good_folder), "--to", "fotki", "--album", "CLI trip", "--create").code == 0
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "CLI trip", "--create")
    assert r.code == 0
    assert summary_rows(r.out) == [["skipped", "3", "done in an earlier run (seen on the service)"]]
    target = good_folder.parent / "listed.csv"
    assert cli("photos", "-s", "fotki", "-a", "CLI trip", "--csv", str(target)).code == 0
    assert len(pd.read_csv(target)) == 3


def test_an_unreadable_file_is_one_plain_failed_line_and_the_exit_status_is_1(cli_env, cli, mixed_folder):
    r = cli("push", str(mixed_folder), "--to", "fotki", "--album", "Mixed", "--create")
    assert r.code == 1
    rows = summary_rows(r.out)
    assert rows[0] == ["uploaded", "2", ""]
    assert rows[1][:2] == ["failed", "1"] and rows[1][2].startswith("notes_not_a_photo.jpg: ")
    assert "not an image" in rows[1][2]
    assert r.err.strip() == (
        "galleryk push: 1 of 3 files failed (see above); running it again will not help them: the files (or the "
        "album) need fixing first"
    )
    assert "run the same command again to resume or retry" not in r.out  # a retry cannot fix a text file
    assert "ScanWarning" not in r.text and "error' column" not in r.text and "warnings.warn" not in r.text


def test_a_wrong_album_is_one_line_with_the_choices_and_the_flag_that_creates_it(cli_env, cli, good_folder):
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "Nope")
    assert (r.code, r.out) == (2, "")  # said before the folder is scanned
    assert r.err.strip() == (
        "galleryk push: no photoset 'Nope' on Fotki; photosets you may upload to: 'Harbour walk', 'Old town weekend', "
        "'Garden days'; add --create to make it"
    )


def test_coppermine_without_album_lists_the_albums_you_may_upload_to(cli_env, cli, good_folder):
    r = cli("push", str(good_folder), "--to", "coppermine")
    assert (r.code, r.out) == (2, "")
    (line,) = r.err.strip().splitlines()
    assert line.startswith(
        "galleryk push: pushing to Coppermine needs --album (an id or a title); albums you may upload to: "
    )
    for title in ("Harbour & Beach", "Alice's holidays"):
        assert repr(title) in line


def test_create_with_an_album_id_says_albums_are_made_from_titles(cli_env, cli, good_folder):
    r = cli("push", str(good_folder), "--to", "coppermine", "--album", "77", "--create")
    assert (r.code, r.out) == (2, "")
    (line,) = r.err.strip().splitlines()
    assert line.startswith("galleryk push: no album '77' on Coppermine; albums you may upload to: ")
    assert line.endswith("; --create makes an album from a title, not from an id")


def test_create_on_a_gallery_with_the_cpgapi_makes_the_album(cli_env, cli, good_folder, sandbox):
    r = cli("push", str(good_folder), "--to", "coppermine", "--album", "New album", "--create")  # cpgAPI mode
    assert r.code == 0, r.err
    albums = sandbox_coppermine(sandbox, "alice").albums()
    assert (albums["title"] == "New album").sum() == 1


def test_a_coppermine_push_links_to_the_album_page(cli_env, cli, good_folder, sandbox):
    r = cli("push", str(good_folder), "--to", "coppermine", "--album", "Alice's garden")
    assert r.code == 0, r.err
    assert summary_rows(r.out) == [["uploaded", "3", ""]]
    assert field(r.out, "album") == '"Alice\'s garden", Coppermine album 6'
    assert field(r.out, "link") == f"{sandbox.coppermine_url}/thumbnails.php?album=6"


def test_a_push_with_no_album_says_where_the_photos_went(cli_env, cli, good_folder):
    r = cli("push", str(good_folder), "--to", "fotki")
    assert r.code == 0, r.err
    assert field(r.out, "album") == "none (the photos are on Fotki, in no photoset)"


def test_the_report_csv_has_one_row_per_file_named_relative_to_the_folder(cli_env, cli, mixed_folder, tmp_path):
    report = tmp_path / "report.csv"
    r = cli("push", str(mixed_folder), "--to", "fotki", "-a", "Reported", "--create", "--report", str(report))
    assert r.code == 1
    rows = pd.read_csv(report).set_index("file")
    assert rows.loc["notes_not_a_photo.jpg", "status"] == "failed"
    assert list(rows["status"]).count("uploaded") == 2


def test_pushing_without_a_fotki_token_says_to_log_in(app_env, cli, good_folder):
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "X", "--create")
    assert r.code == 2
    assert r.err.strip() == "galleryk push: not signed in to Fotki: run `galleryk login fotki`"


@pytest.mark.parametrize(
    "argv, flag",
    [
        (["--resize", "0"], "--resize"),
        (["--workers", "many"], "--workers"),
    ],
)
def test_bad_values_are_usage_errors_naming_the_flag(cli_env, cli, good_folder, argv, flag):
    r = cli("push", str(good_folder), "--to", "fotki", *argv)
    assert r.code == 2
    (line,) = r.err.strip().splitlines()
    assert flag in line


def test_a_missing_folder_is_a_usage_error(cli_env, cli, tmp_path):
    r = cli("push", str(tmp_path / "nowhere"), "--to", "fotki", "-a", "X")
    assert r.code == 2
    assert "is not a folder" in r.err


def test_piped_output_has_no_progress_frames(cli_env, process, good_folder, mixed_folder):
    r = process("push", str(mixed_folder), "--to", "fotki", "--album", "Piped", "--create", env=cli_env)
    assert r.code == 1
    assert "\r" not in r.out and "\r" not in r.err
    assert summary_rows(r.out)[0] == ["uploaded", "2", ""]


def test_with_both_streams_in_one_pipe_the_failure_line_comes_after_the_summary(cli_env, mixed_folder):
    script = Path(sys.executable).with_name("galleryk")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "galleryk.cli"]
    env = {**os.environ, **cli_env}
    env.pop("PYTHONUNBUFFERED", None)  # stdout block-buffered into a pipe, as it is for users
    done = subprocess.run(
        [*argv, "push", str(mixed_folder), "--to", "fotki", "-a", "Both", "--create"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 1
    assert lines[0].startswith("Pushing 3 files from ")
    assert lines[-1].startswith("galleryk push: 1 of 3 files failed")


def test_an_interrupted_push_lists_what_was_not_pushed_and_exits_130(cli_env, cli, good_folder, monkeypatch):
    import importlib
    import threading

    engine = importlib.import_module("galleryk.push")  # the package; galleryk.push is also the function
    real = engine.push

    def interrupted(*args, **kwargs):
        stop = threading.Event()
        stop.set()  # what Ctrl-C does: the push stops between items
        return real(*args, cancel=stop, **kwargs)

    monkeypatch.setattr(engine, "push", interrupted)
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "Stopped", "--create")
    assert r.code == 130
    assert summary_rows(r.out) == [["cancelled", "3", "cancelled before it started"]]  # one line, not one per file
    assert r.err.strip() == (
        "galleryk push: interrupted, 3 of 3 files not pushed; run the same command again to resume"
    )


def test_a_journal_that_is_not_one_is_refused_naming_the_flag(cli_env, cli, good_folder, tmp_path):
    journal = tmp_path / "notes.txt"
    journal.write_text("my shopping list\n" * 200)
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "J", "--create", "--journal", str(journal))
    assert r.code == 2
    (line,) = r.err.strip().splitlines()
    assert line.startswith(f"galleryk push: {journal} is not a galleryk journal") and "--journal" in line
    assert journal.read_text() == "my shopping list\n" * 200


def test_tags_given_on_the_command_line_reach_the_photos(cli_env, cli, good_folder, sandbox):
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "Tagged", "--create", "--tags", "sea, boats")
    assert r.code == 0, r.err
    fotki = sandbox_fotki(sandbox, "alice")
    (photo_id, *_) = fotki.photos("Tagged")["id"].tolist()
    assert {"sea", "boats"} <= set(fotki.photo_info(photo_id)["tags"])


def test_comma_separated_tags_may_hold_spaces_and_the_marker_can_go_in_the_description(
    cli_env, cli, good_folder, sandbox
):
    r = cli(
        "push",
        str(good_folder),
        "--to",
        "fotki",
        "--album",
        "Marked",
        "--create",
        "--tags",
        "Old town, sea",
        "--marker",
        "description",
    )
    assert r.code == 0, r.err
    fotki = sandbox_fotki(sandbox, "alice")
    info = fotki.photo_info(fotki.photos("Marked")["id"].iloc[0])
    assert {"Old town", "sea"} <= set(
        fotki.call("flickr.photos.getInfo", photo_id=str(info["id"])).xpath("tags/tag/@raw")
    )
    assert not any(t.startswith("galleryk") for t in info["tags"]) and "galleryk:sha=" in info["description"]


def test_without_a_marker_a_rerun_with_a_fresh_journal_cannot_know_the_photos(cli_env, cli, good_folder, tmp_path):
    assert (
        cli(
            "push",
            str(good_folder),
            "--to",
            "fotki",
            "--album",
            "Unmarked",
            "--create",
            "--marker",
            "none",
            "--journal",
            str(tmp_path / "a.sqlite"),
        ).code
        == 0
    )
    r = cli(
        "push",
        str(good_folder),
        "--to",
        "fotki",
        "--album",
        "Unmarked",
        "--marker",
        "none",
        "--journal",
        str(tmp_path / "b.sqlite"),
    )
    assert r.code == 0 and summary_rows(r.out)[0][:2] == ["uploaded", "3"]  # the documented cost of --marker none


def test_a_failure_a_rerun_can_fix_keeps_the_retry_advice(cli_env, cli, good_folder, sandbox):
    sandbox.faults.set("fotki", error_500=1.0, only="upload")  # the service fails: nothing stored, try again later
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "Flaky", "--create")
    sandbox.faults.clear()
    assert r.code == 1
    assert r.err.strip().endswith("run the same command again to retry them")
    assert "(run the same command again to resume or retry: nothing is uploaded twice)" in r.out


def test_a_cache_folder_that_cannot_be_written_is_one_line_naming_it_and_the_variable(
    cli_env, cli, good_folder, sandbox, tmp_path, monkeypatch
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    unwritable = blocker / "cache"  # no one can make a folder inside a file, root included
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(unwritable))
    sandbox.faults.reset_requests("fotki")
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "Nowhere", "--create")
    assert r.code == 2 and r.out == ""
    line = r.err.strip()
    assert "\n" not in line and str(unwritable) in line and "GALLERYK_CACHE_DIR" in line
    assert "Traceback" not in r.err and "Error" not in r.err
    assert sandbox.request_log("fotki").uploads == 0


def test_a_title_naming_two_albums_prints_plain_ids_and_how_to_pick_one(cli_env, cli, good_folder, sandbox):
    sandbox.settings.coppermine_api = False
    cpg = sandbox_coppermine(sandbox, "alice")
    first, second = cpg.create_album("Twice"), cpg.create_album("Twice")
    r = cli("push", str(good_folder), "--to", "coppermine", "--album", "Twice")
    assert r.code == 2
    assert f"(ids {first}, {second})" in r.err and "--album" in r.err and "galleryk albums" in r.err
    assert "int64" not in r.err


def test_an_album_you_may_not_upload_to_says_so_by_name(cli_env, cli, good_folder, sandbox):
    r = cli("push", str(good_folder), "--to", "coppermine", "--album", "City walks")
    assert r.code == 2
    assert "you may not upload to the Coppermine album 'City walks'" in r.err
    assert "no album" not in r.err


def test_a_token_revoked_during_a_push_stops_it_with_the_command_to_sign_in_again(
    app_env, sandbox, good_folder, tmp_path, make_photos_for_cli
):
    from galleryk.fotki import Fotki

    def sign_in() -> None:  # as `galleryk login fotki` does: the token cached on disk, for the next commands
        client = Fotki(
            sandbox.api_key,
            sandbox.secret,
            api_url=sandbox.fotki_api_url,
            auth_url=sandbox.fotki_auth_url,
            token_cache="file",
        )
        frob = client.get_frob()
        sandbox.approve(frob, "alice", "write")
        client.get_token(frob)

    folder = make_photos_for_cli(tmp_path / "many", 24)
    sign_in()
    sandbox.faults.reset_requests("fotki")
    sandbox.faults.set("fotki", latency=0.03)  # a push long enough for the revocation to fall in its middle
    argv = ["push", str(folder), "--to", "fotki", "--album", "Revoked", "--create", "--workers", "2"]
    child = subprocess.Popen(
        [*_galleryk(), *argv], env={**os.environ, **app_env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert _until(lambda: sandbox.request_log("fotki").stored >= 4), "the push did not get going"
        sandbox.revoke_tokens("alice")
        revoked = time.monotonic()  # the sandbox runs in this process: its log's clock
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    sandbox.faults.clear()
    uploads_after = sum(1 for h in sandbox.request_log("fotki").hits if h.name == "upload" and h.at > revoked)
    assert child.returncode == 2, err
    assert uploads_after <= 2  # the two under way; none started after the first refusal, none unsigned
    assert err.count("\n") == 1 and "galleryk login fotki" in err and "Traceback" not in err
    sign_in()
    again = subprocess.run(
        [*_galleryk(), *argv], env={**os.environ, **app_env}, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    titles = Counter(sandbox_fotki(sandbox, "alice").photos("Revoked")["title"])
    assert sorted(titles.values()) == [1] * 24 and len(titles) == 24


def _galleryk() -> list[str]:
    script = Path(sys.executable).with_name("galleryk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "galleryk.cli"]


def _until(condition, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def make_photos_for_cli():
    from PIL import Image

    def make(folder: Path, count: int) -> Path:
        folder.mkdir(parents=True)
        for i in range(count):
            Image.new("RGB", (64, 48), ((i * 37) % 256, (i * 91) % 256, 90)).save(folder / f"many_{i:03d}.jpg")
        return folder

    return make
