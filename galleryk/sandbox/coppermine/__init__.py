"""The sandbox's Coppermine gallery: one gallery model (:mod:`.gallery`) behind the stock 1.6 pages
(:mod:`.web`) and the optional cpgAPI add-on (:mod:`.cpgapi`)."""

from .service import CoppermineService

__all__ = ["CoppermineService"]
