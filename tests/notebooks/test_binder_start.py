"""``binder/start`` as Binder runs it: a sandbox in the background, its config exported to what it starts.

The notebooks must then work on that sandbox, not start one of their own, and the sandbox must
stop when the session ends. (The rest of the rehearsal, a fresh environment built from
``binder/`` alone and the app in a browser, is ``make binder-check``: it installs for minutes.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from galleryk.cli.jupyter import free_port, listening

ROOT = Path(__file__).resolve().parents[2]
RUN = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "notebooks"}}).execute()
print("".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="binder/start is a bash script for Binder's Linux images")
def test_binder_start_gives_the_notebooks_its_sandbox_and_stops_it_with_the_session(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_")}
    env.update(
        HOME=str(tmp_path),
        GALLERYK_SANDBOX_PORT=str(port),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    done = subprocess.run(
        ["bash", "binder/start", sys.executable, "-c", RUN, "notebooks/01-list-and-curate.ipynb"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "the sandbox named by GALLERYK_CONFIG" in done.stdout  # not a sandbox of the notebook's own
    data = tmp_path / ".galleryk-sandbox"
    assert (data / "galleryk.ini").is_file()
    deadline = time.monotonic() + 15
    while listening(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not listening(port), "the sandbox outlived the session binder/start ran"
