"""Small-number suppression for anonymised reports (docs/access.md)."""

from django.conf import settings


def suppression_threshold():
    return getattr(settings, "SENDHUB_SUPPRESS_UNDER", 5)


def suppress(count):
    """
    None for a count from 1 to threshold-1, else the count.

    Zero is shown: it identifies nobody. Percentages must come from
    suppressed_percent so a hidden count cannot be worked back out.
    """
    if count is None:
        return None
    return None if 0 < count < suppression_threshold() else count


def suppressed_percent(count, total):
    if suppress(count) is None or not total:
        return None
    return round(100 * count / total, 1)
