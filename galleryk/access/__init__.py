"""Getting the clients to work with: from the settings (``connect``), for a notebook (``accounts``), for a sandbox.

This layer sits above the clients and the sandbox: it is the one place that builds a client
from settings, or signs one in on a sandbox's approval page.
"""

from .accounts import Accounts, accounts, settings_in_environment
from .connect import connect
from .sandbox import sandbox_coppermine, sandbox_fotki

__all__ = ["Accounts", "accounts", "connect", "sandbox_coppermine", "sandbox_fotki", "settings_in_environment"]
