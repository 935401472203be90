"""Passports and profiles for the `world` pupils, shared by the access walk and passport tests."""

from datetime import date
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from pupils.models import OnePageProfile, Passport, PupilVoiceMethod
from sendhub.roles import Role

SECTIONS = {
    "enjoy": "Drawing dragons and playing football at break.",
    "learn_best_when": "I can see the steps written down and I sit near the front.",
    "what_helps_me": "A visual timetable, a quiet signal before changes, extra time to answer.",
    "find_difficult": "Copying from the board and loud rooms.",
    "targets": "Read a short paragraph aloud with two or fewer errors.",
}


def give_passport(pupil, by, **content):
    defaults = {"voice_method": PupilVoiceMethod.CONVERSATION, "captured_on": date(2025, 10, 1)}
    return Passport.save_version(pupil=pupil, by=by, **(defaults | SECTIONS | content))


def give_profile(pupil, by):
    return OnePageProfile.objects.create(
        pupil=pupil,
        admired_for="Kind to younger pupils; always tries again.",
        important_to_me="My dog Biscuit and my gran.",
        how_to_support_me="Tell me what is happening next; let me check instructions quietly.",
        voice_method=PupilVoiceMethod.DRAWINGS,
        updated_on=date(2025, 10, 1),
        updated_by=by,
    )


def with_documents(world):
    """Give every world pupil a passport and a one-page profile (once)."""
    senco = world.user(Role.SENCO)
    for pupil in (world.taught, world.untaught, world.elsewhere):
        if not Passport.objects.filter(pupil=pupil).exists():
            give_passport(pupil, senco)
            give_profile(pupil, senco)
    return world


def give_photo(pupil, by):
    """A new passport version with a (cleaned) photo, as the form would save it."""
    from PIL import Image

    from pupils.passports.photos import clean_photo

    out = BytesIO()
    Image.new("RGB", (120, 160), (90, 140, 60)).save(out, "JPEG")
    photo = clean_photo(SimpleUploadedFile("me.jpg", out.getvalue(), "image/jpeg"))
    return give_passport(pupil, by, photo=photo)


def with_photos(world):
    """with_documents, and every world pupil's current passport has a photo (once)."""
    with_documents(world)
    senco = world.user(Role.SENCO)
    for pupil in (world.taught, world.untaught, world.elsewhere):
        if not Passport.objects.get(pupil=pupil).current.photo:
            give_photo(pupil, senco)
    return world
