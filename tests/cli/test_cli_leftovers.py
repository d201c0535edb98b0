"""Nothing left behind: a sandbox's temporary folder goes with it, and the test session checks its own temp dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import galleryk.sandbox as gks

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def test_stop_removes_the_temporary_data_folder():
    sb = gks.start(seed=False)
    folder = sb.data_dir
    assert folder.is_dir()
    sb.stop()
    assert not folder.exists()


def test_a_script_that_raises_leaves_no_temporary_data_folder():
    script = "import galleryk as gk\nsb = gk.sandbox.start(seed=False)\nprint(sb.data_dir, flush=True)\nraise RuntimeError('boom')\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "RuntimeError: boom" in done.stderr
    folder = Path(done.stdout.strip())
    assert folder.name.startswith("galleryk-sandbox-")
    assert not folder.exists()


def test_a_restarted_kernel_leaves_no_temporary_data_folder():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        outputs: list[str] = []
        kc.execute_interactive(
            "import galleryk as gk\nsb = gk.sandbox.start(seed=False)\nprint(sb.data_dir)",
            timeout=120,
            output_hook=lambda msg: outputs.append(msg["content"].get("text", "")),
        )
        folder = Path("".join(outputs).strip())
        assert folder.is_dir()
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=120)
        assert not folder.exists()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_the_session_has_a_private_temp_dir_that_subprocesses_inherit():
    private = tempfile.gettempdir()
    assert Path(private).name.startswith("galleryk-tests-")
    done = subprocess.run(
        [sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == private


def _inner_session(tmp_path: Path, test_body: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Run pytest on one test file with this suite's conftest, under a temp root of its own."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(CONFTEST, project / "conftest.py")
    (project / "test_one.py").write_text(textwrap.dedent(test_body))
    root = tmp_path / "tmp-root"
    root.mkdir()
    env = {**os.environ, "TMPDIR": str(root)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CONFTEST.parent), env.get("PYTHONPATH")]))  # its imports
    env.pop("PYTEST_DEBUG_TEMPROOT", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "basetemp"),
            str(project),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return done, root


def test_the_session_check_fails_a_run_that_leaves_a_temp_folder_and_names_it(tmp_path):
    done, root = _inner_session(
        tmp_path,
        """
        import tempfile

        def test_leaks():
            tempfile.mkdtemp(prefix="leaky-thing-")
    """,
    )
    assert done.returncode == 1, done.stdout
    assert "1 passed" in done.stdout
    assert "left behind in the temp directory" in done.stdout and "leaky-thing-" in done.stdout
    assert list(root.iterdir()) == []  # the session's private dir is removed all the same


def test_the_session_check_passes_a_clean_run_and_removes_its_temp_dir(tmp_path):
    done, root = _inner_session(
        tmp_path,
        """
        import tempfile

        def test_cleans_up():
            with tempfile.TemporaryDirectory(prefix="tidy-"):
                pass
    """,
    )
    assert done.returncode == 0, done.stdout
    assert "left behind" not in done.stdout
    assert list(root.iterdir()) == []
