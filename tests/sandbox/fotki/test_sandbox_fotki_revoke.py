"""Revoking Fotki tokens in the sandbox: later calls with them fail with 98, from Python or the control API."""

from __future__ import annotations

import pytest
import requests
from support import fotki_raw as fr


def _not_in_set(sandbox, tok: str) -> requests.Response:
    return fr.call(sandbox, "flickr_photos_getNotInSet", tok)


def test_a_revoked_token_fails_with_98(sandbox) -> None:
    tok = fr.token(sandbox)
    assert fr.error_code(_not_in_set(sandbox, tok)) is None
    sandbox.revoke_tokens("alice")
    assert fr.error_code(_not_in_set(sandbox, tok)) == 98


def test_check_token_says_a_revoked_token_is_invalid(sandbox) -> None:
    tok = fr.token(sandbox)
    sandbox.revoke_tokens("alice")
    query = fr.signed(
        sandbox.secret, {"api_key": sandbox.api_key, "method": "flickr.auth.checkToken", "auth_token": tok}
    )
    assert fr.error_code(requests.get(sandbox.fotki_auth_url, params=query, timeout=30)) == 98


def test_an_upload_with_a_revoked_token_stores_nothing(sandbox) -> None:
    tok = fr.token(sandbox)
    before = fr.photo_ids(sandbox, tok)
    sandbox.revoke_tokens("alice")
    refused = fr.upload(sandbox, tok)
    assert fr.error_code(refused) == 98
    assert fr.photo_ids(sandbox, fr.token(sandbox)) == before


def test_revoking_one_user_leaves_the_others_tokens_working(sandbox) -> None:
    alice, bob = fr.token(sandbox, "alice"), fr.token(sandbox, "bob")
    sandbox.revoke_tokens("alice")
    assert fr.error_code(_not_in_set(sandbox, bob)) is None and fr.error_code(_not_in_set(sandbox, alice)) == 98


def test_revoking_without_a_user_revokes_everyones_tokens(sandbox) -> None:
    alice, bob = fr.token(sandbox, "alice"), fr.token(sandbox, "bob")
    assert sandbox.revoke_tokens() == 2
    assert [fr.error_code(_not_in_set(sandbox, t)) for t in (alice, bob)] == [98, 98]


def test_a_new_token_works_after_a_revocation(sandbox) -> None:
    fr.token(sandbox)
    sandbox.revoke_tokens("alice")
    assert fr.error_code(_not_in_set(sandbox, fr.token(sandbox))) is None


def test_tokens_are_revoked_over_the_control_api(sandbox) -> None:
    tok = fr.token(sandbox)
    resp = requests.post(f"{sandbox.url}/_sandbox/revoke_tokens", json={"user": "alice"}, timeout=10)
    assert resp.json() == {"revoked": 1} and fr.error_code(_not_in_set(sandbox, tok)) == 98


def test_revoking_an_unknown_users_tokens_is_an_error(sandbox) -> None:
    with pytest.raises(ValueError, match="unknown user"):
        sandbox.revoke_tokens("mallory")
    assert (
        requests.post(f"{sandbox.url}/_sandbox/revoke_tokens", json={"user": "mallory"}, timeout=10).status_code == 400
    )
