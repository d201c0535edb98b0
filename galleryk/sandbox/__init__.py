"""A local stand-in for Fotki and Coppermine: a real HTTP server on loopback, as strict as they are.

    with galleryk.sandbox.start() as sb:
        sb.fotki_api_url, sb.coppermine_url, sb.users
"""

from .faults import FaultSettings
from .server import Sandbox, start
from .settings import SandboxSettings

__all__ = ["FaultSettings", "Sandbox", "SandboxSettings", "start"]
