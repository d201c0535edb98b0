"""The media layer stands alone: it imports no service client, push code or sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

import galleryk.media

MEDIA = Path(galleryk.media.__file__).parent


def test_media_modules_import_only_each_other_and_outside_libraries() -> None:
    offenders = []
    for source in MEDIA.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level > 1 or (node.module or "").startswith("galleryk")):
                offenders.append(f"{source.name}: from {'.' * node.level}{node.module or ''}")
            if isinstance(node, ast.Import) and any(a.name.startswith("galleryk") for a in node.names):
                offenders.append(f"{source.name}: import {node.names[0].name}")
    assert offenders == []
