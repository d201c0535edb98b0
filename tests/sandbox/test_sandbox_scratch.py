"""A sandbox started without a data folder leaves nothing behind, even when its process is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import galleryk.sandbox as gks

OWNER = """
import sys
import galleryk.sandbox as gks
sb = gks.start(seed=True)
print(sb.data_dir, flush=True)
sys.stdin.read()
"""


def wait_gone(path: Path, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not path.exists():
            return True
        time.sleep(0.05)
    return False


def test_stop_removes_the_temporary_data_folder():
    sb = gks.start(seed=True)
    folder = sb.data_dir
    assert (folder / "sandbox.sqlite3").exists()
    sb.stop()
    assert not folder.exists()


def test_a_kernel_killed_outright_leaves_no_data_folder():
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        folder = Path(owner.stdout.readline().strip())
        assert folder.is_dir() and folder.name.startswith("galleryk-sandbox-")
        os.kill(owner.pid, signal.SIGKILL)  # no atexit, no finally: what nbval does to a kernel
        owner.wait(10)
        assert wait_gone(folder), f"{folder} outlived the process that made it"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        owner.stdin.close()
        owner.stdout.close()


def test_a_given_data_folder_is_kept(tmp_path):
    sb = gks.start(tmp_path / "data", seed=True)
    sb.stop()
    assert any((tmp_path / "data").iterdir())
