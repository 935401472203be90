"""Free text about a pupil: the name they go by and pronouns from their recorded gender.

Templates use {name}, {they}, {them}, {their} (and capitalised {They}, {Their}). A pronoun is
only ever the subject of a past-tense or modal verb, so "he started" and "they started" both
read right; present-tense sentences take {name} as their subject.
"""

PRONOUNS = {"M": ("he", "him", "his"), "F": ("she", "her", "her"), "X": ("they", "them", "their")}


def name_of(pupil):
    return pupil.preferred_name or pupil.first_name


def about(template, pupil):
    they, them, their = PRONOUNS.get(pupil.gender, PRONOUNS["X"])
    return template.format(
        name=name_of(pupil), they=they, them=them, their=their,
        They=they.capitalize(), Their=their.capitalize(),
    )  # fmt: skip
