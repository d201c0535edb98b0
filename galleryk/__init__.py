"""galleryk: list, curate and push photos on Fotki and Coppermine galleries from Jupyter.

    import galleryk as gk
    fotki = gk.Fotki(api_key, secret)          # or gk.connect("fotki"), or gk.accounts().fotki
    photos = fotki.photos("Harbour walk")
    report = gk.scan("~/Pictures/trip").galleryk.push(fotki, album="Trip", create=True)
    online = gk.match(gk.scan("~/Pictures/trip"), photos)   # which local photos are already there
    gk.widgets.AlbumBrowser(fotki)

``gk.push``, ``gk.sandbox``, ``gk.widgets`` and ``gk.app`` are the subpackages of those names;
``sandbox``, ``widgets`` and ``app`` are imported on first use (a web server and ipywidgets cost
every notebook otherwise).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import push
from ._version import __version__
from .access import Accounts, accounts, connect, sandbox_coppermine, sandbox_fotki
from .base.errors import (
    AlbumNotFound,
    AmbiguousAlbum,
    BadReply,
    Cancelled,
    GallerykError,
    NotSignedIn,
    Reason,
    ServiceError,
    TransportError,
    Unsupported,
)
from .base.results import UploadResult
from .base.settings import ConfigError
from .coppermine import Coppermine, CoppermineError, InsecureGalleryWarning
from .fotki import Fotki, FotkiAuthError, FotkiError, FotkiNotFound
from .media import ScanWarning, scan, thumbnail, to_html
from .push import Journal, JournalCorrupt, JournalError, Match, PushBusy, PushOptions, match
from .push import accessor as _accessor  # registers the df.galleryk accessor
from .services.contract import Capabilities, Service

if TYPE_CHECKING:
    from . import app, sandbox, widgets

del _accessor

_LAZY = ("app", "sandbox", "widgets")

__all__ = [
    "Accounts",
    "AlbumNotFound",
    "AmbiguousAlbum",
    "BadReply",
    "Cancelled",
    "Capabilities",
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
    "PushOptions",
    "Reason",
    "ScanWarning",
    "Service",
    "ServiceError",
    "TransportError",
    "Unsupported",
    "UploadResult",
    "__version__",
    "accounts",
    "app",
    "connect",
    "match",
    "push",
    "sandbox",
    "sandbox_coppermine",
    "sandbox_fotki",
    "scan",
    "thumbnail",
    "to_html",
    "widgets",
]


def __getattr__(name: str) -> Any:
    """``gk.sandbox``, ``gk.widgets`` and ``gk.app``, imported on first use."""
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
