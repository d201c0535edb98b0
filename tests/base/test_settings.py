"""Settings from environment variables and the config file: precedence, validation, and file safety."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from support.settings_env import isolated_config

from galleryk.base.settings import ConfigError, config_path, settings, write_config


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No GALLERYK_* variables; GALLERYK_CONFIG names a file under tmp_path (not written yet)."""
    return isolated_config(monkeypatch, tmp_path)


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


def test_a_file_others_may_read_is_fine_without_secrets(config):
    write_config(config, {"coppermine": {"url": "https://file.example/gallery", "username": "filer"}})
    config.chmod(0o644)
    assert settings("coppermine")["url"] == "https://file.example/gallery"


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
