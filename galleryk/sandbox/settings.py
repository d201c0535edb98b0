"""How a sandbox server behaves: the knobs of the machine it pretends to run on.

Plain attributes, read on every request, so a test may change them while the server runs
(``sandbox.settings.coppermine_api = False``). The Coppermine gallery's own settings (keyword
separator, thumbnails per page, size limit, ban threshold, form token lifetime) live in the
gallery's ``cpg_config`` table, as on a real one (``Gallery.set_config``), and its quotas in
its groups.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SandboxSettings:
    # Fotki
    fotki_max_upload_bytes: int = 200 * 1024 * 1024
    """Uploads larger than this fail with code 8 (too large)."""
    fotki_frob_lifetime: float = 600.0
    """Seconds a frob may wait for approval and exchange; it is good for one exchange only."""
    fotki_max_per_page: int = 500
    fotki_flickr_photo_calls: bool = False
    """Whether the service also answers Flickr's flickr.photos.setMeta, setTags and delete (Fotki's documentation
    has none of them: off, it answers 112 "Method not found", as Fotki would)."""

    # Coppermine
    coppermine_api: bool = True
    """Whether the gallery has the cpgAPI add-on in ``api/`` (a stock 1.6 gallery answers 404 there)."""
    coppermine_charset: str = "utf-8"
    """Charset of the gallery, written in every XML declaration: ``utf-8`` or ``iso-8859-1``."""
    coppermine_php_upload_max_bytes: int = 64 * 1024 * 1024
    """PHP's ``upload_max_filesize``: a larger file never reaches Coppermine (cpgAPI error 6)."""
    coppermine_max_pixels: int = 4096
    """The gallery's pixel limit on the longer side (``max_upl_width_height``)."""
    coppermine_oversize: str = "resize"
    """What happens to pictures over the pixel limit: ``resize`` them, or ``refuse`` them."""
    coppermine_allowed_extensions: tuple[str, ...] = ("jpg", "jpeg", "png", "gif")

    def validate(self) -> None:
        if self.coppermine_charset.lower() not in ("utf-8", "iso-8859-1"):
            raise ValueError(f"coppermine_charset must be utf-8 or iso-8859-1, not {self.coppermine_charset!r}")
        if self.coppermine_oversize not in ("resize", "refuse"):
            raise ValueError(f"coppermine_oversize must be 'resize' or 'refuse', not {self.coppermine_oversize!r}")
