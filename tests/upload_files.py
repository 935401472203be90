"""Small real files of each kind we accept (and some we must refuse), built in the test."""

import io
import zipfile

from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"trailer<</Size 3/Root 1 0 R>>\nstartxref\n107\n%%EOF\n"
)
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def picture(kind="PNG", size=(8, 8)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(out, kind)
    return out.getvalue()


def zipped(parts, *, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="x"/>'


def docx():
    return zipped({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})


def odt():
    return zipped(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
        compression=zipfile.ZIP_STORED,
    )


def zip_bomb():
    """A docx that unpacks to 200 MB of zeros from a few hundred kilobytes."""
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"<w:document/>",
            "word/media/filler.bin": b"\x00" * (200 * 1024 * 1024),
        }
    )


def zip_with_escape():
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"<w:document/>",
            "../../etc/cron.d/evil": b"* * * * * root sh",
        }
    )
