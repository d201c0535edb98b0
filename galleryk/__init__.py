"""galleryk: list, curate and push photos on Fotki and Coppermine galleries from Jupyter.

    import galleryk as gk
    fotki = gk.Fotki(api_key, secret)          # or gk.connect("fotki"), or sandbox.fotki("alice")
    photos = fotki.photos(photoset="Harbour walk")
    report = gk.scan("~/Pictures/trip").galleryk.push(fotki, album="Trip", create=True)
"""

from . import accessor as _accessor  # registers the df.galleryk accessor
from . import sandbox
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
from .media import ScanWarning, scan, thumbnail, to_html
from .push import Journal, JournalCorrupt, JournalError, PushBusy, push
from .results import UploadResult

del _accessor

__all__ = [
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
    "NotSignedIn",
    "PushBusy",
    "ScanWarning",
    "ServiceError",
    "TransportError",
    "UploadResult",
    "connect",
    "push",
    "sandbox",
    "scan",
    "thumbnail",
    "to_html",
]
__version__ = "0.1.0"
