"""``connect(service)``: clients built from the settings, and what it says when a setting is missing or unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.settings_env import isolated_config

from galleryk.access import connect
from galleryk.base.settings import ConfigError, write_config


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No GALLERYK_* variables; GALLERYK_CONFIG names a file under tmp_path (not written yet)."""
    return isolated_config(monkeypatch, tmp_path)


def test_a_file_others_may_read_is_refused_when_it_holds_secrets(config):
    write_config(config, {"fotki": {"api_key": "k", "secret": "s3cr3t-value"}})
    config.chmod(0o644)
    with pytest.raises(ConfigError) as caught:
        connect("fotki")
    assert f"chmod 600 {config}" in str(caught.value)
    assert "s3cr3t-value" not in str(caught.value)


@pytest.mark.parametrize(
    "service, names",
    [
        ("fotki", ["GALLERYK_FOTKI_API_KEY", "GALLERYK_FOTKI_SECRET"]),
        ("coppermine", ["GALLERYK_COPPERMINE_URL"]),
    ],
)
def test_missing_credentials_name_the_env_vars_and_the_file(config, service, names):
    with pytest.raises(ConfigError) as caught:
        connect(service)
    message = str(caught.value)
    for name in names:
        assert name in message
    assert str(config) in message


def test_only_the_missing_fotki_secret_is_named(config, monkeypatch):
    monkeypatch.setenv("GALLERYK_FOTKI_API_KEY", "k")
    with pytest.raises(ConfigError) as caught:
        connect("fotki")
    assert "GALLERYK_FOTKI_SECRET" in str(caught.value)
    assert "GALLERYK_FOTKI_API_KEY" not in str(caught.value)


def test_connect_builds_clients_from_the_file(config):
    write_config(
        config,
        {
            "fotki": {"api_key": "key-1", "secret": "file-secret-4821", "api_url": "http://127.0.0.1:9/fotki/v2flkr"},
            "coppermine": {
                "url": "https://file.example/gallery",
                "username": "filer",
                "password": "file-pw-7731",
                "mode": "web",
            },
        },
    )
    fotki = connect("fotki")
    assert (fotki.api_key, fotki.api_url) == ("key-1", "http://127.0.0.1:9/fotki/v2flkr")
    assert "file-secret-4821" not in repr(fotki)
    cpg = connect("coppermine")
    assert cpg.mode == "web"
    assert "file-pw-7731" not in repr(cpg)
