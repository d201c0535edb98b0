"""The sandbox's Fotki: the auth host, the ``/v2flkr`` API methods and the photo files (see :mod:`.service`)."""

from .service import FotkiService

__all__ = ["FotkiService"]
