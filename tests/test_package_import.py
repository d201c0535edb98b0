"""``import galleryk`` stays light: the sandbox and its web server load only when first used."""

from __future__ import annotations

import json
import subprocess
import sys


def _fresh(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120).stdout


def test_import_galleryk_loads_neither_the_sandbox_nor_werkzeug() -> None:
    loaded = json.loads(
        _fresh(
            "import sys, json, galleryk; print(json.dumps(sorted(m for m in sys.modules "
            "if m.split('.')[0] == 'werkzeug' or m.startswith('galleryk.sandbox'))))"
        )
    )
    assert loaded == []


def test_the_sandbox_is_still_there_as_an_attribute_when_used() -> None:
    out = _fresh(
        "import galleryk as gk\nsb = gk.sandbox.start(seed=False)\nprint(type(sb).__name__, "
        "sb.url.startswith('http://127.0.0.1:'))\nsb.stop()"
    )
    assert out.split() == ["Sandbox", "True"]


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    assert _fresh(
        "import galleryk\ntry:\n    galleryk.nonesuch\nexcept AttributeError as e:\n    print(e)"
    ).strip() == ("module 'galleryk' has no attribute 'nonesuch'")
