"""Secrets out of every log record galleryk's requests produce, urllib3's and requests' included.

At DEBUG level urllib3 logs each request's URL with its query (``auth_token``, ``api_sig``,
``frob``) and each retry with the URL again. A handler-level filter would only protect the
handlers galleryk installs, so :func:`redact_logs` puts a filter on the loggers that emit the
records: a logger's filters run before any handler sees a record, whoever installed it.
The filter rewrites the message (arguments merged in), the traceback and the stack text with
:func:`~galleryk.errors.mask_secrets`.
"""

from __future__ import annotations

import logging

from ..base.errors import mask_secrets

FAMILIES = ("urllib3", "requests", "charset_normalizer", "galleryk")
"""Loggers (and their children) whose records come from galleryk's requests."""

_formatter = logging.Formatter()


class RedactSecrets(logging.Filter):
    """Masks secret values in a record's message, traceback and stack; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        record.msg, record.args = mask_secrets(message), ()
        if record.exc_info:
            record.exc_text = mask_secrets(record.exc_text or _formatter.formatException(record.exc_info))
            record.exc_info = None  # formatters print exc_text; a traceback formatted anew could hold a secret
        elif record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info)
        return True


REDACT = RedactSecrets()


def redact_logs() -> None:
    """Put the redacting filter on every logger of :data:`FAMILIES` that exists now (idempotent, cheap)."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".", 1)[0] in FAMILIES:
            _attach(logger)
    for name in FAMILIES:
        _attach(logging.getLogger(name))


def _attach(logger: logging.Logger) -> None:
    if REDACT not in logger.filters:
        logger.addFilter(REDACT)
