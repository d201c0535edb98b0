"""An unmodified Coppermine 1.6.26 gallery for the tests: private MariaDB, ``php -S``, installed over HTTP.

The release tarball is test data, never part of galleryk: it is found at
``$GALLERYK_CPG_TARBALL``, else ``<repo>/../shared/coppermine/cpg1.6.26.tar.gz``, else
``/work/shared/coppermine/cpg1.6.26.tar.gz``. :class:`RealCoppermine` unpacks it into a
scratch folder, starts a MariaDB of its own on a unix socket (no TCP port), serves the tree
with PHP's built-in server on 127.0.0.1, walks ``install.php``'s own steps, and then makes
users, categories and albums as the admin would, through ``usermgr.php``, ``catmgr.php``
and the album manager. Settings go into the ``<prefix>config`` table. ``stop()`` ends
both servers and removes the scratch folder.

Without the tarball, PHP (with mysqli, gd, mbstring) or MariaDB, :func:`missing` says what
is missing, and the tests skip with one line saying how to run them (or fail when
``GALLERYK_REQUIRE_REAL_COPPERMINE=1``, as in CI).
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import requests

from galleryk.cli.jupyter import die_with_parent, free_port

REPO = Path(__file__).resolve().parents[2]
TARBALL_NAME = "cpg1.6.26.tar.gz"
PACKAGES = "php-cli php-mysql php-gd php-mbstring php-xml mariadb-server"
HOW_TO_RUN = (
    f"run `make test-real-coppermine` (it installs the Debian packages {PACKAGES} when it can), "
    "or set GALLERYK_CPG_TARBALL to the Coppermine 1.6.26 release tarball"
)
REQUIRE_VAR = "GALLERYK_REQUIRE_REAL_COPPERMINE"
PREFIX = "cpg_"
ADMIN = ("admin", "admin-real-pw")
AGENT = "galleryk-tests/real-coppermine"
THEMES = ("curve", "eyeball", "hardwired", "rainy_day", "sample", "water_drop")
"""The themes that ship in 1.6.26's ``themes/`` folder (``curve`` is the default)."""


def tarball() -> Path | None:
    """Where the release tarball is, or None."""
    candidates = []
    if os.environ.get("GALLERYK_CPG_TARBALL"):
        candidates.append(Path(os.environ["GALLERYK_CPG_TARBALL"]))
    candidates += [REPO.parent / "shared" / "coppermine" / TARBALL_NAME, Path("/work/shared/coppermine") / TARBALL_NAME]
    return next((p for p in candidates if p.is_file()), None)


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")


def missing() -> str | None:
    """What this machine lacks to run the real gallery, or None when it has it all."""
    lacks = []
    if tarball() is None:
        lacks.append(f"the tarball {TARBALL_NAME}")
    php = _which("php")
    if php is None:
        lacks.append("php")
    else:
        mods = subprocess.run([php, "-m"], capture_output=True, text=True, timeout=30).stdout.lower().split()
        lacks += [f"php module {m}" for m in ("mysqli", "gd", "mbstring") if m not in mods]
    for tool in ("mariadbd", "mariadb-install-db", "mariadb"):
        if _which(tool) is None:
            lacks.append(tool)
    return ", ".join(lacks) or None


class RealCoppermineError(RuntimeError):
    """The real gallery could not be started or changed; the message quotes what it said."""


def _page_text(resp: requests.Response) -> str:
    try:
        doc = lxml.html.fromstring(resp.content or b"<html/>")
    except Exception:  # only for a message
        return resp.text[:500]
    return " ".join(doc.text_content().split())


class RealCoppermine:
    """One running, installed Coppermine 1.6.26 gallery with its own MariaDB; see the module docstring."""

    def __init__(self, *, upload_limit_mb: int = 32, workers: int = 4) -> None:
        source = tarball()
        if source is None:
            raise RealCoppermineError(f"no {TARBALL_NAME}; {HOW_TO_RUN}")
        self.source = source
        self.root = Path(tempfile.mkdtemp(prefix="gk-cpg-"))  # short: a unix socket path has ~100 bytes
        self.tree = self.root / "gallery"
        self.datadir = self.root / "db"
        self.socket = self.root / "db.sock"
        self.upload_limit_mb = upload_limit_mb
        self.workers = workers
        self.port = 0
        self.url = ""
        self.users: dict[str, str] = {ADMIN[0]: ADMIN[1]}
        self.user_ids: dict[str, int] = {}
        self._procs: list[subprocess.Popen] = []
        self._db_user = os.environ.get("USER") or "root"
        self._admin: requests.Session | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> RealCoppermine:
        try:
            self._unpack()
            self._start_mariadb()
            self._start_php()
            self._install()
            self.user_ids[ADMIN[0]] = 1
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """End both servers (PHP first) and remove the scratch folder."""
        for proc in reversed(self._procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        self._procs.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> RealCoppermine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
        fh = open(log, "ab")  # noqa: SIM115 - the child keeps it; closed in stop()
        try:
            proc = subprocess.Popen(
                args,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        finally:
            fh.close()
        self._procs.append(proc)
        return proc

    def _unpack(self) -> None:
        work = self.root / "unpack"
        with tarfile.open(self.source) as tar:
            tar.extractall(work, filter="data")
        top = next(p for p in work.iterdir() if p.is_dir())
        top.rename(self.tree)
        work.rmdir()
        for folder in ("albums", "include"):
            for path in [self.tree / folder, *(self.tree / folder).rglob("*")]:
                if path.is_dir():
                    path.chmod(0o777)

    # -- MariaDB ---------------------------------------------------------------------------
    def _db_args(self) -> list[str]:
        user = ["--user=root"] if os.geteuid() == 0 else []
        return ["--no-defaults", *user, f"--datadir={self.datadir}"]

    def _start_mariadb(self) -> None:
        self.datadir.mkdir()
        small = ["--innodb-log-file-size=8M", "--innodb-buffer-pool-size=32M"]
        init = subprocess.run(
            [
                _which("mariadb-install-db"),
                *self._db_args(),
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
                *small,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if init.returncode:
            raise RealCoppermineError(f"mariadb-install-db failed: {init.stdout[-800:]} {init.stderr[-800:]}")
        self._spawn(
            [
                _which("mariadbd"),
                *self._db_args(),
                f"--socket={self.socket}",
                f"--pid-file={self.root / 'db.pid'}",
                "--skip-networking",
                "--skip-name-resolve",
                *small,
                f"--log-error={self.root / 'db.err'}",
            ],
            self.root / "db.log",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.socket.exists() and self._client("SELECT 1", database=None, check=False).returncode == 0:
                break
            if self._procs[-1].poll() is not None:
                raise RealCoppermineError(f"mariadbd stopped: {self._log('db.err')}")
            time.sleep(0.2)
        else:
            raise RealCoppermineError(f"mariadbd did not come up: {self._log('db.err')}")
        self._client(
            "CREATE DATABASE cpg CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
            "CREATE USER 'cpg'@'localhost' IDENTIFIED BY 'cpg-db-pw';"
            "GRANT ALL ON cpg.* TO 'cpg'@'localhost';",
            database=None,
        )

    def _log(self, name: str) -> str:
        path = self.root / name
        return path.read_text(errors="replace")[-1500:] if path.exists() else "(no log)"

    def _client(self, sql: str, *, database: str | None = "cpg", check: bool = True) -> subprocess.CompletedProcess:
        args = [
            _which("mariadb"),
            "--no-defaults",
            f"--socket={self.socket}",
            f"--user={self._db_user}",
            "--batch",
            "--skip-column-names",
            "--default-character-set=utf8mb4",
        ]
        if database:
            args.append(database)
        done = subprocess.run(args, input=sql, capture_output=True, text=True, timeout=60)
        if check and done.returncode:
            raise RealCoppermineError(f"SQL failed: {sql[:200]}: {done.stderr.strip()}")
        return done

    def sql(self, query: str) -> list[list[str]]:
        """Run SQL on the gallery's database; rows as lists of strings (``<prefix>`` tables: ``cpg_...``)."""
        out = self._client(query).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def set_config(self, **values: object) -> None:
        """Change settings in the ``<prefix>config`` table (read by the gallery on every request)."""
        for name, value in values.items():
            self.sql(f"UPDATE {PREFIX}config SET value = '{_quote(str(value))}' WHERE name = '{_quote(name)}'")

    def config(self, name: str) -> str:
        rows = self.sql(f"SELECT value FROM {PREFIX}config WHERE name = '{_quote(name)}'")
        return rows[0][0] if rows else ""

    def served(self, page: str) -> int:
        """How many requests for ``page`` (``"thumbnails.php"``) PHP's server has logged (``[200]: GET /page?...``)."""
        pattern = re.compile(r"\]: (?:GET|POST|HEAD) /" + re.escape(page) + r"(?:\?|$|\s)", re.M)
        log, last = self.root / "php.log", -1
        for _ in range(20):  # php -S writes the line as it closes the request: let the last ones land
            count = len(pattern.findall(log.read_text(errors="replace"))) if log.exists() else 0
            if count == last:
                return count
            last = count
            time.sleep(0.05)
        return last

    def clear_bans(self) -> None:
        """Forget failed logins and bans (a ban test bans 127.0.0.1 for every test that follows)."""
        self.sql(f"DELETE FROM {PREFIX}banned")

    # -- PHP -------------------------------------------------------------------------------
    def _start_php(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        limit = self.upload_limit_mb
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": str(self.workers)}
        self._spawn(
            [
                _which("php"),
                "-d",
                f"mysqli.default_socket={self.socket}",
                "-d",
                f"upload_max_filesize={limit}M",
                "-d",
                f"post_max_size={limit + 8}M",
                "-d",
                "display_errors=0",
                "-d",
                "log_errors=1",
                "-d",
                f"error_log={self.root / 'php-errors.log'}",
                "-d",
                "memory_limit=256M",
                "-d",
                "max_execution_time=120",
                "-S",
                f"127.0.0.1:{self.port}",
                "-t",
                str(self.tree),
            ],
            self.root / "php.log",
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            if self._procs[-1].poll() is not None:
                raise RealCoppermineError(f"php -S stopped: {self._log('php.log')}")
            time.sleep(0.1)
        raise RealCoppermineError(f"php -S did not come up: {self._log('php.log')}")

    def session(self) -> requests.Session:
        s = requests.Session()
        s.headers["User-Agent"] = AGENT
        return s

    # -- install.php -----------------------------------------------------------------------
    def _install(self) -> None:
        s = self.session()
        steps: list[tuple[int, dict[str, str]]] = [
            (2, {"lang": "english", "javascript_check": "passed"}),  # welcome: sets the cookie checked next
            (3, {}),  # file check
            (4, {}),  # folder permissions
            (5, {"thumb_method": "gd2"}),  # image library
            (6, {}),  # image test
            (
                7,
                {
                    "db_type": "mysqli",
                    "db_host": "localhost",
                    "db_user": "cpg",
                    "db_password": "cpg-db-pw",
                    "update_check_connection": "1",
                },
            ),  # test the connection
            (7, {"db_type": "mysqli", "db_host": "localhost", "db_user": "cpg", "db_password": "cpg-db-pw"}),
            (8, {"db_name": "cpg", "db_prefix": PREFIX}),  # creates the tables
            (
                9,
                {
                    "admin_username": ADMIN[0],
                    "admin_password": ADMIN[1],
                    "admin_password_verif": ADMIN[1],
                    "admin_email": "admin@example.org",
                    "admin_email_verif": "admin@example.org",
                },
            ),
        ]
        resp = s.get(self.url + "install.php", timeout=60)
        for step, data in steps:
            resp = s.post(self.url + f"install.php?step={step}", data=data, timeout=120)
            if resp.status_code != 200 or re.search(r"\bERROR\b", _page_text(resp)):
                raise RealCoppermineError(f"install.php step {step}: HTTP {resp.status_code}: {_page_text(resp)[:600]}")
        if not (self.tree / "include" / "config.inc.php").is_file() or "Installation completed" not in _page_text(resp):
            raise RealCoppermineError(f"install.php did not finish: {_page_text(resp)[:600]}")

    # -- signed-in browsing, as a person would ----------------------------------------------
    def login(self, user: str, password: str | None = None) -> requests.Session:
        """A requests session signed in as ``user`` (two page views first make the session cookie)."""
        s = self.session()
        s.get(self.url + "login.php", timeout=60)
        s.get(self.url + "index.php", timeout=60)
        resp = s.post(
            self.url + "login.php?referer=index.php",
            allow_redirects=False,
            timeout=60,
            data={"username": user, "password": password or self.users[user], "submitted": "1"},
        )
        if resp.status_code != 302:
            raise RealCoppermineError(f"login as {user} failed: {_page_text(resp)[:300]}")
        return s

    @property
    def admin(self) -> requests.Session:
        if self._admin is None:
            self._admin = self.login(ADMIN[0])
        return self._admin

    def token(self, s: requests.Session) -> dict[str, str]:
        """The session user's form token, from the logout link of the index page."""
        doc = lxml.html.fromstring(s.get(self.url + "index.php", timeout=60).content)
        for a in doc.iter("a"):
            href = a.get("href") or ""
            if "logout.php" in href:
                q = parse_qs(urlsplit(href).query)
                return {"form_token": q["form_token"][0], "timestamp": q["timestamp"][0]}
        raise RealCoppermineError("no logout link: the admin session is gone")

    def _admin_post(self, path: str, data: dict) -> requests.Response:
        resp = self.admin.post(self.url + path, data={**data, **self.token(self.admin)}, timeout=60)
        text = _page_text(resp)
        if resp.status_code != 200 or re.search(r"critical error|form token could not be found|not exist", text, re.I):
            raise RealCoppermineError(f"{path}: HTTP {resp.status_code}: {text[:500]}")
        return resp

    # -- what the admin makes ----------------------------------------------------------------
    def add_user(self, name: str, password: str, group: int = 2) -> int:
        """A new active user through ``usermgr.php`` (group 2: Registered); returns the user id."""
        self._admin_post(
            "usermgr.php?op=update&user_id=0",
            {
                "user_name": name,
                "user_password": password,
                "user_email": f"{name}@example.org",
                "user_active": "YES",
                "user_group": str(group),
            },
        )
        rows = self.sql(f"SELECT user_id FROM {PREFIX}users WHERE user_name = '{_quote(name)}'")
        if not rows:
            raise RealCoppermineError(f"usermgr.php did not create {name!r}")
        self.users[name] = password
        self.user_ids[name] = int(rows[0][0])
        return self.user_ids[name]

    def add_group(self, name: str, *, can_upload: bool, can_create_albums: bool) -> int:
        """A user group (the group manager's table is a grid of every group at once, so this writes the row)."""
        self.sql(
            f"INSERT INTO {PREFIX}usergroups (group_name, group_quota, has_admin_access, can_rate_pictures,"
            f" can_send_ecards, can_post_comments, can_upload_pictures, can_create_albums, pub_upl_need_approval,"
            f" priv_upl_need_approval, access_level) VALUES ('{_quote(name)}', 1024, 0, 1, 1, 1, {int(can_upload)},"
            f" {int(can_create_albums)}, 1, 0, 3)"
        )
        return int(self.sql(f"SELECT group_id FROM {PREFIX}usergroups WHERE group_name = '{_quote(name)}'")[0][0])

    def add_category(self, name: str, parent: int = 0, description: str = "") -> int:
        """A new category through ``catmgr.php?op=createcat``; returns its id."""
        self._admin_post(
            "catmgr.php?op=createcat", {"parent": str(parent), "name": name, "description": description, "cid": "0"}
        )
        rows = self.sql(
            f"SELECT cid FROM {PREFIX}categories WHERE name = '{_quote(html.escape(name, False))}'"
            f" AND parent = {int(parent)}"
            " ORDER BY cid DESC LIMIT 1"
        )
        if not rows:
            raise RealCoppermineError(f"catmgr.php did not create category {name!r}")
        return int(rows[0][0])

    def add_album(
        self,
        title: str,
        category: int,
        *,
        uploads: bool = False,
        visibility: int = 0,
        as_user: str | None = None,
        description: str = "",
    ) -> int:
        """A new album through the album manager (``delete.php?what=albmgr&op=add``), then its properties
        through ``modifyalb.php``'s form (``db_input.php?event=album_update``); returns its id."""
        s = self.admin if as_user is None else self.login(as_user)
        q = {"what": "albmgr", "op": "add", "cat": str(category), "name": title, "position": "0", **self.token(s)}
        resp = s.get(self.url + "delete.php", params=q, timeout=60)
        try:
            aid = int(resp.json()["newAid"])
        except (ValueError, KeyError):
            raise RealCoppermineError(f"album manager did not create {title!r}: {resp.text[:300]}") from None
        if uploads or visibility or description:
            self.update_album(
                aid, title=title, category=category, uploads=uploads, visibility=visibility, description=description
            )
        return aid

    def update_album(
        self, aid: int, *, title: str, category: int, uploads: bool, visibility: int = 0, description: str = ""
    ) -> None:
        self._admin_post(
            "db_input.php",
            {
                "event": "album_update",
                "aid": str(aid),
                "title": title,
                "category": str(category),
                "description": description,
                "keyword": "",
                "thumb": "0",
                "visibility": str(visibility),
                "uploads": "YES" if uploads else "NO",
                "comments": "YES",
                "votes": "YES",
            },
        )

    def set_group(self, group: int, **columns: object) -> None:
        """Change columns of a row of ``<prefix>usergroups`` (quota, rights, approval)."""
        sets = ", ".join(f"{k} = '{_quote(str(v))}'" for k, v in columns.items())
        self.sql(f"UPDATE {PREFIX}usergroups SET {sets} WHERE group_id = {int(group)}")

    def forget_sessions(self, user: str) -> None:
        """Drop every server-side session of ``user`` (as an expiry or a cleared session table would)."""
        self.sql(f"DELETE FROM {PREFIX}sessions WHERE user_id = {int(self.user_ids[user])}")

    def file(self, relative: str) -> Path:
        """A path inside the gallery's tree (``albums/userpics/...``)."""
        return self.tree / relative


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "''")
