"""What Binder does, as far as this machine can (``make binder-check``; a few minutes: it installs a fresh venv).

1. A new virtual environment from ``binder/`` alone: ``pip install -r binder/requirements.txt``
   (repo2docker's step for this repository), on ``binder/runtime.txt``'s Python if it is here.
2. ``binder/start`` around an nbclient run of every notebook: each must say it works on the
   sandbox named by ``GALLERYK_CONFIG`` (the one binder/start runs), not one of its own.
3. ``binder/start`` around Voilà serving ``galleryk/app/app.ipynb``, opened in Debian's Chromium;
   the app must render and say which sandbox it uses. Then the server stops, and the sandbox
   must stop with it.

Run it with this project's venv (it uses its Playwright); screenshots go to artifacts/binder/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from galleryk.cli.jupyter import free_port, listening

ROOT = Path(__file__).resolve().parents[1]
RUN_ALL = """
import sys, nbformat
from pathlib import Path
from nbclient import NotebookClient
failed = []
for path in sorted(Path("notebooks").glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "notebooks"}}).execute()
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                   for c in nb.cells for o in c.get("outputs", []))
    used = "sandbox named by GALLERYK_CONFIG" in text
    print(f"{path.name}: ran, {'on binder/start sandbox' if used else 'NOT on the binder/start sandbox'}", flush=True)
    if not used:
        failed.append(path.name)
sys.exit(1 if failed else 0)
"""


def step(text: str) -> None:
    print(f"== {text}", flush=True)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="galleryk-binder-") as tmp:
        home = Path(tmp)
        repo = home / "repo"  # Binder's $HOME is a copy of the repository
        shutil.copytree(
            ROOT,
            repo,
            ignore=shutil.ignore_patterns(".venv", ".git", "artifacts", "*.egg-info", "__pycache__", "build"),
        )
        step("a fresh venv from binder/requirements.txt")
        wanted = (repo / "binder" / "runtime.txt").read_text().strip().replace("python-", "python")
        python = shutil.which(wanted) or sys.executable
        subprocess.run([python, "-m", "venv", str(home / "venv")], check=True)
        venv_bin = home / "venv" / "bin"
        started = time.monotonic()
        subprocess.run(
            [str(venv_bin / "pip"), "install", "--quiet", "-r", "binder/requirements.txt"], cwd=repo, check=True
        )
        print(f"installed in {time.monotonic() - started:.0f} s", flush=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_")}
        env.update(
            HOME=str(repo),
            PATH=f"{venv_bin}:{env['PATH']}",
            GALLERYK_SANDBOX_PORT=str(free_port()),
            GALLERYK_CACHE_DIR=str(home / "cache"),
        )
        sandbox_port = int(env["GALLERYK_SANDBOX_PORT"])

        step("binder/start around an nbclient run of every notebook")
        started = time.monotonic()
        subprocess.run(["binder/start", str(venv_bin / "python"), "-c", RUN_ALL], cwd=repo, env=env, check=True)
        print(f"all notebooks ran in {time.monotonic() - started:.0f} s", flush=True)
        for _ in range(50):
            if not listening(sandbox_port):
                break
            time.sleep(0.2)
        assert not listening(sandbox_port), "the sandbox outlived the session"
        print("the sandbox stopped with the session", flush=True)

        step("binder/start around Voila with the app, in Chromium")
        port = free_port()
        voila = subprocess.Popen(
            [
                "binder/start",
                str(venv_bin / "python"),
                "-m",
                "voila",
                "galleryk/app/app.ipynb",
                "--no-browser",
                f"--port={port}",
                "--Voila.ip=127.0.0.1",
            ],
            cwd=repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while not listening(port):
                assert voila.poll() is None and time.monotonic() < deadline, "Voila did not start"
                time.sleep(0.3)
            sys.path.insert(0, str(ROOT / "tests" / "widgets"))
            import widget_browser as wb

            wb.ARTIFACTS = ROOT / "artifacts" / "binder"
            with wb.chromium() as browser:
                page = browser.new_page(viewport={"width": 1150, "height": 900})
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                page.get_by_text("Working on the sandbox named by GALLERYK_CONFIG").wait_for(timeout=60_000)
                page.get_by_text("Signed in to the gallery as alice.").wait_for(timeout=60_000)
                assert page.locator("text=Loading widget").count() == 0
                print(f"the app rendered: {wb.shot(page, 'app')}", flush=True)
        finally:
            voila.terminate()
            voila.wait(30)
        for _ in range(50):
            if not listening(sandbox_port):
                break
            time.sleep(0.2)
        assert not listening(sandbox_port), "the sandbox outlived the Voila session"
        print("the sandbox stopped with the session", flush=True)
    step("binder check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
