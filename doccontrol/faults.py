"""Fault injection for crash tests. Inert unless DOCCONTROL_FAULT names a point.

``DOCCONTROL_FAULT=after_commit`` makes the process kill itself (SIGKILL, as ``kill -9`` would)
when it reaches that point; ``DOCCONTROL_FAULT=after_commit:3`` on the third time it gets there.
The named points are the places where a real crash could leave work half done.
"""

from __future__ import annotations

import os
import signal

POINTS = ("after_stage", "after_extract", "after_commit", "after_quarantine", "before_index")
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
