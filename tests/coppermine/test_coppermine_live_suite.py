"""The live contract suite, as a gallery owner runs it (docs/coppermine.md), pointed at the real 1.6.26 gallery.

The owner's gallery is not ours to arrange: the suite gets only what the documented variables
give it (a URL, one user, their password, an album they may upload to). Run here against a user
made for it alone, so that what it uploads touches no other test's album.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITE = [
    "tests/coppermine/test_coppermine_servers.py",
    "tests/coppermine/test_coppermine_recent.py",
    "tests/push/test_push_coppermine_servers.py",
]


def live_env(url: str, user: str, password: str, album: int, uploads: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_LIVE_")}
    env.update(
        GALLERYK_LIVE_CPG_URL=url,
        GALLERYK_LIVE_CPG_USER=user,
        GALLERYK_LIVE_CPG_PASSWORD=password,
        GALLERYK_LIVE_CPG_ALBUM=str(album),
    )
    if uploads:
        env["GALLERYK_LIVE_CPG_UPLOADS"] = "1"
    return env


def run_live(env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE, "-k", "live"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, done.stdout + done.stderr


def counts(output: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|error)", output)}


def test_the_live_suite_passes_on_a_real_gallery_read_only_and_with_uploads(real_coppermine):
    real = real_coppermine.real
    testers = int(real.sql("SELECT group_id FROM cpg_usergroups WHERE group_name = 'Testers'")[0][0])
    uid = real.add_user("owner-test", "owner-test-pw", group=testers)
    album = real.add_album("The owner's test album", 10000 + uid, as_user="owner-test")

    code, output = run_live(live_env(real_coppermine.url, "owner-test", "owner-test-pw", album, uploads=False))
    read_only = counts(output)
    assert code == 0, output[-4000:]
    assert read_only.get("passed", 0) >= 4 and "failed" not in read_only, read_only
    assert real.sql(f"SELECT COUNT(*) FROM cpg_pictures WHERE owner_id = {uid}")[0][0] == "0"  # it only read

    code, output = run_live(live_env(real_coppermine.url, "owner-test", "owner-test-pw", album, uploads=True))
    writing = counts(output)
    assert code == 0, output[-4000:]
    assert writing.get("passed", 0) >= read_only["passed"] + 10 and "failed" not in writing, writing
