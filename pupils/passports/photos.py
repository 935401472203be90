"""
The passport photo. A child's photo is personal data (UK GDPR), so uploads are checked
whole (sendhub/uploads.py), like concern attachments, then re-encoded so no EXIF or GPS
metadata survives, and scaled down to what a passport needs.
"""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from pupils.models import ATTACHMENT_SIGNATURES
from sendhub.uploads import check_image, read_bytes

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 600
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
# Pillow's name for each kind, so a PNG renamed .jpg still has to be a real image.
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Refuse absurd dimensions before decoding (a small file can claim a huge image).
PHOTO_MAX_PIXELS = 50_000_000


def _head(upload):
    source = getattr(upload, "file", upload)
    position = source.tell()
    source.seek(0)
    head = source.read(16)
    source.seek(position)
    return head


def _looks_like_photo(head):
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    signatures = ATTACHMENT_SIGNATURES["jpg"] + ATTACHMENT_SIGNATURES["png"]
    return any(head.startswith(signature) for signature in signatures)


def validate_passport_photo(upload):
    """Only a JPEG, PNG or WebP photo, at most 5 MB, whose contents match its name."""
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in PHOTO_TYPES:
        raise ValidationError(
            f"Choose a photo saved as JPEG, PNG or WebP; “{upload.name}” is not one of those."
        )
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            f"The photo is {upload.size / 1024 / 1024:.1f} MB; the limit is 5 MB. "
            "Take a smaller photo or crop it, then try again."
        )
    if not _looks_like_photo(_head(upload)):
        raise ValidationError(
            f"“{upload.name}” is called .{extension} but its contents are not a photo. "
            "Save it again as JPEG or PNG and choose that."
        )
    # The whole picture must open and verify, within a pixel limit (sendhub/uploads.py).
    check_image(read_bytes(upload), upload.name, extension, formats=PHOTO_FORMATS)


def clean_photo(upload):
    """
    A validated upload re-encoded as a JPEG of at most 600 px on the long side.

    Turning it upright first (EXIF orientation) and then writing only the pixels drops
    every piece of metadata: camera, time, GPS position.
    """
    from PIL import Image, ImageOps

    validate_passport_photo(upload)
    unreadable = ValidationError(
        f"“{upload.name}” could not be opened as a photo. It may be damaged: "
        "save it again as JPEG or PNG and choose that."
    )
    source = getattr(upload, "file", upload)
    source.seek(0)
    try:
        with Image.open(source) as opened:
            if opened.format not in PHOTO_FORMATS:
                raise unreadable
            if opened.width * opened.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    "The photo is too large to use. Take a smaller photo, then try again."
                )
            opened.draft("RGB", (PHOTO_MAX_SIDE * 2, PHOTO_MAX_SIDE * 2))
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            else:
                image = image.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise unreadable from error
    image.info = {}
    out = BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
