"""``galleryk login`` and ``galleryk logout``: sign in to Fotki in two steps that need no terminal, check Coppermine.

``galleryk login fotki`` prints the approval link and keeps the pending login (its frob) in a
mode-600 file in galleryk's cache folder; ``galleryk login fotki --finish`` trades it for a
token once the user has said yes. With a terminal on stdin it waits for Enter in between.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from ..access import connect
from ..base.errors import Reason, ServiceError
from ..fotki.auth import PERMS, perm_level
from ..fotki.tokencache import CacheKey, default_cache_dir
from .errors import CommandFailed, UsageError, setting_hint
from .terminal import is_terminal

EXAMPLES = """\
examples:
  galleryk login fotki             print the approval link (and wait for Enter in a terminal)
  galleryk login fotki --finish    complete it after you said yes in the browser
  galleryk login coppermine        check the Coppermine user name and password
"""


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "login",
        parents=[common],
        help="sign in to Fotki (or check the Coppermine password)",
        description="Sign in to Fotki: open the printed link, approve galleryk, then finish (Enter in a terminal, "
        'or "galleryk login fotki --finish"). The token is cached, readable only by you. For Coppermine, '
        "check that the configured user name and password work.",
        epilog=EXAMPLES,
    )
    p.add_argument("service", choices=["fotki", "coppermine"], help="where to sign in")
    p.add_argument("--perms", choices=PERMS, default="write", help="what galleryk may do on Fotki (default: write)")
    p.add_argument("--finish", action="store_true", help="complete a Fotki login started earlier, once approved")
    p.add_argument("--no-browser", action="store_true", help="do not open the link in a browser, only print it")
    p.set_defaults(func=run_login)

    p = sub.add_parser(
        "logout",
        parents=[common],
        help="forget the cached Fotki token",
        description="Forget the Fotki token cached on this machine (and any login left unfinished).",
    )
    p.add_argument("service", choices=["fotki"], help="the service whose token to forget")
    p.set_defaults(func=run_logout)


class PendingLogins:
    """Unfinished Fotki logins, one mode-600 JSON file per (auth endpoint, api_key, user) in a mode-700 folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_cache_dir().parent / "logins"

    def path(self, client) -> Path:
        return self.folder / f"{CacheKey(client.auth_endpoint, client.api_key, client.user or '').digest()}.json"

    def save(self, client, frob: str, perms: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".login-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(
                    {
                        "endpoint": client.auth_endpoint,
                        "api_key": client.api_key,
                        "perms": perms,
                        "frob": frob,
                        "started": int(time.time()),
                    },
                    out,
                )
            target = self.path(client)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def load(self, client) -> dict | None:
        try:
            data = json.loads(self.path(client).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("api_key") != client.api_key or not data.get("frob"):
            return None
        return data

    def forget(self, client) -> None:
        self.path(client).unlink(missing_ok=True)


def run_login(args: argparse.Namespace) -> int:
    client = connect(args.service)
    if client.capabilities.sign_in == "password":
        return _check_password(client, args.service)
    return _approval_login(client, args)


def _approval_login(client, args: argparse.Namespace) -> int:
    """Sign in on the service's approval page, in two steps that need no terminal."""
    pending = PendingLogins()
    if args.finish:
        return _finish(client, pending)
    if _already_signed_in(client, args.perms):
        pending.forget(client)
        print(f"Already signed in to Fotki as {client.username or '?'} ({client.perms}).")
        return 0
    frob = client.get_frob()
    url = client.auth_url(frob, args.perms)
    where = pending.save(client, frob, args.perms)
    print(f"Open this page, sign in to Fotki and allow galleryk {args.perms} access:\n  {url}")
    print(f"(the unfinished login is kept in {where}, readable only by you)")
    if not is_terminal(sys.stdin):
        print("Then run: galleryk login fotki --finish")
        return 0
    if not args.no_browser:
        _open_browser(url)
    try:
        input("Press Enter once you have approved (or Ctrl-C now, and galleryk login fotki --finish later)... ")
    except EOFError:
        print("\nThen run: galleryk login fotki --finish")
        return 0
    return _finish(client, pending)


def _already_signed_in(client, perms: str) -> bool:
    """Whether a cached token is still valid (asked of the service) and carries at least ``perms``."""
    if not client.signed_in:
        return False
    try:
        token = client.check_token()
    except ServiceError as exc:
        if exc.reason is not Reason.SIGNED_OUT:
            raise
        client.logout()  # the service no longer accepts it
        return False
    return perm_level(token.perms) >= perm_level(perms)


def _finish(client, pending: PendingLogins) -> int:
    started = pending.load(client)
    if started is None:
        raise UsageError("no Fotki login is waiting to be finished: run `galleryk login fotki` first")
    try:
        token = client.get_token(started["frob"])
    except ServiceError as exc:
        if exc.reason is not Reason.NOT_APPROVED:
            raise
        raise CommandFailed(
            "Fotki has not seen your approval yet (or the link expired): open the link `galleryk login fotki` "
            "printed, say yes, then run `galleryk login fotki --finish` again; `galleryk login fotki` gives a new link"
        ) from None
    pending.forget(client)
    print(f"Signed in to Fotki as {token.username or '?'} ({token.perms}); the token is cached, readable only by you.")
    return 0


def _open_browser(url: str) -> None:
    """Open ``url`` in a graphical browser, if there is a screen (never a text browser taking over the terminal)."""
    import webbrowser

    if sys.platform not in ("darwin", "win32") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return
    with contextlib.suppress(webbrowser.Error):
        webbrowser.open(url)


def _check_password(client, service: str) -> int:
    """Sign in with the user name and password of the settings, to check them."""
    if client.username is None:
        raise UsageError(f"no {client.name} user name is set: set {setting_hint(service, 'username', 'password')}")
    client.login()
    print(f"Signed in to the {client.name} gallery {client.endpoint} as {client.username} ({client.mode} mode).")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    client = connect("fotki")
    client.sign_out()
    PendingLogins().forget(client)
    print("The cached Fotki token is forgotten on this machine.")
    return 0
