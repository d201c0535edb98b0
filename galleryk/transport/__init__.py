"""HTTP for every galleryk client: one pooled session, limits always, retries only when safe.

A :class:`Transport` wraps one ``requests.Session`` with:

- a (connect, read) timeout on every wait, and a **deadline** for each call as a whole
  (retries and their waits included), so a silent or dripping server cannot hold it;
- a **cap on reply size** (``max_reply``) for API calls and pages, with a clear error;
  downloads stream to disk and are not capped;
- urllib3 retries with backoff for safe requests only (GET and HEAD, on connection errors and
  status 500/502/504); ``retry=False`` turns them off for one request, ``retry=True``
  turns them on for a request the caller knows is idempotent (a POST probe);
- **rate limits** kept once for the whole client (:mod:`.ratelimit`): a 429 or 503 pauses every
  request of the transport for its ``Retry-After``, the refused request (an upload's body too)
  is sent again, and the pace the service admitted is learned and kept to;
- multipart bodies streamed from disk (requests_toolbelt), with a ``progress(bytes_sent,
  total)`` callback and **stall detection**; a file that grows or shrinks meanwhile raises
  :class:`~galleryk.errors.FileChanged`;
- **redirects** followed only when nothing of the request (body, cookies) leaves its origin;
- an optional budget in calls per hour; a stable ``User-Agent: galleryk/<version>``;
- failures turned into :class:`~galleryk.errors.TransportError` subclasses that name the URL
  with every secret masked, and secrets masked in every log record of galleryk's requests
  (urllib3's included).

Modules: :mod:`.core` (the Transport), :mod:`.calls` (deadline, stall and retry rules at the
connections), :mod:`.ratelimit` (the one pause and pace), :mod:`.redirects`, :mod:`.bodies`
(upload sources and bodies), :mod:`.logs`.
"""

from .bodies import ChunkedBody, Progress, Source, Upload, UploadSource, content_type_for
from .core import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_REPLY,
    DEFAULT_STALL,
    DEFAULT_TIMEOUT,
    RETRY_STATUSES,
    SAFE_METHODS,
    RateLimiter,
    Transport,
    default_user_agent,
    mask_url,
)
from .logs import redact_logs
from .ratelimit import RateGate, scope

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_REPLY",
    "DEFAULT_STALL",
    "DEFAULT_TIMEOUT",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "ChunkedBody",
    "Progress",
    "RateGate",
    "RateLimiter",
    "Source",
    "Transport",
    "Upload",
    "UploadSource",
    "content_type_for",
    "default_user_agent",
    "mask_url",
    "redact_logs",
    "scope",
]
