"""Uploading versions: every file type, every bad input, reading, downloading, comparing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from egi.extensions import db
from egi.manuals.models import Block, PendingUpload, StoredFile, Version, VersionIsImmutable
from tests.conftest import login
from tests.docgen import (
    make_docx,
    make_docx_with_dtd,
    make_ole_file,
    make_pdf,
    make_png,
    make_zip_bomb_docx,
)
from tests.manuals.helpers import add_version, make_team, upload


def counts():
    return (db.session.scalar(sa.select(sa.func.count(Version.id))),
            db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)),
            db.session.scalar(sa.select(sa.func.count(PendingUpload.id))))


@pytest.fixture
def team(app):
    return make_team()


@pytest.fixture
def consultant_client(app, client, team):
    login(client, team.consultant)
    return client


@pytest.mark.parametrize("filename, data, expected_text", [
    ("draft.docx", make_docx([("h", 1, "Law enforcement"), "Police should sign the MoU."]),
     "Police should sign the MoU."),
    ("draft.md", b"# Law enforcement\n\nPolice should *sign* the MoU.\n", "sign"),
    ("draft.txt", b"Law enforcement\n\nPolice should sign the MoU.\n", "Police should sign"),
    ("draft.pdf", make_pdf(["Law enforcement\n\nPolice should sign the MoU."]), "Police should"),
])
def test_each_file_type_uploads_and_reads(app, consultant_client, team, filename, data,
                                          expected_text):
    response = upload(consultant_client, team.manual.id, filename, data, note="first draft")
    assert response.status_code == 302
    assert response.location == f"/manuals/{team.manual.id}/v/1"
    version = db.session.scalars(sa.select(Version)).one()
    assert (version.number, version.original_filename, version.note) == (1, filename,
                                                                          "first draft")
    page = consultant_client.get(response.location).get_data(as_text=True)
    assert expected_text in page
    assert 'class="block-number"' in page
    download = consultant_client.get(f"/manuals/{team.manual.id}/v/1/download")
    assert download.data == data
    assert filename in download.headers["Content-Disposition"]


def test_versions_are_numbered_and_identical_files_stored_once(app, consultant_client, team):
    data = b"# Title\n\nSame text.\n"
    upload(consultant_client, team.manual.id, "a.md", data)
    upload(consultant_client, team.manual.id, "b.md", data)
    versions, files, _pending = counts()
    assert (versions, files) == (2, 1)
    numbers = db.session.scalars(sa.select(Version.number).order_by(Version.number)).all()
    assert numbers == [1, 2]


def test_upload_answers_json_for_the_progress_bar(app, consultant_client, team):
    response = upload(consultant_client, team.manual.id, "a.md", b"# T\n\nText.", json=True)
    assert response.status_code == 200
    assert response.get_json()["redirect"] == f"/manuals/{team.manual.id}/v/1"
    bad = upload(consultant_client, team.manual.id, "a.md", b"", json=True)
    assert bad.status_code == 400 and "empty" in bad.get_json()["errors"][0]


BAD_UPLOADS = [
    ("picture.docx", make_png(), "PNG"),
    ("empty.md", b"", "empty"),
    ("binary.txt", b"\x00\x01\x02\x03" * 100, ""),
    ("corrupt.docx", b"PK\x03\x04" + b"garbage" * 50, ""),
    ("bomb.docx", make_zip_bomb_docx(), ""),
    ("entity.docx", make_docx_with_dtd(), ""),
    ("locked.pdf", make_pdf(["Secret"], encrypted=True), "password"),
    ("broken.pdf", b"%PDF-1.4\n" + b"nonsense" * 20, ""),
    ("old.docx", make_ole_file(), "password-protected"),
    ("program.exe", b"MZ" + b"\x00" * 100, ""),
    ("notes.pdf", b"# Just markdown\n", ""),
]


@pytest.mark.parametrize("filename, data, phrase", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_uploads_get_a_clear_message_and_store_nothing(app, consultant_client, team,
                                                           filename, data, phrase):
    response = upload(consultant_client, team.manual.id, filename, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="field-error"' in page
    assert phrase in page
    assert counts() == (0, 0, 0)


def test_too_large_upload_gets_413_page(make_app):
    app = make_app(MAX_UPLOAD_MB=1)
    with app.app_context():
        team = make_team()
        client = app.test_client()
        login(client, team.consultant)
        response = upload(client, team.manual.id, "big.txt", b"word " * 600_000)
        assert response.status_code == 413
        assert b"larger than the limit of 1 MB" in response.data
        assert counts() == (0, 0, 0)


def test_file_names_are_cleaned_but_keep_non_ascii(app, consultant_client, team):
    name = "../../etc/Leitfaden – Entwurf «2»\x07.md"
    upload(consultant_client, team.manual.id, name, b"# T\n\nText.")
    version = db.session.scalars(sa.select(Version)).one()
    assert version.original_filename == "Leitfaden – Entwurf «2».md"
    download = consultant_client.get(f"/manuals/{team.manual.id}/v/1/download")
    disposition = download.headers["Content-Disposition"]
    assert "filename*=UTF-8''Leitfaden%20%E2%80%93" in disposition
    assert "/" not in disposition.split("filename*=")[0]


def test_stale_upload_is_refused_with_a_clear_message(app, consultant_client, team):
    upload(consultant_client, team.manual.id, "a.md", b"# One\n\nFirst.", expected=1)
    response = upload(consultant_client, team.manual.id, "b.md", b"# One\n\nSecond.", expected=1)
    assert response.status_code == 409
    assert b"Version 1 was uploaded while you were preparing yours" in response.data
    assert counts()[0] == 1


def test_upload_by_expert_or_to_another_manual_is_403(app, client, team):
    login(client, team.expert)
    assert upload(client, team.manual.id, "a.md", b"# T\n\nx").status_code == 403
    client.post("/logout")
    login(client, team.outsider)
    assert upload(client, team.manual.id, "a.md", b"# T\n\nx").status_code == 403
    assert counts() == (0, 0, 0)


def test_tracked_changes_ask_before_accepting(app, consultant_client, team):
    data = make_docx([("h", 1, "Title"), "Text with a change."], tracked_changes=True)
    response = upload(consultant_client, team.manual.id, "tracked.docx", data)
    assert response.status_code == 302 and "/uploads/" in response.location
    assert counts() == (0, 1, 1)
    page = consultant_client.get(response.location).get_data(as_text=True)
    assert "tracked changes" in page
    response = consultant_client.post(response.location, data={"decision": "continue"})
    assert response.location == f"/manuals/{team.manual.id}/v/1"
    assert counts() == (1, 1, 0)
    assert db.session.scalars(sa.select(Version)).one().had_tracked_changes


def test_word_comments_can_be_cancelled_leaving_nothing(app, consultant_client, team):
    data = make_docx([("h", 1, "Title"), "Text."], comments=True)
    response = upload(consultant_client, team.manual.id, "commented.docx", data)
    pending_url = response.location
    assert "Word comments" in consultant_client.get(pending_url).get_data(as_text=True)
    consultant_client.post(pending_url, data={"decision": "cancel"})
    assert counts() == (0, 0, 0)


def test_someone_elses_pending_upload_is_not_theirs(app, client, team):
    from egi.auth.models import Role
    from egi.manuals import services
    from tests.factories import make_user

    other = make_user(Role.CONSULTANT)
    services.add_member(team.coordinator, team.manual, other)
    db.session.commit()
    login(client, team.consultant)
    data = make_docx(["Text."], tracked_changes=True)
    url = upload(client, team.manual.id, "t.docx", data).location
    client.post("/logout")
    login(client, other)
    assert client.get(url).status_code == 403


def test_script_in_a_document_is_shown_as_text(app, consultant_client, team):
    upload(consultant_client, team.manual.id, "x.md",
           b"# Hi\n\n<script>alert(1)</script> and [link](javascript:alert(2))\n")
    page = consultant_client.get(f"/manuals/{team.manual.id}/v/1").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "href=\"javascript:" not in page


def test_blocks_have_numbers_anchors_and_a_table_of_contents(app, consultant_client, team):
    data = make_docx([("h", 1, "Law enforcement"), "First paragraph.", ("h", 2, "Contacts"),
                      "Second paragraph.", ("table", [["A", "B"], ["1", "2"]])])
    upload(consultant_client, team.manual.id, "d.docx", data)
    page = consultant_client.get(f"/manuals/{team.manual.id}/v/1").get_data(as_text=True)
    assert 'class="toc"' in page and "Contacts" in page
    blocks = db.session.scalars(sa.select(Block).order_by(Block.position)).all()
    assert [b.kind for b in blocks] == ["heading", "paragraph", "heading", "paragraph", "table"]
    assert [b.number for b in blocks][:4] == ["1", "1 ¶1", "1.1", "1.1 ¶1"]
    for block in blocks:
        assert f'id="{block.anchor}"' in page


def test_compare_shows_counts_and_redline(app, consultant_client, team):
    add_version(team.manual, team.consultant, "# Title\n\nPolice sign the MoU.\n\nOld para.")
    add_version(team.manual, team.consultant,
                "# Title\n\nPolice and NGOs sign the MoU.\n\nNew para here entirely different.")
    page = consultant_client.get(f"/manuals/{team.manual.id}/compare?from=1&to=2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<ins>" in html and "[inserted: </span>and NGOs" in html
    missing = consultant_client.get(f"/manuals/{team.manual.id}/compare?from=1&to=9")
    assert missing.status_code == 302


def test_compare_needs_two_versions(app, consultant_client, team):
    add_version(team.manual, team.consultant, "# Title\n\nOnly one.")
    response = consultant_client.get(f"/manuals/{team.manual.id}/compare")
    assert response.status_code == 302


def test_changes_since_last_read(app, client, team):
    add_version(team.manual, team.consultant, "# T\n\nOne.")
    login(client, team.expert)
    client.get(f"/manuals/{team.manual.id}/v/1")
    add_version(team.manual, team.consultant, "# T\n\nTwo.")
    page = client.get(f"/manuals/{team.manual.id}").get_data(as_text=True)
    assert "1 new version since you last read version 1" in page
    assert "compare?from=1&amp;to=2" in page
    client.get(f"/manuals/{team.manual.id}/v/2")
    page = client.get(f"/manuals/{team.manual.id}").get_data(as_text=True)
    assert "since you last read" not in page


def test_versions_and_blocks_cannot_be_changed(app, team):
    version = add_version(team.manual, team.consultant, "# T\n\nOne.")
    version.note = "rewritten history"
    with pytest.raises(VersionIsImmutable):
        db.session.flush()
    db.session.rollback()


def test_reading_page_uses_a_fixed_number_of_queries(app, client, team, count_queries):
    small = "# T\n\n" + "\n\n".join(f"Paragraph {i}." for i in range(10))
    large = "# T\n\n" + "\n\n".join(
        (f"## Section {i}\n\n" if i % 20 == 0 else "") + f"Paragraph number {i} of many."
        for i in range(600))
    add_version(team.manual, team.consultant, small)
    add_version(team.manual, team.consultant, large)
    login(client, team.expert)
    client.get(f"/manuals/{team.manual.id}/v/1")  # first read creates the read mark
    client.get(f"/manuals/{team.manual.id}/v/2")
    with count_queries() as small_queries:
        assert client.get(f"/manuals/{team.manual.id}/v/1").status_code == 200
    with count_queries() as large_queries:
        page = client.get(f"/manuals/{team.manual.id}/v/2")
    assert b"Paragraph number 599" in page.data
    assert len(large_queries) == len(small_queries)
    assert len(large_queries) <= 12
