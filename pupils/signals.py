"""Signals other apps listen to, so that pupils never imports an app above it."""

from django.dispatch import Signal

# Pupils marked as leavers (the MIS import's "left the school"): sent inside the same
# transaction with pupils=[Pupil, ...] (each with left_on set), user and reason. Provision
# ends the leavers' open places in intervention groups (provision/apps.py).
pupils_left = Signal()
