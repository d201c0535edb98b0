"""The galleryk app: sign in, browse and select, upload a folder, copy a selection, in one page (Voilà).

from galleryk.app import App
App()          # `galleryk app` serves it with Voilà
"""

from .app import App

__all__ = ["App"]
