"""Spreadsheet cells that stay data (pure): the one guard against formula injection.

A title, a TTHC name, a decision or a file name comes from a document, a catalog or a person;
in a CSV or xlsx export a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or LibreOffice as a formula (``=HYPERLINK(...)``, ``=cmd|...``).
Following the OWASP CSV-injection guidance such a value is written with a leading apostrophe,
which both programs show as text. Every spreadsheet writer (coverage and master-list CSV and
xlsx, the web's downloads, which use the same writers) passes its cells through :func:`cell`.

A CSV file has no types: a spreadsheet opening it guesses, and guesses wrong for text that looks
like a number or a date. ``1.001050`` (a TTHC code) becomes the number 1.00105 (or 1001050 where
the decimal separator is a comma), ``11/03/2024`` becomes 3 November where months come first,
``2/6`` becomes a date, ``007`` loses its zeros. :func:`csv_cell` writes such a text with the same
leading apostrophe (the one mark for "this is text"), so the spreadsheet shows it exactly, with the
apostrophe; a program reading the CSV drops one leading apostrophe from a cell to get the value.
Dates the writers mean as dates are written ISO 8601 (``2024-03-11``): exact for a program, and
read as the right day by every spreadsheet, so they are left as they are. Whole numbers (``12``)
are numbers for both. The xlsx files need none of this: their cells are typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def cell(value: object) -> object:
    """``value`` as a cell that cannot be a formula (text only: numbers and dates are data)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values: Iterable[object]) -> list[object]:
    """:func:`cell` for every value of a row."""
    return [cell(v) for v in values]


# Text a spreadsheet would read as something else (see the module's docstring).
_MISREAD = re.compile(
    r"""\s*(?:
        [+-]?\d+(?:[.,]\d+)+%?          # 1.001050, 87.5, 1,5: dotted or comma numbers (locale-dependent)
      | 0\d+                            # 007: leading zeros
      | \d+[eE][+-]?\d+                  # 1E5: a number in scientific notation
      | \d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?  # 11/03/2024, 2/6, 3-4
      | \d{1,2}:\d{2}(?::\d{2})?          # 13:55: a time of day
    )\s*""",
    re.VERBOSE,
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # a date meant as a date: every spreadsheet reads it right


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet shows as it is: :func:`cell`, and a text it would read
    as a number or a date (``1.001050``, ``11/03/2024``) marked as text with a leading apostrophe."""
    if isinstance(value, str) and _MISREAD.fullmatch(value) and not _ISO_DAY.fullmatch(value.strip()):
        return "'" + value
    return cell(value)


def csv_row(values: Iterable[object]) -> list[object]:
    """:func:`csv_cell` for every value of a row."""
    return [csv_cell(v) for v in values]
