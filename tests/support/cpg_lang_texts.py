"""The texts galleryk's Coppermine recognisers need, read out of every language file the four releases ship.

``python tests/support/cpg_lang_texts.py`` unpacks ``lang/*.php`` of each tarball (1.4.27, 1.5.21,
1.6.26, 1.7.02) into a scratch folder, lets PHP read each file (with ``IN_COPPERMINE`` defined, the
way the gallery includes it) and prints the module ``galleryk/coppermine/lang_texts.py``: for each
message key the client may have to tell apart by its words, every distinct wording in every shipped
language. Only those fragments are kept, never a whole file. ``tests/coppermine/test_coppermine_texts.py``
runs :func:`collect` again and checks that the module holds what the tarballs say.
"""

from __future__ import annotations

import json
import pprint
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from support import real_coppermine as rc  # noqa: E402

KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    # sign-in
    "err_login": (("lang_login_php", "err_login"),),
    "welcome": (("lang_login_php", "welcome"),),
    "already_logged_in": (("lang_login_php", "err_already_logged_in"),),
    "banned": (("lang_errors", "banned"),),
    # refusals
    "perm_denied": (("lang_errors", "perm_denied"),),
    "access_denied": (("lang_errors", "access_denied"),),
    "invalid_form_token": (("lang_errors", "invalid_form_token"),),
    "param_missing": (("lang_errors", "param_missing"),),
    "non_exist_ap": (("lang_errors", "non_exist_ap"),),
    "quota_exceeded": (("lang_errors", "quota_exceeded"), ("lang_errors", "quota_exceeded_details")),
    "unknown_album": (("lang_db_input_php", "unknown_album"),),
    "album_not_selected": (("lang_db_input_php", "album_not_selected"),),
    "too_large": (("lang_upload_php", "exc_file_size"), ("lang_db_input_php", "err_imgsize_too_large")),
    "php_ini": (("lang_upload_php", "exc_php_ini"), ("lang_db_input_php", "no_pic_uploaded")),
    "not_an_image": (("lang_db_input_php", "err_invalid_img"), ("lang_upload_php", "not_image")),
    "forbidden_extension": (("lang_db_input_php", "err_invalid_fext"), ("lang_upload_php", "forb_ext")),
    "no_album_to_upload": (("lang_upload_php", "err_no_alb_uploadables"),),
    # replies that are not refusals
    "awaiting_approval": (("lang_db_input_php", "upload_success"),),
    "upload_added": (("lang_db_input_php", "upl_success"),),
    "placed": (("lang_upload_php", "yes_place"),),
    "not_placed": (("lang_upload_php", "no_place"),),
    "uploads_successful": (("lang_upload_php", "success"),),
    "editpics_empty": (("lang_editpics_php", "error_empty"),),
    "unapproved": (("lang_editpics_php", "unapproved"),),
    "no_image_to_display": (("lang_errors", "no_img_to_display"),),
    # page furniture
    "views": (("lang_get_pic_data", "n_views"),),
    "my_gallery": (("lang_main_menu", "my_gal_lnk"),),
    "keywords_label": (("lang_common", "keywords_insert1"), ("lang_upload_php", "keywords")),
    "label_filename": (("lang_common", "filename"), ("lang_picinfo", "Filename")),
    "label_album": (("lang_picinfo", "Album name"),),
    "label_keywords": (("lang_common", "keywords"), ("lang_picinfo", "Keywords")),
    "label_filesize": (("lang_common", "filesize"), ("lang_picinfo", "File Size")),
    "label_dimensions": (("lang_picinfo", "Dimensions"),),
    "label_date_added": (("lang_picinfo", "Date Added"),),
}
"""Our name for a message -> the ``$variable['key']`` pairs of the lang files that word it."""

SEPARATORS = ("lang_common", "keyword_separators")
"""1.5+ names the keyword separator in words: ``array(' ' => 'space', ',' => 'comma', ';' => 'semicolon')``."""

READER = r"""<?php
error_reporting(0);
define('IN_COPPERMINE', true);
foreach (array('INFORMATION' => 1, 'ERROR' => 2, 'CRITICAL_ERROR' => 3) as $name => $value) define($name, $value);
foreach (array('LOGIN_PHP', 'UPLOAD_PHP', 'DB_INPUT_PHP', 'EDITPICS_PHP', 'DISPLAYIMAGE_PHP', 'INDEX_PHP', 'THUMBNAILS_PHP') as $page) define($page, true);
$CONFIG = array('ecards_more_pic_target' => '', 'site_url' => '', 'lang' => 'english', 'keyword_separator' => ';');
$lang_text_dir = 'ltr';
include $argv[1];
$out = array();
foreach (json_decode($argv[2], true) as $pair) {
    $var = $pair[0]; $key = $pair[1];
    if (isset($$var) && is_array($$var) && isset(${$var}[$key])) $out[$var . '|' . $key] = ${$var}[$key];
}
$charset = isset($lang_charset) ? strtolower($lang_charset) : 'utf-8';
if ($charset != 'utf-8') {
    array_walk_recursive($out, function (&$text) use ($charset) { $text = mb_convert_encoding($text, 'UTF-8', $charset); });
}
echo json_encode($out);
"""


def _pairs() -> list[tuple[str, str]]:
    pairs = sorted({p for group in KEYS.values() for p in group} | {SEPARATORS})
    return [list(p) for p in pairs]  # type: ignore[misc]


def _read(php: str, reader: Path, path: Path) -> dict:
    done = subprocess.run(
        [php, str(reader), str(path), json.dumps(_pairs())], capture_output=True, timeout=60, cwd=path.parent.parent
    )
    text = done.stdout.decode("utf-8", errors="replace")
    start = text.find("{")
    return json.loads(text[start:]) if start >= 0 else {}


def collect() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(texts per name, separator words per separator) from every shipped language of the four releases."""
    php = rc._which("php")
    if php is None:
        raise RuntimeError("no php")
    texts: dict[str, set[str]] = {name: set() for name in KEYS}
    separators: dict[str, set[str]] = {" ": set(), ",": set(), ";": set()}
    with tempfile.TemporaryDirectory(prefix="gk-lang-") as tmp:
        reader = Path(tmp) / "reader.php"
        reader.write_text(READER)
        for version in rc.VERSIONS:
            source = rc.tarball(version)
            if source is None:
                raise RuntimeError(f"no tarball for {version}")
            folder = Path(tmp) / version
            with tarfile.open(source) as tar:
                members = [m for m in tar.getmembers() if "/lang/" in m.name and m.name.endswith(".php")]
                tar.extractall(folder, members=members, filter="data")
            for path in sorted(folder.glob("*/lang/*.php")):
                found = _read(php, reader, path)
                for name, group in KEYS.items():
                    for var, key in group:
                        value = found.get(f"{var}|{key}")
                        if isinstance(value, str) and value.strip():
                            texts[name].add(value.lstrip("\ufeff"))
                words = found.get("|".join(SEPARATORS))
                if isinstance(words, dict):
                    for sep, word in words.items():
                        if sep in separators and isinstance(word, str) and word.strip():
                            separators[sep].add(word.strip())
    return {k: sorted(v) for k, v in texts.items()}, {k: sorted(v) for k, v in separators.items()}


HEADER = '''"""The words of Coppermine's shipped language files that galleryk may need to tell two replies apart.

Generated by ``tests/support/cpg_lang_texts.py`` from the ``lang/*.php`` files of Coppermine 1.4.27,
1.5.21, 1.6.26 and 1.7.02 (every language each ships): fragments only, one entry per message the
client must recognise by its words when a page's structure does not tell (a refusal's reason, a
ban, the keyword separator's name). ``%s``, ``[quota]`` and ``[space]`` stand for what the gallery
fills in. Do not edit by hand: run the script again.
"""

# fmt: off
'''


def render(texts: dict[str, list[str]], separators: dict[str, list[str]]) -> str:
    body = "TEXTS: dict[str, tuple[str, ...]] = " + pprint.pformat({k: tuple(v) for k, v in texts.items()}, width=118)
    seps = "SEPARATOR_WORDS: dict[str, tuple[str, ...]] = " + pprint.pformat(
        {k: tuple(v) for k, v in separators.items()}, width=118
    )
    return HEADER + body + "\n\n" + seps + "\n# fmt: on\n"


if __name__ == "__main__":
    out = HERE.parents[1] / "galleryk" / "coppermine" / "lang_texts.py"
    out.write_text(render(*collect()), encoding="utf-8")
    print(f"wrote {out}")
