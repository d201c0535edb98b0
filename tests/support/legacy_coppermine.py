"""Coppermine 1.5.21 and 1.4.27 (with the real cpgAPI add-on) as test galleries, on PHP 8.2 and MariaDB.

They are run as :class:`support.real_coppermine.RealCoppermine` runs 1.6.26, with what
``legacy/MENDS.md`` (beside their tarballs) says these trees need: ``legacy/shim.php`` prepended
to every script (PHP 5's ``mysql_*``, ``ereg``, ``each()``...), MariaDB with ``--sql-mode=''``,
a latin1 database (the galleries store the UTF-8 bytes they receive as they are), and each
version's one-form installer completed with one POST. Categories and album properties are made
through the same admin pages as on 1.6; 1.4's users take ``usermgr.php``'s two steps and its
albums the album manager's own form post; 1.5's users are written by SQL, since its new-user form
cannot work on PHP 8. A few more edits that PHP 8 forces on 1.4 (``MENDS``) are applied to the
unpacked tree, each said where it is made.
"""

from __future__ import annotations

import re

import requests

from support.real_coppermine import (
    ADMIN,
    PREFIX,
    RealCoppermine,
    RealCoppermineError,
    _page_text,
    _quote,
    shim,
)


class Coppermine15(RealCoppermine):
    """One running, installed Coppermine 1.5.21 gallery; see the module docstring."""

    VERSION = "1.5.21"
    ADMIN_PASSWORD = "admin_legacy_pw"  # the legacy installers take letters, digits and _ only
    DB_CHARSET = "latin1"
    CLIENT_CHARSET = "latin1"  # bytes in and out as the galleries store them
    DB_OPTIONS = ("--sql-mode=",)
    INSTALLER = "install_classic.php"
    MENDS: tuple[tuple[str, str, str], ...] = (
        (
            # A picture the viewer may not see (awaiting approval, or gone) asked for by pid died (HTTP 500, empty
            # body: "count(): Argument #1 ($value) must be of type Countable|array, null given"): PHP 5 counted the
            # missing row as 0 and answered "The selected album/file does not exist!".
            "displayimage.php",
            "&& !count($CURRENT_PIC_DATA)) {",
            "&& !count($CURRENT_PIC_DATA ?? array())) {",
        ),
        (
            # The album editor of an album without any picture of the user died (HTTP 500, empty body:
            # "Too few arguments to function cpg_die(), 2 passed ... at least 4 expected"): PHP 5 only warned,
            # and drew the "Album is empty" box.
            "editpics.php",
            "cpg_die(INFORMATION, $lang_editpics_php['error_empty']);",
            "cpg_die(INFORMATION, $lang_editpics_php['error_empty'], __FILE__, __LINE__);",
        ),
    )
    """Edits beyond ``legacy/MENDS.md`` that PHP 8 forces, as (file, text, replacement): each found once, or
    the start fails (a changed tarball must be looked at again)."""

    def _unpack(self) -> None:
        super()._unpack()
        for relative, old, new in self.MENDS:
            path = self.tree / relative
            text = path.read_text(encoding="latin-1")
            if text.count(old) != 1:
                raise RealCoppermineError(f"{relative}: the text to mend is not there once; look at the tarball again")
            path.write_text(text.replace(old, new), encoding="latin-1")

    def _php_ini(self) -> dict[str, str]:
        path = shim()
        if path is None:
            raise RealCoppermineError("no legacy/shim.php beside the tarballs")
        return {"auto_prepend_file": str(path), "date.timezone": "UTC"}

    def _install_form(self) -> dict[str, str]:
        return {
            "admin_username": ADMIN[0],
            "admin_password": self.ADMIN_PASSWORD,
            "admin_email": "admin@example.org",
            "dbserver": "localhost",
            "dbuser": "cpg",
            "dbpass": "cpg-db-pw",
            "dbname": "cpg",
            "table_prefix": PREFIX,
            "impath": "",
            "submitted": "1",
            "thumb_method": "gd2",  # install_classic.php stores this field as it comes, and its form has none
        }

    def _install(self) -> None:
        resp = self.session().post(self.url + self.INSTALLER, data=self._install_form(), timeout=120)
        if resp.status_code != 200 or not (self.tree / "include" / "config.inc.php").is_file():
            raise RealCoppermineError(f"{self.INSTALLER}: HTTP {resp.status_code}: {_page_text(resp)[:600]}")
        if self.config("thumb_method") != "gd2":
            raise RealCoppermineError(f"{self.INSTALLER} stored thumb_method={self.config('thumb_method')!r}")

    def add_user(self, name: str, password: str, group: int = 2) -> int:
        """A new active user, written as 1.5's user manager writes it (md5 password); returns the user id.

        1.5.21's own "create new user" form cannot work on PHP 8: it posts ``user_id=new_user``, which
        ``usermgr.php`` reads as the integer 0 and then compares with ``'new_user'``, true on PHP 5 only.
        """
        self.sql(
            f"INSERT INTO {PREFIX}users (user_group, user_active, user_name, user_password, user_regdate, user_email,"
            f" user_group_list, user_profile6) VALUES ({int(group)}, 'YES', '{_quote(name)}', MD5('{_quote(password)}'),"
            f" NOW(), '{_quote(name)}@example.org', '', '')"
        )
        self.users[name] = password
        self.user_ids[name] = int(
            self.sql(f"SELECT user_id FROM {PREFIX}users WHERE user_name = '{_quote(name)}'")[0][0]
        )
        return self.user_ids[name]


class Coppermine14(Coppermine15):
    """One running, installed Coppermine 1.4.27 gallery with the cpgAPI add-on in ``api/``.

    1.4 has no form tokens, answers a good login with a page of its own (HTTP 200, a meta
    refresh), and its album manager posts the whole album list to ``delete.php``.
    """

    VERSION = "1.4.27"
    INSTALLER = "install.php"
    WRITABLE = ("albums", "include", "api")  # the add-on writes api/post.txt on every call
    GROUP_COLUMNS = ()  # 1.4's groups have no access_level
    MENDS = (
        (
            # Like M9 of MENDS.md, found here: index.php of a gallery without any album died for every
            # non-admin (HTTP 500, "array_diff(): Argument #1 ($array) must be of type array, null given"):
            # the list is made only by its first element, and PHP 5 took the missing list as empty.
            "include/functions.inc.php",
            "        $album_count = mysql_num_rows($result);\n        while ($row = mysql_fetch_array($result)) {\n"
            "           $meta_album_set_array[] = $row['aid'];\n        }\n        mysql_free_result($result);\n"
            "        $meta_album_set_array = array_diff(",
            "        $album_count = mysql_num_rows($result);\n        $meta_album_set_array = array();\n"
            "        while ($row = mysql_fetch_array($result)) {\n"
            "           $meta_album_set_array[] = $row['aid'];\n        }\n        mysql_free_result($result);\n"
            "        $meta_album_set_array = array_diff(",
        ),
        (
            # The admin's category manager died after each new category ("[] operator not supported for
            # strings"): its list starts as '' (init.inc.php), which PHP 5 turned into an array.
            "catmgr.php",
            "    global $CONFIG, $CAT_LIST;\n",
            "    global $CONFIG, $CAT_LIST;\n    if (!is_array($CAT_LIST)) $CAT_LIST = array();\n",
        ),
        (
            # The admin's user list died ("Unknown format specifier"): its page-tab template, given to sprintf,
            # holds width="100%", which PHP 5 passed over and PHP 8 refuses.
            "usermgr.php",
            "'left_text' => '<td width=\"100%\" align",
            "'left_text' => '<td width=\"100%%\" align",
        ),
    )

    def _install_form(self) -> dict[str, str]:
        form = super()._install_form()
        del form["thumb_method"]  # 1.4's installer detects GD itself
        return form

    def _login_accepted(self, resp: requests.Response) -> bool:
        page = resp.text
        return (
            resp.status_code == 200
            and re.search(r"<meta http-equiv=\"refresh\"", page, re.I) is not None
            and 'name="loginbox"' not in page
        )

    def token(self, s: requests.Session) -> dict[str, str]:
        return {}  # 1.4 has no form tokens

    def add_user(self, name: str, password: str, group: int = 2) -> int:
        """A new active user through ``usermgr.php``: ``op=new_user`` makes an empty row and shows its form,
        whose ``op=update&user_id=N`` post fills it in; returns the user id."""
        form = self.admin.get(self.url + "usermgr.php?op=new_user", timeout=60).text
        found = re.search(r"op=update&(?:amp;)?user_id=(\d+)", form)
        if found is None:
            raise RealCoppermineError(f"usermgr.php?op=new_user showed no user form: {form[:300]}")
        uid = int(found.group(1))
        self._admin_post(
            f"usermgr.php?op=update&user_id={uid}",
            {
                "user_name": name,
                "user_password": password,
                "user_email": f"{name}@example.org",
                "user_active": "YES",
                "user_group": str(group),
            },
        )
        if self.sql(f"SELECT user_name FROM {PREFIX}users WHERE user_id = {uid}") != [[name]]:
            raise RealCoppermineError(f"usermgr.php did not create {name!r}")
        self.users[name] = password
        self.user_ids[name] = uid
        return uid

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
        """A new album through 1.4's album manager (``delete.php`` with ``what=albmgr``), then its properties
        through ``modifyalb.php``'s form; returns its id. A user's album goes into their own gallery."""
        s = self.admin if as_user is None else self.login(as_user)
        if as_user is not None:
            category = 10000 + self.user_ids[as_user]
        before = self._last_id("albums", "aid")
        resp = s.post(
            self.url + "delete.php",
            data={
                "what": "albmgr",
                "cat": str(category),
                "sort_order": "",
                "delete_album": "",
                "to[]": f"album_no=0,album_nm='{title}',album_sort=0,action=1",
            },
            timeout=60,
        )
        rows = self.sql(
            f"SELECT aid FROM {PREFIX}albums WHERE aid > {before} AND category = {int(category)} ORDER BY aid DESC LIMIT 1"
        )
        if resp.status_code != 200 or not rows:
            raise RealCoppermineError(f"album manager did not create {title!r}: {_page_text(resp)[:300]}")
        aid = int(rows[0][0])
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
                "alb_password": "",
                "alb_password_hint": "",
            },
        )
        stored = self.sql(f"SELECT uploads, visibility FROM {PREFIX}albums WHERE aid = {int(aid)}")
        if stored != [["YES" if uploads else "NO", str(visibility)]]:
            raise RealCoppermineError(f"db_input.php did not update album {aid}: {stored}")
