"""The web client on galleries that speak German and French, without asking them for English.

Each test runs on the real 1.6.26 in German and in French with ``language=None`` (galleryk asks
nothing, as on a gallery that ignores ``lang=english``, and reads the gallery's own words), on
the German 1.6.26 with the English request, 1.5.21 in French and 1.4.27 in German (without it),
and on the sandbox in German (which ignores the request) and French. What
galleryk reads there: forms, fields, links and classes; the words of the messages only where they
alone tell two outcomes apart, in every language the releases ship.
"""

from __future__ import annotations

import pytest
from support.cpg_servers import CpgServer, SandboxServer, unique

from galleryk.base.errors import Reason
from galleryk.coppermine.errors import CoppermineBanned, CoppermineError

from .test_coppermine_servers import WRONG, code_of, jpeg, posts

CASES = [
    # (server, the gallery's language, what galleryk asks for, the language its pages then come in)
    ("1.6.26", "german", None, "german"),
    ("1.6.26", "french", None, "french"),
    ("1.6.26", "german", "english", "english"),
    ("1.5.21", "french", None, "french"),
    ("1.4.27", "german", None, "german"),
    ("sandbox", "german", "english", "german"),  # the sandbox ignores the request, as a gallery may
    ("sandbox", "french", None, "french"),
]


@pytest.fixture(params=CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'asks-' + c[2] if c[2] else 'asks-nothing'}")
def spoken(request, real_servers) -> tuple[CpgServer, str | None]:
    version, lang, ask, reads = request.param
    if version == "sandbox":
        server: CpgServer = SandboxServer(request.getfixturevalue("sandbox"))
        server.sandbox.configure_coppermine(lang=lang)
    else:
        server = real_servers(version, lang)
    server.notes["reads"] = reads
    return server, ask


def client(spoken, role: str = "user", **options):
    server, ask = spoken
    return server.client(role, language=ask, **options)


LOGOUT = {"german": "Abmelden", "french": "Déconnexion", "english": "Logout"}


def test_the_client_reads_the_pages_in_the_language_it_asked_for_or_the_gallerys(spoken):
    server, _ = spoken
    cpg = client(spoken)
    cpg.login()
    page = cpg.transport.get(server.url + "index.php").text  # the client's own session
    word = LOGOUT[server.notes["reads"]]
    assert f">{word} [{server.role('user')[0]}]<" in page


def test_signing_in_shows_the_users_own_albums_and_which_take_uploads(spoken):
    server, _ = spoken
    df = client(spoken).albums().set_index("id")
    assert bool(df.loc[server.album("own"), "can_upload"])
    assert df.loc[server.album("own"), "category_id"] == server.user_category
    assert server.album("private") in df.index and server.album("hidden") not in df.index


def test_a_wrong_password_is_error_18_and_is_sent_once(spoken):
    cpg = client(spoken, password=WRONG)
    sent = posts(cpg, "login.php")
    for _ in range(2):
        assert code_of(cpg.albums) == 18
    assert len(sent) == 1


def test_the_ban_is_told_without_sending_the_password(spoken):
    server, _ = spoken
    try:
        for _ in range(6):
            with pytest.raises(CoppermineError):
                client(spoken, password=WRONG).login()
        cpg = client(spoken)
        sent = posts(cpg, "login.php")
        with pytest.raises(CoppermineBanned) as info:
            cpg.albums()
        assert info.value.reason is Reason.BANNED and sent == []
    finally:
        server.clear_bans()


def test_an_upload_keeps_its_title_caption_and_tags_with_the_gallerys_separator(spoken):
    server, _ = spoken
    cpg = client(spoken)
    result = cpg.upload(
        jpeg(31),
        album=server.album("own"),
        title="Hafen",
        description="Am Morgen",
        tags=["see", "boote"],
        filename="hafen.jpg",
    )
    info = cpg.photo_info(int(result.id))
    assert (info["title"], info["description"], info["tags"]) == ("Hafen", "Am Morgen", ["see", "boote"])
    assert cpg.keyword_separator == (" " if server.version == "1.4.27" else ";")
    listed = cpg.photos(server.album("own")).set_index("id")
    assert (listed.loc[int(result.id), "title"], listed.loc[int(result.id), "description"]) == ("Hafen", "Am Morgen")


def test_refusals_have_their_codes_in_any_language(spoken):
    server, _ = spoken
    cpg, own = client(spoken), server.album("own")
    assert code_of(lambda: cpg.upload(jpeg(32), album=server.album("closed"), filename="x.jpg")) == 19
    assert code_of(lambda: cpg.upload(jpeg(33), album=own, filename="x.exe")) == 5
    assert code_of(lambda: cpg.upload(b"kein Bild" * 30, album=own, filename="x.jpg")) == 13
    with server.set_size_limit_kb(20):
        assert code_of(lambda: cpg.upload(jpeg(size=(200, 200), noise=True), album=own, filename="big.jpg")) == 9
    viewer = client(spoken, "viewer")
    assert code_of(lambda: viewer.upload(jpeg(34), album=server.album("open"), filename="x.jpg")) == 20


def test_the_disk_quota_is_error_22(spoken):
    server, _ = spoken
    role = server.quota_role()
    cpg = client(spoken, role)
    aid = server.fresh_album(owner=role)
    codes = []
    for i in range(6):
        try:
            cpg.upload(jpeg(size=(600, 480), noise=True), album=aid, filename=f"q{i}.jpg")
        except CoppermineError as exc:
            codes.append(exc.code)
    assert codes and set(codes) == {22}


def test_an_upload_that_waits_for_approval_is_pending(spoken):
    server, _ = spoken
    result = client(spoken).upload(jpeg(35), album=server.album("open"), filename="verein.jpg")
    assert result.status == "pending_approval" and result.id is None


def test_a_lost_session_signs_in_once_again_and_retries_once(spoken):
    server, _ = spoken
    cpg = client(spoken)
    cpg.albums()
    server.forget_sessions("user")
    logins = posts(cpg, "login.php")
    assert cpg.upload(jpeg(36), album=server.album("own"), filename="wieder.jpg").status == "uploaded"
    assert len(logins) == 1


def test_create_album_finds_the_personal_gallery(spoken):
    server, _ = spoken
    cpg = client(spoken)
    title = unique("Ausflug")
    aid = cpg.create_album(title)
    assert cpg.albums().set_index("id").loc[aid, "category_id"] == server.user_category
