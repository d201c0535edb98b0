"""The sandbox gallery in German or French: the words 1.6.26's language files give what its pages say.

A real gallery's ``lang`` setting picks its language file; every message, label and menu word
follows it, while ids, classes, forms, links, redirects and status codes stay the same. The
sandbox's pages are written in English (:mod:`.pages`); with ``configure_coppermine(lang="german")``
(or ``"french"``) they go out through :func:`translate`, which replaces the phrases a client may
read with 1.6.26's own wording in that language (taken from its ``lang/german.php`` and
``lang/french.php``). German has no wording of its own for the bad form token: 1.6.26 shows the
English text there too.
"""

from __future__ import annotations

from html import escape

LANGUAGES = ("english", "german", "french")

# 1.6.26's English wording -> (German, French), each as its lang file has it.
PHRASES: dict[str, tuple[str, str]] = {
    "Login failed. Try again.": (
        "Konnte Dich nicht anmelden. Versuche es nochmal.",
        "Impossible de vous connecter. Essayez encore.",
    ),
    "You are currently banned from using this site.": (
        "Du bist zur Zeit von dieser Seite verbannt.",
        "Vous êtes pour l'instant banni de ce site.",
    ),
    "You don't have permission to perform this operation.": (
        "Du hast kein Recht, diese Operation auszuführen.",
        "Vous n'avez pas la permission d'effectuer cette opération.",
    ),
    "You don't have permission to access this page.": (
        "Du hast kein Recht, diese Seite anzusehen.",
        "Vous n'avez pas la permission d'accéder à cette page.",
    ),
    "A valid form token could not be found.": (
        "A valid form token could not be found.",
        "Une balise de formulaire valise n'a pas pu être trouvée.",
    ),
    "Exceeded filesize allowed in php.ini.": (
        "Dateigröße größer als Limit in php.ini.",
        "Le poids excède celui permis par le fichier php.ini.",
    ),
    "Exceeded filesize permitted by CPG.": (
        "Dateigröße größer als Coppermine-Einstellungen.",
        "Le poids excède celui permis par l'administrateur de la galerie Coppermine.",
    ),
    "Selected album does not exist or you don't have permission to upload in this album": (
        "Das gewählte Album existiert nicht oder Du hast keine Berechtigung, Dateien in dieses Album hochzuladen",
        "L'album sélectionné n'existe pas ou bien vous n'avez pas la permission d'uploader dans cet album",
    ),
    "The file you have uploaded is not a valid image!": (
        "Die Datei, die Du hochgeladen hast, ist kein gültiger Bildtyp!",
        "Le fichier que vous avez téléchargé n'est pas une image valide ",
    ),
    "Disk quota exceeded.": ("Speicherplatz erschöpft.", "Quota disque dépassé."),
    "Sorry there is no album where you are allowed to upload files": (
        "Leider gibt es kein Album, in das Du Bilder hochladen darfst",
        "Désolé mais il n'existe pas d'album dans lequel vous ayez le droit de télécharger des photos",
    ),
    "The selected album/file does not exist!": (
        "Das gewählte Album bzw. die gewählte Datei existiert nicht!",
        "L'album ou la photo demandé (e) n'existe pas",
    ),
    "The selected category does not exist": (
        "Die gewählte Kategorie existiert nicht",
        "La catégorie sélectionnée n'existe pas",
    ),
    "Album is empty": ("Album ist leer", "l'album est vide"),
    "No image to display": (
        "Keine Datei zum Anzeigen vorhanden (oder Du hast keine Berechtigung, das Album zu sehen)",
        "Pas d'image à afficher",
    ),
    "Only files with the following extensions are accepted:": (
        "Nur Dateien mit den folgenden Erweiterungen sind zulässig:",
        "Seuls les fichiers avec les extensions suivantes sont autorisés:",
    ),
    "Keywords (separate with semicolon)": (
        "Schlüsselwörter (mit Semikolon trennen)",
        "Mots-clés (séparés par un(e) point-virgule)",
    ),
    "Keywords (separate with comma)": ("Schlüsselwörter (mit Komma trennen)", "Mots-clés (séparés par un(e) virgule)"),
    "Keywords (separate with space)": (
        "Schlüsselwörter (mit Leerzeichen trennen)",
        "Mots-clés (séparés par un(e) espace)",
    ),
    ">My gallery<": (">Meine Galerie<", ">Ma galerie<"),
    ">Logout [": (">Abmelden [", ">Déconnexion ["),
    ">Login<": (">Anmelden<", ">Connexion<"),
    "<h2>Error</h2>": ("<h2>Fehler</h2>", "<h2>Erreur</h2>"),
}


def translate(text: str, lang: str) -> str:
    """``text`` (a page, or a refusal's body) with every known English phrase in ``lang``'s wording."""
    if lang not in LANGUAGES[1:]:
        return text
    which = LANGUAGES.index(lang) - 1
    for english in sorted(PHRASES, key=len, reverse=True):
        said = PHRASES[english][which]
        escaped = escape(english, quote=True)
        if escaped != english and "<" not in english:  # as the page's HTML writes it
            text = text.replace(escaped, escape(said, quote=True))
        text = text.replace(english, said)
    return text
