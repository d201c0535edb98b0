"""Real Coppermine galleries for the tests: private MariaDB, ``php -S``, installed over HTTP.

The release tarballs are test data, never part of galleryk. They are found in
``$GALLERYK_CPG_DIR``, else ``<repo>/../shared/coppermine/``, else ``/work/shared/coppermine/``
(1.6.26 also at ``$GALLERYK_CPG_TARBALL``); :data:`VERSIONS` names them. :class:`RealCoppermine`
(1.6.26) unpacks one into a scratch folder, starts a MariaDB of its own on a unix socket (no TCP
port), serves the tree with PHP's built-in server on 127.0.0.1, walks ``install.php``'s own steps,
and then makes users, categories and albums as the admin would, through ``usermgr.php``,
``catmgr.php`` and the album manager. Settings go into the ``<prefix>config`` table; ``lang``
picks the gallery's language. ``stop()`` ends both servers and removes the scratch folder.
:class:`Coppermine17` is the same for 1.7.02; 1.5.21 and 1.4.27 (with the cpgAPI add-on) live in
:mod:`support.legacy_coppermine`, and :func:`gallery_class` picks the class for a version.

Without the tarball, PHP (with mysqli, gd, mbstring) or MariaDB, :func:`missing` says what
is missing, and the tests skip with one line saying how to run them (or fail when
``GALLERYK_REQUIRE_REAL_COPPERMINE=1``, as in CI).
"""

from __future__ import annotations

import contextlib
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
VERSIONS = {
    "1.4.27": "legacy/cpg1.4.27-cpgapi.tar.gz",
    "1.5.21": "legacy/cpg1.5.21.tar.gz",
    "1.6.26": TARBALL_NAME,
    "1.7.02": "cpg1.7.02.tar.gz",
}
"""Each version's tarball, relative to the shared Coppermine folder (1.4.27 carries the cpgAPI add-on in ``api/``)."""
LEGACY = ("1.4.27", "1.5.21")
"""Versions that run on PHP 8 only with ``legacy/shim.php`` prepended (see ``legacy/MENDS.md``)."""
SHIM = "legacy/shim.php"
PACKAGES = "php-cli php-mysql php-gd php-mbstring php-xml mariadb-server"
HOW_TO_RUN = (
    f"run `make test-real-coppermine` (it installs the Debian packages {PACKAGES} when it can), "
    "or set GALLERYK_CPG_DIR to the folder of the Coppermine tarballs"
)
REQUIRE_VAR = "GALLERYK_REQUIRE_REAL_COPPERMINE"
PREFIX = "cpg_"
ADMIN = ("admin", "admin-real-pw")
AGENT = "galleryk-tests/real-coppermine"
THEMES = ("curve", "eyeball", "hardwired", "rainy_day", "sample", "water_drop")
"""The themes that ship in 1.6.26's ``themes/`` folder (``curve`` is the default)."""


def _shared_dirs() -> list[Path]:
    dirs = [Path(os.environ["GALLERYK_CPG_DIR"])] if os.environ.get("GALLERYK_CPG_DIR") else []
    return [*dirs, REPO.parent / "shared" / "coppermine", Path("/work/shared/coppermine")]


def tarball(version: str = "1.6.26") -> Path | None:
    """Where the release tarball of ``version`` (a key of :data:`VERSIONS`) is, or None."""
    candidates = []
    if version == "1.6.26" and os.environ.get("GALLERYK_CPG_TARBALL"):
        candidates.append(Path(os.environ["GALLERYK_CPG_TARBALL"]))
    candidates += [folder / VERSIONS[version] for folder in _shared_dirs()]
    return next((p for p in candidates if p.is_file()), None)


def shim() -> Path | None:
    """Where ``legacy/shim.php`` (the PHP 5 compatibility layer of 1.4 and 1.5) is, or None."""
    return next((p for p in (folder / SHIM for folder in _shared_dirs()) if p.is_file()), None)


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")


def missing(version: str = "1.6.26") -> str | None:
    """What this machine lacks to run the real gallery of ``version``, or None when it has it all."""
    lacks = []
    if tarball(version) is None:
        lacks.append(f"the tarball {VERSIONS[version]}")
    if version in LEGACY and shim() is None:
        lacks.append(SHIM)
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


def gallery_class(version: str) -> type[RealCoppermine]:
    """The class that runs ``version`` (a key of :data:`VERSIONS`)."""
    from support import legacy_coppermine  # it builds on this module's classes

    classes = {
        "1.4.27": legacy_coppermine.Coppermine14,
        "1.5.21": legacy_coppermine.Coppermine15,
        "1.6.26": RealCoppermine,
        "1.7.02": Coppermine17,
    }
    return classes[version]


class RealCoppermineError(RuntimeError):
    """The real gallery could not be started or changed; the message quotes what it said."""


def _page_text(resp: requests.Response) -> str:
    try:
        doc = lxml.html.fromstring(resp.content or b"<html/>")
    except Exception:  # only for a message
        return resp.text[:500]
    return " ".join(doc.text_content().split())


class RealCoppermine:
    """One running, installed Coppermine 1.6.26 gallery with its own MariaDB; see the module docstring.

    ``lang`` is the gallery's language (a file of the tree's ``lang/`` folder: ``german``, ``french``...).
    """

    VERSION = "1.6.26"
    ADMIN_PASSWORD = ADMIN[1]
    DB_CHARSET = "utf8mb4 COLLATE utf8mb4_unicode_ci"
    CLIENT_CHARSET = "utf8mb4"
    DB_OPTIONS: tuple[str, ...] = ()
    """Extra ``mariadbd`` options (the legacy trees need ``--sql-mode=``)."""

    def __init__(self, *, lang: str = "english", upload_limit_mb: int = 32, workers: int = 4) -> None:
        source = tarball(self.VERSION)
        if source is None:
            raise RealCoppermineError(f"no {VERSIONS[self.VERSION]}; {HOW_TO_RUN}")
        self.source = source
        self.version = self.VERSION
        self.lang = lang
        self.root = Path(tempfile.mkdtemp(prefix="gk-cpg-"))  # short: a unix socket path has ~100 bytes
        self.tree = self.root / "gallery"
        self.datadir = self.root / "db"
        self.socket = self.root / "db.sock"
        self.upload_limit_mb = upload_limit_mb
        self.workers = workers
        self.port = 0
        self.url = ""
        self.users: dict[str, str] = {ADMIN[0]: self.ADMIN_PASSWORD}
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
            self._use_language()
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

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.version} {self.lang} at {self.url or '(not started)'}>"

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

    WRITABLE: tuple[str, ...] = ("albums", "include")
    """Folders PHP must be able to write to (recursively)."""

    def _unpack(self) -> None:
        work = self.root / "unpack"
        with tarfile.open(self.source) as tar:
            tar.extractall(work, filter="data")
        top = next(p for p in work.iterdir() if p.is_dir())
        top.rename(self.tree)
        work.rmdir()
        for folder in self.WRITABLE:
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
                *self.DB_OPTIONS,
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
            f"CREATE DATABASE cpg CHARACTER SET {self.DB_CHARSET};"
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
            f"--default-character-set={self.CLIENT_CHARSET}",
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

    def fatal_errors(self) -> list[str]:
        """The requests that died of a PHP fatal error so far, as PHP's server logged them (``[500]: GET /index.php
        - Uncaught TypeError ...``); a legacy tree on PHP 8 may still meet one."""
        log = self.root / "php.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return [line for line in text.splitlines() if " - Uncaught " in line or "PHP Fatal error" in line]

    def clear_bans(self) -> None:
        """Forget failed logins and bans (a ban test bans 127.0.0.1 for every test that follows)."""
        self.sql(f"DELETE FROM {PREFIX}banned")

    # -- PHP -------------------------------------------------------------------------------
    def _start_php(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        limit = self.upload_limit_mb
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": str(self.workers)}
        ini = {
            "mysqli.default_socket": str(self.socket),
            "upload_max_filesize": f"{limit}M",
            "post_max_size": f"{limit + 8}M",
            "display_errors": "0",
            "log_errors": "1",
            "error_log": str(self.root / "php-errors.log"),
            "memory_limit": "256M",
            "max_execution_time": "120",
            **self._php_ini(),
        }
        settings = [arg for name, value in ini.items() for arg in ("-d", f"{name}={value}")]
        self._spawn(
            [_which("php"), *settings, "-S", f"127.0.0.1:{self.port}", "-t", str(self.tree)],
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

    def _php_ini(self) -> dict[str, str]:
        """Extra ``php -d`` settings of this version."""
        return {}

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

    def _use_language(self) -> None:
        if not (self.tree / "lang" / f"{self.lang}.php").is_file():
            raise RealCoppermineError(f"Coppermine {self.version} ships no language {self.lang!r}")
        self.set_config(lang=self.lang)

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
        if not self._login_accepted(resp):
            raise RealCoppermineError(f"login as {user} failed: HTTP {resp.status_code}: {_page_text(resp)[:300]}")
        return s

    def _login_accepted(self, resp: requests.Response) -> bool:
        """Whether the reply to the login POST is this version's success (1.5 to 1.7: a redirect)."""
        return resp.status_code == 302

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

    GROUP_COLUMNS: tuple[tuple[str, int], ...] = (("access_level", 3),)
    """``<prefix>usergroups`` columns of this version beyond those every version has, and their values."""

    def add_group(self, name: str, *, can_upload: bool, can_create_albums: bool) -> int:
        """A user group (the group manager's table is a grid of every group at once, so this writes the row)."""
        columns = {
            "group_name": name,
            "group_quota": 1024,
            "has_admin_access": 0,
            "can_rate_pictures": 1,
            "can_send_ecards": 1,
            "can_post_comments": 1,
            "can_upload_pictures": int(can_upload),
            "can_create_albums": int(can_create_albums),
            "pub_upl_need_approval": 1,
            "priv_upl_need_approval": 0,
            **dict(self.GROUP_COLUMNS),
        }
        values = ", ".join(f"'{_quote(str(v))}'" for v in columns.values())
        self.sql(f"INSERT INTO {PREFIX}usergroups ({', '.join(columns)}) VALUES ({values})")
        return int(self.sql(f"SELECT group_id FROM {PREFIX}usergroups WHERE group_name = '{_quote(name)}'")[0][0])

    def _last_id(self, table: str, column: str) -> int:
        return int(self.sql(f"SELECT COALESCE(MAX({column}), 0) FROM {PREFIX}{table}")[0][0])

    def add_category(self, name: str, parent: int = 0, description: str = "") -> int:
        """A new category through ``catmgr.php?op=createcat``; returns its id."""
        before = self._last_id("categories", "cid")
        self._admin_post(
            "catmgr.php?op=createcat", {"parent": str(parent), "name": name, "description": description, "cid": "0"}
        )
        rows = self.sql(
            f"SELECT cid FROM {PREFIX}categories WHERE cid > {before} AND parent = {int(parent)} ORDER BY cid DESC LIMIT 1"
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


class Coppermine17(RealCoppermine):
    """One running, installed Coppermine 1.7.02 gallery: installed and driven exactly as 1.6.26.

    1.7 starts every request in English whatever the ``lang`` setting says (``include/cpg.inc.php``
    picks the language before it reads the visitor's cookie); a page comes in the gallery's
    language only when its own URL carries ``lang=<language>``.
    """

    VERSION = "1.7.02"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "''")
