"""A procedure's code and revision read from a file name that follows the documented pattern
(pure). For a scan whose text does not give them confidently (issue 14): a wrongly read code is
worse than none, so a name that does not follow the pattern gives nothing.

The pattern (what the quarantine reason tells a clerk to write)::

    <mã hiệu> _ lần <N> .<ext>          QT-01-LĐTBXH_lần 2.pdf
                                         QT-01-LĐTBXH_lan-2.pdf
                                         QT 01 LĐTBXH - lan 2.docx
                                         QT.VL.01_lần_thứ_3.pdf
                                         qt-01-vp_lan-02.docx       (doccontrol's own sample names)
                                         QT-01-VP_r2.pdf            (``export``'s names)

- ``<mã hiệu>``: the code as the document writes it, with ``-`` for a ``/`` (a file name cannot
  hold one): letters and digits in up to six parts joined by ``-``, ``.``, ``_`` or spaces;
  at least one letter and one digit, no number of five digits or more, no date; its letters are abbreviations (``QT``, ``LĐTBXH``, ``VP``),
  never words ("Quy trinh", "ban sao"), and written in capitals, unless the whole code is
  written in small letters joined by ``-`` (``qt-01-ldtbxh``);
- then ``_``, ``-`` or spaces, and the revision marker: ``lần`` / ``lan`` (``lần thứ``,
  ``lần ban hành``, ``LBH``), or after ``_`` or a space ``rev`` / ``ver`` / ``r`` / ``v``;
  upper or lower case, with or without diacritics;
- the revision ``N``, 1 to 99 (leading zeros allowed: ``02``), right after the marker or after
  ``-``, ``_``, ``.`` or spaces;
- optionally a copy number that browsers and Windows add (``QT-01-VP_lan-2 (1).pdf``), then the
  extension (any).

Nothing else may be in the name. Because ``/`` is written ``-``, compare the code read here with
the repository's codes by their slugs (``core.text.slugify``), and take it as that procedure only
when exactly one procedure has that slug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from doccontrol.core.code_text import is_abbreviation
from doccontrol.core.date_text import NUMERIC_DATE
from doccontrol.core.metadata_problems import MAX_REVISION
from doccontrol.core.text import clean
from doccontrol.core.vnpattern import compile_folded

__all__ = ["NamedRevision", "code_from_filename"]


@dataclass(frozen=True)
class NamedRevision:
    """What a file name following the pattern says: the code as written and the revision."""

    code: str
    revision: int


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_COPY_NUMBER = re.compile(r"[ \t]*\([0-9]{1,2}\)$")
_NAME = compile_folded(
    r"(?P<code>.+?)(?:[ _-]+(?:lan(?:[ _-]+(?:thu|ban[ _-]+hanh))?|lbh|(?<=[ _])(?:rev|ver))[ _.-]*"
    r"|(?<=[ _])[rv])(?P<n>[0-9]{1,3})"
)
_CODE_CHARS = re.compile(r"[^\W_]+(?:[-_. ]+[^\W_]+)*")
_PARTS = re.compile(r"[-_. ]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_ISO_DATE = re.compile(r"[0-9]{4}[-_.][0-9]{1,2}[-_.][0-9]{1,2}")
_LONG_NUMBER = re.compile(r"[0-9]{5,}")  # a scanner's time stamp (IMG_20240305), not a code
_SLUG_FORM = re.compile(r"[a-zđ0-9]+(?:-[a-zđ0-9]+)*")
_MAX_PARTS = 6
_MAX_CODE = 40


def _plausible_code(code: str) -> bool:
    """Whether ``code`` reads as a procedure code (see the module's docstring)."""
    if not 2 <= len(code) <= _MAX_CODE or not _CODE_CHARS.fullmatch(code):
        return False
    parts = _PARTS.split(code)
    if (len(parts) > _MAX_PARTS or NUMERIC_DATE.search(code.replace("_", "-")) or _ISO_DATE.search(code)
            or _LONG_NUMBER.search(code)):
        return False
    runs = _LETTER_RUN.findall(code)
    if not runs or not any(ch.isdigit() for ch in code):
        return False
    if not all(is_abbreviation(run, capitals_only=False) for run in runs):
        return False
    in_capitals = any(run.isupper() and len(run) >= 2 for run in runs)
    return all(run.isupper() for run in runs) and in_capitals or bool(_SLUG_FORM.fullmatch(code))


def code_from_filename(name: str) -> NamedRevision | None:
    """The code and revision a file name states by the documented pattern (see the module's
    docstring), or None when it does not follow the pattern confidently. ``name`` may be a path:
    its last part is read."""
    base = clean(name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem = _EXTENSION.sub("", base)
    stem = _COPY_NUMBER.sub("", stem).strip()
    match = _NAME.fullmatch(stem)
    if match is None:
        return None
    code = match.group("code").strip(" _-.")
    revision = int(match.group("n"))
    if not 1 <= revision <= MAX_REVISION or not _plausible_code(code):
        return None
    return NamedRevision(code=code, revision=revision)
