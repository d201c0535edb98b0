"""``galleryk.connect(service)``: a service client built from the settings (environment or config file).

One place knows how each service's settings make its client (:data:`FACTORIES`); everything
else asks for a service by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..base.settings import SERVICES, ConfigError, missing_message, settings
from ..coppermine import Coppermine
from ..fotki import Fotki
from ..services.contract import Service


def _fotki(found: dict[str, str], options: dict[str, Any], sandbox: bool) -> Fotki:
    missing = [k for k in ("api_key", "secret") if k not in found]
    if missing:
        raise ConfigError(missing_message("fotki", missing))
    kwargs: dict[str, Any] = {k: found[k] for k in ("api_url", "auth_url") if k in found}
    options.setdefault("token_cache", "memory" if sandbox else "file")  # sandbox tokens never reach the home
    return Fotki(found["api_key"], found["secret"], found.get("token"), **kwargs, **options)


def _coppermine(found: dict[str, str], options: dict[str, Any], sandbox: bool) -> Coppermine:
    if "url" not in found:
        raise ConfigError(missing_message("coppermine", ["url"]))
    if "mode" in found:
        options.setdefault("mode", found["mode"])
    return Coppermine(found["url"], found.get("username"), found.get("password"), **options)


FACTORIES: dict[str, Callable[[dict[str, str], dict[str, Any], bool], Service]] = {
    "fotki": _fotki,
    "coppermine": _coppermine,
}
"""Per service name, how its settings make its client."""
assert set(FACTORIES) == set(SERVICES)


def connect(service: str, *, sandbox: bool = False, **options: Any) -> Service:
    """A client for ``service`` ("fotki" or "coppermine") from the environment / config file
    (see :mod:`galleryk.base.settings`). A Fotki client reuses the token cached by an earlier
    ``login()``; ``sandbox=True`` (the settings name a sandbox) caches nothing on disk;
    ``options`` go to the client."""
    found = settings(service)
    return FACTORIES[service](found, dict(options), sandbox)


__all__ = ["FACTORIES", "connect"]
