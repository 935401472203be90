"""
"My targets" on a passport come from the support plan in force, which a higher app
owns. That app registers where its targets come from (in its AppConfig.ready()), so
passports never import it.
"""

_sources = []


def register_target_source(source):
    """source(pupil) -> the outcomes of the pupil's current plan, in order."""
    _sources.append(source)


def targets_for(pupil):
    return [target for source in _sources for target in source(pupil)]
