"""``galleryk sandbox`` as its own process: it serves, says how to reach it, writes a private config, stops on Ctrl-C."""

from __future__ import annotations

import configparser
import os
import queue
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import requests


def _command() -> list[str]:
    script = Path(sys.executable).with_name("galleryk")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from galleryk.cli import main; sys.exit(main())"]


def _read_until(proc: subprocess.Popen, marker: str, timeout: float = 30.0) -> tuple[str, queue.Queue]:
    """Stdout of ``proc`` up to the line containing ``marker``, and a queue of the lines after it (None at the end)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen = []
    while True:
        line = lines.get(timeout=timeout)
        if line is None:
            raise AssertionError(f"the sandbox ended before printing {marker!r}: {''.join(seen)}")
        seen.append(line)
        if marker in line:
            return "".join(seen), lines


def test_sandbox_serves_writes_a_private_config_and_stops_on_sigint(sandbox_data: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_")}
    proc = subprocess.Popen(
        [*_command(), "sandbox", "--port", "0", "--data", str(sandbox_data), "--seed", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        banner, later = _read_until(proc, "Press Ctrl-C")
        url = re.search(r"running at (http://127\.0\.0\.1:\d+)", banner).group(1)
        assert int(url.rsplit(":", 1)[1]) > 0
        assert f"{url}/fotki/v2flkr" in banner and f"{url}/cpg/" in banner
        assert requests.get(url + "/", timeout=10).status_code == 200

        config = sandbox_data / "galleryk.ini"
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        assert f"GALLERYK_CONFIG={config}" in banner
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(config)
        assert parser["fotki"]["api_url"] == f"{url}/fotki/v2flkr"
        assert parser["coppermine"]["url"] == f"{url}/cpg"
        assert parser["fotki"]["secret"] not in banner

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        rest = []
        while (line := later.get(timeout=10)) is not None:
            rest.append(line)
        assert "sandbox stopped" in "".join(rest)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_port_in_use_is_one_line_naming_the_flag(tmp_path: Path, capsys):
    from galleryk.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["sandbox", "--port", str(port), "--data", str(tmp_path / "data")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"galleryk sandbox: port {port} on 127.0.0.1 is in use: choose another --port, or leave it out "
        "to get a free one\n"
    )
    assert not (tmp_path / "data").exists()


def test_rate_limit_flags_make_the_sandbox_answer_503_beyond_the_budget(sandbox_data: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_")}
    flags = ["--rate-limit", "1", "--rate-window", "60", "--rate-status", "503", "--quiet"]
    proc = subprocess.Popen(
        [*_command(), "sandbox", "--port", "0", "--data", str(sandbox_data), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        banner, _ = _read_until(proc, "Press Ctrl-C")
        url = re.search(r"running at (http://127\.0\.0\.1:\d+)", banner).group(1)
        answers = [requests.get(f"{url}/cpg/index.php", timeout=10) for _ in range(2)]
        assert [r.status_code for r in answers] == [200, 503] and int(answers[1].headers["Retry-After"]) >= 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
