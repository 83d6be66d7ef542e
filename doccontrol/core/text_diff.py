"""The difference between two revisions' texts, as a unified diff (pure).

A stored text (``text.txt``) has no final newline; compared line by line as they are, an
unchanged last line followed by appended text would differ from itself by that missing
newline and show as removed and added again. Lines are compared without their ends.
"""

from __future__ import annotations

import difflib


def unified_diff(old: str, new: str, fromfile: str, tofile: str) -> str:
    """A unified diff of ``old`` and ``new`` (every line ending in ``\\n``); "" when they agree."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), fromfile=fromfile, tofile=tofile, lineterm="")
    return "".join(line + "\n" for line in lines)
