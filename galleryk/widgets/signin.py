"""``SignIn(client)``: sign in to a service, the way it signs people in: approve on its page, or a password.

A service whose capabilities say ``sign_in="approval"`` (Fotki's frob flow) gets an approval
link that opens in a new tab and a Continue button, with no ``input()`` and no local redirect
server, so it works on a remote kernel; the link reaches the browser in a message
(:class:`~._link.SecretLink`), never in widget state. One that says ``"password"`` (a Coppermine
gallery) gets a user name and a masked password, checked by signing in; the password field is
emptied the moment it is read. Every network step runs in a thread, so the kernel stays free;
errors show in the status line.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as widgets
import traitlets

from ..services.contract import PERMS, Service, check_service
from . import _local
from ._link import SecretLink
from .words import describe, status_html

_LINK_STYLE = (  # stock widgets bring no style sheet: the plain link looks like the button it stands for
    "display:inline-block;padding:0 12px;line-height:28px;border-radius:2px;text-decoration:none;"
    "color:var(--jp-ui-inverse-font-color1,#fff);background:var(--jp-brand-color1,#1976d2)"
)
LINK_FALLBACK_AFTER = 8.0
"""Seconds to wait for the link's JavaScript before showing a plain link instead (to galleryk's local server)."""


class SignIn(widgets.VBox):
    """Sign-in for a service client; a normal ipywidgets container.

    Public: ``client``, ``signed_in`` (a trait: observe it), ``status`` (the status line's text),
    ``sign_in()``, ``continue_()`` (approval), ``sign_out()``, ``wait(timeout)`` (for the running
    step), ``approval_url`` (approval: the link waiting for Continue), ``type_user(name)`` and
    ``type_password(password)`` (password: fill the fields as a person would). ``perms``: what an
    approval asks for ("read", "write" or "delete").
    """

    signed_in = traitlets.Bool(False, help="Whether the client is signed in (as far as this widget knows).")

    def __init__(
        self, client: Service, *, perms: str = "write", fallback_after: float | None = LINK_FALLBACK_AFTER
    ) -> None:
        super().__init__()
        self.client = check_service(client, "SignIn")
        if perms not in PERMS:
            raise ValueError(f"perms must be one of {', '.join(PERMS)}, not {perms!r}")
        self.perms = perms
        self.status = ""
        self._work: threading.Thread | None = None
        self._lock = threading.Lock()
        self._status = widgets.HTML()
        self.add_class("galleryk-signin")
        form = _FORMS[self.client.capabilities.sign_in]  # the one place the two ways of signing in part
        self._form = form(self, fallback_after)
        self.children = [*self._form.children(), self._status]
        self._form.start()

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
            self._form.buttons()

    def wait(self, timeout: float | None = 30.0) -> bool:
        """Wait for the running step (sign in, continue, sign out); returns ``signed_in``."""
        work = self._work
        if work is not None:
            work.join(timeout)
        return self.signed_in

    # -- what a person does ---------------------------------------------------------------------------
    def sign_in(self) -> None:
        """Approval: get a new approval link. Password: sign in with the name and password typed in."""
        self._form.sign_in()

    def continue_(self) -> None:
        """Approval: after approving in the browser, trade the approval for the sign-in."""
        self._form.continue_()

    def sign_out(self) -> None:
        """Forget the sign-in (approval: the token here and in the cache; password: back to a guest)."""
        self.client.sign_out()
        self.signed_in = False
        self._form.signed_out()

    @property
    def approval_url(self) -> str | None:
        """Approval: the page of the sign-in waiting for Continue, else None (a one-time link: never print it)."""
        return self._form.approval_url()

    def refresh(self) -> None:
        """Show the client's sign-in as it is now (after it signed in by other means, say)."""
        self._form.start()

    def type_user(self, name: str) -> None:
        """Password: fill the user name field as a person would."""
        self._form.type_user(name)

    def type_password(self, password: str) -> None:
        """Password: fill the password field as a person would (for tests and scripted demos)."""
        self._form.type_password(password)

    def close(self) -> None:
        if hasattr(self, "_form"):  # not there when the constructor raised (ipywidgets closes it when collected)
            self._form.close()
        super().close()


class _Form:
    """One way of signing in, drawn inside a :class:`SignIn`."""

    def __init__(self, owner: SignIn, fallback_after: float | None) -> None:
        self.owner = owner
        self.client: Any = owner.client

    def children(self) -> list[widgets.Widget]:
        raise NotImplementedError

    def start(self) -> None:
        """Show the first state (and check a saved sign-in)."""

    def buttons(self) -> None:
        """Show the buttons that fit the state."""

    def sign_in(self) -> None:
        raise NotImplementedError

    def continue_(self) -> None:
        self.owner._say("There is nothing to continue: sign in with your user name and password.", "warn")

    def signed_out(self) -> None:
        raise NotImplementedError

    def approval_url(self) -> str | None:
        return None

    def type_user(self, name: str) -> None:
        raise TypeError(f"{self.client.name} does not sign in with a user name here")

    def type_password(self, password: str) -> None:
        raise TypeError(f"{self.client.name} does not sign in with a password here")

    def close(self) -> None:
        pass


class _ApprovalForm(_Form):
    """Approve on the service's page (a link in a new tab), then Continue."""

    def __init__(self, owner: SignIn, fallback_after: float | None) -> None:
        super().__init__(owner, fallback_after)
        name = self.client.name
        self._pending: Any = None
        self._link = SecretLink(f"Open {name} to approve ↗")
        self._plain_link = widgets.HTML(layout=widgets.Layout(display="none"))
        self._start = widgets.Button(description=f"Sign in to {name}", button_style="primary", icon="sign-in")
        self._continue = widgets.Button(
            description="Continue", button_style="success", tooltip=f"After you said yes on the {name} page"
        )
        self._out = widgets.Button(description="Sign out", icon="sign-out")
        self._start.on_click(lambda _: owner.sign_in())
        self._continue.on_click(lambda _: owner.continue_())
        self._out.on_click(lambda _: owner.sign_out())
        self._link.on_ready(self._link_ready)
        self._server: _local.LocalServer | None = None  # the plain link's stand-in address, made when needed
        self._forwarded: tuple[str, str] | None = None  # (approval link, the local address sending the browser there)
        self._forward_lock = threading.Lock()
        self._link_timer: threading.Timer | None = None
        if fallback_after is not None:
            self._link_timer = threading.Timer(fallback_after, self._link_fallback)
            self._link_timer.daemon = True
            self._link_timer.start()

    def children(self) -> list[widgets.Widget]:
        row = widgets.HBox([self._start, self._link, self._plain_link, self._continue, self._out])
        return [widgets.HTML(f"<b>{html.escape(self.client.name)}</b>"), row]

    def start(self) -> None:
        if self.client.signed_in:
            self.owner._say("Checking the saved sign-in…", "busy")
            self.buttons()
            self.owner._run(self._check)
        else:
            self.owner._say(
                f"Not signed in. Press “Sign in to {self.client.name}”, approve on the page that opens, "
                "then press Continue."
            )
            self.buttons()

    def buttons(self) -> None:
        signed_in = self.owner.signed_in
        waiting = self._pending is not None and not signed_in
        with self.owner.hold_sync():
            self._start.layout.display = "none" if (signed_in or waiting) else None
            self._continue.layout.display = None if waiting else "none"
            self._out.layout.display = None if signed_in else "none"
            self._start.disabled = self._continue.disabled = self._out.disabled = False
        self._show_link(self._pending.url if waiting and self._pending is not None else None)

    def _show_link(self, url: str | None) -> None:
        self._link.url = url
        if self._link.reported or self._plain_link.layout.display == "none":
            self._plain_link.value = ""
            self._forward(None)
            return
        # the fallback: a plain link to galleryk's local server, which sends the browser on to the approval
        # page; the approval link (and its one-time frob) stays in the kernel, never in widget state
        address = self._forward(url)
        self._plain_link.value = (
            ""
            if address is None
            else (
                f'<a href="{html.escape(address, quote=True)}" target="_blank" rel="noopener noreferrer" '
                f'class="galleryk-approve" style="{_LINK_STYLE}">Open {html.escape(self.client.name)} to approve ↗</a>'
            )
        )

    def _forward(self, url: str | None) -> str | None:
        """The local address that sends the browser to ``url`` (None: withdraw the one there is)."""
        with self._forward_lock:
            if self._forwarded is not None and self._forwarded[0] == url:
                return self._forwarded[1]
            if self._forwarded is not None and self._server is not None:
                self._server.withdraw(self._forwarded[1])
                self._forwarded = None
            if url is None:
                return None
            if self._server is None:
                self._server = _local.acquire()
            self._forwarded = (url, self._server.forward(url))
            return self._forwarded[1]

    def _link_ready(self) -> None:
        if self._link_timer is not None:
            self._link_timer.cancel()
        self._plain_link.layout.display = "none"
        self._link.layout.display = None
        self._plain_link.value = ""
        self._forward(None)

    def _link_fallback(self) -> None:
        if self._link.reported:
            return
        self._link.layout.display = "none"  # the front end's "cannot show this widget" box, out of the way
        self._plain_link.layout.display = None
        self.buttons()

    def _check(self) -> None:
        token = self.client.check_token()
        self._signed_in_as(token.username, token.perms)

    def _signed_in_as(self, user: str | None, perms: str | None) -> None:
        self._pending = None
        self.owner.signed_in = True
        self.owner._say(
            f"Signed in to {self.client.name} as {user or 'an unnamed user'} ({perms or 'permission unknown'}).", "ok"
        )
        self.buttons()

    def sign_in(self) -> None:
        self._start.disabled = True
        self.owner._say(f"Asking {self.client.name} for an approval link…", "busy")
        self.owner._run(self._begin)

    def _begin(self) -> None:
        pending = self.client.login(self.owner.perms)
        if pending.done:
            self._signed_in_as(self.client.username, self.client.perms)
            return
        self._pending = pending
        self.owner.signed_in = False
        self.owner._say(
            f"Open the {self.client.name} page (a new tab), sign in there and say yes; then come back "
            "and press Continue."
        )
        self.buttons()

    def approval_url(self) -> str | None:
        pending = self._pending
        return pending.url if pending is not None and not self.owner.signed_in else None

    def continue_(self) -> None:
        if self._pending is None:
            self.owner._say(f"There is no sign-in waiting: press “Sign in to {self.client.name}” first.", "warn")
            return
        self._continue.disabled = True
        self.owner._say(f"Checking with {self.client.name}…", "busy")
        self.owner._run(self._finish)

    def _finish(self) -> None:
        pending = self._pending
        assert pending is not None
        token = pending.finish()
        self._signed_in_as(token.username, token.perms)

    def signed_out(self) -> None:
        self._pending = None
        self.owner._say(f"Signed out of {self.client.name}. Press “Sign in to {self.client.name}” to sign in again.")
        self.buttons()

    def close(self) -> None:
        if self._link_timer is not None:
            self._link_timer.cancel()
        self._forward(None)
        if self._server is not None:
            self._server = None
            _local.release()
        self._link.close()


class _PasswordForm(_Form):
    """A user name and a password, checked by signing in; the password is never kept in widget state."""

    def __init__(self, owner: SignIn, fallback_after: float | None) -> None:
        super().__init__(owner, fallback_after)
        self._user = widgets.Text(
            value=self.client.username or "",
            description="User name",
            placeholder="your user name",
            continuous_update=False,
        )
        self._password = widgets.Password(
            description="Password", placeholder="typed here, never kept", continuous_update=False
        )
        self._go = widgets.Button(description="Sign in", button_style="primary", icon="sign-in")
        self._leave = widgets.Button(description="Sign out", icon="sign-out")
        self._go.on_click(lambda _: owner.sign_in())
        self._leave.on_click(lambda _: owner.sign_out())
        self._password.observe(self._typed_password, "value")
        self._typed = ""

    def children(self) -> list[widgets.Widget]:
        where = html.escape(self.client.endpoint)
        return [
            widgets.HTML(f"<b>{html.escape(self.client.name)}</b> {where}"),
            self._user,
            widgets.HBox([self._password, self._go, self._leave]),
        ]

    def start(self) -> None:
        self.owner.signed_in = self.client.signed_in
        if self.owner.signed_in:
            self.owner._say(f"Signed in to the gallery as {self.client.username}.", "ok")
        else:
            self.owner._say("Not signed in: type your user name and password, then press Sign in.")
        self.buttons()

    def _typed_password(self, change: dict) -> None:
        # the Password widget's value is synced state: keep it in the kernel only, empty the field at once
        if change["new"]:
            self._typed = change["new"]
            self._password.value = ""
            self._password.placeholder = "•••••• (press Sign in)"

    def buttons(self) -> None:
        with self.owner.hold_sync():
            self._leave.layout.display = None if self.owner.signed_in else "none"
            self._go.disabled = False
            self._user.disabled = False

    def type_user(self, name: str) -> None:
        self._user.value = name

    def type_password(self, password: str) -> None:
        self._password.value = password

    def sign_in(self) -> None:
        typed = self._password.value or self._typed
        self._typed = ""
        self._password.value = ""
        self._password.placeholder = "typed here, never kept"
        user = (self._user.value or "").strip()
        if not user:
            self.owner._say("Type your user name first.", "warn")
            return
        if not typed:
            self.owner._say("Type your password, then press Sign in.", "warn")
            return
        self._go.disabled = True
        self.owner._say(f"Signing in as {user}…", "busy")
        self.owner._run(self._login, user, typed)

    def _login(self, user: str, password: str) -> None:
        self.owner.signed_in = False
        if user != self.client.username:
            self.client.use_account(user, password)
            self.client.login()
        else:
            self.client.login(password)
        self.owner.signed_in = True
        self.owner._say(f"Signed in to the gallery as {user}.", "ok")
        self.buttons()

    def signed_out(self) -> None:
        self.owner._say("Signed out of the gallery (browsing as a guest).")
        self.buttons()


_FORMS: dict[str, type[_Form]] = {"approval": _ApprovalForm, "password": _PasswordForm}
