"""Two pushes of the same photos to the same album at the same time, on one machine: never a duplicate."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import galleryk as gk

CHILD = textwrap.dedent(
    """
    import json, sys, galleryk as gk
    folder, journal = sys.argv[1], sys.argv[2]
    fotki = gk.connect("fotki", token_cache="memory")
    report = gk.scan(folder, progress=False).galleryk.push(fotki, album="Together", create=True, journal=journal,
                                                           workers=2, progress=False)
    print(json.dumps(report["status"].astype(str).tolist()))
    """
)


@pytest.mark.parametrize("journals", ["shared", "separate"])
def test_two_pushes_started_together_upload_each_photo_once(
    journals, sandbox, fotki, tmp_path, make_photos, fotki_titles, child_env
):
    make_photos(tmp_path / "photos", 10)
    env = child_env(sandbox, fotki)
    sandbox.faults.set("fotki", latency=0.05)  # long enough for the two to overlap
    paths = [tmp_path / "j.sqlite"] * 2 if journals == "shared" else [tmp_path / "a.sqlite", tmp_path / "b.sqlite"]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / "photos"), str(p)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in paths
    ]
    results = [c.communicate(timeout=120) for c in children]
    assert [c.returncode for c in children] == [0, 0], [err for _, err in results]
    statuses = [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
    assert all(set(s) <= {"uploaded", "skipped"} for s in statuses)
    assert sorted(s.count("uploaded") for s in statuses) == [0, 10]  # one pushed, the other found it all there
    titles = fotki_titles(fotki)
    assert [titles[f"photo_{i:03d}"] for i in range(10)] == [1] * 10
    assert (fotki.photosets()["title"] == "Together").sum() == 1
    assert len(fotki.photos("Together")) == 10


def test_a_push_that_cannot_wait_for_another_says_which_one_is_running(sandbox, fotki, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 6)
    df = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.set("fotki", latency=0.1)
    first = threading.Thread(
        target=df.galleryk.push,
        args=(fotki,),
        kwargs={"album": "Busy", "create": True, "journal": tmp_path / "a.sqlite", "workers": 1, "progress": False},
    )
    first.start()
    deadline = time.monotonic() + 30
    while sandbox.faults.requests("fotki").get("upload", 0) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        busy = rf"another push to Fotki \(alice\) at {re.escape(fotki.endpoint)}, photoset 'Busy' is running"
        with pytest.raises(gk.PushBusy, match=busy):
            df.galleryk.push(
                fotki, album="Busy", create=True, journal=tmp_path / "b.sqlite", lock_timeout=0.3, progress=False
            )
    finally:
        first.join(timeout=60)
    sandbox.faults.clear()
    assert len(fotki.photos("Busy")) == 6
