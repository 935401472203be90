"""Demo passports, one-page profiles and parent meetings, written for the demo school."""

from datetime import date, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demo import schooldays
from demo.voice import about, name_of
from pupils import codes
from pupils.codes import BroadArea, NeedType
from pupils.models import (
    OnePageProfile,
    ParentMeeting,
    Passport,
    PassportVersion,
    Pupil,
    PupilVoiceMethod,
)
from sendhub.roles import Role

# Phrases by broad area of need, in a pupil's own voice.
WORDS = {
    BroadArea.COMMUNICATION: {
        "communicate_by": "Talking when I feel calm. When I am worried I point to my symbol card.",
        "to_communicate_with_me": "Say my name first, use short sentences and give me time to answer.",
        "what_helps_me": "A visual timetable, a warning before things change, a quiet place to go.",
        "find_difficult": "Busy corridors, group work without clear jobs, and sudden changes.",
        "support_myself_by": "Using my time-out card and checking my timetable.",
        "others_support_me_by": "Writing instructions down and telling me when plans change.",
    },
    BroadArea.COGNITION: {
        "communicate_by": "Talking. I like to explain my ideas out loud before I write.",
        "to_communicate_with_me": "Give one instruction at a time and check I have understood.",
        "what_helps_me": "Coloured overlays, word banks, and seeing an example first.",
        "find_difficult": "Copying from the board, reading long texts and spelling new words.",
        "support_myself_by": "Using my word bank and asking for a printed copy.",
        "others_support_me_by": "Giving me printed notes and extra time to read.",
    },
    BroadArea.SEMH: {
        "communicate_by": "Talking to adults I trust. Sometimes I need to write it down instead.",
        "to_communicate_with_me": "Talk to me calmly and privately, not in front of the class.",
        "what_helps_me": "A check-in with my key adult in the morning and a job to do.",
        "find_difficult": "Unstructured time, and when I think something is unfair.",
        "support_myself_by": "Using my breathing strategy and my exit card when I need it.",
        "others_support_me_by": "Noticing when I am getting stressed and giving me a choice.",
    },
}
# Sensory and physical needs differ too much to share words: by type of need.
NEED_WORDS = {
    NeedType.HI: {
        "communicate_by": "Talking and signing. I lip-read, so I need to see your face.",
        "to_communicate_with_me": "Face me, do not cover your mouth, and use my radio aid.",
        "what_helps_me": "Sitting near the front, subtitles on videos, and a quiet room.",
        "find_difficult": "Noisy rooms, group discussions and people talking from behind me.",
        "support_myself_by": "Checking my radio aid works and sitting where I can see faces.",
        "others_support_me_by": "Repeating what other pupils say and writing homework down.",
    },
    NeedType.VI: {
        "communicate_by": "Talking. Tell me who you are when you come over to me.",
        "to_communicate_with_me": "Say my name and yours, and describe what is on the board.",
        "what_helps_me": "Large print, my own copy of slides, and good light on my desk.",
        "find_difficult": "Reading the board, small print and finding my way in new rooms.",
        "support_myself_by": "Asking for an enlarged copy and using my magnifier.",
        "others_support_me_by": "Sending slides before the lesson and keeping walkways clear.",
    },
    NeedType.PD: {
        "communicate_by": "Talking. I will tell you if I am in pain or tired.",
        "to_communicate_with_me": "Talk to me at my level and ask before you help me.",
        "what_helps_me": "A laptop for long writing, my sloping board, and lifts between lessons.",
        "find_difficult": "Long walks between lessons, writing for a long time and PE changes.",
        "support_myself_by": "Leaving lessons a few minutes early and using my laptop.",
        "others_support_me_by": "Planning the route and letting me rest when I need to.",
    },
}
NEED_WORDS[NeedType.MSI] = NEED_WORDS[NeedType.HI]
WORDS[BroadArea.OTHER] = WORDS[BroadArea.COGNITION]


def words_for(need):
    """The passport phrases for a pupil whose primary need is `need` (None: no need recorded)."""
    if need in NEED_WORDS:
        return NEED_WORDS[need]
    return WORDS[codes.NEED_AREAS[need] if need else BroadArea.OTHER]


ENJOY = [
    "Football, drawing and playing with my dog.",
    "Minecraft, baking with my nan and swimming.",
    "Music, especially the drums, and going to the park.",
    "Reading comics and building Lego.",
    "Art club and looking after animals.",
    "Dancing and making videos with my sister.",
]
LEARN_BEST = [
    "I can see what to do and try it step by step.",
    "The room is calm and I know what is happening next.",
    "I can work with a partner I trust.",
    "I can move around a bit and have short breaks.",
]
ACHIEVEMENTS = [
    "I got a certificate for 100% attendance this half term.",
    "I read a whole chapter book on my own.",
    "I played in the school football team.",
    "I gave a short talk in assembly.",
    "I moved up a set in maths.",
]
# What the parents think, about their child: see demo.voice for the placeholders.
PARENTS = [
    "{name} is bright and creative but gets very tired by the end of the week.",
    "{name} worries about homework at night; clear deadlines help {them}.",
    "{name} does best with a routine and a heads-up about changes.",
    "Home and school working together has made a big difference to {name} this year.",
]
VOICE_ROTATION = [
    PupilVoiceMethod.CONVERSATION,
    PupilVoiceMethod.CONVERSATION,
    PupilVoiceMethod.RATING_SCALES,
    PupilVoiceMethod.SYMBOLS,
    PupilVoiceMethod.DRAWINGS,
    PupilVoiceMethod.WRITTEN,
]
PURPOSE_ROTATION = [
    ParentMeeting.Purpose.PLAN,
    ParentMeeting.Purpose.PARENTS_EVENING,
    ParentMeeting.Purpose.REVIEW,
]


def _content(rng, pupil, words, captured_on, method):
    return {
        **words,
        "enjoy": rng.choice(ENJOY),
        "learn_best_when": rng.choice(LEARN_BEST),
        "like_you_to_know": f"My name is {name_of(pupil)} and I try hard "
        "even when it does not look like it.",
        "parents_think": about(rng.choice(PARENTS), pupil),
        "recent_achievements": rng.choice(ACHIEVEMENTS),
        "targets": "See my support plan.",
        "voice_method": method,
        "voice_notes": "with my key adult" if method != PupilVoiceMethod.WRITTEN else "",
        "captured_on": captured_on,
    }


def seed_passports(rng, school, *, staff, today=None, named_child=None):
    """Passports (some stale, some with several versions), profiles and parent meetings."""
    today = today or date.today()
    stale_days = school.passport_stale_days
    pupils = list(
        Pupil.objects.filter(school=school)
        .on_roll(today)
        .on_register()
        .prefetch_related("needs")
        .order_by("pk")
    )
    year_start, _ = codes.school_year_bounds(today)
    passports = meetings = 0
    rows = []
    versions = []  # (pupil, [PassportVersion, ...]) in the order Passport.save_version made them
    profiles = []
    for index, pupil in enumerate(pupils):
        is_named = pupil == named_child
        if index % 8 == 7 and not is_named:
            continue  # a few pupils have no passport yet
        needs = sorted(pupil.needs.all(), key=lambda need: need.rank)
        words = words_for(needs[0].code if needs else None)
        method = VOICE_ROTATION[index % len(VOICE_ROTATION)]
        stale = index % 5 == 0 and not is_named
        first_day = today - timedelta(days=stale_days + rng.randrange(20, 200) if stale else 300)
        count, saved = (1 if stale else 1 + index % 3), []
        for number in range(count):
            captured = first_day + timedelta(days=number * 90) if number else first_day
            if not stale and number == count - 1:
                captured = today - timedelta(days=rng.randrange(5, stale_days - 10))
            # Views are gathered at this school, so never before the pupil joined it.
            captured = max(min(captured, today), pupil.joined_on)
            content = _content(rng, pupil, words, captured, method)
            if number:
                content["recent_achievements"] = rng.choice(ACHIEVEMENTS)
            saved.append(
                PassportVersion(
                    number=number + 1, photo="", recorded_by=staff[index % len(staff)], **content
                )
            )
        versions.append((pupil, saved))
        passports += 1
        if index % 2 == 0 or is_named:
            profiles.append(
                OnePageProfile(
                    pupil=pupil,
                    admired_for="Kind, funny and never gives up.",
                    important_to_me=rng.choice(ENJOY),
                    how_to_support_me=words["others_support_me_by"],
                    voice_method=method,
                    updated_on=max(today - timedelta(days=rng.randrange(10, 200)), pupil.joined_on),
                    updated_by=staff[0],
                )
            )
        # Meetings this school year: some pupils behind one a term (CoP 6.65).
        held = 3 if is_named else rng.choice([0, 1, 2, 3, 3, 4])
        days_so_far = max((today - year_start).days, 1)
        for n in range(held):
            when = _school_day(year_start + timedelta(days=days_so_far * (n + 1) // (held + 1)))
            if pupil.joined_on <= when <= today:  # no meetings before the pupil joined
                rows.append(_meeting(pupil, when, PURPOSE_ROTATION[n % 3], staff[0], today=today))
        if is_named or index % 3 == 0:
            when = _school_day(today + timedelta(days=7 + rng.randrange(30)))
            rows.append(_meeting(pupil, when, ParentMeeting.Purpose.REVIEW, staff[0], today=today))
    _save_passports(versions)
    bulk_create_with_history(profiles, OnePageProfile, batch_size=500)
    # One INSERT per 500 meetings (with their history rows), not one per meeting.
    bulk_create_with_history(rows, ParentMeeting, batch_size=500)
    meetings += len(rows)
    return {"passports": passports, "meetings": meetings}


def _save_passports(versions):
    """
    What Passport.save_version does for each version in turn, in a few INSERTs: the passports
    (history "+" with no version yet), their versions (history "+"), and for each version the
    passport pointing at it, confirmed that day by whoever recorded it (history "~", in the
    order the versions were saved). The pupils have no passport yet.
    """
    passports = bulk_create_with_history(
        [Passport(pupil=pupil) for pupil, _ in versions], Passport, batch_size=500
    )
    for passport, (_, saved) in zip(passports, versions, strict=True):
        for version in saved:
            version.passport = passport
    made = bulk_create_with_history(
        [version for _, saved in versions for version in saved], PassportVersion, batch_size=500
    )
    made = iter(made)
    states = []
    for passport, (_, saved) in zip(passports, versions, strict=True):
        for _ in saved:
            version = next(made)
            passport.current = version
            passport.last_confirmed_on = version.captured_on
            passport.last_confirmed_by = version.recorded_by
            states.append(
                Passport(
                    pk=passport.pk,
                    pupil_id=passport.pupil_id,
                    current=version,
                    last_confirmed_on=version.captured_on,
                    last_confirmed_by=version.recorded_by,
                )
            )
    Passport.history.bulk_history_create(
        states, batch_size=500, update=True, default_date=timezone.now(), default_change_reason=None
    )
    Passport.objects.bulk_update(
        passports, ["current", "last_confirmed_on", "last_confirmed_by"], batch_size=500
    )


_school_day = schooldays.on_or_after


def _meeting(pupil, when, purpose, by, *, today):
    # A meeting booked ahead has no notes yet: nothing has been talked through.
    held = when <= today
    return ParentMeeting(
        pupil=pupil,
        held_on=when,
        held_with="Parent" if pupil.pk % 3 else "Both parents",
        purpose=purpose,
        notes="Talked through what is working and agreed next steps." if held else "",
        recorded_by=by,
    )


def seed_demo_passports(rng, people, *, today=None):
    """The one call from seed_demo."""
    staff = [
        people.named[Role.SENCO],
        people.named[Role.TEACHER],
        people.named[Role.TEACHING_ASSISTANT],
    ]
    parent = people.named.get(Role.PARENT)
    child = parent.children_links.first().pupil if parent else None
    return seed_passports(rng, people.school, staff=staff, today=today, named_child=child)
