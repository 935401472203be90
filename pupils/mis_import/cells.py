"""
Parsing and checking one cell of an MIS export, with a plain-English CellError that says
how to fix it in the MIS.

The codes are the school census ones: the SEN provision code N (no SEN), K (SEN support)
or E (EHC plan), where 'S' (a statement) is read as E since the Children and Families
Act 2014 replaced statements with EHC plans, and the census type-of-need codes. UPNs,
with their check letter (temporary UPNs allowed), are checked by pupils.codes.
Attendance is a percentage from 0 to 100 ('95.2' or '95.2%', rounded to one decimal);
a bare fraction such as '0.952' is refused, not guessed. Suspensions and exclusions are
a whole number.
"""

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from pupils import codes
from pupils.codes import CensusCode, NeedType
from pupils.mis_import.reading import BOOLEAN_FIELDS, CONTACTS, normalise_header
from pupils.models import ParentLink
from sendhub.models import User


class CellError(ValueError):
    """What is wrong with a cell and how to fix it, in plain English."""


EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMATS = [
    "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %B %Y",
    "%d-%B-%Y", "%d.%m.%Y", "%d-%m-%Y", "%d-%m-%y", "%Y/%m/%d", "%d %b %y",
]  # fmt: skip


def parse_uk_date(value):
    """A date from a UK-style cell: 03/09/2014, 3/9/14, 2014-09-03, 03-Sep-2014, Excel serials."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(value)
    text = " ".join(str(value).split())
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _excel_serial(float(text))
    # Drop a time part such as "03/09/2014 00:00:00" or "2014-09-03T00:00:00".
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(f"“{value}” is not a date we recognise. Use day/month/year, e.g. 03/09/2014.")


def _excel_serial(number):
    if not 10000 <= number < 80000:  # 1927 to 2119
        raise CellError(f"“{number}” is not a date. Use day/month/year, e.g. 03/09/2014.")
    return EXCEL_EPOCH + timedelta(days=int(number))


def cell_text(value):
    """A cell as one line of text: 7.0 -> '7', a date -> '03/09/2014'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


YES = {"y", "yes", "true", "t", "1", "eligible", "x"}
NO = {"n", "no", "false", "f", "0", "not eligible", ""}


def parse_bool(value):
    text = cell_text(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"“{value}” is not yes or no. Use Y or N.")


GENDERS = {
    "m": "M", "male": "M", "boy": "M",
    "f": "F", "female": "F", "girl": "F",
    "x": "X", "u": "X", "other": "X", "unknown": "X", "not known": "X", "not stated": "X",
}  # fmt: skip


def parse_gender(value):
    text = cell_text(value).casefold()
    if text in GENDERS:
        return GENDERS[text]
    raise CellError(f"“{value}” is not a sex we recognise. Use M, F or X (other or not stated).")


def parse_attendance(value):
    """
    Attendance as a percentage with one decimal: '95.2', '95.2%', '95.24' -> Decimal('95.2').

    A bare number between 0 and 1 ('0.952', a spreadsheet's percent cell) is refused
    rather than guessed: it could be 95.2% or 0.952%. Write '0.9%' for a real 0.9%.
    """
    text = cell_text(value)
    has_sign = text.endswith("%")
    number = text.rstrip("%").strip()
    try:
        percent = Decimal(number)
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite():
        raise CellError(
            f"“{value}” is not an attendance figure. Give a percentage from 0 to 100, e.g. 95.2."
        )
    if not has_sign and 0 < percent < 1:
        raise CellError(
            f"“{value}” looks like a fraction, not a percentage. Give attendance as a "
            "percentage, e.g. 95.2 (write 0.5% if it really is under 1%)."
        )
    if not 0 <= percent <= 100:
        raise CellError(
            f"Attendance of “{value}” is outside 0 to 100%. Check the figure in your MIS."
        )
    return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


MAX_EXCLUSIONS = 999


def parse_count(value):
    """A whole number of suspensions and exclusions, 0 or more ('2', 2.0)."""
    text = cell_text(value)
    if re.fullmatch(r"-\s*\d+", text):
        raise CellError(f"“{value}” is below 0. Give the number of suspensions and exclusions.")
    if not re.fullmatch(r"\d+", text):
        raise CellError(
            f"“{value}” is not a number of suspensions and exclusions. "
            "Use a whole number, 0 if none."
        )
    if int(text) > MAX_EXCLUSIONS:
        raise CellError(f"“{value}” is more than {MAX_EXCLUSIONS}. Check the number in your MIS.")
    return int(text)


YEAR_WORDS = {"r": 0, "reception": 0, "rec": 0, "n2": -1, "n1": -2, "nursery": -1}


def parse_year_group(value):
    text = cell_text(value).casefold()
    text = re.sub(r"^(year|yr|y|nc year)\s*", "", text)
    if text in YEAR_WORDS:
        return YEAR_WORDS[text]
    if re.fullmatch(r"-?\d{1,2}", text) and -2 <= int(text) <= 14:
        return int(text)
    raise CellError(
        f"“{value}” is not a year group. Use the National Curriculum year, e.g. 7, or R for Reception."
    )


STATUS_WORDS = {
    "n": CensusCode.N, "no sen": CensusCode.N, "none": CensusCode.N, "": CensusCode.N,
    "k": CensusCode.K, "sen support": CensusCode.K,
    "e": CensusCode.E, "ehc plan": CensusCode.E, "ehcp": CensusCode.E,
    "education health and care plan": CensusCode.E, "s": CensusCode.E, "statement": CensusCode.E,
}  # fmt: skip


def parse_status(value):
    """Census SEN provision code; 'S' (statement) became E in 2014."""
    text = normalise_header(cell_text(value))
    # Arbor and SIMS often write "K - SEN Support"; the code comes first.
    code_first = re.match(r"^([nkes])\b\s", text + " ")
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    if code_first and code_first.group(1) in STATUS_WORDS:
        return STATUS_WORDS[code_first.group(1)]
    raise CellError(
        f"“{value}” is not an SEN provision code. Use N (no SEN), K (SEN support) or E (EHC plan)."
    )


NEED_WORDS = {normalise_header(code): code for code in NeedType.values}
NEED_WORDS |= {normalise_header(label): code for code, label in NeedType.choices}
NEED_WORDS |= {
    "asc": NeedType.ASD,
    "autism": NeedType.ASD,
    "autistic spectrum condition": NeedType.ASD,
}


def parse_need(value):
    text = normalise_header(cell_text(value))
    code_first = re.match(r"^([a-z]+)\b", text)
    if text in NEED_WORDS:
        return NEED_WORDS[text]
    if code_first and code_first.group(1) in NEED_WORDS:
        return NEED_WORDS[code_first.group(1)]
    raise CellError(
        f"“{value}” is not a census type-of-need code. Use one of {', '.join(NeedType.values)}."
    )


def parse_class_list(value):
    """'8 En1; 8 Ma2, 8 Sc1' -> ['8 En1', '8 Ma2', '8 Sc1'], each name once."""
    names = {}
    text = value if isinstance(value, str) else cell_text(value)
    for part in re.split(r"[;,\n]", text):
        name = " ".join(part.split())
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def parse_email(value):
    text = cell_text(value).strip(" <>")
    if len(text) > User._meta.get_field("email").max_length:
        raise CellError(f"“{value}” is too long for an email address. Check it in your MIS.")
    if sum("@" in part for part in re.split(r"[;,\s]+", text)) > 1:
        raise CellError(f"“{value}” holds more than one email address. Give one per contact.")
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(
            f"“{value}” is not an email address. Correct it in your MIS, or leave the cell blank."
        ) from None
    return text.lower()


Relationship = ParentLink.Relationship
RELATIONSHIP_WORDS = {
    "mother": Relationship.MOTHER, "mum": Relationship.MOTHER, "mom": Relationship.MOTHER,
    "birth mother": Relationship.MOTHER, "natural mother": Relationship.MOTHER,
    "father": Relationship.FATHER, "dad": Relationship.FATHER,
    "birth father": Relationship.FATHER, "natural father": Relationship.FATHER,
    "carer": Relationship.CARER, "foster carer": Relationship.CARER,
    "foster mother": Relationship.CARER, "foster father": Relationship.CARER,
    "foster parent": Relationship.CARER, "kinship carer": Relationship.CARER,
    "guardian": Relationship.GUARDIAN, "legal guardian": Relationship.GUARDIAN,
    "special guardian": Relationship.GUARDIAN, "other": Relationship.OTHER,
}  # fmt: skip
# Family words that make a contact a parent or carer of another kind ("Other").
FAMILY_WORDS = {
    "parent", "step", "stepmother", "stepfather", "grandmother", "grandfather", "grandparent",
    "gran", "grandma", "grandad", "grandpa", "nan", "aunt", "auntie", "uncle", "sister",
    "brother", "sibling", "cousin", "relative", "family", "partner", "adoptive", "adopted",
}  # fmt: skip
# Contacts in MIS exports who are not parents or carers and must not see the child's record.
NOT_PARENT_WORDS = {
    "doctor", "gp", "social", "childminder", "minder", "friend", "neighbour", "neighbor",
    "school", "teacher", "solicitor", "police", "nurse", "professional", "agency", "worker",
}  # fmt: skip


def parse_relationship(value):
    """A ParentLink relationship from an MIS contact relationship; blank is Other."""
    text = normalise_header(cell_text(value))
    if not text:
        return Relationship.OTHER
    if text in RELATIONSHIP_WORDS:
        return RELATIONSHIP_WORDS[text]
    words = set(text.replace("step ", "step").split()) | set(text.split())
    if words & NOT_PARENT_WORDS:
        raise CellError(
            f"“{value}” is not a parent or carer, and a parent contact can see this pupil's "
            "SEN record. Leave this contact's email out of the export."
        )
    if words & FAMILY_WORDS or any(w.startswith(("grand", "step")) for w in words):
        return Relationship.OTHER
    raise CellError(
        f"“{value}” is not a relationship we recognise. Use Mother, Father, Carer, Guardian "
        "or a family relationship such as Grandmother."
    )


TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord"}


def split_name(text):
    """'Mrs Jane Ahmed' or 'Ahmed, Jane' -> ('Jane', 'Ahmed')."""
    if "," in text:
        last, first = (part.strip() for part in text.split(",", 1))
    else:
        *first_words, last = text.split() or [""]
        first = " ".join(first_words)
    words = first.split()
    while words and words[0].casefold().rstrip(".") in TITLES:
        words.pop(0)
    limit = User._meta.get_field("first_name").max_length
    return " ".join(words)[:limit], last[:limit]


# The parser for each field's cells; any other field is read as text.
CLEANERS = {
    "upn": codes.validate_upn,
    "date_of_birth": parse_uk_date,
    "joined_on": parse_uk_date,
    "left_on": parse_uk_date,
    "gender": parse_gender,
    "year_group": parse_year_group,
    "sen_status": parse_status,
    "primary_need": parse_need,
    "secondary_need": parse_need,
    **dict.fromkeys(BOOLEAN_FIELDS, parse_bool),
    "attendance_percent": parse_attendance,
    "exclusions_count": parse_count,
    "classes": parse_class_list,
    **{f"contact{n}_email": parse_email for n in CONTACTS},
}
# What a blank cell in an optional column means.
OPTIONAL_BLANK = {"preferred_name": "", "joined_on": None, "left_on": None, "form": ""}
OPTIONAL_BLANK |= {"gender": None}  # kept as it is (reading.KEEP_WHEN_BLANK)
OPTIONAL_BLANK |= {"classes": ()}
OPTIONAL_BLANK |= dict.fromkeys(BOOLEAN_FIELDS, False)
OPTIONAL_BLANK |= {"attendance_percent": None, "exclusions_count": 0}
OPTIONAL_BLANK |= {"sen_status": CensusCode.N, "primary_need": None, "secondary_need": None}
