"""Messages recognised by their words in every shipped language, and the table of those words kept true to the tarballs."""

from __future__ import annotations

import os

import pytest

from galleryk.base.errors import Reason
from galleryk.coppermine import lang_texts, pages, texts, uploads
from galleryk.coppermine.errors import Code


def test_the_table_of_words_is_what_the_four_releases_language_files_say():
    from support import cpg_lang_texts
    from support import real_coppermine as rc

    lack = rc.missing("1.4.27") or rc.missing("1.5.21") or rc.missing("1.7.02") or rc.missing("1.6.26")
    if lack is not None:
        if os.environ.get(rc.REQUIRE_VAR) == "1":
            pytest.fail(f"no {lack} ({rc.REQUIRE_VAR}=1)")
        pytest.skip(f"the Coppermine tarballs and PHP are needed to read their language files (no {lack})")
    found, separators = cpg_lang_texts.collect()
    assert {k: tuple(v) for k, v in found.items()} == lang_texts.TEXTS
    assert {k: tuple(v) for k, v in separators.items()} == lang_texts.SEPARATOR_WORDS


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Dateigröße größer als Coppermine-Einstellungen.", Code.TOO_LARGE),  # German 1.5-1.7
        ("Le poids excède celui permis par Coppermine.", Code.TOO_LARGE),  # French 1.4
        ("El archivo que quieres subir no es una imagen válida!", Code.NOT_AN_IMAGE),  # Spanish 1.5-1.7
        ("Kettalimiit on täis.", Code.QUOTA),  # Estonian 1.5-1.7
        ("Nur Dateien mit den folgenden Erweiterungen sind zulässig: jpg, png", Code.FORBIDDEN_EXTENSION),
        ("Selected album does not exist or you don't have permission to upload in this album", Code.ALBUM_REFUSED),
        ("Vous n'avez pas la permission d'effectuer cette opération.", Code.PERMISSION),
        ("Twój dostęp do strony jest obecnie zablokowany.", Code.AUTHENTICATION),  # Polish ban, 1.4 and 1.5
    ],
)
def test_a_refusal_gets_its_code_whatever_the_language(message, code):
    assert uploads.code_for(message) == code


def test_the_longer_wording_wins_where_one_message_holds_another():
    # 1.6's quota refusal is the short quota message followed by its details
    said = (
        "Disk quota exceeded.<br />&nbsp;<br />You have a space quota of 1K, your files currently use 300K, adding..."
    )
    assert uploads.code_for(said) == Code.QUOTA


def test_a_message_no_language_says_is_unrecognised_with_the_gallerys_words():
    error = uploads.refused("upload to album 5", "Le serveur a mangé votre photo")
    assert error.code == Code.NONE and error.reason is Reason.UNRECOGNISED
    assert "Le serveur a mangé votre photo" in str(error)


@pytest.mark.parametrize(
    ("label", "separator"),
    [
        ("Keywords (separate with comma)", ","),
        ("Schlüsselwörter (mit Semikolon trennen)", ";"),
        ("Mots-clés (séparés par un(e) point-virgule)", ";"),
        ("Mots-clés (séparés par un(e) virgule)", ","),
        ("Palabras clave (separadas por espacio)", " "),
        ("Stichworte (Trennung mit Leerzeichen)Aus Liste einfügen", " "),  # 1.4's fixed label: always blanks
    ],
)
def test_the_keyword_separator_is_read_off_its_label_in_any_language(label, separator):
    assert texts.separator_named(label) == separator


def test_a_view_count_is_told_from_a_title():
    assert texts.views_template("12 x angesehen") and texts.views_template("vu 3 fois")
    assert not texts.views_template("IMG 0001") and not texts.views_template("Hafen")


def test_the_admins_unsupported_version_warning_of_1_7_is_no_error():
    page = (
        '<html><body><a href="logout.php?form_token=1&amp;timestamp=2">Logout [admin]</a>'
        '<div class="cpg_message_warning"><h2>Unsupported version!</h2>You are running Coppermine 1.7.02 (beta)'
        "</div></body></html>"
    )
    assert pages.die_message(page) is None
