"""Pushing a selection DataFrame to a service, resumably and without duplicates."""

from .engine import push
from .journal import Journal

__all__ = ["Journal", "push"]
