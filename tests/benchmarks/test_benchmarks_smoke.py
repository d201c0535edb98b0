"""Every benchmark script runs end to end at a tiny size (``--quick``): a smoke test, never a timing.

The figures they print mean nothing at these sizes; what is checked is that each script still
works against the current code and writes its report. Reports and pictures go to a temporary
folder, not into the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPTS = {
    "bench_fotki": ["--cache"],
    "bench_listing": [],
    "bench_sandbox": [],
    "bench_media": ["--cache"],
    "bench_import": [],
    "bench_push": [],
    "bench_plan": [],
    "bench_push_ratelimit": [],
    "bench_widgets": [],
    "bench_cpg_scale": [],
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_benchmark_runs_and_writes_its_report(name: str, tmp_path: Path) -> None:
    args = [sys.executable, str(BENCHMARKS / f"{name}.py"), "--quick"]
    if "--cache" in SCRIPTS[name]:
        args += ["--cache", str(tmp_path / "pictures")]
    env = {**os.environ, "GALLERYK_BENCH_RESULTS": str(tmp_path / "results")}
    out = subprocess.run(args, capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads((tmp_path / "results" / f"{name}-quick.json").read_text())
    assert report["machine"]["cpus"] >= 1
