"""PLACEHOLDER: replaced by the cpgAPI side of the sandbox."""
from werkzeug.wrappers import Response


class CpgApi:
    def __init__(self, gallery, settings):
        self.gallery = gallery

    def handle(self, request):
        return Response("todo", status=501)
