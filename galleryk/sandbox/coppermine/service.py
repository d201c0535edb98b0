"""The sandbox's Coppermine gallery: the cpgAPI add-on at ``api/`` and the stock 1.6 web pages.

Both protocols work on one :class:`~galleryk.sandbox.coppermine.gallery.Gallery`. The setting
``coppermine_api`` decides whether the gallery has the add-on; without it ``api/`` answers
404, as on every released Coppermine.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from ..settings import SandboxSettings
from ..store import Store
from .cpgapi import CpgApi
from .gallery import Gallery
from .seed import seed_gallery
from .web import CpgWeb

_NOT_FOUND = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
    "</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
)


class CoppermineService:
    name = "coppermine"

    def __init__(self, store: Store, settings: SandboxSettings, base_url: str) -> None:
        self.settings = settings
        self.gallery = Gallery(store, settings)
        self.api = CpgApi(self.gallery, settings)
        self.web = CpgWeb(self.gallery, settings, base_url)

    def handle(self, request: Request, path: str) -> Response:
        if path == "/api" or path.startswith("/api/"):
            if not self.settings.coppermine_api:
                return Response(_NOT_FOUND, status=404, content_type="text/html; charset=iso-8859-1")
            return self.api.handle(request)
        return self.web.handle(request, path)

    def seed(self) -> None:
        seed_gallery(self.gallery)
