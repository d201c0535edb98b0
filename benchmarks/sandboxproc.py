"""A sandbox in a child process for the benchmarks, so its server threads do not share the client's GIL.

The child starts a seeded sandbox, fills one photoset of ``photos`` photos (and optionally a
second, smaller one) straight into its database (uploading 20,000 photos would take minutes), sends back its endpoints and keys,
then obeys commands sent over a pipe: approve a frob, change a setting or a fault, report
its traffic counts and CPU time, stop.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

OWNER = "carol"


def fill_photoset(sandbox: Any, owner: str, count: int, title: str = "Benchmark") -> tuple[int, int]:
    """A photoset of ``count`` photos (one in 7 private) inserted in one transaction: its id and its first photo's."""
    from PIL import Image

    from galleryk.sandbox.fotki import db

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "purple").save(buf, "JPEG")
    with sandbox.store.write() as conn:
        owner_id = int(conn.execute("SELECT id FROM users WHERE name = ?", (owner,)).fetchone()[0])
        relative = f"{owner_id}/bench.jpg"
        folder = sandbox.data_dir / "files" / "fotki" / str(owner_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "bench.jpg").write_bytes(buf.getvalue())
        first = db.next_photo_id(conn)
        now = int(time.time())
        conn.executemany(
            "INSERT INTO fotki_photos (id, owner_id, title, description, ispublic, isfriend, isfamily, rotation, "
            "originalformat, width, height, filesize, filename, posted, taken, lastupdate) "
            "VALUES (?, ?, ?, '', ?, ?, 0, 0, 'jpg', 16, 16, ?, ?, ?, '2024-06-01 12:00:00', ?)",
            [
                (
                    first + i,
                    owner_id,
                    f"bench photo {i}",
                    int(i % 7 != 0),
                    int(i % 11 == 0),
                    len(buf.getvalue()),
                    relative,
                    now,
                    now,
                )
                for i in range(count)
            ],
        )
        set_id = db.create_photoset(conn, owner_id, title, "", first)
        conn.executemany(
            "INSERT INTO fotki_set_photos (set_id, photo_id, pos) VALUES (?, ?, ?)",
            [(set_id, first + i, i) for i in range(1, count)],
        )
    return set_id, first


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _main(conn: Any, data_dir: str, photos: int, extra_set: int) -> None:
    import galleryk.sandbox as gks

    tempfile.tempdir = str(Path(data_dir).parent)  # werkzeug spools big request bodies next to the data
    sandbox = gks.start(data_dir, seed=True)
    set_id, first = fill_photoset(sandbox, OWNER, photos) if photos else (None, None)
    small_set_id = fill_photoset(sandbox, OWNER, extra_set, "Benchmark, small")[0] if extra_set else None
    conn.send(
        {
            "url": sandbox.url,
            "api_url": sandbox.fotki_api_url,
            "auth_url": sandbox.fotki_auth_url,
            "api_key": sandbox.api_key,
            "secret": sandbox.secret,
            "set_id": set_id,
            "first_photo_id": first,
            "small_set_id": small_set_id,
        }
    )
    while True:
        cmd, *args = conn.recv()
        reply: Any = "ok"
        if cmd == "approve":
            sandbox.approve(*args)
        elif cmd == "set":
            setattr(sandbox.settings, args[0], args[1])
        elif cmd == "faults":
            sandbox.faults.set("fotki", **args[0])
        elif cmd == "traffic":
            counts = sandbox.traffic()
            reply = {
                "connections": counts.connections,
                "requests": counts.requests,
                "open": counts.open,
                "cpu_s": _cpu_seconds(),
            }
        elif cmd == "stop":
            sandbox.stop()
            conn.send("stopped")
            return
        conn.send(reply)


class SandboxProcess:
    """The sandbox child process and the pipe that drives it; ``info`` has its endpoints, keys and set id."""

    def __init__(self, data_dir: str, photos: int, extra_set: int = 0) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_main, args=(child, data_dir, photos, extra_set), daemon=True)
        self._proc.start()
        self.info: dict[str, Any] = self._conn.recv()

    def command(self, *cmd: Any) -> Any:
        self._conn.send(cmd)
        return self._conn.recv()

    def traffic(self) -> dict[str, Any]:
        """Connections and requests the server has seen, and the child's CPU seconds so far."""
        return self.command("traffic")

    def client(self, **options: Any) -> tuple[Any, str]:
        """A galleryk Fotki client signed in as the owner of the big set (delete permission), and its token."""
        from galleryk.fotki import Fotki

        info = self.info
        options.setdefault("timeout", (10.0, 300.0))
        client = Fotki(
            info["api_key"],
            info["secret"],
            api_url=info["api_url"],
            auth_url=info["auth_url"],
            token_cache="memory",
            **options,
        )
        frob = client.get_frob()
        self.command("approve", frob, OWNER, "delete")
        return client, client.get_token(frob).token

    def stop(self) -> None:
        self.command("stop")
        self._proc.join(30)


def scratch_dir() -> str | None:
    """/dev/shm when there is one (disk writeback would blur upload timings), else the default temp folder."""
    import os

    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
