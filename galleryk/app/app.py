"""The galleryk app: sign in, browse and select, upload a folder, copy a selection, in one page (Voilà).

    from galleryk.app import App
    App()          # galleryk/app/app.ipynb: `galleryk app` serves it with Voilà

Built from the widgets (``SignIn``, ``AlbumBrowser``, ``Uploader``) for people who do not
write code. Every action is a button, runs off the kernel's main thread, and says what
happened, errors included, in plain words under the step it belongs to (Voilà hides
tracebacks); a warning goes away once what it asks for has changed.
"""

from __future__ import annotations

import html
import os
import threading
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..access.accounts import Accounts, accounts
from ..sandbox import approve_in_page
from ..widgets import AlbumBrowser, SignIn, Uploader
from ..widgets import albums as pickers
from ..widgets.words import describe
from .notes import Note

NEW = pickers.NEW_ALBUM
STEPS = ("sign_in", "browse", "upload", "copy")
TITLES = ("1 Sign in", "2 Browse", "3 Upload", "4 Copy")
START_FOLDER = "GALLERYK_APP_FOLDER"
"""Where a folder typed without a full path is looked for (``galleryk app`` sets it to the folder it was started in)."""
DROP_NOTE = (
    "Photos cannot be dropped on this page: a page can hand the app only about 10 MB at a time, and "
    "larger transfers fail without a word. Type the folder that holds them instead (in JupyterLab or on "
    "Binder, first drag them into the file browser on the left, which copies large files safely)."
)


class App(widgets.VBox):
    """The whole app; ``App(accounts)`` (default: ``galleryk.accounts(sign_in=False)``).

    Public, as the buttons: ``tabs``, ``signins`` (one ``SignIn`` per service), ``fotki_signin``,
    ``cpg_signin``, ``approve_on_sandbox()``, ``browse(service)``, ``browser`` (the AlbumBrowser
    shown), ``open_folder(path)``, ``uploader``, ``copy(album=None)``, ``wait()`` (for the step
    running), ``report`` (the last copy's push report), ``notes`` (each step's message line:
    ``notes["copy"].text``), ``status`` (the last message said, in any step).
    """

    def __init__(self, acc: Accounts | None = None) -> None:
        super().__init__()
        self.accounts = acc if acc is not None else accounts(sign_in=False, need=("fotki",))
        self.fotki, self.cpg = self.accounts.fotki, self.accounts.coppermine
        self.services = self.accounts.services
        self.report = None
        self.browser: AlbumBrowser | None = None
        self.uploader: Uploader | None = None
        self.notes = {step: Note() for step in STEPS}
        self._browsers: dict[str, AlbumBrowser] = {}
        self._work: threading.Thread | None = None
        self.add_class("galleryk-app")
        head = widgets.HTML(f"<div class='galleryk-app-where' style='opacity:0.75'>{html.escape(self._where())}</div>")
        self.tabs = widgets.Tab(
            children=[self._sign_in_tab(), self._browse_tab(), self._upload_tab(), self._copy_tab()]
        )
        for i, title in enumerate(TITLES):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._tab_changed, "selected_index")
        self.children = [head, self.tabs]
        for key, client in self.services.items():
            with_password = client.capabilities.sign_in == "password" and getattr(client, "can_sign_in", False)
            if with_password and not client.signed_in:
                threading.Thread(
                    target=self._guard, args=("sign_in", self._sign_in_from_settings, key), daemon=True
                ).start()

    def _where(self) -> str:
        if self.accounts.is_sandbox:
            return (
                "This is a practice copy of Fotki and Coppermine running on this computer, with demo "
                "accounts and photos: nothing you do here reaches the real services."
            )
        return "Working on your own accounts, as galleryk's settings name them: what you do here is real."

    # -- messages ----------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """The message said last, in whichever step."""
        return self._last

    _last = ""

    def _say(self, step: str, text: str, kind: str = "info") -> None:
        self._last = text
        self.notes[step].say(text, kind)

    def _guard(self, step: str, action: Any, *args: Any) -> None:
        try:
            action(*args)
        except Exception as exc:  # Voilà shows no traceback: the step says what went wrong
            self._say(step, describe(exc), "error")

    def _in_thread(self, step: str, action: Any, *args: Any) -> None:
        self._work = threading.Thread(target=self._guard, args=(step, action, *args), daemon=True, name="galleryk-app")
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
                parts.append(self._approve_row(client.name))
        if len(self.services) < 2:
            parts.append(
                widgets.HTML(
                    "<i>Only one service is set up here. To copy between two, galleryk's settings need the "
                    "other one too (for a Coppermine gallery: its address, user name and password).</i>"
                )
            )
        parts.append(self.notes["sign_in"].widget)
        self.fotki_signin = self.signins.get("fotki")
        self.cpg_signin = self.signins.get("coppermine")
        self._sign_in_box = widgets.VBox(parts)
        return self._sign_in_box

    def _approve_row(self, name: str) -> widgets.Widget:
        approve = widgets.Button(
            description="Approve for me",
            icon="magic",
            tooltip=f"On this practice copy only: says yes on {name}'s approval page for the demo user",
            layout=widgets.Layout(width="auto", flex="0 0 auto"),
        )
        approve.on_click(lambda _: self.approve_on_sandbox())
        why = widgets.HTML(
            f"<i>Practice copy only: answers {html.escape(name)}'s approval page for you, for when the link "
            "above cannot open (Binder). With a real account, use the link.</i>",
            layout=widgets.Layout(flex="1 1 auto", min_width="0"),
        )
        return widgets.HBox([approve, why], layout=widgets.Layout(align_items="center", grid_gap="8px"))

    def _sign_in_from_settings(self, key: str) -> None:
        # the settings hold the password: sign in with it, and let the sign-in form show it
        self.services[key].login()
        self.signins[key].refresh()

    def approve_on_sandbox(self) -> None:
        """Practice copy (sandbox) only: start the sign-in that needs approval, approve it on its page, Continue."""
        if not self.accounts.is_sandbox:
            self._say("sign_in", "This works on the practice copy only: open the approval link instead.", "warn")
            return
        self.notes["sign_in"].clear()
        self._in_thread("sign_in", self._approve)

    def _approve(self) -> None:
        signin = next((s for s in self.signins.values() if s.client.capabilities.sign_in == "approval"), None)
        if signin is None or signin.signed_in:
            return  # its sign-in form already says who is signed in
        if signin.approval_url is None:
            signin.sign_in()
            signin.wait()
        url = signin.approval_url
        if url is None:
            return  # the sign-in form says why there is no link
        self._say("sign_in", f"Saying yes on {signin.client.name}'s approval page…", "busy")
        approve_in_page(url)
        signin.continue_()
        signin.wait()
        self.notes["sign_in"].clear()  # the sign-in form says the outcome

    def _signed_in_changed(self, service: str) -> None:
        browser = self._browsers.get(service)
        if browser is not None:
            browser.refresh()  # what this service shows may change with who is signed in
        self._copy_targets()

    # -- 2. browse ------------------------------------------------------------------------------------
    def _browse_tab(self) -> widgets.Widget:
        names = [(client.name, key) for key, client in self.services.items()]
        self._service = widgets.ToggleButtons(options=names, value=names[0][1], description="Service")
        self._service.observe(lambda c: self._guard("browse", self.browse, c["new"]), "value")
        self._browse_box = widgets.VBox()
        return widgets.VBox([self._service, self.notes["browse"].widget, self._browse_box])

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
            self._guard("browse", self.browse, self._service.value)
        if change["new"] == 3:
            self._copy_targets()

    # -- 3. upload -------------------------------------------------------------------------------------
    def _upload_tab(self) -> widgets.Widget:
        self._folder = widgets.Text(
            description="Folder",
            placeholder="the folder that holds your photos, e.g. ~/Pictures/trip",
            layout=widgets.Layout(width="min(520px, 100%)"),
        )
        self._folder.observe(lambda _: self.notes["upload"].settle(), "value")
        go = widgets.Button(description="Open folder", icon="folder-open", button_style="primary")
        go.layout.flex = "0 0 auto"
        go.on_click(lambda _: self.open_folder(self._folder.value))
        self._upload_box = widgets.VBox()
        note = widgets.HTML(f"<p style='opacity:0.75;max-width:60em'>{html.escape(DROP_NOTE)}</p>")
        return widgets.VBox([widgets.HBox([self._folder, go]), self.notes["upload"].widget, note, self._upload_box])

    def open_folder(self, folder: str) -> None:
        """Show an uploader for ``folder`` (as the Open folder button); a relative path starts where the app did."""
        typed = str(folder or "").strip()
        if not typed:
            self._say("upload", "Type the folder that holds your photos first.", "warn")
            return
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = Path(os.environ.get(START_FOLDER) or Path.cwd()) / path
        if not path.is_dir():
            self._say("upload", f"There is no folder {path}.", "warn")
            return
        self._folder.value = typed
        self.notes["upload"].clear()
        if self.uploader is not None:
            self.uploader.close()
        self.uploader = Uploader(path, targets=list(self.services.values()))  # it says how its reading goes
        self._upload_box.children = [self.uploader]

    # -- 4. copy and report -------------------------------------------------------------------------------
    def _copy_tab(self) -> widgets.Widget:
        self._copy_what = widgets.HTML()
        self._copy_album = widgets.Dropdown(
            description="Album", options=[("New album…", NEW)], layout=widgets.Layout(width="min(460px, 100%)")
        )
        self._copy_new = widgets.Text(
            description="New album", placeholder="its title", layout=widgets.Layout(width="min(460px, 100%)")
        )
        self._copy_album.observe(self._album_chosen, "value")
        self._copy_new.observe(lambda _: self.notes["copy"].settle(), "value")
        self._copy_go = widgets.Button(
            description="Copy the selection", icon="copy", button_style="primary", layout=widgets.Layout(width="220px")
        )
        self._copy_go.on_click(lambda _: self.copy())
        self._report = widgets.HTML()
        self._copy_summary()
        return widgets.VBox(
            [self._copy_what, self._copy_album, self._copy_new, self._copy_go, self.notes["copy"].widget, self._report]
        )

    def _album_chosen(self, change: dict) -> None:
        self._copy_new.layout.display = None if change["new"] == NEW else "none"
        self.notes["copy"].settle()

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
            f"(step 2) will be copied to <b>{html.escape(target)}</b>, with titles, descriptions and tags.</p>"
        )
        self.notes["copy"].settle()  # "select photos first" is no longer true, or will be said again

    def _copy_targets(self) -> None:
        self._copy_summary()
        _, target, _ = self._source_target()
        if target is None:
            return
        threading.Thread(target=self._guard, args=("copy", self._fill_albums, target), daemon=True).start()

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
            self._say("copy", "Select photos in step 2 (Browse) first.", "warn")
            return
        if target is None:
            self._say("copy", "There is no other service to copy to.", "warn")
            return
        if album is None:
            album = self._copy_new.value.strip() if self._copy_album.value == NEW else self._copy_album.value
        if not album:
            self._say("copy", "Type the new album's title first.", "warn")
            return
        selection = self.browser.selection
        self._copy_go.disabled = True
        self._report.value = ""
        self._say("copy", f"Copying {len(selection)} photos to {where}…", "busy")
        self._work = threading.Thread(
            target=self._copy, args=(selection, source, target, album), daemon=True, name="galleryk-copy"
        )
        self._work.start()

    def _copy(self, selection: Any, source: Any, target: Any, album: Any) -> None:
        try:
            report = selection.galleryk.push(target, album=album, create=True, source=source, progress=False)
        except Exception as exc:
            self._say("copy", describe(exc), "error")
            return
        finally:
            self._copy_go.disabled = False
        self.report = report
        counts = report["status"].astype(str).value_counts()
        text = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        failed = counts.get("failed", 0)
        self._say("copy", f"Copied: {text}.", "warn" if failed else "ok")
        self._report.value = _album_link(report, target.name) + _report_html(report, selection)
        self._copy_targets()


def _album_link(report: Any, service: str) -> str:
    """A line naming the album the copy went to, linked to its page when the service has one."""
    title = report.attrs.get("album") or report.attrs.get("album_id")
    if not title:
        return ""
    name = html.escape(str(title))
    url = report.attrs.get("album_url")
    if url and str(url).startswith(("http://", "https://")):
        name = (
            f"<a href='{html.escape(str(url))}' target='_blank' rel='noopener' "
            f"style='color:var(--jp-content-link-color, #0969da);text-decoration:underline'>{name} ↗</a>"
        )
    return f"<p class='galleryk-copy-album'>The album on {html.escape(service)}: {name}</p>"


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
