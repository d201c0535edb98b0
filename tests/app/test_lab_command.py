"""``galleryk lab``: JupyterLab on the notebooks beside a seeded sandbox whose config its kernels and
terminals get; it prints where to go, and Ctrl-C stops both."""

from __future__ import annotations

import configparser
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "widgets"))
import widget_browser as wb

ROOT = Path(__file__).resolve().parents[2]


def test_lab_serves_the_notebooks_with_the_sandbox_config_exported_and_stops_on_ctrl_c(tmp_path):
    wb.require("jupyterlab")
    psutil = pytest.importorskip("psutil")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_")}
    env["GALLERYK_FOTKI_API_KEY"] = "a-real-key-that-must-not-leak-in"  # the lab's own settings win over it
    port = wb.free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "galleryk.cli",
            "lab",
            "--port",
            str(port),
            "--data",
            str(tmp_path / "data"),
            "--notebooks",
            str(ROOT / "notebooks"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while not any("Press Ctrl-C" in line for line in lines):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "galleryk lab exited:\n" + "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "".join(lines)
        url = next(line.split(" open ", 1)[1].strip() for line in lines if " open http" in line)
        assert url.startswith(f"http://127.0.0.1:{port}/lab/tree/00-quickstart.ipynb?token=")
        token = url.split("token=")[1]
        status = requests.get(
            f"http://127.0.0.1:{port}/api/contents/00-quickstart.ipynb",
            params={"token": token, "content": "0"},
            timeout=30,
        )
        assert status.status_code == 200 and status.json()["name"] == "00-quickstart.ipynb"

        (server,) = psutil.Process(proc.pid).children()
        child_env = server.environ()
        assert "GALLERYK_FOTKI_API_KEY" not in child_env
        config = configparser.ConfigParser()
        config.read(child_env["GALLERYK_CONFIG"])
        sandbox_url = config["fotki"]["api_url"].rsplit("/fotki/", 1)[0]
        assert any(sandbox_url in line for line in lines)
        assert requests.get(f"{sandbox_url}/_sandbox/settings", timeout=10).status_code == 200

        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0 and "lab and sandbox stopped" in rest
        assert not server.is_running()
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{sandbox_url}/_sandbox/settings", timeout=5)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def test_lab_with_a_folder_without_notebooks_says_so(tmp_path, capsys):
    from galleryk.cli import main

    assert main(["lab", "--notebooks", str(tmp_path)]) == 2
    assert f"galleryk lab: no galleryk notebooks in {tmp_path}" in capsys.readouterr().err


def test_the_app_needs_no_clone_its_notebook_ships_in_the_package():
    from galleryk.cli.jupyter import app_notebook

    notebook = app_notebook()
    assert notebook.is_file() and "galleryk" in notebook.parts[-3]
    assert "App(" in notebook.read_text(encoding="utf-8")


def test_without_the_extra_each_command_says_the_one_line_that_installs_it(capsys, monkeypatch):
    import importlib.util

    from galleryk.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a))
    assert main(["app"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "galleryk app: the app needs voila, which is not installed. Install it with: pip install 'galleryk[app]'"
    )
