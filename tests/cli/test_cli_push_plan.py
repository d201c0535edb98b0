"""``galleryk push ... --plan``: the plan printed as a table, with its cost, and nothing sent; ``--adopt`` carries it out."""

from __future__ import annotations

import re
from pathlib import Path

from support.plan_photos import resized

from galleryk.access import sandbox_coppermine, sandbox_fotki


def table(out: str) -> list[list[str]]:
    """The rows under the plan's "action file ..." header, split on runs of two spaces or more."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("action "))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("total:"):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def another_tool_uploaded_the_first(sandbox, folder: Path) -> tuple[object, int, Path]:
    """A Coppermine album "Half done" holding a resized copy of the folder's first photo, without a marker."""
    cpg = sandbox_coppermine(sandbox, "alice")
    aid = cpg.create_album("Half done")
    first = sorted(folder.glob("*.jpg"))[0]
    cpg.upload(resized(first, 300), album=aid, title="theirs", filename=first.name)
    return cpg, aid, first


def test_a_plan_lists_each_file_to_upload_and_sends_nothing(cli_env, cli, good_folder, sandbox):
    sandbox.faults.reset_requests("fotki")
    r = cli("push", str(good_folder), "--to", "fotki", "--album", "Planned", "--create", "--plan")
    assert r.code == 0, r.err
    assert [row[0] for row in table(r.out)] == ["create_album", "upload", "upload", "upload"]
    assert "total: 1 create_album, 3 upload" in r.out
    assert "nothing was sent" in r.out and sandbox.faults.log("fotki").stored == 0
    assert "Planned" not in set(sandbox_fotki(sandbox, "alice").albums()["title"])


def test_a_plan_says_what_another_tool_uploaded_already_and_how_it_was_found(cli_env, cli, good_folder, sandbox):
    _, _, first = another_tool_uploaded_the_first(sandbox, good_folder)
    r = cli("push", str(good_folder), "--to", "coppermine", "--album", "Half done", "--plan")
    assert r.code == 0, r.err
    rows = table(r.out)
    assert rows[0][0] == "skip" and rows[0][2].startswith("picture (") and rows[0][1] == first.name
    assert [row[0] for row in rows[1:]] == ["upload", "upload"]
    assert "the 1 found by their picture or digest would be uploaded again" in r.out


def test_adopt_pushes_as_the_plan_says_without_uploading_what_another_tool_did(cli_env, cli, good_folder, sandbox):
    cpg, aid, _ = another_tool_uploaded_the_first(sandbox, good_folder)
    r = cli("push", str(good_folder), "--to", "coppermine", "--album", "Half done", "--adopt")
    assert r.code == 0, r.err
    assert "total: 2 uploaded, 1 skipped" in r.out and len(cpg.photos(aid)) == 3
