"""A client that reports the bytes of each upload, for the uploader's per-file bars.

The push engine calls ``client.upload(path, ...)`` without a progress callback. The uploader
hands it a twin of the user's client instead: the same object state (the very same
``__dict__``: session, token, cookies), seen through a subclass whose ``upload`` passes a
callback. The callback also stops a body half-sent when Cancel is pressed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

Report = Callable[[str, int, int], None]
"""``report(path, bytes_sent, total)``; raising in it aborts that upload."""


def watched(client: Any, report: Report, finished: Callable[[str, Any], None]) -> Any:
    """A twin of ``client`` whose uploads call ``report`` as their bodies go out and ``finished`` when they return."""
    base = type(client)

    def upload(self: Any, source: Any, *args: Any, progress: Any = None, **kwargs: Any) -> Any:
        name = os.fspath(source) if isinstance(source, (str, os.PathLike)) else ""

        def follow(sent: int, total: int) -> None:
            report(name, sent, total)
            if progress is not None:
                progress(sent, total)

        result = base.upload(self, source, *args, progress=follow, **kwargs)
        finished(name, result)
        return result

    twin_class = type(f"Watched{base.__name__}", (base,), {"upload": upload, "__module__": __name__,
                                                          "__doc__": base.__doc__})
    twin = object.__new__(twin_class)
    twin.__dict__ = client.__dict__  # shared, not copied: a sign-in on either is seen by both
    return twin
