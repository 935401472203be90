"""Job kinds: higher apps register theirs in AppConfig.ready(); sendhub knows none of them.

A job function takes (job, progress) and returns (filename, content_type, bytes);
progress(done, total) updates the bar the person sees.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    name: str
    run: callable
    # The permission the direct download needs; the download of the made file needs it too.
    permission: str
    label: str


_KINDS = {}


def register(name, run, *, permission, label):
    _KINDS[name] = JobKind(name=name, run=run, permission=permission, label=label)


def get(name):
    return _KINDS[name]
