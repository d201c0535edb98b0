"""galleryk: list, curate and push photos on Fotki and Coppermine galleries from Jupyter."""

from . import sandbox

__all__ = ["sandbox"]
__version__ = "0.1.0"
