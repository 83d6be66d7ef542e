"""Spreadsheet cells that stay data (pure): the one guard against formula injection.

A title, a TTHC name, a decision or a file name comes from a document, a catalog or a person;
in a CSV or xlsx export a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or LibreOffice as a formula (``=HYPERLINK(...)``, ``=cmd|...``).
Following the OWASP CSV-injection guidance such a value is written with a leading apostrophe,
which both programs show as text. Every spreadsheet writer (coverage and master-list CSV and
xlsx, the web's downloads, which use the same writers) passes its cells through :func:`cell`.
"""

from __future__ import annotations

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
