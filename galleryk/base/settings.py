"""Credentials from the environment or a config file, so they never sit in a notebook or a command line.

:func:`settings` reads, for ``"fotki"`` or ``"coppermine"``, in this order (``galleryk.connect``
builds a client from them):

- environment variables ``GALLERYK_FOTKI_API_KEY``, ``GALLERYK_FOTKI_SECRET``,
  ``GALLERYK_FOTKI_API_URL``, ``GALLERYK_FOTKI_AUTH_URL``, ``GALLERYK_FOTKI_TOKEN`` and
  ``GALLERYK_COPPERMINE_URL``, ``GALLERYK_COPPERMINE_USER``, ``GALLERYK_COPPERMINE_PASSWORD``,
  ``GALLERYK_COPPERMINE_MODE``;
- the INI file named by ``GALLERYK_CONFIG`` (default ``~/.config/galleryk/config.ini``), with
  ``[fotki]`` keys ``api_key secret api_url auth_url token`` and ``[coppermine]`` keys
  ``url username password mode``. A file that others may read is refused when it holds a secret.
"""

from __future__ import annotations

import configparser
import os
import stat
from pathlib import Path

from .errors import GallerykError

SERVICES = ("fotki", "coppermine")
FIELDS = {
    "fotki": ("api_key", "secret", "api_url", "auth_url", "token"),
    "coppermine": ("url", "username", "password", "mode"),
}
ADDRESS_KEYS = {"fotki": ("api_url", "auth_url"), "coppermine": ("url",)}
"""The settings that hold a service's address."""
_ENV_NAMES = {
    ("coppermine", "username"): "GALLERYK_COPPERMINE_USER",
}
_SECRET_KEYS = {"secret", "token", "password"}


class ConfigError(GallerykError, ValueError):
    """Credentials are missing, or the config file is unsafe or malformed; the message says which."""


def config_path() -> Path:
    """The config file galleryk reads: ``$GALLERYK_CONFIG`` or ``~/.config/galleryk/config.ini``."""
    named = os.environ.get("GALLERYK_CONFIG")
    if named:
        return Path(named).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base).expanduser() / "galleryk" / "config.ini"


def env_name(service: str, key: str) -> str:
    """The environment variable that holds ``key`` of ``service``."""
    return _ENV_NAMES.get((service, key), f"GALLERYK_{service.upper()}_{key.upper()}")


def settings(service: str) -> dict[str, str]:
    """The known settings of ``service``: environment variables over the config file."""
    if service not in SERVICES:
        raise ConfigError(f"unknown service {service!r}; choose one of: {', '.join(SERVICES)}")
    found: dict[str, str] = {}
    path = config_path()
    if path.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except configparser.Error as exc:
            raise ConfigError(f"cannot read the config file {path}: {exc.message}") from None
        if parser.has_section(service):
            section = parser[service]
            unknown = sorted(set(section) - set(FIELDS[service]))
            if unknown:
                raise ConfigError(
                    f"{path} [{service}]: unknown keys {', '.join(unknown)}; known: {', '.join(FIELDS[service])}"
                )
            found.update({k: v for k, v in section.items() if v})
            if _SECRET_KEYS & set(found) and os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise ConfigError(f"{path} holds secrets but others may read it; run: chmod 600 {path}")
    for key in FIELDS[service]:
        value = os.environ.get(env_name(service, key))
        if value:
            found[key] = value
    return found


def write_config(path: str | os.PathLike, sections: dict[str, dict[str, str]]) -> Path:
    """Write (or update) a config file readable by its owner only."""
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    parser = configparser.ConfigParser(interpolation=None)
    if target.is_file():
        parser.read(target, encoding="utf-8")
    for name, values in sections.items():
        if not parser.has_section(name):
            parser.add_section(name)
        for key, value in values.items():
            parser[name][key] = str(value)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        parser.write(fh)
    os.chmod(target, 0o600)
    return target


def missing_message(service: str, keys: list[str]) -> str:
    names = ", ".join(env_name(service, k) for k in keys)
    return (
        f"no {', '.join(keys)} for {service}: set {names}, or put them under [{service}] in {config_path()} (mode 600)"
    )
