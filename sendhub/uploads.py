"""
Checks on uploaded files, shared by every upload in SENDhub: concern evidence, assessment
reports, passport photos and the MIS and progress imports.

A file must be what its name says all the way through, not just in its first bytes: a PDF
has its cross-reference and end marker, a Word or Excel file is a sound ZIP with the parts
that make it that kind of document (and is not a zip bomb), a photo opens and verifies in
Pillow within a pixel limit, a CSV decodes as text. Each refusal says plainly what is
wrong and what to do. Special-category data (UK GDPR Article 9) must not arrive wrapped in
a file that could harm the people who open it.
"""

import io
import warnings
import zipfile

from django.core.exceptions import ValidationError

PDF_TAIL_BYTES = 1024
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
# A real Office document compresses perhaps 10:1; a zip bomb thousands to one.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM_BYTES = 1024 * 1024  # small parts (XML) may compress very well
IMAGE_MAX_PIXELS = 50_000_000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEIC_BRANDS = {b"heic", b"heix", b"mif1", b"msf1"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# The parts without which a ZIP is not that kind of document.
ZIP_PARTS = {
    "docx": ["[Content_Types].xml", "word/document.xml"],
    "xlsx": ["[Content_Types].xml", "xl/workbook.xml"],
}
KIND_NAMES = {
    "pdf": ("a PDF", "save it again as PDF"),
    "docx": ("a Word document", "save it again from Word"),
    "doc": ("a Word document", "save it again from Word"),
    "odt": ("an OpenDocument text file", "save it again from your word processor"),
    "xlsx": ("an Excel workbook", "save it again from Excel as .xlsx"),
    "jpg": ("a JPEG photo", "save it again as JPEG or PNG"),
    "jpeg": ("a JPEG photo", "save it again as JPEG or PNG"),
    "png": ("a PNG picture", "save it again as JPEG or PNG"),
    "webp": ("a WebP picture", "save it again as JPEG or PNG"),
    "heic": ("a HEIC photo", "save it again as JPEG"),
    "csv": ("a CSV file", "export it again from your MIS as CSV"),
}


class UploadRefused(ValidationError):
    """A file whose contents are not what its name says, or are unsafe to open."""


def extension_of(name):
    name = str(name)
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_bytes(upload):
    """The whole content of an upload (or bytes), leaving a file's position where it was."""
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload)
    source = getattr(upload, "file", upload)
    position = source.tell()
    source.seek(0)
    content = source.read()
    source.seek(position)
    return content


def _wrong(name, extension, detail=""):
    kind, remedy = KIND_NAMES.get(extension, ("that kind of file", "save it again"))
    detail = f" ({detail})" if detail else ""
    return UploadRefused(
        f"“{name}” is called .{extension} but is not {kind}{detail}: {remedy} and attach that."
    )


def check_pdf(content, name):
    if not (content.startswith(b"%PDF-1.") or content.startswith(b"%PDF-2.")):
        raise _wrong(name, "pdf")
    if b"%%EOF" not in content[-PDF_TAIL_BYTES:]:
        raise _wrong(name, "pdf", "it is cut short, perhaps by an unfinished download")
    if (b"xref" not in content and b"/XRef" not in content) or b"obj" not in content:
        raise _wrong(name, "pdf", "it has no pages we can find")


def check_zip(content, name, extension):
    """A sound ZIP (no unsafe paths, no zip bomb) holding the parts of its document type."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _wrong(name, extension) from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise _wrong(name, extension, f"it holds more than {ZIP_MAX_ENTRIES:,} parts")
    total = 0
    for entry in entries:
        path = entry.filename.replace("\\", "/")
        if path.startswith("/") or ".." in path.split("/") or ":" in path.split("/")[0]:
            raise _wrong(name, extension, "it holds a part with an unsafe path")
        total += entry.file_size
        big = entry.file_size > ZIP_RATIO_FROM_BYTES
        if big and entry.file_size / max(entry.compress_size, 1) > ZIP_MAX_RATIO:
            raise _wrong(name, extension, "it unpacks to far more than its size")
    if total > ZIP_MAX_UNCOMPRESSED:
        raise _wrong(
            name, extension, f"it unpacks to more than {ZIP_MAX_UNCOMPRESSED // 1024 // 1024} MB"
        )
    names = {entry.filename for entry in entries}
    if extension == "odt":
        try:
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, RuntimeError):
            mimetype = b""
        if mimetype != ODT_MIMETYPE:
            raise _wrong(name, extension)
        return
    if any(part not in names for part in ZIP_PARTS[extension]):
        raise _wrong(name, extension)


def check_image(content, name, extension, formats=None):
    """Pillow opens and verifies the picture, within a pixel limit (decompression bombs)."""
    from PIL import Image

    expected = formats or {"jpg": {"JPEG"}, "jpeg": {"JPEG"}, "png": {"PNG"}}.get(extension)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as opened:
                if expected and opened.format not in expected:
                    raise _wrong(name, extension)
                if opened.width * opened.height > IMAGE_MAX_PIXELS:
                    raise UploadRefused(
                        f"“{name}” is too large a picture to use. "
                        "Take a smaller photo, then try again."
                    )
                opened.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(
            f"“{name}” is too large a picture to use. Take a smaller photo, then try again."
        ) from None
    except UploadRefused:
        raise
    except Exception:  # Pillow raises many kinds for a damaged or disguised file
        raise _wrong(name, extension, "it may be damaged") from None


def check_heic(content, name):
    if content[4:8] != b"ftyp" or content[8:12] not in HEIC_BRANDS:
        raise _wrong(name, "heic")


def decode_csv(content, name="The file"):
    """CSV bytes as text: UTF-8 (with or without BOM) or Windows-1252, and no NUL bytes."""
    if b"\x00" in content:
        raise UploadRefused(
            f"“{name}” does not look like a CSV file (it holds binary data). "
            "Export it again from your MIS as CSV."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise UploadRefused(
            f"“{name}” is not readable text. Export it again from your MIS as CSV (UTF-8)."
        ) from None


def check_contents(upload, extension=None, *, name=None):
    """Raise UploadRefused unless the whole file is the kind its extension names."""
    name = name or getattr(upload, "name", "The file")
    extension = extension or extension_of(name)
    content = read_bytes(upload)
    if extension == "pdf":
        check_pdf(content, name)
    elif extension in ("docx", "xlsx", "odt"):
        check_zip(content, name, extension)
    elif extension == "doc":
        if not content.startswith(OLE_SIGNATURE):
            raise _wrong(name, extension)
    elif extension in ("jpg", "jpeg", "png"):
        check_image(content, name, extension)
    elif extension == "webp":
        check_image(content, name, extension, formats={"WEBP"})
    elif extension == "heic":
        check_heic(content, name)
    elif extension == "csv":
        decode_csv(content, name)
    else:
        raise UploadRefused(f"“{name}” is not a kind of file we accept.")
