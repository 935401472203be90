"""
No model holding pupil data is forgotten by the subject access export or by retention.

Every model with a chain of foreign keys to Pupil must be a section of the export
(privacy/registry.py SECTIONS) or be listed, with the reason, in EXCLUDED there.
"""

from django.apps import apps

from privacy.registry import EXCLUDED, SECTIONS, is_history_of, pupil_path, pupil_paths


def _covered():
    return {section.label for section in SECTIONS} | set(EXCLUDED)


def test_every_model_holding_pupil_data_is_exported_or_excluded_with_a_reason():
    covered = _covered()
    missing = []
    for label in sorted(pupil_paths()):
        model = apps.get_model(label)
        recorded = is_history_of(model)
        if recorded is not None:
            label = recorded._meta.label  # change history goes with the record it keeps
        if label not in covered:
            missing.append(label)
    assert not missing, (
        "These models hold pupil data (a ForeignKey path to Pupil) but the subject access "
        "export and retention do not know them. For each, add "
        'Section("<app.Model>", "<heading>", (<redaction reasons>)) to SECTIONS in '
        'privacy/registry.py, or add "<app.Model>": "<why it is left out>" to EXCLUDED '
        f"there: {', '.join(sorted(set(missing)))}"
    )


def test_exclusions_give_a_reason_and_name_a_real_model():
    for label, reason in EXCLUDED.items():
        assert apps.get_model(label) is not None
        assert len(reason) > 20, label


def test_every_section_reaches_its_pupil():
    for section in SECTIONS:
        assert pupil_path(section.model), section.label


def test_a_model_two_steps_from_the_pupil_is_found():
    assert pupil_path(apps.get_model("reviews", "TargetProgress")) == "review__plan__pupil"
    assert pupil_path(apps.get_model("pupils", "RoundRobinResponse")) == "request__concern__pupil"
