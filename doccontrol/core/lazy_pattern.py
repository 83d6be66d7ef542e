"""Regular expressions compiled when first used, so that importing a module stays cheap.

A module-level ``re.compile`` costs its compilation at import, in every process that imports the
module, whether it uses the pattern or not: ``doccontrol search`` imports the text rules, the
configuration and the search modules, and compiling their patterns was a large part of its
start-up. :func:`lazy_pattern` returns a stand-in that compiles on the first attribute asked of
it (``search``, ``sub``, ``pattern``, ...) and then answers those from the compiled pattern, each
method looked up once (afterwards it is an ordinary attribute: no cost per call).

Only for patterns used through their methods: ``re.search(PATTERN, s)`` and ``isinstance``
checks need a real :class:`re.Pattern` (use ``PATTERN.compiled`` there).
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["LazyPattern", "lazy_pattern"]


class LazyPattern:
    """A :class:`re.Pattern` compiled on first use."""

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._source = pattern
        self._flags = flags

    @property
    def compiled(self) -> re.Pattern[Any]:
        """The compiled pattern (compiled now if it was not yet)."""
        found = self.__dict__.get("_compiled")
        if found is None:
            found = self.__dict__["_compiled"] = re.compile(self._source, self._flags)
        return found

    def __getattr__(self, name: str) -> Any:  # only called for what the instance does not have yet
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self.compiled, name)
        self.__dict__[name] = value  # bound method or value: found directly from now on
        return value

    def __repr__(self) -> str:
        return f"lazy_pattern({self._source!r}, {self._flags!r})"


def lazy_pattern(pattern: str | bytes, flags: int = 0) -> re.Pattern[Any]:
    """``re.compile(pattern, flags)``, done when the pattern is first used (typed as a Pattern)."""
    return cast("re.Pattern[Any]", LazyPattern(pattern, flags))
