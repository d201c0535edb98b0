"""One Coppermine suite, several servers: the sandbox, the four real releases, and a live one when configured.

Each server offers the same roles and albums under the same names, so a test says what it
needs ("a user who may upload", "an album open to uploads that waits for approval") and runs
unchanged against each:

- users: ``user`` (Registered, uploads and creates albums in their own gallery), ``other``
  (another Registered user), ``admin``, ``viewer`` (a group that may look but not upload);
- albums: ``own`` (in the user's gallery), ``private`` (in it, seen by the user only), ``open``
  (public, open to uploads, Registered uploads wait for approval), ``closed`` (public, closed
  to uploads), ``nested`` ("Harbour & Beach" in "Travel / Europe & Asia"), ``hidden`` (seen by
  administrators only), and :meth:`CpgServer.fresh_album` for one of the test's own;
- knobs a gallery admin has: the size limit, thumbnails per page, the theme, forgetting a
  user's sessions, clearing bans, an album of its own open to uploads that wait for approval
  (``fresh_album(public=True)``), a picture's upload time (``age_picture``);
- what the server saw: ``served(page)`` counts the requests it answered for a page (its own
  request log), None on a live gallery.

A live gallery (``GALLERYK_LIVE_CPG_URL`` ...) has only the user and the upload album its owner
names: tests that need more say so and skip there.
"""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

import galleryk as gk

LIVE_VARS = ("GALLERYK_LIVE_CPG_URL", "GALLERYK_LIVE_CPG_USER", "GALLERYK_LIVE_CPG_PASSWORD", "GALLERYK_LIVE_CPG_ALBUM")
LIVE_UPLOADS = "GALLERYK_LIVE_CPG_UPLOADS"


def live_configured() -> bool:
    return all(os.environ.get(v) for v in LIVE_VARS)


def unique(prefix: str = "galleryk test") -> str:
    """An album title no other test (or earlier run) uses."""
    return f"{prefix} {uuid.uuid4().hex[:8]}"


@dataclass
class CpgServer:
    """What every server offers the suite; see the module docstring."""

    kind: str
    url: str
    users: dict[str, tuple[str, str]]
    albums: dict[str, int]
    user_category: int | None = None
    public_category: int | None = None
    read_only: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    version: str = "sandbox"
    """The Coppermine release the server is ("1.4.27" ... "1.7.02"), "sandbox" (it imitates 1.6.26), or "live"."""

    def client(self, role: str = "user", **options) -> gk.Coppermine:
        """A web-mode client signed in (on first use) as ``role``; ``None`` for a guest."""
        options.setdefault("mode", "web")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", gk.InsecureGalleryWarning)
            if role is None:
                return gk.Coppermine(self.url, **options)
            name, password = self.role(role)
            return gk.Coppermine(self.url, name, options.pop("password", password), **options)

    def role(self, role: str) -> tuple[str, str]:
        if role not in self.users:
            pytest.skip(f"the {self.kind} gallery has no {role!r} user for this test")
        return self.users[role]

    def album(self, name: str) -> int:
        if name not in self.albums:
            pytest.skip(f"the {self.kind} gallery has no {name!r} album for this test")
        return self.albums[name]

    @property
    def upload_script(self) -> str:
        """The page an upload posts its file to: ``uniload.php`` (1.6, 1.7, the sandbox), ``db_input.php`` (1.5),
        ``upload.php`` (1.4, in three posts)."""
        return {"1.4.27": "upload.php", "1.5.21": "db_input.php"}.get(self.version, "uniload.php")

    @property
    def upload_posts(self) -> int:
        """How many posts one upload makes to :attr:`upload_script` (1.4: the file, the placement form, the placement)."""
        return 3 if self.version == "1.4.27" else 1

    def below(self, version: str) -> bool:
        """Whether this is a real release older than ``version`` ("1.6"): for what older releases do otherwise."""
        if self.version in ("sandbox", "live"):
            return False
        return tuple(map(int, self.version.split("."))) < tuple(map(int, version.split(".")))

    def need(self, what: str) -> None:
        """Skip on a server that cannot do ``what`` (a live gallery is not ours to reconfigure)."""
        if self.kind == "live":
            pytest.skip(f"needs {what}, which a live gallery's owner would have to set up by hand")

    def need_uploads(self) -> None:
        if self.read_only:
            pytest.skip(f"the live gallery is read-only for the suite; set {LIVE_UPLOADS}=1 to allow uploads")

    # -- admin knobs, one implementation per server --------------------------------------------
    def fresh_album(self, title: str | None = None, owner: str = "user", public: bool = False) -> int:
        """A new album: in ``owner``'s gallery, or (``public``) the admin's in a public category, open to uploads
        that wait for approval."""
        raise NotImplementedError

    def age_picture(self, pid: int, seconds: int) -> None:
        """Move a picture's upload time ``seconds`` into the past, as if uploaded earlier."""
        raise NotImplementedError

    def served(self, page: str) -> int | None:
        """How many requests for ``page`` (``"thumbnails.php"``) the server has answered so far (None: unknown)."""
        raise NotImplementedError

    def set_size_limit_kb(self, kb: int) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def set_thumbs_per_page(self, n: int) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def forget_sessions(self, role: str) -> None:
        raise NotImplementedError

    def clear_bans(self) -> None:
        raise NotImplementedError

    def stored_bytes(self, pid: int) -> bytes:
        raise NotImplementedError

    def album_count(self, title: str) -> int:
        """How many albums with this title the gallery holds (counted on the server's side)."""
        raise NotImplementedError

    def stored_titles(self, aid: int) -> list[str]:
        """The titles of every picture the gallery holds in album ``aid``, awaiting approval or not (its database)."""
        raise NotImplementedError

    def quota_role(self) -> str:
        """A user whose group has 1.6.26's default 1024 KB quota."""
        raise NotImplementedError


class SandboxServer(CpgServer):
    """The sandbox as a stock 1.6 gallery (no cpgAPI add-on), with its demo users and albums."""

    def __init__(self, sandbox) -> None:
        sandbox.settings.coppermine_api = False
        users = {
            role: (name, sandbox.users[name])
            for role, name in (("user", "alice"), ("other", "bob"), ("admin", "admin"), ("viewer", "carol"))
        }
        super().__init__(
            "sandbox",
            sandbox.coppermine_url + "/",
            users,
            {"nested": 1, "closed": 2, "open": 3, "hidden": 4, "own": 5, "private": 6},
            user_category=10002,
            public_category=2,
        )
        self.sandbox = sandbox
        self.gallery = sandbox.coppermine_gallery

    def fresh_album(self, title: str | None = None, owner: str = "user", public: bool = False) -> int:
        name = self.users["admin" if public else owner][0]
        with self.gallery.store.write() as conn:
            uid = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()["id"]
            category = 4 if public else 10000 + uid  # 4: "Club events"
            cur = conn.execute(
                "INSERT INTO cpg_albums (title, category, visibility, uploads, pos, owner) VALUES (?, ?, 0, ?, 0, ?)",
                (title or unique(), category, int(public), uid),
            )
            return int(cur.lastrowid)

    def age_picture(self, pid: int, seconds: int) -> None:
        with self.gallery.store.write() as conn:
            conn.execute("UPDATE cpg_pictures SET ctime = ctime - ? WHERE pid = ?", (int(seconds), int(pid)))

    def served(self, page: str) -> int | None:
        return self.sandbox.faults.requests("coppermine").get(page, 0)

    @contextlib.contextmanager
    def _config(self, **values) -> Iterator[None]:
        old = {k: self.gallery.config(k) for k in values}
        self.gallery.set_config(**values)
        try:
            yield
        finally:
            self.gallery.set_config(**old)

    def set_size_limit_kb(self, kb: int):
        return self._config(max_upl_size=kb)

    def set_thumbs_per_page(self, n: int):
        return self._config(thumbcols=n, thumbrows=1)

    def forget_sessions(self, role: str) -> None:
        name = self.users[role][0]
        with self.gallery.store.write() as conn:
            uid = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()["id"]
            conn.execute("DELETE FROM cpg_web_sessions WHERE user_id = ?", (uid,))

    def clear_bans(self) -> None:
        with self.gallery.store.write() as conn:
            conn.execute("DELETE FROM cpg_web_bans")

    def stored_bytes(self, pid: int) -> bytes:
        with self.gallery.store.read() as conn:
            row = conn.execute("SELECT * FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone()
        return self.gallery.file_path(row).read_bytes()

    def quota_role(self) -> str:
        with self.gallery.store.write() as conn:  # the demo's admin raised it; back to 1.6.26's default here
            conn.execute("UPDATE cpg_groups SET quota_kb = 1024 WHERE id = 2")
        return "other"

    def album_count(self, title: str) -> int:
        with self.gallery.store.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM cpg_albums WHERE title = ?", (title,)).fetchone()[0]

    def stored_titles(self, aid: int) -> list[str]:
        with self.gallery.store.read() as conn:
            return [r[0] for r in conn.execute("SELECT title FROM cpg_pictures WHERE aid = ?", (int(aid),))]


class RealServer(CpgServer):
    """A real release (1.4.27 to 1.7.02) of :mod:`support.real_coppermine`, shared by the whole test session;
    ``kind`` and ``version`` name the release."""

    def __init__(self, real, users: dict[str, tuple[str, str]], albums: dict[str, int], categories: dict[str, int]):
        super().__init__(
            real.version,
            real.url,
            users,
            albums,
            user_category=10000 + real.user_ids[users["user"][0]],
            public_category=categories["travel"],
        )
        self.real = real
        self.version = real.version
        self.categories = categories

    def fresh_album(self, title: str | None = None, owner: str = "user", public: bool = False) -> int:
        if public:
            return self.real.add_album(title or unique(), self.categories["club"], uploads=True)
        name = self.users[owner][0]
        return self.real.add_album(title or unique(), 10000 + self.real.user_ids[name], as_user=name)

    def age_picture(self, pid: int, seconds: int) -> None:
        self.real.sql(f"UPDATE cpg_pictures SET ctime = ctime - {int(seconds)} WHERE pid = {int(pid)}")

    def served(self, page: str) -> int | None:
        return self.real.served(page)

    @contextlib.contextmanager
    def _config(self, **values) -> Iterator[None]:
        old = {k: self.real.config(k) for k in values}
        self.real.set_config(**values)
        try:
            yield
        finally:
            self.real.set_config(**old)

    def set_size_limit_kb(self, kb: int):
        return self._config(max_upl_size=kb)

    def set_thumbs_per_page(self, n: int):
        return self._config(thumbcols=n, thumbrows=1)

    def set_theme(self, theme: str):
        return self._config(theme=theme)

    def forget_sessions(self, role: str) -> None:
        self.real.forget_sessions(self.users[role][0])

    def clear_bans(self) -> None:
        self.real.clear_bans()

    def stored_bytes(self, pid: int) -> bytes:
        filepath, filename = self.real.sql(f"SELECT filepath, filename FROM cpg_pictures WHERE pid = {int(pid)}")[0]
        return self.real.file(f"albums/{filepath}{filename}").read_bytes()

    def quota_role(self) -> str:
        return "quota"

    def album_count(self, title: str) -> int:
        import html

        escaped = html.escape(title, quote=True).replace("'", "''")
        return int(self.real.sql(f"SELECT COUNT(*) FROM cpg_albums WHERE title = '{escaped}'")[0][0])

    def stored_titles(self, aid: int) -> list[str]:
        return [row[0] for row in self.real.sql(f"SELECT title FROM cpg_pictures WHERE aid = {int(aid)}")]


@functools.cache
def _live_user_category(url: str, user: str, password: str) -> int | None:
    """The live user's personal gallery category (10000 + their id), as the gallery's pages show it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.InsecureGalleryWarning)
        return gk.Coppermine(url, user, password, mode="web").personal_category()


class LiveServer(CpgServer):
    """A gallery owner's own gallery, named by environment variables; read-only unless they allow uploads."""

    def __init__(self) -> None:
        env = os.environ
        super().__init__(
            "live",
            env["GALLERYK_LIVE_CPG_URL"],
            {"user": (env["GALLERYK_LIVE_CPG_USER"], env["GALLERYK_LIVE_CPG_PASSWORD"])},
            {"own": int(env["GALLERYK_LIVE_CPG_ALBUM"])},
            read_only=env.get(LIVE_UPLOADS) != "1",
            version="live",
        )
        self.user_category = _live_user_category(self.url, *self.users["user"])

    def fresh_album(self, title: str | None = None, owner: str = "user", public: bool = False) -> int:
        self.need_uploads()
        if public:
            self.need("an album of the suite's own in a public category")
        return self.client(owner).create_album(title or unique())

    def age_picture(self, pid: int, seconds: int) -> None:
        self.need("changing a picture's upload time in the gallery's database")

    def served(self, page: str) -> int | None:
        return None  # a live gallery's request log is not ours to read

    def set_size_limit_kb(self, kb: int):
        self.need("a size limit set by the suite")

    def set_thumbs_per_page(self, n: int):
        self.need("a thumbnails-per-page setting set by the suite")

    def forget_sessions(self, role: str) -> None:
        self.need("the gallery's session table")

    def clear_bans(self) -> None:
        self.need("the gallery's ban table")

    def stored_bytes(self, pid: int) -> bytes:
        self.need("the gallery's files on disk")
        return b""

    def album_count(self, title: str) -> int:
        return int((self.client().albums()["title"] == title).sum())


def seed_real(real) -> RealServer:
    """Make the suite's users, categories and albums on a freshly installed real gallery, as its admin would."""
    testers = real.add_group("Testers", can_upload=True, can_create_albums=True)
    viewers = real.add_group("Viewers", can_upload=False, can_create_albums=False)
    # The suite uploads far more than 1.6.26's 1024 KB Registered quota: its users get a group with room;
    # the quota itself is met on purpose by the Registered user "dora".
    real.set_group(testers, group_quota=1024 * 1024)
    users = {
        "user": ("alice", "alice-real-pw"),
        "other": ("bob", "bob-real-pw"),
        "viewer": ("carol", "carol-real-pw"),
        "quota": ("dora", "dora-real-pw"),
        "admin": ("admin", real.users["admin"]),
    }
    for role, (name, password) in users.items():
        if role != "admin":
            real.add_user(name, password, group={"viewer": viewers, "quota": 2}.get(role, testers))
    travel = real.add_category("Travel", description="Trips near and far")
    europe = real.add_category("Europe & Asia", parent=travel)
    club = real.add_category("Club events")
    alice = 10000 + real.user_ids["alice"]
    albums = {
        "nested": real.add_album("Harbour & Beach", europe, uploads=True),
        "closed": real.add_album("City walks", travel),
        "open": real.add_album("Members' corner", club, uploads=True),
        "hidden": real.add_album("Staff only", club, visibility=1),
        "own": real.add_album("Alice's holidays", alice, as_user="alice"),
        "private": real.add_album("Alice's garden", alice, as_user="alice"),
    }
    real.update_album(albums["private"], title="Alice's garden", category=alice, uploads=False, visibility=alice)
    return RealServer(real, users, albums, {"travel": travel, "europe": europe, "club": club})
