"""What one gallery serves, learned once from its own pages: which upload form, form tokens, its keyword separator.

Coppermine 1.4 to 1.7 differ in ways a client must follow, and each shows it on a page it
serves, whatever its version string says (themes and mods change markup, never these):

- the single-file upload form, ``upload.php?single``: ``form[action=uniload.php]`` (1.6, 1.7:
  one POST, answered by a redirect or a 430), ``form[action=db_input.php]`` (1.5: one POST,
  answered by a redirect or a page), or 1.4's multi-step form with a hidden ``control=phase_1``
  (the file first, then a placement form that names the album);
- form tokens: hidden ``form_token``/``timestamp`` inputs, or the logout link's query (1.5 and
  later); 1.4 has none anywhere;
- the keyword separator: the label of the form's ``keywords`` field ("separate with semicolon",
  in the gallery's language; 1.4's form says "spaces", and 1.4 always splits on blanks);
- how thumbnails link pictures (by ``pid``, or by ``pos`` on 1.4) is read off each album page
  (:func:`galleryk.coppermine.pages.thumbnails`);
- the one-picture editor: ``edit_one_pic.php`` (1.5 to 1.7), or 1.4's ``editOnePic.php``, which
  answers where the other is a 404 (1.4's picture pages link it too).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import lxml.html

from . import pages

UNILOAD = "uniload"
"""1.6 and 1.7: ``uniload.php``, one POST, a redirect to the picture or a 430 with the reason."""
DB_INPUT = "db_input"
"""1.5: ``db_input.php`` with ``event=picture``, one POST, a redirect or a message page."""
PHASES = "phases"
"""1.4: ``upload.php`` in three POSTs (the file, the placement form, the placement)."""
EDITOR = "edit_one_pic.php"
"""1.5 to 1.7: the one-picture editor (form tokens, the submit button ``apply_changes``)."""
LEGACY_EDITOR = "editOnePic.php"
"""1.4: the one-picture editor (no tokens, the submit button ``submitDescription``); ``edit_one_pic.php`` is a 404."""


def upload_form(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """Which upload form the page holds (:data:`UNILOAD`, :data:`DB_INPUT`, :data:`PHASES`), or None."""
    doc = pages.parse(page) if not isinstance(page, lxml.html.HtmlElement) else page
    for form in doc.iter("form"):
        action = (form.get("action") or "").split("?", 1)[0].rsplit("/", 1)[-1]
        if action == "uniload.php":
            return UNILOAD
        if action == "db_input.php" and form.xpath(".//input[@type='file']"):
            return DB_INPUT
        if form.xpath(".//input[@name='control'][@value='phase_1']"):
            return PHASES
    return None


@dataclass
class Dialect:
    """What a gallery has shown so far; None where it has not shown it yet. Thread-safe to update."""

    upload: str | None = None
    tokens: bool | None = None
    separator: str | None = None
    picture_by_pos: bool | None = None
    """Whether a picture's own page is ``displayimage.php?pos=-<pid>`` (1.4; ``?pid=`` says "does not exist")."""
    placement: list[pages.UploadAlbum] | None = None
    """1.4: the albums its last placement form offered this user (it offers them only once a file was sent)."""
    editor: str | None = None
    """The page that edits one picture: :data:`EDITOR`, or :data:`LEGACY_EDITOR` where that is a 404 (1.4)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def learn(self, page: str | bytes | lxml.html.HtmlElement) -> None:
        """Note what an upload or edit page shows: its upload form, whether it carries a token, its separator.

        A page that shows a signed-in user and carries no token anywhere (1.5 and later put one in
        every signed-in page's logout link) tells that the gallery has none (1.4).
        """
        doc = pages.parse(page) if not isinstance(page, lxml.html.HtmlElement) else page
        kind = upload_form(doc)
        token = pages.form_token(doc)
        sep = pages.keyword_separator(doc)
        signed_in = token is None and pages.is_logged_in(doc)
        with self._lock:
            if kind is not None:
                self.upload = kind
                if kind == PHASES:
                    self.tokens = False
                    self.separator = " "  # 1.4 splits keywords on blanks, and has no setting for it
            if token is not None:
                self.tokens = True
            elif signed_in and self.tokens is None:
                self.tokens = False
            if sep is not None and self.upload != PHASES:
                self.separator = sep

    def placed_in(self, albums: list[pages.UploadAlbum]) -> None:
        """Remember the albums a 1.4 placement form offered."""
        with self._lock:
            self.placement = list(albums)

    @property
    def legacy_upload(self) -> bool:
        """Whether uploads take 1.4's steps (and so the albums open to uploads are known only after one)."""
        return self.upload == PHASES


__all__ = ["DB_INPUT", "EDITOR", "LEGACY_EDITOR", "PHASES", "UNILOAD", "Dialect", "upload_form"]
