"""Requests side by side, but none while a thread signs in.

A Coppermine page fetched without a live session answers with a fresh guest session cookie.
If such a page, asked for just before a sign-in, is answered during it, its cookie replaces
the session the password was just bound to, and the sign-in has to be done again. So a
sign-in waits for the requests in flight and holds new ones back until it is done.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class SignInGate:
    """Many requests at once, or one sign-in (whose own requests pass); a sign-in waiting goes first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._in_flight = 0
        self._signer: int | None = None
        self._waiting = 0

    @contextmanager
    def request(self) -> Iterator[None]:
        """Around one request: waits while another thread signs in."""
        me = threading.get_ident()
        with self._cond:
            if self._signer == me:
                counted = False
            else:
                while self._signer is not None or self._waiting:
                    self._cond.wait()
                self._in_flight += 1
                counted = True
        try:
            yield
        finally:
            if counted:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()

    @contextmanager
    def signing_in(self) -> Iterator[None]:
        """Around a whole sign-in: starts once the other threads' requests are answered."""
        me = threading.get_ident()
        with self._cond:
            if self._signer == me:  # a sign-in within a sign-in
                nested = True
            else:
                nested = False
                self._waiting += 1
                try:
                    while self._signer is not None or self._in_flight:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
                self._signer = me
        try:
            yield
        finally:
            if not nested:
                with self._cond:
                    self._signer = None
                    self._cond.notify_all()
