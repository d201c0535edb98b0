"""``gk.accounts()``: a sandbox of its own unless the CLI's settings say otherwise; never a real account by accident."""

from __future__ import annotations

from pathlib import Path

import pytest

import galleryk as gk
from galleryk.access.accounts import settings_in_environment
from galleryk.base.settings import write_config


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in settings_in_environment():
        monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_with_no_settings_a_sandbox_of_its_own_even_beside_a_default_config_file(tmp_path: Path):
    write_config(
        tmp_path / "xdg" / "galleryk" / "config.ini",
        {"fotki": {"api_key": "real-key", "secret": "real-secret"}, "coppermine": {"url": "https://example.org/g"}},
    )
    acc = gk.accounts()
    data = acc.sandbox.data_dir
    try:
        assert acc.is_sandbox and acc.fotki.username == "alice" and acc.fotki.api_key != "real-key"
        assert acc.coppermine.url.startswith(acc.sandbox.url) and "no GALLERYK_* settings" in acc.where
    finally:
        acc.close()
    assert not Path(data).exists()


def test_galleryk_config_naming_a_running_sandbox_is_used_and_signed_in_there(sandbox, tmp_path, monkeypatch):
    config = write_config(
        tmp_path / "sandbox.ini",
        {
            "fotki": {
                "api_key": sandbox.api_key,
                "secret": sandbox.secret,
                "api_url": sandbox.fotki_api_url,
                "auth_url": sandbox.fotki_auth_url,
            },
            "coppermine": {"url": sandbox.coppermine_url, "username": "alice", "password": sandbox.users["alice"]},
        },
    )
    monkeypatch.setenv("GALLERYK_CONFIG", str(config))
    acc = gk.accounts(user="bob")
    assert acc.sandbox is None and acc.is_sandbox and acc.where == "the sandbox named by GALLERYK_CONFIG"
    assert acc.fotki.username == "bob" and acc.fotki.api_url == sandbox.fotki_api_url
    assert acc.coppermine.url.startswith(sandbox.coppermine_url)
    unsigned = gk.accounts(sign_in=False)
    assert not unsigned.fotki.signed_in


def test_settings_naming_another_service_are_not_taken_for_a_sandbox_and_nothing_is_signed_in(monkeypatch):
    monkeypatch.setenv("GALLERYK_FOTKI_API_KEY", "key")
    monkeypatch.setenv("GALLERYK_FOTKI_SECRET", "secret")
    monkeypatch.setenv("GALLERYK_FOTKI_API_URL", "http://127.0.0.1:9/fotki/v2flkr")  # nothing listens there
    monkeypatch.setenv("GALLERYK_FOTKI_TOKEN", "")
    acc = gk.accounts(need=("fotki",))
    assert not acc.is_sandbox and acc.sandbox is None and acc.coppermine is None
    assert not acc.fotki.signed_in and "GALLERYK_FOTKI_API_KEY" in acc.where


def test_real_settings_for_one_service_only_name_what_the_other_needs(monkeypatch):
    monkeypatch.setenv("GALLERYK_FOTKI_API_KEY", "key")
    monkeypatch.setenv("GALLERYK_FOTKI_SECRET", "secret")
    monkeypatch.setenv("GALLERYK_FOTKI_API_URL", "http://127.0.0.1:9/fotki/v2flkr")
    with pytest.raises(gk.ConfigError, match="GALLERYK_COPPERMINE_URL.*works with fotki and coppermine"):
        gk.accounts()
