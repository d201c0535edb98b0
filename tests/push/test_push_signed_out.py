"""A token revoked in the middle of a push stops it at once, with one error that says to sign in again.

Counted on the server: after the revocation only the uploads already under way reach the
upload handler; after a new sign-in the rerun completes with every photo there once.
"""

from __future__ import annotations

import time

import pytest
from support.holding import held_first

import galleryk as gk
from galleryk.access import sandbox_fotki
from galleryk.base.errors import NotSignedIn, Reason, ServiceError
from galleryk.base.problems import explain

WORKERS = 2


def _uploads_after(sandbox, at: float) -> int:
    return sum(1 for hit in sandbox.request_log("fotki").hits if hit.name == "upload" and hit.at > at)


def test_a_revoked_token_stops_the_push_within_the_uploads_in_flight(
    sandbox, fotki, tmp_path, make_photos, fotki_titles
):
    make_photos(tmp_path / "photos", 16)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.reset_requests("fotki")
    sandbox.faults.set("fotki", latency=0.02)  # long enough a push for the revocation to fall in its middle
    done: list = []
    revoked: list[float] = []  # on the sandbox's clock: it runs in this process, time.monotonic() is its clock

    def revoke_after_three(index, status) -> None:
        done.append(index)
        if len(done) == 3:
            sandbox.revoke_tokens("alice")
            revoked.append(time.monotonic())

    journal = tmp_path / "j.sqlite"
    with pytest.raises(ServiceError) as stopped:
        photos.galleryk.push(
            fotki,
            album="Revoked",
            create=True,
            journal=journal,
            workers=WORKERS,
            on_item=revoke_after_three,
            progress=False,
        )
    sandbox.faults.clear()
    assert stopped.value.reason is Reason.SIGNED_OUT
    assert "sign in" in explain(stopped.value).text
    assert revoked and _uploads_after(sandbox, revoked[0]) <= WORKERS  # the ones under way; none started after
    again = sandbox_fotki(sandbox, "alice")
    rerun = photos.galleryk.push(again, album="Revoked", create=True, journal=journal, progress=False)
    assert set(rerun["status"]) <= {"uploaded", "skipped"}, rerun[["status", "error"]]
    titles = fotki_titles(again)
    assert [titles[f"photo_{i:03d}"] for i in range(16)] == [1] * 16
    assert len(again.photos("Revoked")) == 16


def test_a_client_whose_cached_token_was_dropped_sends_no_unsigned_upload(sandbox, tmp_path, make_photos):
    from galleryk.fotki import Fotki
    from galleryk.fotki.tokencache import MemoryTokenCache

    cache = MemoryTokenCache()
    first = sandbox_fotki(sandbox, "alice", token_cache=cache)  # its token is cached: a 98 drops it
    cached = Fotki(
        sandbox.api_key,
        sandbox.secret,
        api_url=sandbox.fotki_api_url,
        auth_url=sandbox.fotki_auth_url,
        token_cache=cache,
    )
    assert cached.signed_in and first.signed_in
    photo = make_photos(tmp_path / "photos", 2)
    sandbox.revoke_tokens("alice")
    with pytest.raises(ServiceError, match="dropped"):
        cached.check_token()  # 98: the cached token is dropped, as the CLI's was
    sandbox.faults.reset_requests("fotki")
    with pytest.raises(NotSignedIn):
        cached.upload(photo[1], title="two")
    assert sandbox.request_log("fotki").uploads == 0  # refused here, never sent without a token


def test_a_token_revoked_as_the_photos_go_into_the_photoset_stops_the_push(sandbox, fotki, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 6)
    photos = gk.scan(tmp_path / "photos", progress=False)
    revoked: list[float] = []

    def revoke_at_the_first(index, status):  # every upload is in before the first: its turn opens the adds
        if index == photos.index[0]:
            sandbox.revoke_tokens("alice")
            revoked.append(time.monotonic())

    journal = tmp_path / "j.sqlite"
    with pytest.raises(ServiceError) as stopped:
        photos.galleryk.push(
            fotki,
            album="Revoked late",
            create=True,
            journal=journal,
            **held_first(photos, len(photos) - 1, on_item=revoke_at_the_first),
        )
    assert stopped.value.reason is Reason.SIGNED_OUT
    puts = [
        h for h in sandbox.request_log("fotki").hits if h.name.startswith("flickr.photosets.") and h.at > revoked[0]
    ]
    assert len(puts) == 1  # making the set with the first photo (it looks for one first): refused, and no more tries
    again = sandbox_fotki(sandbox, "alice")
    rerun = photos.galleryk.push(again, album="Revoked late", create=True, journal=journal, progress=False)
    assert set(rerun["status"]) == {"skipped"}
    assert again.photos("Revoked late")["id"].astype(str).tolist() == rerun["remote_id"].tolist()
