"""A temporary folder that goes away with the process that made it, even one killed outright.

A notebook's kernel is often stopped with SIGKILL (nbval does it, and so may Jupyter when a
kernel does not answer), which runs no ``atexit`` hook. So beside the folder runs a small
watcher process holding the read end of a pipe whose write end only this process has: when
this process ends, however it ends, the pipe closes, and the watcher removes the folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path

_WATCHER = (
    "import shutil, sys\n"
    "sys.stdin.buffer.read()\n"  # returns when every write end is closed: the owner stopped or died
    "shutil.rmtree(sys.argv[1], ignore_errors=True)\n"
)


class ScratchFolder:
    """``tempfile.mkdtemp(prefix=...)``, removed by ``remove()``, at exit, or when the process dies."""

    def __init__(self, prefix: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        self._watcher: subprocess.Popen | None = None
        self._pipe: int | None = None
        read_end, write_end = os.pipe()  # neither end is inherited by processes started later
        try:
            self._watcher = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _WATCHER, str(self.path)],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            self._pipe = write_end
        except OSError:  # no watcher: removal at stop or exit still holds
            os.close(write_end)
        finally:
            os.close(read_end)
        self._finalizer = weakref.finalize(self, _remove, self.path, self._pipe, self._watcher)

    def remove(self) -> None:
        """Remove the folder now (and let the watcher go)."""
        self._finalizer()


def _remove(path: Path, pipe: int | None, watcher: subprocess.Popen | None) -> None:
    shutil.rmtree(path, ignore_errors=True)
    if pipe is not None:
        os.close(pipe)
    if watcher is not None:
        try:
            watcher.wait(5)
        except subprocess.TimeoutExpired:
            watcher.kill()
