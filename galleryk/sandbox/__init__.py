"""A local stand-in for Fotki and Coppermine: a real HTTP server on loopback, as strict as they are.

with galleryk.sandbox.start() as sb:
    sb.fotki_api_url, sb.coppermine_url, sb.users

galleryk.sandbox.sample_photos("my-photos", 12)   # JPEGs with EXIF dates and cameras, to scan and push
"""

from .approval import ApprovalError, approve_in_page
from .faults import FaultSettings
from .photos import sample_photos
from .server import Sandbox, start
from .settings import SandboxSettings

__all__ = ["ApprovalError", "FaultSettings", "Sandbox", "SandboxSettings", "approve_in_page", "sample_photos", "start"]
