"""``galleryk login fotki`` / ``logout fotki``: the approval flow with and without a terminal, and the caches it fills."""

from __future__ import annotations

import builtins
import io
import re
import stat
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

import galleryk as gk


def link_in(text: str) -> str:
    found = re.search(r"https?://\S+", text)
    assert found, f"no approval link printed: {text!r}"
    return found.group(0)


def frob_of(link: str) -> str:
    return parse_qs(urlparse(link).query)["frob"][0]


class Terminal(io.StringIO):
    """A stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal())


def approve_when_asked(sandbox, monkeypatch, capsys, user="alice", perms="write") -> list[str]:
    """Patch input(): when the command waits for Enter, approve the frob from the printed link as ``user``."""
    shown: list[str] = []

    def fake_input(prompt: str = "") -> str:
        out = capsys.readouterr().out
        shown.append(out)
        sandbox.approve(frob_of(link_in(out)), user, perms)
        return ""

    monkeypatch.setattr(builtins, "input", fake_input)
    return shown


def pending_files(cache: Path) -> list[Path]:
    return list((cache / "logins").glob("*.json"))


# -- without a terminal: link now, --finish later -----------------------------------------------------
def test_login_without_a_terminal_prints_the_link_and_where_the_pending_login_is_kept(app_env, sandbox, cli):
    r = cli("login", "fotki")
    assert r.code == 0
    link = link_in(r.out)
    assert link.startswith(sandbox.fotki_auth_url + "?")
    (kept,) = pending_files(Path(app_env["GALLERYK_CACHE_DIR"]))
    assert str(kept) in r.out
    assert "galleryk login fotki --finish" in r.out
    assert r.out.count(frob_of(link)) == 1  # only inside the link itself


def test_the_pending_login_file_is_private(app_env, cli):
    assert cli("login", "fotki").code == 0
    cache = Path(app_env["GALLERYK_CACHE_DIR"])
    (kept,) = pending_files(cache)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((cache / "logins").stat().st_mode) == 0o700


def test_finish_after_approval_signs_in_and_forgets_the_pending_login(app_env, sandbox, cli):
    r = cli("login", "fotki")
    sandbox.approve(frob_of(link_in(r.out)), "alice", "write")
    r = cli("login", "fotki", "--finish")
    assert r.code == 0
    assert "Signed in to Fotki as alice (write)" in r.out
    assert pending_files(Path(app_env["GALLERYK_CACHE_DIR"])) == []
    assert gk.connect("fotki").username == "alice"


def test_finish_before_approval_exits_1_saying_what_to_do_and_keeps_the_pending_login(app_env, cli):
    cli("login", "fotki")
    r = cli("login", "fotki", "--finish")
    assert r.code == 1
    (line,) = r.err.strip().splitlines()
    assert line.startswith("galleryk login: Fotki has not seen your approval yet")
    assert "galleryk login fotki --finish" in line
    assert len(pending_files(Path(app_env["GALLERYK_CACHE_DIR"]))) == 1


def test_finish_with_no_login_started_is_a_usage_error(app_env, cli):
    r = cli("login", "fotki", "--finish")
    assert r.code == 2
    assert r.err.strip() == "galleryk login: no Fotki login is waiting to be finished: run `galleryk login fotki` first"


def test_the_two_steps_work_as_separate_processes_with_no_terminal(app_env, sandbox, process):
    first = process("login", "fotki", env=app_env)
    assert (first.code, first.err) == (0, "")
    sandbox.approve(frob_of(link_in(first.out)), "bob", "write")
    second = process("login", "fotki", "--finish", env=app_env)
    assert second.code == 0, second.err
    assert "Signed in to Fotki as bob (write)" in second.out
    listed = process("albums", "-s", "fotki", env=app_env)
    assert listed.code == 0, listed.err


# -- with a terminal: wait for Enter --------------------------------------------------------------------
def test_login_in_a_terminal_waits_for_enter_then_signs_in(app_env, sandbox, monkeypatch, capsys, terminal):
    from galleryk.cli import main

    shown = approve_when_asked(sandbox, monkeypatch, capsys)
    assert main(["login", "fotki", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert shown and sandbox.fotki_auth_url in shown[0]
    assert "Signed in to Fotki as alice (write)" in out
    assert pending_files(Path(app_env["GALLERYK_CACHE_DIR"])) == []


def test_enter_without_approving_exits_1_naming_finish(app_env, monkeypatch, cli, terminal):
    monkeypatch.setattr(builtins, "input", lambda prompt="": "")
    r = cli("login", "fotki", "--no-browser")
    assert r.code == 1
    assert "galleryk login fotki --finish" in r.err
    assert len(pending_files(Path(app_env["GALLERYK_CACHE_DIR"]))) == 1


def test_a_closed_stdin_at_the_prompt_leaves_the_login_to_finish_later(app_env, monkeypatch, cli, terminal):
    def closed(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", closed)
    r = cli("login", "fotki", "--no-browser")
    assert (r.code, r.err) == (0, "")
    assert "galleryk login fotki --finish" in r.out


# -- the token cache ----------------------------------------------------------------------------------------
@pytest.fixture
def signed_in(app_env, sandbox, cli) -> Path:
    """Alice signed in through the two steps; the cache folder."""
    sandbox.approve(frob_of(link_in(cli("login", "fotki").out)), "alice", "write")
    assert cli("login", "fotki", "--finish").code == 0
    return Path(app_env["GALLERYK_CACHE_DIR"])


def test_the_token_cache_is_private(signed_in):
    files = list((signed_in / "tokens").glob("*.json"))
    assert files
    assert stat.S_IMODE((signed_in / "tokens").stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}


def test_a_second_login_uses_the_cache_without_a_link(signed_in, cli):
    r = cli("login", "fotki")
    assert r.code == 0
    assert "http" not in r.out
    assert "Already signed in to Fotki as alice (write)" in r.out


def test_asking_for_more_permission_starts_a_new_login(signed_in, cli):
    r = cli("login", "fotki", "--perms", "delete")
    assert r.code == 0
    assert "perms=delete" in link_in(r.out)


def test_logout_forgets_the_cached_token(signed_in, cli):
    r = cli("logout", "fotki")
    assert r.code == 0 and "forgotten" in r.out
    assert not gk.connect("fotki").signed_in
    assert not gk.connect("fotki", user="alice").signed_in  # the copy cached under the user's name too
    assert not list((signed_in / "tokens").glob("*.json"))


def test_login_output_shows_no_secret_or_token(app_env, sandbox, cli):
    first = cli("login", "fotki")
    sandbox.approve(frob_of(link_in(first.out)), "alice", "write")
    second = cli("login", "fotki", "--finish")
    token = gk.connect("fotki").check_token()
    for text in (first.text, second.text):
        assert sandbox.secret not in text
        assert token.token not in text


# -- Coppermine ----------------------------------------------------------------------------------------------
def test_login_coppermine_checks_the_password(app_env, cli):
    r = cli("login", "coppermine")
    assert r.code == 0
    assert "Signed in to the Coppermine gallery" in r.out and "as alice" in r.out


def test_login_coppermine_with_a_wrong_password_names_the_setting(app_env, cli, monkeypatch):
    monkeypatch.setenv("GALLERYK_COPPERMINE_PASSWORD", "wrong-wrong-wrong")
    r = cli("login", "coppermine")
    assert r.code == 2
    assert "GALLERYK_COPPERMINE_PASSWORD" in r.err and "wrong-wrong-wrong" not in r.text
