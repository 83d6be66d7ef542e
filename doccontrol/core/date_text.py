"""Dates as Vietnamese documents write them (pure).

``05/03/2024``, ``5/3/2024``, ``05-03-2024``, ``05.03.2024`` (day first) and ``ngày 5 tháng 3
năm 2024`` (with or without diacritics, ``ngày`` optional after a label). A date that is written
but does not exist (``31/02/2024``, month 13, a year outside 1900-2199) is told apart from no
date at all: the metadata reader refuses the first and ignores the second.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from doccontrol.core.text import clean
from doccontrol.core.vnpattern import compile_folded

__all__ = ["NUMERIC_DATE", "DateAt", "date_opening", "make_date", "parse_date"]

#: day / month / year with one separator used twice (``/``, ``.`` or ``-``), a 4-digit year
NUMERIC_DATE = re.compile(
    r"(?<![0-9])([0-9]{1,2})[ \t]*([/.\-])[ \t]*([0-9]{1,2})[ \t]*\2[ \t]*([0-9]{4})(?![0-9])"
)
_WORDED_DATE = compile_folded(
    r"\bngay[ \t]+([0-9]{1,2})[ \t]+thang[ \t]+([0-9]{1,2})[ \t]*,?[ \t]+nam[ \t]+([0-9]{4})(?![0-9])"
)
# After "ngày" (or right after a date label): "05 tháng 3 năm 2024".
_WORDED_REST = compile_folded(
    r"([0-9]{1,2})[ \t]+thang[ \t]+([0-9]{1,2})[ \t]*,?[ \t]+nam[ \t]+([0-9]{4})(?![0-9])"
)
# A value a date opens: "15/01/2024", "ngày 5 tháng 3 năm 2024", "ngày 05/3/2024".
_DATE_OPENING = compile_folded(r"[ \t]*(?:ngay[ \t\n]+)?(?=[0-9])")

_MIN_YEAR, _MAX_YEAR = 1900, 2199


def make_date(day: str, month: str, year: str) -> dt.date | None:
    """The date, or None when it does not exist or its year is outside 1900-2199."""
    y = int(year)
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        return dt.date(y, int(month), int(day))
    except ValueError:
        return None


def _first_date(text: str) -> dt.date | None:
    numeric = NUMERIC_DATE.search(text)
    worded = _WORDED_DATE.search(text)
    if numeric and (worded is None or numeric.start() <= worded.start()):
        return make_date(numeric.group(1), numeric.group(3), numeric.group(4))
    if worded:
        return make_date(worded.group(1), worded.group(2), worded.group(3))
    return None


def parse_date(text: str) -> dt.date | None:
    """Parse the first date in ``text``.

    ``"05/03/2024"``, ``"5/3/2024"``, ``"05-03-2024"``, ``"05.03.2024"`` and
    ``"ngày 5 tháng 3 năm 2024"`` (with or without diacritics) give ``date(2024, 3, 5)``.
    A date that does not exist (``31/02/2024``) and a text without a date give ``None``.
    """
    return _first_date(clean(text))


@dataclass(frozen=True)
class DateAt:
    """A date written at the opening of a value: ``date`` is None when it does not exist."""

    date: dt.date | None
    written: str  # the date as written ("31/02/2024")
    end: int  # where it ends in the value


def date_opening(value: str, pos: int = 0) -> DateAt | None:
    """The date that opens ``value`` at ``pos`` (blanks and ``ngày`` may come first), or None
    when none does: a date further on belongs to something else."""
    opening = _DATE_OPENING.match(value, pos)
    if opening is None:
        return None
    found = NUMERIC_DATE.match(value, opening.end())
    if found:
        day, month, year = found.group(1), found.group(3), found.group(4)
    else:
        found = _WORDED_REST.match(value, opening.end())
        if found is None:
            return None
        day, month, year = found.group(1), found.group(2), found.group(3)
    return DateAt(make_date(day, month, year), found.group(0), found.end())
