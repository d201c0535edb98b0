"""The Coppermine client: the cpgAPI add-on where a gallery has it, the stock web pages otherwise.

cpg = Coppermine("https://example.org/gallery", username="me", password="...")
cpg.mode, cpg.albums(), cpg.photos("Harbour & Beach"), cpg.upload("boat.jpg", album=1)
"""

from .client import Coppermine, InsecureGalleryWarning
from .errors import Code, CoppermineBanned, CoppermineError, CoppermineServerError

__all__ = [
    "Code",
    "Coppermine",
    "CoppermineBanned",
    "CoppermineError",
    "CoppermineServerError",
    "InsecureGalleryWarning",
]
