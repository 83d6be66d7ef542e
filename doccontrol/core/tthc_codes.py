"""National TTHC codes (``1.001234`` or ``1.001234.000.00.00.H37``) in text (pure)."""

from __future__ import annotations


from doccontrol.core.text import clean
from doccontrol.core.lazy_pattern import lazy_pattern

__all__ = ["TTHC_EXACT", "find_tthc_codes", "tthc_key"]

_TTHC_FULL_SUFFIX = r"\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Za-z][0-9]{2}"
# The first digit is matched before the look-behind (much faster than a leading look-behind).
_TTHC_IN_TEXT = lazy_pattern(
    rf"([0-9])(?<![\w.,/][0-9])\.([0-9]{{6}})(?:{_TTHC_FULL_SUFFIX})?(?![\w]|[.,/\-][0-9])"
)
#: a TTHC code, short or full (``search`` it to find one inside a value)
TTHC_EXACT = lazy_pattern(rf"([0-9])\.([0-9]{{6}})(?:{_TTHC_FULL_SUFFIX})?")


def tthc_key(code: str) -> str | None:
    """The short normal form of a national TTHC code, or ``None`` when it is not one.

    ``"1.001234.000.00.00.H37"``, ``"1.001234"`` and ``" 1.001234 "`` all give ``"1.001234"``.
    """
    if not isinstance(code, str):
        return None
    match = TTHC_EXACT.fullmatch(clean(code).strip())
    if match is None:
        return None
    return f"{match.group(1)}.{match.group(2)}"


def find_tthc_codes(text: str) -> tuple[str, ...]:
    """Every national TTHC code in ``text``, short normal form, unique, in order of first
    appearance. A code inside a longer number (``2.0001234``, ``12.001234``) is not one."""
    seen: dict[str, None] = {}
    for match in _TTHC_IN_TEXT.finditer(text):
        seen.setdefault(f"{match.group(1)}.{match.group(2)}", None)
    return tuple(seen)
