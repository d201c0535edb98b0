"""The Fotki client without a server: what it shows, what it refuses, and how errors read."""

from __future__ import annotations

import pytest

from galleryk.base.errors import TransportError
from galleryk.fotki import Fotki
from galleryk.fotki.errors import FotkiError
from galleryk.fotki.tags import tags_text
from galleryk.fotki.tokencache import FileTokenCache, MemoryTokenCache

SECRET = "s3cr3t-app-secret"
TOKEN = "72157-token-value"


def test_repr_shows_neither_secret_nor_token() -> None:
    client = Fotki("0123456789abcdef", SECRET, token=TOKEN, token_cache="memory")
    text = repr(client)
    assert SECRET not in text and TOKEN not in text and "api.fotki.com" in text


def test_default_cache_is_a_file_cache_for_real_endpoints_and_memory_for_loopback() -> None:
    assert isinstance(Fotki("k", SECRET).token_cache, FileTokenCache)
    local = Fotki("k", SECRET, api_url="http://127.0.0.1:9/fotki/v2flkr", auth_url="http://127.0.0.1:9/fotki/api_auth")
    assert isinstance(local.token_cache, MemoryTokenCache)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        Fotki("k", SECRET, format="yaml")


def test_auth_url_is_signed_and_carries_perms_and_frob() -> None:
    url = Fotki("k", SECRET, auth_url="https://secure.fotki.com/api_auth").auth_url("f123", "read")
    assert url.startswith("https://secure.fotki.com/api_auth?") and "perms=read" in url and "frob=f123" in url
    assert "api_sig=" in url and SECRET not in url


def test_bad_perms_are_refused() -> None:
    with pytest.raises(ValueError, match="perms"):
        Fotki("k", SECRET).auth_url("f", "admin")


def test_tags_become_a_space_separated_string_with_quotes_for_phrases() -> None:
    assert tags_text(["sea", "old town", ""]) == 'sea "old town"'
    assert tags_text("a b") == "a b" and tags_text(None) is None


def test_service_error_messages_mask_secrets() -> None:
    err = FotkiError(96, "Invalid signature for api_sig=abcdef0123 auth_token=tok")
    assert "abcdef0123" not in str(err) and "tok" not in str(err).replace("auth_token", "")


def test_transport_errors_mask_the_url() -> None:
    err = TransportError("GET failed", url="http://h/x?api_key=k&auth_token=SECRETTOKEN&api_sig=SIG")
    assert "SECRETTOKEN" not in str(err) and "SIG" not in str(err).replace("api_sig", "")
