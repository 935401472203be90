"""
Stage E belongs to the EHC plan record, which a higher app keeps (Children and Families
Act 2014 s37, s45). That app registers here how a plan is recorded, so the MIS import
can record the plans a school's MIS already holds without importing it.
"""

_recorder = None


def register_plan_recorder(recorder):
    """recorder(*, pupil, needs, on, by, source_note) records a plan in force and puts the pupil on E."""
    global _recorder
    _recorder = recorder


def record_plan_from_mis(*, pupil, needs, on, by, source_note):
    if _recorder is None:
        raise RuntimeError("No EHC plan record is installed: add the reviews app.")
    return _recorder(pupil=pupil, needs=needs, on=on, by=by, source_note=source_note)
