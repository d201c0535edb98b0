"""Argument types for the command line: a wrong value becomes argparse's one-line usage error, naming the flag."""

from __future__ import annotations

import argparse


def _number(text: str, kind: type, what: str):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, not {text!r}") from None


def non_negative(text: str) -> int:
    """A whole number, 0 or more."""
    value = _number(text, int, "a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {value}")
    return value


def positive(text: str) -> int:
    """A whole number, 1 or more."""
    value = _number(text, int, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {value}")
    return value


def port(text: str) -> int:
    """A TCP port, or 0 for a free one."""
    value = _number(text, int, "a port number")
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, not {value}")
    return value


def seconds(text: str) -> float:
    """A duration in seconds, 0 or more."""
    value = _number(text, float, "a number of seconds")
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more seconds, not {text}")
    return value


def share(text: str) -> float:
    """A share of requests, between 0 and 1."""
    value = _number(text, float, "a share between 0 and 1")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, not {text}")
    return value
