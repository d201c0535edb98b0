"""A server that says "too many requests" (429, 503): one pause for every thread of the client, then on.

The server here keeps a script of answers and the arrival time of each request on its own
clock, so each test counts on the server's side: what arrived during a pause, how often a body
was sent, how many requests were refused.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from galleryk.base.errors import Cancelled, RateLimited
from galleryk.transport import Transport, UploadSource
from galleryk.transport.ratelimit import RateGate, parse_retry_after, scope


@dataclass
class Arrival:
    at: float
    path: str
    status: int
    md5: str | None = None


@dataclass
class _Script:
    """What the server answers: the first ``refuse`` requests get ``status`` with ``retry_after``, or a budget."""

    refuse: int = 0
    status: int = 429
    retry_after: str | None = "1"
    budget: int | None = None
    window: float = 1.0
    arrivals: list[Arrival] = field(default_factory=list)
    refused_event: threading.Event = field(default_factory=threading.Event)


class _Server:
    def __init__(self) -> None:
        self.script = _Script()
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _app(self, environ: dict, start_response):
        request = Request(environ)
        data = request.files["photo"].read() if "photo" in request.files else None
        now = time.monotonic()
        s = self.script
        with self._lock:
            admitted = [a.at for a in s.arrivals if a.status == 200 and a.at > now - s.window]
            refused = s.refuse > 0 or (s.budget is not None and len(admitted) >= s.budget)
            if s.refuse > 0:
                s.refuse -= 1
            status = s.status if refused else 200
            s.arrivals.append(Arrival(now, request.path, status, hashlib.md5(data).hexdigest() if data else None))
        if refused:
            s.refused_event.set()
            headers = {"Retry-After": s.retry_after} if s.retry_after is not None else {}
            return Response("<h1>Too Many Requests</h1>", status=status, headers=headers)(environ, start_response)
        return Response("<ok/>")(environ, start_response)

    def statuses(self) -> list[int]:
        return [a.status for a in self.script.arrivals]


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def transport() -> Iterator[Transport]:
    with Transport(timeout=(2, 10), retries=3, backoff=0.01) as t:
        yield t


def test_a_429_pauses_every_thread_of_the_client_for_its_retry_after(server: _Server, transport: Transport) -> None:
    server.script.refuse, server.script.retry_after = 1, "1"
    first = threading.Thread(target=transport.get, args=(f"{server.url}/first",))
    first.start()
    assert _until(lambda: transport.gate.paused_until is not None)  # the client has its answer
    refused_at = server.script.arrivals[0].at
    others = [threading.Thread(target=transport.get, args=(f"{server.url}/other{i}",)) for i in range(3)]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(20)
    later = [a for a in server.script.arrivals if a.status == 200]
    assert len(later) == 4 and server.statuses().count(429) == 1
    assert min(a.at for a in later) >= refused_at + 1.0  # nothing arrived during the pause, the refused one too


def test_a_get_refused_once_is_sent_once_more_after_one_wait(server: _Server, transport: Transport) -> None:
    server.script.refuse, server.script.retry_after = 1, "1"
    started = time.monotonic()
    assert transport.get(f"{server.url}/list").status_code == 200
    took = time.monotonic() - started
    assert server.statuses() == [429, 200]
    assert 1.0 <= took < 1.9  # one wait of Retry-After (urllib3 did not wait a second one of its own)


def test_an_upload_refused_with_429_is_sent_again_whole(server: _Server, transport: Transport, tmp_path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 4000)
    server.script.refuse, server.script.retry_after = 1, "1"
    progress: list[tuple[int, int]] = []
    up = UploadSource(photo)
    with up.opened() as opened:
        resp = transport.post_multipart(
            f"{server.url}/upload",
            {"title": "t"},
            ("photo", up.filename, opened.stream),
            progress=lambda sent, total: progress.append((sent, total)),
        )
    assert resp.status_code == 200 and server.statuses() == [429, 200]
    sent_md5 = hashlib.md5(photo.read_bytes()).hexdigest()
    assert server.script.arrivals[1].md5 == sent_md5
    assert progress[-1][0] == progress[-1][1]


def test_an_upload_from_a_file_object_is_sent_again_from_where_it_was_given(
    server: _Server, transport: Transport
) -> None:
    import io

    data = b"\xff\xd8\xff" + b"x" * 5000
    stream = io.BytesIO(b"header-not-sent" + data)
    stream.seek(len(b"header-not-sent"))
    server.script.refuse = 1
    up = UploadSource(stream, filename="a.jpg")
    with up.opened() as opened:
        transport.post_multipart(f"{server.url}/upload", {}, ("photo", up.filename, opened.stream))
    assert server.script.arrivals[1].md5 == hashlib.md5(data).hexdigest()


def test_a_503_without_retry_after_waits_a_second_then_goes_on(server: _Server, transport: Transport) -> None:
    server.script.refuse, server.script.status, server.script.retry_after = 1, 503, None
    started = time.monotonic()
    assert transport.get(f"{server.url}/page").status_code == 200
    assert server.statuses() == [503, 200] and time.monotonic() - started >= 1.0


def test_a_wait_longer_than_galleryk_grants_fails_every_request_at_once_until_then(
    server: _Server, transport: Transport
) -> None:
    server.script.refuse, server.script.retry_after = 1, "86400"
    with pytest.raises(RateLimited, match="86400 s") as first:
        transport.get(f"{server.url}/a")
    started = time.monotonic()
    with pytest.raises(RateLimited):
        transport.post(f"{server.url}/b", data={"x": "1"})
    assert time.monotonic() - started < 1.0 and len(server.script.arrivals) == 1  # the second was not sent
    assert first.value.retry_after == 86400 and first.value.until > time.time() + 86000


def test_a_learned_pace_keeps_the_client_within_the_budget_after_the_first_refusals(
    server: _Server, transport: Transport
) -> None:
    server.script.budget, server.script.window = 5, 1.0
    with _threads(4) as run:
        run(lambda i: transport.get(f"{server.url}/item", params={"i": i}), 30)
    statuses = server.statuses()
    first_ok_after = next(i for i, s in enumerate(statuses) if s == 429)
    refusals_later = [s for s in statuses[first_ok_after + 4 :] if s == 429]  # at most one in flight per thread
    assert statuses.count(200) == 30 and refusals_later == []
    assert 1 <= transport.gate.refusals <= 4 and transport.gate.interval > 0


def test_a_user_budget_paces_every_request(server: _Server) -> None:
    with Transport(calls_per_hour=3600 * 10) as paced:  # ten a second
        started = time.monotonic()
        with _threads(4) as run:
            run(lambda i: paced.get(f"{server.url}/p", params={"i": i}), 11)
        assert time.monotonic() - started >= 0.95
    assert server.statuses().count(429) == 0


def test_a_cancel_ends_a_wait_for_the_rate_limit(server: _Server, transport: Transport) -> None:
    server.script.refuse, server.script.retry_after = 1, "30"
    cancel = threading.Event()
    errors: list[BaseException] = []

    def fetch() -> None:
        with scope(cancel=cancel):
            try:
                transport.get(f"{server.url}/slow-down")
            except BaseException as exc:  # the test looks at it
                errors.append(exc)

    worker = threading.Thread(target=fetch)
    worker.start()
    assert server.script.refused_event.wait(10)
    cancel.set()
    worker.join(5)
    assert not worker.is_alive() and isinstance(errors[0], Cancelled)
    assert len(server.script.arrivals) == 1


def test_whoever_waits_is_told_until_when(server: _Server, transport: Transport) -> None:
    server.script.refuse, server.script.retry_after = 1, "1"
    told: list[float] = []
    with scope(on_pause=told.append):
        transport.get(f"{server.url}/x")
    assert len(told) == 1 and time.time() - 1.5 < told[0] <= time.time() + 0.1


def test_retry_after_as_an_http_date_is_read() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:40 GMT", now) == pytest.approx(20.0)
    assert parse_retry_after("7") == 7.0 and parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_the_gate_learns_the_pace_the_service_admitted() -> None:
    clock = [100.0]
    gate = RateGate(clock=lambda: clock[0], rng=lambda: 0.0)
    for i in range(20):  # twenty admitted within the last second, then a refusal asking for 1 s
        gate.admitted(99.0 + 0.05 * (i + 1))
    assert gate.refused(1.0, 100.0) == pytest.approx(1.0)
    assert 1 / gate.interval == pytest.approx(19)  # one below the budget it met


def _until(condition, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


class _threads:
    """``with _threads(n) as run: run(fn, count)``: fn(0..count-1) over n threads; errors re-raised."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __enter__(self):
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(self.n)
        return lambda fn, count: list(self.pool.map(fn, range(count)))

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True)


def test_a_refused_request_whose_files_were_read_is_not_sent_again_empty(server: _Server, transport: Transport) -> None:
    import io

    server.script.refuse, server.script.retry_after = 1, "1"
    with pytest.raises(RateLimited, match="cannot be sent again"):
        transport.post(f"{server.url}/form", files={"photo": ("a.jpg", io.BytesIO(b"\xff\xd8\xff data"))})
    assert server.statuses() == [429]
