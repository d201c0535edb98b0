"""PLACEHOLDER: replaced by the Fotki side of the sandbox."""
import secrets
from werkzeug.wrappers import Response


class FotkiService:
    name = "fotki"

    def __init__(self, store, settings, base_url):
        self.api_key, self.secret = "demo", secrets.token_hex(8)

    def handle(self, request, path):
        return Response("todo", status=501)

    def seed(self):
        pass

    def approve(self, frob, user, perms):
        raise NotImplementedError
