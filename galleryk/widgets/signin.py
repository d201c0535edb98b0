"""``SignIn(client)``: sign in to Fotki (approve in a new tab, then Continue) or to a Coppermine gallery.

Fotki: the frob flow of :meth:`galleryk.Fotki.login`, with no ``input()`` and no local redirect
server, so it works on a remote kernel. The approval link reaches the browser in a message
(:class:`~._link.SecretLink`), never in widget state. Coppermine: a user name and a masked
password, checked by signing in; the password field is emptied the moment it is read.
Every network step runs in a thread, so the kernel stays free; errors show in the status line.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as widgets
import traitlets

from ..coppermine import Coppermine
from ..fotki import Fotki
from ..fotki.auth import PendingLogin, check_perms
from ._link import SecretLink
from ._words import describe, status_html

LINK_FALLBACK_AFTER = 8.0
"""Seconds to wait for the link's JavaScript before showing a plain link instead (it then sits in widget state)."""


class SignIn(widgets.VBox):
    """Sign-in for a ``galleryk.Fotki`` or ``galleryk.Coppermine`` client; a normal ipywidgets container.

    Public: ``client``, ``signed_in`` (a trait: observe it), ``status`` (the status line's text),
    ``sign_in()``, ``continue_()`` (Fotki), ``sign_out()``, ``wait(timeout)`` (for the running step).
    Fotki: ``perms`` asked for ("read", "write" or "delete").
    """

    signed_in = traitlets.Bool(False, help="Whether the client is signed in (as far as this widget knows).")

    def __init__(
        self, client: Fotki | Coppermine, *, perms: str = "write", fallback_after: float | None = LINK_FALLBACK_AFTER
    ) -> None:
        if not isinstance(client, (Fotki, Coppermine)):
            raise TypeError(f"SignIn needs a galleryk.Fotki or galleryk.Coppermine client, not {type(client).__name__}")
        super().__init__()
        self.client = client
        self.service = "fotki" if isinstance(client, Fotki) else "coppermine"
        self.perms = check_perms(perms)
        self.status = ""
        self._work: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending: PendingLogin | None = None
        self._status = widgets.HTML()
        self.add_class("galleryk-signin")
        if self.service == "fotki":
            self._build_fotki(fallback_after)
        else:
            self._build_coppermine()

    # -- shared -----------------------------------------------------------------------------------
    def _say(self, text: str, kind: str = "info") -> None:
        self.status = text
        self._status.value = status_html(text, kind)

    def _run(self, step: Any, *args: Any) -> None:
        """Run ``step`` in a thread (one at a time); its errors go to the status line."""
        with self._lock:
            if self._work is not None and self._work.is_alive():
                return
            self._work = threading.Thread(target=self._guarded, args=(step, *args), daemon=True, name="galleryk-signin")
            self._work.start()

    def _guarded(self, step: Any, *args: Any) -> None:
        try:
            step(*args)
        except Exception as exc:  # shown in words; the widget stays usable
            self._say(describe(exc), "error")
            self._refresh_buttons()

    def wait(self, timeout: float | None = 30.0) -> bool:
        """Wait for the running step (sign in, continue, sign out); returns ``signed_in``."""
        work = self._work
        if work is not None:
            work.join(timeout)
        return self.signed_in

    def _refresh_buttons(self) -> None:
        if self.service == "fotki":
            self._fotki_buttons()
        else:
            self._cpg_buttons()

    # -- Fotki -------------------------------------------------------------------------------------
    def _build_fotki(self, fallback_after: float | None) -> None:
        self._link = SecretLink("Open Fotki to approve ↗")
        self._plain_link = widgets.HTML(layout=widgets.Layout(display="none"))
        self._start = widgets.Button(description="Sign in to Fotki", button_style="primary", icon="sign-in")
        self._continue = widgets.Button(
            description="Continue", button_style="success", tooltip="After you said yes on the Fotki page"
        )
        self._out = widgets.Button(description="Sign out", icon="sign-out")
        self._start.on_click(lambda _: self.sign_in())
        self._continue.on_click(lambda _: self.continue_())
        self._out.on_click(lambda _: self.sign_out())
        self._link.on_ready(self._link_ready)
        row = widgets.HBox([self._start, self._link, self._plain_link, self._continue, self._out])
        self.children = [widgets.HTML("<b>Fotki</b>"), row, self._status]
        self._link_timer: threading.Timer | None = None
        if fallback_after is not None:
            self._link_timer = threading.Timer(fallback_after, self._link_fallback)
            self._link_timer.daemon = True
            self._link_timer.start()
        if self.client.authorized:
            self._say("Checking the saved sign-in…", "busy")
            self._fotki_buttons()
            self._run(self._fotki_check)
        else:
            self._say("Not signed in. Press “Sign in to Fotki”, approve on the page that opens, then press Continue.")
            self._fotki_buttons()

    def _fotki_buttons(self) -> None:
        waiting = self._pending is not None and not self.signed_in
        with self.hold_sync():
            self._start.layout.display = "none" if (self.signed_in or waiting) else None
            self._continue.layout.display = None if waiting else "none"
            self._out.layout.display = None if self.signed_in else "none"
            self._start.disabled = self._continue.disabled = self._out.disabled = False
        self._show_link(self._pending.url if waiting and self._pending is not None else None)

    def _show_link(self, url: str | None) -> None:
        self._link.url = url
        if self._link.reported or self._plain_link.layout.display == "none":
            self._plain_link.value = ""
            return
        # the fallback: this link (and its one-time frob) is widget state until it is used
        self._plain_link.value = (
            ""
            if url is None
            else (
                f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer" '
                'class="galleryk-approve">Open Fotki to approve ↗</a>'
            )
        )

    def _link_ready(self) -> None:
        if self._link_timer is not None:
            self._link_timer.cancel()
        self._plain_link.layout.display = "none"
        self._plain_link.value = ""

    def _link_fallback(self) -> None:
        if self._link.reported:
            return
        self._plain_link.layout.display = None
        self._fotki_buttons()

    def _fotki_check(self) -> None:
        token = self.client.check_token()
        self._signed_in_as(token.username, token.perms)

    def _signed_in_as(self, user: str | None, perms: str | None) -> None:
        self._pending = None
        self.signed_in = True
        self._say(f"Signed in to Fotki as {user or 'an unnamed user'} ({perms or 'permission unknown'}).", "ok")
        self._fotki_buttons()

    def sign_in(self) -> None:
        """Fotki: get a new approval link. Coppermine: sign in with the name and password typed in."""
        if self.service == "coppermine":
            self._cpg_sign_in()
            return
        self._start.disabled = True
        self._say("Asking Fotki for an approval link…", "busy")
        self._run(self._fotki_start)

    def _fotki_start(self) -> None:
        pending = self.client.login(self.perms)
        if pending.done:
            self._signed_in_as(self.client.username, self.client.perms)
            return
        self._pending = pending
        self.signed_in = False
        self._say("Open the Fotki page (a new tab), sign in there and say yes; then come back and press Continue.")
        self._fotki_buttons()

    @property
    def approval_url(self) -> str | None:
        """Fotki: the approval page of the sign-in waiting for Continue, else None (a one-time frob: never print it)."""
        pending = self._pending
        return pending.url if pending is not None and not self.signed_in else None

    def continue_(self) -> None:
        """Fotki: after approving in the browser, trade the approval for the token."""
        if self._pending is None:
            self._say("There is no sign-in waiting: press “Sign in to Fotki” first.", "warn")
            return
        self._continue.disabled = True
        self._say("Checking with Fotki…", "busy")
        self._run(self._fotki_continue)

    def _fotki_continue(self) -> None:
        pending = self._pending
        assert pending is not None
        token = pending.finish()
        self._signed_in_as(token.username, token.perms)

    def sign_out(self) -> None:
        """Forget the sign-in (Fotki: the token here and in the cache; Coppermine: back to a guest)."""
        if self.service == "fotki":
            self.client.logout()
            self._pending = None
            self.signed_in = False
            self._say("Signed out of Fotki. Press “Sign in to Fotki” to sign in again.")
            self._fotki_buttons()
        else:
            self.client.use_account(None)
            self.signed_in = False
            self._say("Signed out of the gallery (browsing as a guest).")
            self._cpg_buttons()

    # -- Coppermine ----------------------------------------------------------------------------------
    def _build_coppermine(self) -> None:
        self._user = widgets.Text(
            value=self.client.username or "",
            description="User name",
            placeholder="your gallery user name",
            continuous_update=False,
        )
        self._password = widgets.Password(
            description="Password", placeholder="typed here, never kept", continuous_update=False
        )
        self._go = widgets.Button(description="Sign in", button_style="primary", icon="sign-in")
        self._leave = widgets.Button(description="Sign out", icon="sign-out")
        self._go.on_click(lambda _: self.sign_in())
        self._leave.on_click(lambda _: self.sign_out())
        self._password.observe(self._typed_password, "value")
        self.children = [
            widgets.HTML(f"<b>Coppermine</b> {html.escape(self.client.url)}"),
            self._user,
            widgets.HBox([self._password, self._go, self._leave]),
            self._status,
        ]
        self._typed = ""
        self.signed_in = self.client.signed_in
        if self.signed_in:
            self._say(f"Signed in to the gallery as {self.client.username}.", "ok")
        else:
            self._say("Not signed in: type your user name and password, then press Sign in.")
        self._cpg_buttons()

    def _typed_password(self, change: dict) -> None:
        # the Password widget's value is synced state: keep it in the kernel only, empty the field at once
        if change["new"]:
            self._typed = change["new"]
            self._password.value = ""
            self._password.placeholder = "•••••• (press Sign in)"

    def _cpg_buttons(self) -> None:
        with self.hold_sync():
            self._leave.layout.display = None if self.signed_in else "none"
            self._go.disabled = False
            self._user.disabled = False

    def _cpg_sign_in(self, password: str | None = None) -> None:
        typed = password if password is not None else (self._password.value or self._typed)
        self._typed = ""
        self._password.value = ""
        self._password.placeholder = "typed here, never kept"
        user = (self._user.value or "").strip()
        if not user:
            self._say("Type your user name first.", "warn")
            return
        if not typed:
            self._say("Type your password, then press Sign in.", "warn")
            return
        self._go.disabled = True
        self._say(f"Signing in as {user}…", "busy")
        self._run(self._cpg_login, user, typed)

    def _cpg_login(self, user: str, password: str) -> None:
        self.signed_in = False
        if user != self.client.username:
            self.client.use_account(user, password)
            self.client.login()
        else:
            self.client.login(password)
        self.signed_in = True
        self._say(f"Signed in to the gallery as {user}.", "ok")
        self._cpg_buttons()

    def type_password(self, password: str) -> None:
        """Fill the password field as a person would (for tests and scripted demos)."""
        self._password.value = password

    def close(self) -> None:
        if self.service == "fotki":
            if self._link_timer is not None:
                self._link_timer.cancel()
            self._link.close()
        super().close()
