"""Fault injection for crash tests. Inert unless DOCCONTROL_FAULT names a point.

``DOCCONTROL_FAULT=after_commit`` makes the process kill itself (SIGKILL, as ``kill -9`` would)
when it reaches that point; ``DOCCONTROL_FAULT=after_commit:3`` on the third time it gets there.
The named points are the places where a real crash could leave work half done:

- ``after_stage``: the drop is copied into the staging area;
- ``after_extract``: its text is read, nothing written yet;
- ``after_stream_commit``: a commit went to ``git fast-import``, the work tree is not updated yet;
- ``before_checkpoint``: commits written but not yet made durable (group commit);
- ``after_commit``: the commits are durable, no drop has left the inbox yet;
- ``after_release``: one drop has left the inbox (``:N``: the N-th), the search index is not updated;
- ``after_quarantine_copy``: a refused file's copy is in the quarantine, its reason is not;
- ``after_quarantine``: copy and reason are in the quarantine, the drop is still in the inbox;
- ``before_index``: the search index is about to be updated.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "after_stage", "after_extract", "after_stream_commit", "before_checkpoint", "after_commit", "after_release",
    "after_quarantine_copy", "after_quarantine", "before_index",
)
_counts: dict[str, int] = {}


def point(name: str) -> None:
    spec = os.environ.get("DOCCONTROL_FAULT")
    if not spec:
        return
    wanted, _, nth = spec.partition(":")
    if wanted != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
