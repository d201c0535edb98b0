"""The galleryk app: sign in, browse and select, upload a folder, copy a selection, in one page (Voilà).

    from galleryk.app import App
    App()          # notebooks/app.ipynb: `galleryk app` serves it with Voilà

Built from the widgets (``SignIn``, ``AlbumBrowser``, ``Uploader``) for people who do not
write code. Every action is a button, runs off the kernel's main thread, and shows its errors
in the page in plain words (Voilà hides tracebacks).
"""

from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..access.accounts import Accounts, accounts
from ..sandbox import approve_in_page
from ..widgets import AlbumBrowser, SignIn, Uploader
from ..widgets import albums as pickers
from ..widgets.words import describe, status_html

NEW = pickers.NEW_ALBUM
DROP_NOTE = (
    "Files dropped on this page are not offered: they would have to cross the page's connection to the "
    "server, which closes without a word above about 10 MB. Put the photos in a folder on the server "
    "(in JupyterLab or on Binder: drag them into the file browser, which uploads in chunks) and type "
    "that folder here."
)


class App(widgets.VBox):
    """The whole app; ``App(accounts)`` (default: ``galleryk.accounts(sign_in=False)``).

    Public, as the buttons: ``tabs``, ``fotki_signin``, ``cpg_signin``, ``approve_on_sandbox()``,
    ``browse(service)``, ``browser`` (the AlbumBrowser shown), ``open_folder(path)``,
    ``uploader``, ``copy(album=None)``, ``wait()`` (for the copy running), ``report``
    (the last copy's push report), ``status``.
    """

    def __init__(self, acc: Accounts | None = None) -> None:
        super().__init__()
        self.accounts = acc if acc is not None else accounts(sign_in=False, need=("fotki",))
        self.fotki, self.cpg = self.accounts.fotki, self.accounts.coppermine
        self.services = self.accounts.services
        self.status = ""
        self.report = None
        self.browser: AlbumBrowser | None = None
        self.uploader: Uploader | None = None
        self._browsers: dict[str, AlbumBrowser] = {}
        self._work: threading.Thread | None = None
        self._status = widgets.HTML()
        self.add_class("galleryk-app")
        where = html.escape(self.accounts.where)
        head = widgets.HTML(f"<div style='color:#57606a'>Working on {where}.</div>")
        self.tabs = widgets.Tab(
            children=[self._sign_in_tab(), self._browse_tab(), self._upload_tab(), self._copy_tab()]
        )
        for i, title in enumerate(["1 Sign in", "2 Browse", "3 Upload", "4 Copy"]):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._tab_changed, "selected_index")
        self.children = [head, self._status, self.tabs]
        for key, client in self.services.items():
            if getattr(client, "can_sign_in", False) and not client.signed_in:
                threading.Thread(
                    target=self._guard, args=(self._sign_in_from_settings, key), daemon=True, name="galleryk-app"
                ).start()

    # -- status ---------------------------------------------------------------------------------
    def _say(self, text: str, kind: str = "info") -> None:
        self.status = text
        self._status.value = status_html(text, kind)

    def _guard(self, step: Any, *args: Any) -> None:
        try:
            step(*args)
        except Exception as exc:  # Voilà shows no traceback: the page says what went wrong
            self._say(describe(exc), "error")

    def _in_thread(self, step: Any, *args: Any) -> None:
        self._work = threading.Thread(target=self._guard, args=(step, *args), daemon=True, name="galleryk-app")
        self._work.start()

    def wait(self, timeout: float | None = 120.0) -> None:
        """Wait for the app's running step (a copy, a sandbox approval)."""
        if self._work is not None:
            self._work.join(timeout)

    # -- 1. sign in -----------------------------------------------------------------------------------
    def _sign_in_tab(self) -> widgets.Widget:
        self.signins: dict[str, SignIn] = {}
        parts: list[widgets.Widget] = []
        for key, client in self.services.items():
            signin = SignIn(client)
            signin.observe(lambda _, key=key: self._signed_in_changed(key), "signed_in")
            self.signins[key] = signin
            parts.append(signin)
            if self.accounts.is_sandbox and client.capabilities.sign_in == "approval":
                approve = widgets.Button(
                    description="Sandbox: approve for me",
                    icon="magic",
                    tooltip="Plays you on the sandbox's approval page (only on the sandbox)",
                    layout=widgets.Layout(width="auto"),
                )
                approve.on_click(lambda _: self.approve_on_sandbox())
                parts.append(
                    widgets.HBox(
                        [
                            approve,
                            widgets.HTML(
                                "<i>On the sandbox only: signs in on its approval page as the demo user and says yes, "
                                "for when this page cannot open it (Binder). On a real account, use the link above.</i>"
                            ),
                        ]
                    )
                )
        if "coppermine" not in self.services:
            parts.append(widgets.HTML("<i>No Coppermine gallery is set (GALLERYK_COPPERMINE_URL).</i>"))
        self.fotki_signin = self.signins.get("fotki")
        self.cpg_signin = self.signins.get("coppermine")
        self._sign_in_box = widgets.VBox(parts)
        return self._sign_in_box

    def _sign_in_from_settings(self, key: str) -> None:
        # the settings hold the password: sign in with it, and let the sign-in form show it
        self.services[key].login()
        self.signins[key].refresh()

    def approve_on_sandbox(self) -> None:
        """Sandbox only: start the Fotki sign-in if needed, approve it on the sandbox's page, then Continue."""
        if not self.accounts.is_sandbox:
            self._say("This works on the sandbox only: open the approval link instead.", "warn")
            return
        self._in_thread(self._approve)

    def _approve(self) -> None:
        signin = next((s for s in self.signins.values() if s.client.capabilities.sign_in == "approval"), None)
        if signin is None:
            return
        if signin.signed_in:
            self._say("Already signed in to Fotki.", "ok")
            return
        if signin.approval_url is None:
            signin.sign_in()
            signin.wait()
        url = signin.approval_url
        if url is None:
            raise RuntimeError("Fotki gave no approval link: see the message under the Fotki sign-in")
        self._say("Approving on the sandbox's page…", "busy")
        approve_in_page(url)
        signin.continue_()
        signin.wait()
        self._say(signin.status, "ok" if signin.signed_in else "warn")

    def _signed_in_changed(self, service: str) -> None:
        browser = self._browsers.get(service)
        if browser is not None:
            browser.refresh()  # what this service shows may change with who is signed in
        self._copy_targets()

    # -- 2. browse ------------------------------------------------------------------------------------
    def _browse_tab(self) -> widgets.Widget:
        names = [(client.name, key) for key, client in self.services.items()]
        self._service = widgets.ToggleButtons(options=names, value=names[0][1], description="Service")
        self._service.observe(lambda c: self.browse(c["new"]), "value")
        self._browse_box = widgets.VBox()
        return widgets.VBox([self._service, self._browse_box])

    def browse(self, service: str) -> AlbumBrowser:
        """Show the album browser of ``service`` ("fotki" or "coppermine")."""
        if service != self._service.value:
            self._service.value = service  # comes back here through the observer
            return self._browsers[service]
        if service not in self._browsers:
            browser = AlbumBrowser(self.services[service])
            browser.observe(lambda _: self._copy_summary(), "selected_ids")
            self._browsers[service] = browser
        self.browser = self._browsers[service]
        self._browse_box.children = [self.browser]
        self._copy_targets()
        return self.browser

    def _tab_changed(self, change: dict) -> None:
        if change["new"] == 1 and self.browser is None:
            self._guard(self.browse, self._service.value)
        if change["new"] == 3:
            self._copy_targets()

    # -- 3. upload -------------------------------------------------------------------------------------
    def _upload_tab(self) -> widgets.Widget:
        self._folder = widgets.Text(
            description="Folder",
            placeholder="a folder of photos on the server",
            layout=widgets.Layout(width="min(520px, 100%)"),
        )
        go = widgets.Button(description="Open folder", icon="folder-open", button_style="primary")
        go.on_click(lambda _: self.open_folder(self._folder.value))
        self._upload_box = widgets.VBox()
        note = widgets.HTML(f"<p style='color:#57606a;max-width:60em'>{html.escape(DROP_NOTE)}</p>")
        return widgets.VBox([widgets.HBox([self._folder, go]), note, self._upload_box])

    def open_folder(self, folder: str) -> None:
        """Show an uploader for ``folder`` (as the Open folder button)."""
        path = Path(str(folder or "").strip()).expanduser()
        if not str(folder or "").strip():
            self._say("Type the folder that holds your photos first.", "warn")
            return
        if not path.is_dir():
            self._say(f"There is no folder {path} on the server.", "error")
            return
        self._folder.value = str(path)
        if self.uploader is not None:
            self.uploader.close()
        self.uploader = Uploader(path, targets=list(self.services.values()))
        self._upload_box.children = [self.uploader]
        self._say(f"Reading {path.name}…", "info")

    # -- 4. copy and report -------------------------------------------------------------------------------
    def _copy_tab(self) -> widgets.Widget:
        self._copy_what = widgets.HTML()
        self._copy_album = widgets.Dropdown(
            description="Album", options=[("New album…", NEW)], layout=widgets.Layout(width="min(460px, 100%)")
        )
        self._copy_new = widgets.Text(
            description="New album", placeholder="its title", layout=widgets.Layout(width="min(460px, 100%)")
        )
        self._copy_album.observe(
            lambda c: setattr(self._copy_new.layout, "display", None if c["new"] == NEW else "none"), "value"
        )
        self._copy_go = widgets.Button(
            description="Copy the selection", icon="copy", button_style="primary", layout=widgets.Layout(width="220px")
        )
        self._copy_go.on_click(lambda _: self.copy())
        self._copy_status = widgets.HTML()
        self._report = widgets.HTML()
        self._copy_summary()
        return widgets.VBox(
            [self._copy_what, self._copy_album, self._copy_new, self._copy_go, self._copy_status, self._report]
        )

    def _source_target(self) -> tuple[Any, Any, str]:
        """The service browsed (the copy's source), the other one (its target) and the target's name."""
        source = self.services[self._service.value]
        others = [c for k, c in self.services.items() if k != self._service.value]
        target = others[0] if others else None
        return source, target, target.name if target is not None else "nowhere"

    def _copy_summary(self) -> None:
        chosen = len(self.browser.selected_ids) if self.browser is not None else 0
        source, _, target = self._source_target()
        self._copy_what.value = (
            f"<p><b>{chosen}</b> photo{'s' if chosen != 1 else ''} selected on {html.escape(source.name)} "
            f"(tab 2) will be copied to <b>{html.escape(target)}</b>, with titles, descriptions and tags.</p>"
        )

    def _copy_targets(self) -> None:
        self._copy_summary()
        _, target, _ = self._source_target()
        if target is None:
            return
        threading.Thread(target=self._guard, args=(self._fill_albums, target), daemon=True).start()

    def _fill_albums(self, target: Any) -> None:
        _, after = pickers.extra_choices(target, new=True)
        if not target.signed_in and not target.capabilities.guest_uploads:
            self._copy_album.options = after
            return
        keep = self._copy_album.value
        options = [*pickers.choices(target.albums(), uploadable=True), *after]
        self._copy_album.options = options
        self._copy_album.value = keep if any(v == keep for _, v in options) else NEW

    def copy(self, album: int | str | None = None) -> None:
        """Copy the browser's selection to the other service (as the Copy button); the report shows below."""
        source, target, where = self._source_target()
        if self.browser is None or not len(self.browser.selected_ids):
            self._copy_status.value = status_html("Select photos in tab 2 first.", "warn")
            return
        if target is None:
            self._copy_status.value = status_html("There is no other service to copy to.", "warn")
            return
        if album is None:
            album = self._copy_new.value.strip() if self._copy_album.value == NEW else self._copy_album.value
        if not album:
            self._copy_status.value = status_html("Type the new album's title first.", "warn")
            return
        selection = self.browser.selection
        self._copy_go.disabled = True
        self._copy_status.value = status_html(f"Copying {len(selection)} photos to {where}…", "busy")
        self._work = threading.Thread(
            target=self._copy, args=(selection, source, target, album), daemon=True, name="galleryk-copy"
        )
        self._work.start()

    def _copy(self, selection: Any, source: Any, target: Any, album: Any) -> None:
        try:
            report = selection.galleryk.push(target, album=album, create=True, source=source, progress=False)
        except Exception as exc:
            self._copy_status.value = status_html(describe(exc), "error")
            return
        finally:
            self._copy_go.disabled = False
        self.report = report
        counts = report["status"].astype(str).value_counts()
        text = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        failed = counts.get("failed", 0)
        self._copy_status.value = status_html(f"Copied: {text}.", "warn" if failed else "ok")
        self._report.value = _report_html(report, selection)
        self._copy_targets()


def _report_html(report: Any, selection: Any) -> str:
    colours = {"uploaded": "#1a7f37", "skipped": "#1a7f37", "failed": "#cf222e", "cancelled": "#9a6700"}
    titles = list(selection["title"]) if "title" in selection.columns else [""] * len(report)
    rows = []
    for title, (_, r) in zip(titles, report.iterrows()):
        status = str(r["status"])
        why = next((str(r[c]) for c in ("error", "note") if c in r.index and isinstance(r[c], str) and r[c]), "")
        rows.append(
            f"<tr><td>{html.escape(str(title))}</td><td style='color:{colours.get(status, 'inherit')}'>"
            f"{html.escape(status)}</td><td>{html.escape(why)}</td></tr>"
        )
    return (
        "<table class='galleryk-copy-report' cellpadding='4' style='border-collapse:collapse'><thead><tr>"
        f"<th>photo</th><th>status</th><th>note</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


__all__ = ["App"]
