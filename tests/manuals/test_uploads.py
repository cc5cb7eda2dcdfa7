"""Uploads are accepted by content: every bad name, size or content gets a clear rejection."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from flask_babel import Babel

from egi.errors import UploadRejected, UploadTooLarge
from egi.manuals.uploads import (
    ALLOWED_FORMATS,
    CheckedUpload,
    check_upload,
    content_disposition,
    safe_display_filename,
)
from tests import docgen


@pytest.fixture(autouse=True)
def babel_context():
    """Lazy messages render inside a Flask-Babel app context."""
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield


def rejected(filename: str, data: bytes, **limits) -> str:
    with pytest.raises(UploadRejected) as info:
        check_upload(filename, data, **limits)
    assert info.value.status_code in (400, 413)
    return str(info.value)


# --- accepted files -----------------------------------------------------------------------


def test_docx_is_accepted_with_hash_size_and_media_type():
    data = docgen.make_docx()
    upload = check_upload("Handbuch.docx", data)
    assert isinstance(upload, CheckedUpload)
    assert upload.format == "docx"
    assert upload.filename == "Handbuch.docx"
    assert upload.data == data
    assert upload.size == len(data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.media_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_pdf_is_accepted():
    upload = check_upload("manual.PDF", docgen.make_pdf(["Some text."]))
    assert (upload.format, upload.media_type) == ("pdf", "application/pdf")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("notes.md", "md"), ("notes.markdown", "md"), ("notes.txt", "txt"), ("NOTES.TXT", "txt")],
)
def test_extension_only_chooses_between_markdown_and_text(name, fmt):
    upload = check_upload(name, "# Titel\n\nÄrger mit Umlauten.".encode())
    assert upload.format == fmt
    assert upload.media_type.startswith("text/")
    assert upload.format in ALLOWED_FORMATS


def test_utf8_bom_is_fine():
    assert check_upload("bom.txt", b"\xef\xbb\xbfHello").format == "txt"


def test_text_starting_like_a_program_magic_is_still_text():
    assert check_upload("mz.txt", b"MZ Guidelines for members").format == "txt"


# --- size and name ---------------------------------------------------------------------------


def test_empty_file_is_rejected():
    assert "empty" in rejected("a.txt", b"")


def test_file_over_the_limit_is_too_large():
    with pytest.raises(UploadTooLarge) as info:
        check_upload("a.txt", b"x" * 2_000_000, max_bytes=1024 * 1024)
    assert info.value.status_code == 413
    assert "1 MB" in str(info.value)


@pytest.mark.parametrize("name", ["", "   ", "/", "..\\..", "\x00\x01", ".."])
def test_name_empty_after_cleaning_is_rejected(name):
    assert "name" in rejected(name, b"text")


@pytest.mark.parametrize("name", ["report.exe", "report.doc", "report", "report.docx.exe"])
def test_extension_not_allowed_is_rejected(name):
    assert ".docx" in rejected(name, b"text")


def test_path_components_and_control_characters_are_stripped():
    assert safe_display_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_display_filename("C:\\Users\\eva\\Bericht.docx") == "Bericht.docx"
    assert safe_display_filename("re\x00po\x1brt\x7f.txt") == "report.txt"
    assert safe_display_filename("evil\u202etxt.exe") == "eviltxt.exe"
    assert safe_display_filename("  two\t\nlines .txt  ") == "two lines .txt"
    upload = check_upload("../../etc/pass\x00wd.txt", b"hello")
    assert upload.filename == "passwd.txt"


def test_non_ascii_names_are_kept_intact():
    name = "Leitfaden – Entwurf «2».docx"
    assert safe_display_filename(name) == name
    assert safe_display_filename("报告.pdf") == "报告.pdf"


def test_long_names_are_trimmed_to_200_characters_keeping_the_extension():
    cleaned = safe_display_filename("ä" * 300 + ".docx")
    assert len(cleaned) == 200
    assert cleaned.endswith("ä.docx")


# --- content against extension ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "word"),
    [
        ("image.docx", docgen.make_png(), "PNG"),
        ("program.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff", "program"),
        ("report.docx", b"just some text", "plain-text"),
        ("report.pdf", b"just some text", "plain-text"),
        ("report.pdf", docgen.make_png(), "PNG"),
        ("report.md", docgen.make_pdf(["x"]), "PDF"),
        ("report.docx", docgen.make_pdf(["x"]), "PDF"),
        ("report.pdf", docgen.make_docx(["x"]), "Word"),
        ("report.docx", docgen.make_xlsx_like_zip(), "Excel"),
    ],
)
def test_content_contradicting_the_extension_names_what_it_is(name, data, word):
    assert word in rejected(name, data)


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02binary\x00", "café".encode("latin-1"), "hi".encode("utf-16"),
     b"text\x00with a NUL", bytes(range(1, 32)) * 10],
)
def test_binary_or_non_utf8_text_is_rejected(data):
    assert "UTF-8" in rejected("notes.txt", data)


def test_ole_file_is_refused_as_protected_or_old_doc():
    message = rejected("secret.docx", docgen.make_ole_file())
    assert "password-protected" in message
    assert ".doc" in message


# --- docx structure -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 100,
        docgen.make_docx(["x"])[:-200],
        docgen.make_docx_without_document(),
    ],
)
def test_corrupt_docx_is_rejected(data):
    assert "damaged" in rejected("broken.docx", data)


def test_zip_bomb_by_compression_ratio_is_rejected():
    assert "implausible" in rejected("bomb.docx", docgen.make_zip_bomb_docx())


def test_zip_bomb_by_total_size_is_rejected():
    data = docgen.make_zip_bomb_docx(size=2 * 1024 * 1024)
    assert "implausible" in rejected("bomb.docx", data, max_uncompressed=1024 * 1024)


def test_zip_with_too_many_members_is_rejected():
    data = docgen.rewrite_zip(
        docgen.make_docx(["x"]), add={f"word/media/{i}.bin": b"" for i in range(30)}
    )
    assert "implausible" in rejected("many.docx", data, max_members=20)
    assert check_upload("many.docx", data).format == "docx"


@pytest.mark.parametrize(
    ("part", "encoding"),
    [("word/document.xml", "utf-8"), ("word/styles.xml", "utf-16"),
     ("[Content_Types].xml", "utf-8"), ("word/_rels/document.xml.rels", "utf-8")],
)
def test_xml_part_with_dtd_or_entities_is_rejected(part, encoding):
    message = rejected("dtd.docx", docgen.make_docx_with_dtd(part, encoding))
    assert "DTD" in message


# --- pdf ------------------------------------------------------------------------------------


def test_encrypted_pdf_is_rejected():
    assert "encrypted" in rejected("secret.pdf", docgen.make_pdf(["Secret"], encrypted=True))


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\ngarbage\n", docgen.make_pdf(["Hello"])[:300]],
)
def test_malformed_pdf_is_rejected(data):
    assert "damaged" in rejected("broken.pdf", data)


# --- Content-Disposition -------------------------------------------------------------------------


def test_content_disposition_has_ascii_fallback_and_utf8_name():
    value = content_disposition("Leitfaden – Entwurf «2».docx")
    assert value == (
        'attachment; filename="Leitfaden _ Entwurf _2_.docx"; '
        "filename*=UTF-8''Leitfaden%20%E2%80%93%20Entwurf%20%C2%AB2%C2%BB.docx"
    )


def test_content_disposition_escapes_quotes_and_backslashes():
    assert content_disposition('a"b\\c.docx') == (
        "attachment; filename=\"a_b_c.docx\"; filename*=UTF-8''a%22b%5Cc.docx"
    )


def test_content_disposition_for_chinese_name_and_inline():
    assert content_disposition("报告.pdf", "inline") == (
        "inline; filename=\"__.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"
    )
    assert 'filename="Unicode.txt"' in content_disposition("Ünïcödé.txt")


def test_content_disposition_cannot_inject_headers():
    value = content_disposition("x\r\nSet-Cookie: a=b.txt")
    assert "\r" not in value
    assert "\n" not in value
    with pytest.raises(ValueError):
        content_disposition("a.txt", "form-data")


def test_absurdly_long_pdf_is_refused(monkeypatch):
    import egi.manuals.uploads as uploads

    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 2)
    data = docgen.make_pdf(["one", "two", "three"])
    with pytest.raises(UploadRejected, match="at most 2"):
        check_upload("long.pdf", data)
