"""Recognising a Coppermine message by its words, in any language the releases ship.

The client reads pages by their structure first (forms, field names, classes, links, redirects,
status codes). Where only the words of a message tell two outcomes apart (a wrong password from
a ban, a file too large from a quota), it compares them with every wording of that message in
every language file of 1.4.27, 1.5.21, 1.6.26 and 1.7.02 (:mod:`.lang_texts`, generated from the
tarballs). A message that matches none is "unrecognised": the caller says so with the gallery's
own text rather than guess.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

from .lang_texts import SEPARATOR_WORDS, TEXTS

_TAG = re.compile(r"<[^>]*>")
_HOLE = re.compile(r"%[sd]|\[quota\]|\[space\]")
MIN_LITERAL = 4
"""Fewer literal characters than this in a wording (after its blanks): too vague to recognise anything by."""


def normalise(text: str) -> str:
    """A message as compared: tags dropped, entities read, blanks collapsed, case folded."""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split()).casefold()


@functools.cache
def _patterns(name: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    """(pattern, literal length) of every wording of message ``name``."""
    out = []
    for template in TEXTS.get(name, ()):
        # a 1.4 label may carry a link ("Insert from list"): only the text before it counts
        words = normalise(template.split("<a ", 1)[0]).strip(" *:!.")
        pieces = [p.strip() for p in _HOLE.split(words)]
        literal = sum(len(p) for p in pieces)
        if literal < MIN_LITERAL:
            continue
        # words may run together where the page had a <br /> between them ("successfully.It will")
        body = r"\s*.*?\s*".join(r"\s*".join(map(re.escape, p.split())) for p in pieces)
        out.append((re.compile(body, re.S), literal))
    return tuple(out)


def score(name: str, message: str) -> int:
    """How well ``message`` matches a wording of ``name``: the matched wording's literal length, 0 for none."""
    text = normalise(message)
    return max((n for pattern, n in _patterns(name) if pattern.search(text)), default=0)


def says(name: str, message: str) -> bool:
    """Whether ``message`` holds a wording of message ``name`` in some shipped language."""
    return score(name, message) > 0


def which(message: str, names: Iterable[str]) -> str | None:
    """The one of ``names`` that ``message`` says (the most specific wording wins), or None."""
    best, found = 0, None
    for name in names:
        n = score(name, message)
        if n > best:
            best, found = n, name
    return found


def is_label(name: str, text: str) -> bool:
    """Whether ``text`` (a table label, "Keywords:") is the label ``name`` in some shipped language."""
    wanted = normalise(text).rstrip(" :")
    return any(normalise(t).rstrip(" :") == wanted for t in TEXTS.get(name, ()))


@functools.cache
def _plain_labels() -> tuple[bool, ...]:
    """For each kept wording of the keywords label: True when it names no separator (1.4's fixed label)."""
    kept = []
    for template in TEXTS.get("keywords_label", ()):
        words = normalise(template.split("<a ", 1)[0]).strip(" *:!.")
        if sum(len(p.strip()) for p in _HOLE.split(words)) >= MIN_LITERAL:
            kept.append(not _HOLE.search(template))
    return tuple(kept)


@functools.cache
def _separator_words() -> dict[str, str]:
    return {normalise(word): sep for sep, words in SEPARATOR_WORDS.items() for word in words}


def separator_named(label: str) -> str | None:
    """The keyword separator an upload or edit form's label names ("Keywords (separate with semicolon)", in any
    shipped language), or None when the label names none of them."""
    text = normalise(label)
    fixed = [p for p, t in zip(_patterns("keywords_label"), _plain_labels()) if t]
    if any(pattern.search(text) for pattern, _ in fixed):
        return " "  # 1.4's label: it splits keywords on blanks, whatever the language says it in
    words = _separator_words()
    for word in sorted(words, key=len, reverse=True):  # "punto y coma" before "coma"
        if re.search(rf"(?<![\w-]){re.escape(word)}(?!\w)", text):
            return words[word]
    return None


def views_template(text: str) -> bool:
    """Whether ``text`` (a thumbnail's caption line) is a view count, "12 views", in some shipped language."""
    return any(pattern.fullmatch(normalise(text)) for pattern, _ in _patterns("views")) and bool(re.search(r"\d", text))


__all__ = ["is_label", "normalise", "says", "score", "separator_named", "views_template", "which"]
