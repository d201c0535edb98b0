"""The real galleries of every supported Coppermine version start, let a user sign in, and speak the asked language.

Each case starts (once per session) an unmodified 1.6.26 or 1.7.02, or a 1.5.21 or 1.4.27 (with
the cpgAPI add-on), installed by its own installer, makes a user through the admin's pages, and
signs in with plain requests. The page must show that user signed in, with the logout link in the
gallery's language (the text of ``$lang_main_menu['logout_lnk']`` in that version's language file).
"""

from __future__ import annotations

import lxml.html
import pytest
from support.cpg_fixtures import real_gallery  # noqa: F401 - the session's galleries, by version and language

LOGOUT = {
    "english": "Logout",
    "german": "Abmelden",
    "french": "Déconnexion",
}
LOGOUT_14 = {**LOGOUT, "french": "Quitter"}  # 1.4's French file words it differently


def logout_link(page: bytes) -> str | None:
    """The text of the page's link to ``logout.php`` (only a signed-in user has one), or None."""
    doc = lxml.html.fromstring(page)
    for a in doc.iter("a"):
        if (a.get("href") or "").startswith("logout.php"):
            return " ".join(a.text_content().split())
    return None


def user_named(gallery, name: str) -> str:
    """A Registered user of ``gallery``, made on first use (the galleries live for the whole session)."""
    if name not in gallery.users:
        gallery.add_user(name, f"{name}_pw1")
    return name


@pytest.mark.parametrize(
    ("version", "lang"),
    [
        ("1.4.27", "english"),
        ("1.5.21", "english"),
        ("1.6.26", "english"),
        ("1.7.02", "english"),
        ("1.6.26", "german"),
        ("1.6.26", "french"),
        ("1.5.21", "french"),
        ("1.4.27", "german"),
    ],
)
def test_a_user_signs_in_and_the_page_is_in_the_gallery_language(real_gallery, version, lang):  # noqa: F811
    gallery = real_gallery(version, lang)
    s = gallery.login(user_named(gallery, "walker"))
    word = (LOGOUT_14 if version == "1.4.27" else LOGOUT)[lang]
    assert logout_link(s.get(gallery.url + "index.php", timeout=60).content) == f"{word} [walker]"


def test_a_guest_sees_the_gallery_language_without_asking(real_gallery):  # noqa: F811
    gallery = real_gallery("1.6.26", "german")
    page = gallery.session().get(gallery.url + "index.php", timeout=60).text
    assert "Anmelden" in page and logout_link(page.encode()) is None


def test_1_7_speaks_the_gallery_language_only_when_the_url_asks_for_it(real_gallery):  # noqa: F811
    gallery = real_gallery("1.7.02", "german")
    s = gallery.login(user_named(gallery, "walker"))
    plain = s.get(gallery.url + "index.php", timeout=60).content
    asked = s.get(gallery.url + "index.php", params={"lang": "german"}, timeout=60).content
    assert (logout_link(plain), logout_link(asked)) == ("Logout [walker]", "Abmelden [walker]")


@pytest.mark.parametrize(("version", "lang"), [("1.4.27", "german"), ("1.5.21", "french"), ("1.6.26", "german")])
def test_a_visitor_who_asks_for_english_once_reads_english_after_signing_in(real_gallery, version, lang):  # noqa: F811
    gallery = real_gallery(version, lang)
    name = user_named(gallery, "walker")
    s = gallery.session()
    s.get(gallery.url + "login.php", params={"lang": "english"}, timeout=60)  # kept in the <cookie>_data cookie
    s.get(gallery.url + "index.php", timeout=60)
    form = {"username": name, "password": gallery.users[name], "submitted": "1"}
    s.post(gallery.url + "login.php?referer=index.php", data=form, allow_redirects=False, timeout=60)
    assert logout_link(s.get(gallery.url + "index.php", timeout=60).content) == "Logout [walker]"


@pytest.mark.parametrize("version", ["1.4.27", "1.5.21", "1.6.26", "1.7.02"])
def test_making_a_user_a_category_and_albums_meets_no_php_fatal_error(real_gallery, version):  # noqa: F811
    gallery = real_gallery(version)
    before = len(gallery.fatal_errors())  # the gallery is the session's: other tests may have met some
    owner = user_named(gallery, "maker")
    category = gallery.add_category("Harbour & Hills")
    gallery.add_album("Boats", category, uploads=True)
    gallery.add_album("Maker's own", 10000 + gallery.user_ids[owner], as_user=owner)
    gallery.admin.get(gallery.url + "usermgr.php", timeout=60)  # the admin's user list, after the new user
    assert gallery.fatal_errors()[before:] == []
