"""Credentials from environment variables and the config file: precedence, validation, and file safety."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from galleryk.config import ConfigError, config_path, connect, settings, write_config


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No GALLERYK_* variables; GALLERYK_CONFIG names a file under tmp_path (not written yet)."""
    for name in [n for n in os.environ if n.startswith("GALLERYK_")]:
        monkeypatch.delenv(name)
    path = tmp_path / "conf" / "galleryk.ini"
    monkeypatch.setenv("GALLERYK_CONFIG", str(path))
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(tmp_path / "cache"))
    return path


def test_environment_wins_over_the_file(config, monkeypatch):
    write_config(config, {"coppermine": {"url": "https://file.example/gallery", "username": "filer", "password": "pw"}})
    monkeypatch.setenv("GALLERYK_COPPERMINE_URL", "https://env.example/gallery")
    found = settings("coppermine")
    assert found["url"] == "https://env.example/gallery"
    assert found["username"] == "filer"  # not set in the environment: the file's


def test_coppermine_user_comes_from_GALLERYK_COPPERMINE_USER(config, monkeypatch):
    monkeypatch.setenv("GALLERYK_COPPERMINE_URL", "https://env.example/gallery")
    monkeypatch.setenv("GALLERYK_COPPERMINE_USER", "carol")
    assert settings("coppermine")["username"] == "carol"


def test_config_path_follows_GALLERYK_CONFIG(config):
    assert config_path() == config


def test_unknown_keys_are_an_error_naming_them_and_the_known_ones(config):
    config.parent.mkdir(parents=True)
    config.write_text("[fotki]\napi_key = k\ncolour = blue\n")
    config.chmod(0o600)
    with pytest.raises(ConfigError) as caught:
        settings("fotki")
    message = str(caught.value)
    assert "colour" in message and "api_key" in message and str(config) in message


def test_an_unknown_service_is_an_error(config):
    with pytest.raises(ConfigError, match="unknown service 'flickr'"):
        settings("flickr")


def test_a_malformed_file_is_an_error_naming_it(config):
    config.parent.mkdir(parents=True)
    config.write_text("api_key = no section header\n")
    config.chmod(0o600)
    with pytest.raises(ConfigError, match="cannot read the config file"):
        settings("fotki")


def test_a_file_others_may_read_is_refused_when_it_holds_secrets(config):
    write_config(config, {"fotki": {"api_key": "k", "secret": "s3cr3t-value"}})
    config.chmod(0o644)
    with pytest.raises(ConfigError) as caught:
        connect("fotki")
    assert f"chmod 600 {config}" in str(caught.value)
    assert "s3cr3t-value" not in str(caught.value)


def test_a_file_others_may_read_is_fine_without_secrets(config):
    write_config(config, {"coppermine": {"url": "https://file.example/gallery", "username": "filer"}})
    config.chmod(0o644)
    assert settings("coppermine")["url"] == "https://file.example/gallery"


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


def test_write_config_makes_a_file_only_its_owner_may_read(config):
    path = write_config(config, {"fotki": {"api_key": "k", "secret": "s"}})
    assert path == config
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_write_config_tightens_an_existing_open_file(config):
    config.parent.mkdir(parents=True)
    config.write_text("")
    config.chmod(0o644)
    write_config(config, {"fotki": {"api_key": "k", "secret": "s"}})
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_write_config_keeps_the_other_sections(config):
    write_config(config, {"fotki": {"api_key": "k", "secret": "s"}})
    write_config(config, {"coppermine": {"url": "https://file.example/gallery"}})
    assert settings("fotki") == {"api_key": "k", "secret": "s"}
    assert settings("coppermine") == {"url": "https://file.example/gallery"}


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
