"""galleryk: list, curate and push photos on Fotki and Coppermine galleries from Jupyter.

import galleryk as gk
fotki = gk.Fotki(api_key, secret)          # or gk.connect("fotki"), or sandbox.fotki("alice")
photos = fotki.photos(photoset="Harbour walk")
report = gk.scan("~/Pictures/trip").galleryk.push(fotki, album="Trip", create=True)
online = gk.match(gk.scan("~/Pictures/trip"), photos)   # which local photos are already there
"""

from types import ModuleType

from . import accessor as _accessor  # registers the df.galleryk accessor
from .accounts import Accounts, accounts
from .config import ConfigError, connect
from .coppermine import Coppermine, InsecureGalleryWarning
from .errors import (
    AlbumNotFound,
    BadReply,
    CoppermineError,
    FotkiAuthError,
    FotkiError,
    FotkiNotFound,
    GallerykError,
    NotSignedIn,
    ServiceError,
    TransportError,
)
from .fotki import Fotki
from .match import Match, match
from .media import ScanWarning, scan, thumbnail, to_html
from .push import Journal, JournalCorrupt, JournalError, PushBusy, push
from .results import UploadResult

del _accessor

__all__ = [
    "Accounts",
    "AlbumNotFound",
    "BadReply",
    "ConfigError",
    "Coppermine",
    "CoppermineError",
    "Fotki",
    "FotkiAuthError",
    "FotkiError",
    "FotkiNotFound",
    "GallerykError",
    "InsecureGalleryWarning",
    "Journal",
    "JournalCorrupt",
    "JournalError",
    "Match",
    "NotSignedIn",
    "PushBusy",
    "ScanWarning",
    "ServiceError",
    "TransportError",
    "UploadResult",
    "accounts",
    "connect",
    "match",
    "push",
    "sandbox",
    "scan",
    "thumbnail",
    "to_html",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> ModuleType:
    """``galleryk.sandbox`` is imported on first use: its web server (werkzeug) costs every notebook otherwise."""
    if name == "sandbox":
        import importlib

        return importlib.import_module(".sandbox", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"sandbox"})
