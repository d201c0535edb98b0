"""Signed-in clients for a sandbox: the convenience a notebook or a test wants, above both the clients and the
sandbox (which, being the other side of the wire, knows no client).

    sb = gk.sandbox.start()
    fotki = sandbox_fotki(sb, "alice")          # approved on the sandbox's page, token in memory
    cpg = sandbox_coppermine(sb, "alice")       # the demo user's password
"""

from __future__ import annotations

from typing import Any

from ..coppermine import Coppermine
from ..fotki import Fotki


def sandbox_fotki(sandbox: Any, user: str = "alice", perms: str = "delete", **options: Any) -> Fotki:
    """A Fotki client for ``sandbox``, signed in as ``user`` with ``perms`` (its token kept in memory only)."""
    options.setdefault("token_cache", "memory")  # never write sandbox tokens into the user's home
    client = Fotki(
        sandbox.api_key, sandbox.secret, api_url=sandbox.fotki_api_url, auth_url=sandbox.fotki_auth_url, **options
    )
    frob = client.get_frob()
    sandbox.approve(frob, user, perms)
    client.get_token(frob)
    return client


def sandbox_coppermine(sandbox: Any, user: str = "alice", **options: Any) -> Coppermine:
    """A Coppermine client for ``sandbox``'s gallery as the demo ``user`` (it signs in on its first call)."""
    return Coppermine(sandbox.coppermine_url, username=user, password=sandbox.users[user], **options)


__all__ = ["sandbox_coppermine", "sandbox_fotki"]
