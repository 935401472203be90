"""
Uploads are checked whole, not by their first bytes (sendhub/uploads.py): a truncated PDF,
a renamed program, a zip bomb and a ZIP with an escaping path are all refused.
"""

import pytest
from PIL import Image

from sendhub.uploads import UploadRefused, check_contents, decode_csv
from tests.upload_files import (
    DOC,
    EXE,
    HEIC,
    PDF,
    docx,
    odt,
    picture,
    zip_bomb,
    zip_with_escape,
    zipped,
)


@pytest.mark.parametrize(
    "name, content",
    [
        ("a.pdf", lambda: PDF),
        ("a.docx", docx),
        ("a.odt", odt),
        ("a.doc", lambda: DOC),
        ("a.png", lambda: picture("PNG")),
        ("a.jpg", lambda: picture("JPEG")),
        ("a.heic", lambda: HEIC),
        ("a.xlsx", lambda: zipped({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"})),
        ("a.csv", lambda: "UPN,Name\nA1,Zoë\n".encode("cp1252")),
    ],
)
def test_real_files_of_each_kind_pass(name, content):
    check_contents(content(), name=name)


def test_a_minimal_pdf_made_by_weasyprint_passes():
    from weasyprint import HTML

    check_contents(HTML(string="<p>Work sample</p>").write_pdf(), name="sample.pdf")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("cut.pdf", lambda: PDF[: len(PDF) // 2], "is cut short"),
        ("old.pdf", lambda: b"%PDF-9.9\n" + PDF[9:], "is not a PDF"),
        ("hollow.pdf", lambda: b"%PDF-1.4\nnothing here\n%%EOF\n", "no pages"),
        ("virus.pdf", lambda: EXE, "is called .pdf but is not a PDF"),
        ("virus.docx", lambda: EXE, "is called .docx but is not a Word document"),
        ("virus.jpg", lambda: EXE, "is called .jpg but is not a JPEG photo"),
        ("virus.doc", lambda: EXE, "is not a Word document"),
        ("virus.heic", lambda: b"\x00\x00\x00\x18ftypisom" + EXE, "is not a HEIC photo"),
        ("bomb.docx", zip_bomb, "unpacks to"),
        ("escape.docx", zip_with_escape, "unsafe path"),
        ("empty.docx", lambda: zipped({"readme.txt": b"hi"}), "is not a Word document"),
        (
            "sheet.docx",
            lambda: zipped({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b""}),
            "is not a Word document",
        ),
        ("many.docx", lambda: zipped({f"p{i}": b"" for i in range(2001)}), "more than 2,000"),
        ("wrong.odt", lambda: zipped({"mimetype": b"application/zip"}), "not an OpenDocument"),
        ("png.jpg", lambda: picture("PNG"), "is not a JPEG photo"),
        ("half.png", lambda: picture("PNG", (64, 64))[:60], "may be damaged"),
        ("nul.csv", lambda: b"UPN,Name\n\x00\x00", "binary data"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, message):
    with pytest.raises(UploadRefused) as refused:
        check_contents(content(), name=name)
    text = " ".join(refused.value.messages)
    assert message in text
    assert name in text


def test_a_decompression_bomb_picture_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow's own limit, not our code
    with pytest.raises(UploadRefused, match="too large a picture"):
        check_contents(picture("PNG", (64, 64)), name="huge.png")


def test_csv_decodes_utf8_with_bom_or_windows_1252():
    assert decode_csv("\ufeffUPN,Name\nA1,Zoë\n".encode()) == "UPN,Name\nA1,Zoë\n"
    assert decode_csv("A1,Zoë".encode("cp1252")) == "A1,Zoë"
