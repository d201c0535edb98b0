"""``galleryk.accounts()``: the Fotki and Coppermine clients a notebook works with, real or sandbox, in one call.

    acc = gk.accounts()          # GALLERYK_* settings if any are set, else a sandbox of its own
    fotki, cpg = acc.fotki, acc.coppermine

With none of the CLI's settings in the environment (``GALLERYK_CONFIG``,
``GALLERYK_FOTKI_API_KEY``, ``GALLERYK_COPPERMINE_URL``, ...) a notebook starts a seeded
sandbox of its own, so it runs anywhere as it is. With them it uses what they name, exactly
as ``galleryk.connect`` and the ``galleryk`` command do: your real accounts, or the sandbox
that ``galleryk lab``, ``galleryk app`` or Binder's ``binder/start`` runs. Nothing else in the
notebook changes. A file at the default config path alone does not count: a notebook run
with no settings never touches a real account.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import requests

from ..base.settings import FIELDS, SERVICES, env_name
from ..coppermine import Coppermine
from ..fotki import Fotki
from .connect import connect

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def settings_in_environment() -> list[str]:
    """The names of the GALLERYK_* settings set in the environment (the ones :func:`accounts` obeys)."""
    names = ["GALLERYK_CONFIG"] + [env_name(s, k) for s in SERVICES for k in FIELDS[s]]
    return [n for n in names if os.environ.get(n)]


class Accounts:
    """A Fotki client, a Coppermine client and, when one is used, the sandbox behind them.

    ``fotki``, ``coppermine`` (None for a service the caller did not need and has no settings
    for); ``sandbox`` (the :class:`galleryk.sandbox.Sandbox` started
    here, or None); ``is_sandbox`` (whether the services are a sandbox, this one or another's);
    ``where`` (one line saying which, without paths or secrets); ``close()``.
    """

    def __init__(
        self, fotki: Fotki | None, coppermine: Coppermine | None, sandbox: Any, is_sandbox: bool, where: str
    ) -> None:
        self.fotki = fotki
        self.coppermine = coppermine
        self.sandbox = sandbox
        self.is_sandbox = is_sandbox
        self.where = where

    @property
    def services(self) -> dict[str, Any]:
        """The clients there are, by service name ("fotki", "coppermine"), in that order."""
        return {
            name: client
            for name, client in (("fotki", self.fotki), ("coppermine", self.coppermine))
            if client is not None
        }

    def close(self) -> None:
        """Close the clients; stop the sandbox started here (if any) and remove its data."""
        for client in self.services.values():
            client.close()
        if self.sandbox is not None:
            self.sandbox.stop()  # it waits for the requests it is answering, then removes its temporary data

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<galleryk Accounts: {self.where}>"


def accounts(
    *,
    sign_in: bool = True,
    user: str = "alice",
    sandbox: bool | None = None,
    coppermine_api: bool = False,
    need: tuple[str, ...] = SERVICES,
) -> Accounts:
    """The clients to work with (see the module docstring).

    ``sign_in``: on a sandbox, sign in to Fotki as ``user`` by playing the approval page
    (see :func:`galleryk.sandbox.approve_in_page`); ``sign_in=False`` leaves that to a
    ``SignIn`` widget. Real accounts use the token cached by ``galleryk login fotki`` or a
    sign-in widget. Coppermine signs in with the settings' user and password (a sandbox
    started here: ``user`` and the demo password) at its first call.
    ``sandbox``: None decides from the environment; True always starts one here; False always
    uses the settings. ``coppermine_api``: whether a sandbox started here has the cpgAPI
    add-on (default: a stock gallery, as most are). ``need``: the services the caller works
    with; on real accounts a ConfigError says which settings are missing for one of them, and
    a service left out of ``need`` without settings is None.
    """
    from .. import sandbox as sandbox_mod  # here, not at import: the sandbox's server costs every other user

    named = settings_in_environment()
    if sandbox is None:
        sandbox = not named
    if sandbox:
        sb = sandbox_mod.start(settings=sandbox_mod.SandboxSettings(coppermine_api=coppermine_api))
        fotki = Fotki(sb.api_key, sb.secret, api_url=sb.fotki_api_url, auth_url=sb.fotki_auth_url, token_cache="memory")
        cpg = Coppermine(sb.coppermine_url, user, sb.users[user])
        found = Accounts(fotki, cpg, sb, True, "a sandbox of its own on this machine (no GALLERYK_* settings are set)")
    else:
        found = _from_settings(named, need)
    if sign_in and found.is_sandbox and found.fotki is not None and not found.fotki.signed_in:
        pending = found.fotki.login("delete")
        if not pending.done and pending.url is not None:
            sandbox_mod.approve_in_page(pending.url, user)
            pending.finish()
    return found


def _from_settings(named: list[str], need: tuple[str, ...]) -> Accounts:
    from ..base.settings import ConfigError, settings

    unknown = [s for s in need if s not in SERVICES]
    if unknown:
        raise ValueError(f"need= names services galleryk knows ({', '.join(SERVICES)}), not {', '.join(unknown)}")
    fotki_settings = settings("fotki")
    is_sandbox = _is_sandbox(fotki_settings.get("api_url"))
    clients: dict[str, Any] = {}
    for service in SERVICES:
        configured = settings(service)
        if not configured and service not in need:
            clients[service] = None
            continue
        try:
            clients[service] = connect(service, sandbox=is_sandbox)
        except ConfigError as exc:
            raise ConfigError(
                f"{exc}. This notebook works with {' and '.join(need)}; set what is missing (or, for "
                "a try without accounts, unset the GALLERYK_* settings to use a sandbox)"
            ) from None
    fotki, cpg = clients["fotki"], clients["coppermine"]
    kind = "the sandbox named by" if is_sandbox else "the accounts named by"
    return Accounts(fotki, cpg, None, is_sandbox, f"{kind} {', '.join(named)}")


def _is_sandbox(api_url: str | None) -> bool:
    """Whether a Fotki API address is a galleryk sandbox on this machine (it answers its control page)."""
    if not api_url:
        return False
    parts = urlsplit(api_url)
    if parts.hostname not in _LOOPBACK:
        return False
    try:
        resp = requests.get(f"{parts.scheme}://{parts.netloc}/_sandbox/settings", timeout=5)
        return resp.status_code == 200 and "coppermine_api" in resp.json()
    except (requests.RequestException, ValueError):
        return False


__all__ = ["Accounts", "accounts", "settings_in_environment"]
