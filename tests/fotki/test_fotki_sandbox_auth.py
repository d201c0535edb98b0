"""Signing in to the sandbox's Fotki: the frob flow, the token cache, and every auth failure."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from IPython.core.formatters import HTMLFormatter

import galleryk as gk
from galleryk.access import sandbox_fotki
from galleryk.fotki import Fotki
from galleryk.fotki.errors import FotkiAuthError
from galleryk.fotki.tokencache import CachedToken, CacheKey, FileTokenCache


def _client(sandbox, **options) -> Fotki:
    options.setdefault("secret", sandbox.secret)
    return Fotki(sandbox.api_key, api_url=sandbox.fotki_api_url, auth_url=sandbox.fotki_auth_url, **options)


def _frob(url: str) -> str:
    return parse_qs(urlsplit(url).query)["frob"][0]


def test_frob_flow_gives_a_token_for_the_approving_user(sandbox) -> None:
    client = _client(sandbox)
    frob = client.get_frob()
    sandbox.approve(frob, "bob", "write")
    token = client.get_token(frob)
    assert (token.username, token.perms) == ("bob", "write") and client.signed_in


def test_login_returns_a_link_then_finish_signs_in(sandbox) -> None:
    client = _client(sandbox)
    pending = client.login("read")
    assert not pending.done and pending.url.startswith(sandbox.fotki_auth_url)
    assert "href=" in HTMLFormatter()(pending)  # what Jupyter shows: a link to the approval page
    sandbox.approve(_frob(pending.url), "alice", "read")
    assert client.finish_login().username == "alice" and pending.done


def test_finish_before_approval_says_so(sandbox) -> None:
    client = _client(sandbox)
    pending = client.login()
    with pytest.raises(FotkiAuthError, match="not approved yet") as info:
        pending.finish()
    assert info.value.code == 108


def test_wait_returns_once_approved(sandbox) -> None:
    client = _client(sandbox)
    pending = client.login()
    sandbox.approve(_frob(pending.url), "alice", "write")
    assert pending.wait(timeout=10, poll=0.05).username == "alice"


def test_token_cache_is_reused_by_a_second_client(sandbox, tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path / "tokens")
    first = _client(sandbox, token_cache=cache)
    pending = first.login()
    sandbox.approve(_frob(pending.url), "alice", "write")
    pending.finish()
    second = _client(sandbox, token_cache=cache)
    again = second.login()
    assert again.done and again.url is None and second.username == "alice"
    assert len(second.photos()) == 4  # getNotInSet needs the token


def test_cached_token_is_found_by_user_name(sandbox, tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path)
    first = _client(sandbox, token_cache=cache)
    frob = first.get_frob()
    sandbox.approve(frob, "bob", "read")
    first.get_token(frob)
    assert _client(sandbox, token_cache=cache, user="bob").signed_in
    assert not _client(sandbox, token_cache=cache, user="carol").signed_in


def test_logout_forgets_the_cached_token(sandbox, tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path)
    client = sandbox_fotki(sandbox, "alice", token_cache=cache)
    client.logout()
    assert not client.signed_in and not _client(sandbox, token_cache=cache).signed_in


def test_invalid_cached_token_is_forgotten_and_a_new_login_starts(sandbox, tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path)
    client = _client(sandbox, token_cache=cache)
    key = CacheKey(client.auth_endpoint, client.api_key)  # the default user's token of this application
    cache.set(key, CachedToken("not-a-real-token", "write", "2", "alice"))
    assert client.signed_in  # the cached token is found
    pending = _client(sandbox, token_cache=cache).login()
    assert not pending.done and cache.get(key) is None


def test_cached_login_with_too_few_perms_asks_again(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", perms="read")
    assert not client.login("write").done


def test_wrong_secret_fails_with_invalid_signature(sandbox) -> None:
    with pytest.raises(FotkiAuthError) as info:
        _client(sandbox, secret="0" * 16).get_frob()
    assert info.value.code == 96 and "0" * 16 not in str(info.value)


def test_unknown_api_key_fails_with_100(sandbox) -> None:
    client = Fotki("nokey", sandbox.secret, api_url=sandbox.fotki_api_url, auth_url=sandbox.fotki_auth_url)
    with pytest.raises(FotkiAuthError) as info:
        client.photosets(user_id=2)
    assert info.value.code == 100


def test_invalid_token_fails_with_98(sandbox) -> None:
    client = _client(sandbox, token="bogus-token")
    with pytest.raises(FotkiAuthError) as info:
        client.photos()
    assert info.value.code == 98 and "bogus-token" not in str(info.value)


def test_read_token_cannot_write(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", perms="read")
    photo = int(client.photos()["id"].iloc[0])
    with pytest.raises(FotkiAuthError) as info:
        client.create_photoset("Nope", photo)
    assert info.value.code == 99


def test_anonymous_call_to_a_method_needing_auth_fails_with_99(sandbox) -> None:
    with pytest.raises(FotkiAuthError) as info:
        _client(sandbox).call("flickr.photos.getNotInSet")
    assert info.value.code == 99


def test_listing_your_own_photos_without_a_token_says_to_sign_in(sandbox) -> None:
    client = _client(sandbox)
    for listing in (client.photos, client.photosets):
        with pytest.raises(gk.NotSignedIn, match="login"):
            listing()
