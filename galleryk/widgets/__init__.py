"""galleryk's notebook widgets: sign in, browse albums as thumbnail grids, upload with progress.

    import galleryk.widgets as gw
    gw.SignIn(fotki)                       # approval link + Continue; or user name + password for Coppermine
    browser = gw.AlbumBrowser(fotki)       # pick a photoset, select photos; browser.selection is a DataFrame
    up = gw.Uploader("~/Pictures/trip", targets=[fotki, cpg])
    view = gw.PlanView(scan.galleryk.plan(cpg, album="Trip"))   # see each match side by side, untick, Apply

Each is a normal ipywidgets container (compose them freely) and a thin view over the public
library calls. Nothing in the core library imports this package.
"""

from ._grid import FALLBACK_AFTER, PAGE_SIZE, THUMB_WORKERS, ThumbGrid, TileGrid
from ._selection import Selection
from .browser import NOT_IN_SET, AlbumBrowser
from .planview import PlanView
from .signin import SignIn
from .uploader import Uploader

__all__ = [
    "FALLBACK_AFTER",
    "NOT_IN_SET",
    "PAGE_SIZE",
    "THUMB_WORKERS",
    "AlbumBrowser",
    "PlanView",
    "Selection",
    "SignIn",
    "ThumbGrid",
    "TileGrid",
    "Uploader",
]
