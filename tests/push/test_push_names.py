"""Names that cannot hurt: empty or blank album names and control characters are refused before anything is sent.

Each test counts on the server's side that nothing was uploaded or made.
"""

from __future__ import annotations

import pytest

import galleryk as gk
from galleryk.base.names import BadName


def _nothing_sent(sandbox, service: str) -> bool:
    log = sandbox.request_log(service)
    names = [hit.name for hit in log.hits]
    return log.uploads == 0 and not any("create" in n or n in ("delete.php", "uniload.php") for n in names)


@pytest.mark.parametrize("album", ["", "   "])
def test_an_empty_or_blank_photoset_name_is_refused_before_any_upload(sandbox, fotki, photo_folder, album):
    photos = gk.scan(photo_folder, progress=False)
    sandbox.faults.reset_requests("fotki")
    with pytest.raises(BadName, match="album") as refused:
        photos.galleryk.push(fotki, album=album, create=True, progress=False)
    assert "empty" in str(refused.value) or "blank" in str(refused.value)
    assert _nothing_sent(sandbox, "fotki")


@pytest.mark.parametrize("album", ["", "  "])
def test_an_empty_coppermine_album_name_is_refused_before_any_upload(sandbox, cpg, photo_folder, album):
    photos = gk.scan(photo_folder, progress=False)
    sandbox.faults.reset_requests("coppermine")
    with pytest.raises(BadName):
        photos.galleryk.push(cpg, album=album, create=True, progress=False)
    assert _nothing_sent(sandbox, "coppermine")


def test_a_nul_in_an_album_title_is_refused_and_nothing_is_made(sandbox, fotki, photo_folder):
    photos = gk.scan(photo_folder, progress=False)
    sandbox.faults.reset_requests("fotki")
    with pytest.raises(BadName, match="U\\+0000"):
        photos.galleryk.push(fotki, album="Trip\x00", create=True, progress=False)
    assert _nothing_sent(sandbox, "fotki")
    assert "Trip" not in fotki.albums()["title"].tolist()


@pytest.mark.parametrize(
    ("field", "value"), [("title", "Sunset\x1b[31m"), ("description", "a\x00b"), ("tags", ["sea", "bo\x7fats"])]
)
def test_a_control_character_in_a_row_is_refused_naming_the_row_and_the_field(
    sandbox, fotki, photo_folder, field, value
):
    photos = gk.scan(photo_folder, progress=False)
    photos[field] = [value if i == 2 else ([] if field == "tags" else "fine") for i in range(len(photos))]
    sandbox.faults.reset_requests("fotki")
    with pytest.raises(BadName) as refused:
        photos.galleryk.push(fotki, album="Names", create=True, progress=False)
    message = str(refused.value)
    assert f"row {photos.index[2]!r}" in message and field in message and photos["name"].iloc[2] in message
    assert _nothing_sent(sandbox, "fotki")


def test_tabs_and_newlines_in_a_description_go_through(sandbox, fotki, photo_folder):
    photos = gk.scan(photo_folder, progress=False).head(1)
    photos["description"] = ["line one\n\tline two"]
    report = photos.galleryk.push(fotki, album="Tabs", create=True, progress=False)
    assert report["status"].tolist() == ["uploaded"]
    assert fotki.photo_info(int(report["remote_id"].iloc[0]))["description"].startswith("line one\n\tline two")


def test_a_direct_upload_or_album_creation_with_a_control_character_sends_nothing(sandbox, fotki, cpg, photo_folder):
    photo = sorted(photo_folder.glob("*.jpg"))[0]
    sandbox.faults.reset_requests()
    with pytest.raises(BadName, match="title"):
        fotki.upload(photo, title="bad\x00title")
    with pytest.raises(BadName, match="title"):
        fotki.create_album("set\x01", photo=1)
    with pytest.raises(BadName, match="title"):
        cpg.create_album("   ")
    with pytest.raises(BadName, match="tags"):
        cpg.upload(photo, album="Alice's holidays", tags=["ok", "no\x00"])
    assert _nothing_sent(sandbox, "fotki") and _nothing_sent(sandbox, "coppermine")


def test_the_sandbox_answers_well_formed_xml_for_a_title_stored_with_a_nul(sandbox, fotki, photo_folder):
    # stored behind galleryk's back (another client, an old release): the listings still read
    photo = sorted(photo_folder.glob("*.jpg"))[0]
    pid = fotki.upload(photo, title="ok").id
    with sandbox.store.write() as conn:
        conn.execute("UPDATE fotki_photos SET title = ? WHERE id = ?", ("bad\x00title", int(pid)))
    sets = fotki.albums()
    listed = fotki.photos()
    assert isinstance(sets, type(listed)) and "bad\ufffdtitle" in listed["title"].tolist()
