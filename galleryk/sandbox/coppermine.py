"""PLACEHOLDER: replaced by the Coppermine side of the sandbox."""
from werkzeug.wrappers import Response


class CoppermineService:
    name = "coppermine"

    def __init__(self, store, settings, base_url):
        pass

    def handle(self, request, path):
        return Response("todo", status=501)

    def seed(self):
        pass
