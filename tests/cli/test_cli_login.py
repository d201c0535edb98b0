"""``galleryk login fotki`` / ``logout fotki``: the approval flow in a terminal and the token cache it fills."""

from __future__ import annotations

import builtins
import os
import re
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

import galleryk as gk
import galleryk.sandbox as gks
from galleryk.cli import main


@pytest.fixture
def app_env(sandbox: gks.Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The sandbox application's key and secret in the environment, no token; the cache folder it uses."""
    for name in [n for n in os.environ if n.startswith("GALLERYK_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GALLERYK_FOTKI_API_KEY", sandbox.api_key)
    monkeypatch.setenv("GALLERYK_FOTKI_SECRET", sandbox.secret)
    monkeypatch.setenv("GALLERYK_FOTKI_API_URL", sandbox.fotki_api_url)
    monkeypatch.setenv("GALLERYK_FOTKI_AUTH_URL", sandbox.fotki_auth_url)
    monkeypatch.setenv("GALLERYK_CONFIG", str(tmp_path / "no-such-config.ini"))
    cache = tmp_path / "cache"
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(cache))
    return cache


def approve_when_asked(sandbox, monkeypatch, capsys, user="alice", perms="write") -> list[str]:
    """Patch input(): when the command waits for Enter, approve the frob from the printed link as ``user``."""
    shown: list[str] = []

    def fake_input(prompt: str = "") -> str:
        out = capsys.readouterr().out
        shown.append(out)
        link = re.search(r"https?://\S+", out)
        assert link, f"no approval link printed: {out!r}"
        frob = parse_qs(urlparse(link.group(0)).query)["frob"][0]
        sandbox.approve(frob, user, perms)
        return ""

    monkeypatch.setattr(builtins, "input", fake_input)
    return shown


def test_login_prints_a_link_then_signs_in(app_env, sandbox, monkeypatch, capsys):
    shown = approve_when_asked(sandbox, monkeypatch, capsys)
    assert main(["login", "fotki", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert shown and sandbox.fotki_auth_url in shown[0]
    assert "Signed in to Fotki as alice (write)" in out


def test_connect_after_login_reuses_the_cached_token(app_env, sandbox, monkeypatch, capsys):
    approve_when_asked(sandbox, monkeypatch, capsys)
    assert main(["login", "fotki", "--no-browser"]) == 0
    monkeypatch.setattr(builtins, "input", lambda prompt="": pytest.fail("asked for approval again"))
    fotki = gk.connect("fotki")
    assert fotki.username == "alice"
    assert "Harbour walk" in set(fotki.photosets()["title"])


def test_the_token_cache_is_private(app_env, sandbox, monkeypatch, capsys):
    approve_when_asked(sandbox, monkeypatch, capsys)
    assert main(["login", "fotki", "--no-browser"]) == 0
    files = list((app_env / "tokens").glob("*.json"))
    assert files
    assert stat.S_IMODE((app_env / "tokens").stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}


def test_a_second_login_uses_the_cache_without_a_link(app_env, sandbox, monkeypatch, capsys):
    approve_when_asked(sandbox, monkeypatch, capsys)
    assert main(["login", "fotki", "--no-browser"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(builtins, "input", lambda prompt="": pytest.fail("asked for approval again"))
    assert main(["login", "fotki", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "Open this page" not in out
    assert "Signed in to Fotki as alice" in out


def test_logout_forgets_the_cached_token(app_env, sandbox, monkeypatch, capsys):
    approve_when_asked(sandbox, monkeypatch, capsys)
    assert main(["login", "fotki", "--no-browser"]) == 0
    assert main(["logout", "fotki"]) == 0
    assert "forgotten" in capsys.readouterr().out
    assert not gk.connect("fotki").authorized
    assert not gk.connect("fotki", user="alice").authorized  # the copy cached under the user's name too
    assert not list((app_env / "tokens").glob("*.json"))


def test_login_output_shows_no_secret_or_token(app_env, sandbox, monkeypatch, capsys):
    shown = approve_when_asked(sandbox, monkeypatch, capsys)
    assert main(["login", "fotki", "--no-browser"]) == 0
    captured = capsys.readouterr()
    token = gk.connect("fotki")._current_token()
    assert token is not None
    text = "".join(shown) + captured.out + captured.err
    assert sandbox.secret not in text
    assert token.token not in text


def test_login_without_approval_fails_with_exit_2(app_env, monkeypatch, capsys):
    monkeypatch.setattr(builtins, "input", lambda prompt="": "")  # Enter pressed without approving
    assert main(["login", "fotki", "--no-browser"]) == 2
    assert "not approved yet" in capsys.readouterr().err
