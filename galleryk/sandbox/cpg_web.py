"""PLACEHOLDER: replaced by the stock web side of the sandbox."""
from werkzeug.wrappers import Response


class CpgWeb:
    def __init__(self, gallery, settings, base_url):
        self.gallery = gallery

    def handle(self, request, path):
        return Response("todo", status=501)
