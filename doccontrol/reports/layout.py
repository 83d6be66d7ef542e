"""How wide a printed table's columns must be, and how tall its rows (pure).

A column is never narrower than its longest *unbreakable* token (what lies between spaces: a
word, a number, a code such as ``QT-01/LĐTBXH`` or ``152/2020/NĐ-CP``), so neither Word nor
LibreOffice ever breaks one inside; the width left over goes to the columns whose text is long
(titles, names), in proportion to how much more they would need to stay on one line.

Widths are estimated from the advance widths of Times New Roman (the Adobe Times metrics, which
Liberation Serif, LibreOffice's substitute, shares): a letter with tone marks is as wide as its
base letter. Bold text is measured with :data:`BOLD_FACTOR`, and every estimate keeps
:data:`SAFETY` in reserve, so that a token measured to fit does fit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MM_PER_PT = 25.4 / 72
SAFETY = 1.08  # estimates are this much wider than the metrics say
BOLD_FACTOR = 1.08  # Times bold against Times regular, at most (capitals, digits are equal)
CELL_PADDING_MM = 2 * 1.9 + 0.6  # Word's and LibreOffice's default cell margins, and the rules

# Advance widths of Times-Roman, in thousandths of an em (Adobe's AFM).
_WIDTHS = {
    **dict.fromkeys("0123456789", 500), " ": 250,
    "a": 444, "b": 500, "c": 444, "d": 500, "e": 444, "f": 333, "g": 500, "h": 500, "i": 278,
    "j": 278, "k": 500, "l": 278, "m": 778, "n": 500, "o": 500, "p": 500, "q": 500, "r": 333,
    "s": 389, "t": 278, "u": 500, "v": 500, "w": 722, "x": 500, "y": 500, "z": 444,
    "A": 722, "B": 667, "C": 667, "D": 722, "E": 611, "F": 556, "G": 722, "H": 722, "I": 333,
    "J": 389, "K": 722, "L": 611, "M": 889, "N": 722, "O": 722, "P": 556, "Q": 722, "R": 667,
    "S": 556, "T": 611, "U": 722, "V": 722, "W": 944, "X": 722, "Y": 722, "Z": 611,
    ".": 250, ",": 250, ":": 278, ";": 278, "/": 278, "-": 333, "(": 333, ")": 333, "'": 180,
    '"': 408, "%": 833, "&": 778, "+": 564, "=": 564, "_": 500, "—": 1000, "–": 500, "…": 1000,
    "[": 333, "]": 333, "#": 500, "!": 333, "?": 444, "*": 500, "·": 250, "đ": 500, "Đ": 722,
}
_DEFAULT_WIDTH = 556  # anything else: a wide lowercase letter


def _base(char: str) -> str:
    """The letter under the tone marks (``ệ`` → ``e``); ``đ``/``Đ`` stay themselves."""
    return unicodedata.normalize("NFD", char)[0] if char not in "đĐ" else char


def text_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The estimated printed width of ``text`` in millimetres, at ``size_pt`` points."""
    units = sum(_WIDTHS.get(_base(c), _DEFAULT_WIDTH) for c in text)
    return units / 1000 * size_pt * MM_PER_PT * SAFETY * (BOLD_FACTOR if bold else 1.0)


def longest_token_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of the widest run of ``text`` between spaces: the least a cell can be."""
    return max((text_mm(token, size_pt, bold) for token in text.split()), default=0.0)


def column_widths(headings: Sequence[str], rows: Sequence[Sequence[object]], total_mm: float,
                  size_pt: float) -> list[float] | None:
    """Widths (mm) that add up to ``total_mm``: each column at least its longest token (headings
    bold) plus the cell's padding; the rest shared among the columns by how much wider their
    longest cell would be on one line. ``None`` when the tokens alone do not fit."""
    columns = list(zip(*([list(headings)] + [[str(v) for v in row] for row in rows]))) or [()]
    least, wanted = [], []
    for j, column in enumerate(columns):
        head, *body = column
        floor = max([longest_token_mm(head, size_pt, bold=True)] + [longest_token_mm(v, size_pt) for v in body])
        one_line = max([text_mm(v, size_pt) for v in body], default=0.0)
        least.append(floor + CELL_PADDING_MM)
        wanted.append(max(floor, one_line) + CELL_PADDING_MM)
    spare = total_mm - sum(least)
    if spare < 0:
        return None
    desire = [w - m for w, m in zip(wanted, least)]
    if sum(desire) <= spare:  # everything fits on one line: share what is left by width
        rest = spare - sum(desire)
        return [w + rest * w / sum(wanted) for w in wanted]
    return [m + spare * d / sum(desire) for m, d in zip(least, desire)]


def sheet_widths(headings: Sequence[str], rows: Sequence[Sequence[object]], total_mm: float,
                 size_pt: float) -> list[float]:
    """:func:`column_widths` for a spreadsheet printed fitted to the page width: where the tokens
    alone do not fit ``total_mm``, the sheet grows until they do (printing scales it down)."""
    while True:
        found = column_widths(headings, rows, total_mm, size_pt)
        if found is not None:
            return found
        total_mm *= 1.15


def needs_landscape(headings: Sequence[str], rows: Sequence[Sequence[object]], portrait_mm: float,
                    size_pt: float) -> bool:
    """Whether a table is printed across a landscape page: when its tokens do not fit the portrait
    width, or when its cells would wrap to more than about two lines on average there."""
    if column_widths(headings, rows, portrait_mm, size_pt) is None:
        return True
    one_line = sum(max([text_mm(str(h), size_pt, True)] + [text_mm(str(r[j]), size_pt) for r in rows if j < len(r)])
                   + CELL_PADDING_MM for j, h in enumerate(headings))
    return one_line > 2 * portrait_mm


def wrap_lines(text: str, width_mm: float, size_pt: float, bold: bool = False) -> list[str]:
    """``text`` in lines that fit a cell ``width_mm`` wide, broken at spaces only (its own line
    breaks kept). A printed cell gets these breaks itself, so Word or LibreOffice never has to
    choose one: they would break a code after its hyphen or slash (``77/QĐ-`` / ``UBND``)."""
    room = max(width_mm - CELL_PADDING_MM, 1.0)
    space = text_mm(" ", size_pt, bold)
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line: list[str] = []
        used = 0.0
        for token in paragraph.split():
            need = text_mm(token, size_pt, bold)
            if line and used + space + need > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + need
            line.append(token)
        lines.append(" ".join(line))
    return lines


def prewrap(text: str, width_mm: float, size_pt: float, bold: bool = False) -> str:
    """``text`` with a line break wherever :func:`wrap_lines` breaks it."""
    return "\n".join(wrap_lines(text, width_mm, size_pt, bold))


_BREAKABLE_INSIDE = re.compile(r"\S[-/–]\S")  # a hyphen or slash a line may be broken after


def cell_text(text: str, width_mm: float, size_pt: float, bold: bool = False) -> str:
    """What a printed cell holds: ``text`` as it is when it fits one line or holds no token that
    Word or LibreOffice could break inside (after a hyphen or slash: ``77/QĐ-`` / ``UBND``), else
    broken into lines here, at spaces (:func:`prewrap`)."""
    text = str(text)
    if not _BREAKABLE_INSIDE.search(text) or len(wrap_lines(text, width_mm, size_pt, bold)) <= 1:
        return text
    return prewrap(text, width_mm, size_pt, bold)


def lines_needed(text: str, width_mm: float, size_pt: float, bold: bool = False) -> int:
    """How many lines ``text`` takes in a cell ``width_mm`` wide (:func:`wrap_lines`)."""
    return len(wrap_lines(text, width_mm, size_pt, bold))


def row_height_pt(values: Sequence[object], widths_mm: Sequence[float], size_pt: float,
                  bold: bool = False) -> float:
    """The height (points) a spreadsheet row needs so that its wrapped cells show every line and
    the tone marks above capitals are not clipped."""
    lines = max((lines_needed(str(v), w, size_pt, bold) for v, w in zip(values, widths_mm) if v not in (None, "")),
                default=1)
    return round(lines * size_pt * 1.3 + 4, 1)


def excel_width(mm: float) -> float:
    """A column width in Excel's unit (characters of the default font, 7 pixels each, plus 5
    pixels of padding at 96 dpi) for ``mm`` millimetres."""
    pixels = mm / 25.4 * 96
    return round(max(pixels - 5, 7) / 7, 2)


__all__ = ["column_widths", "excel_width", "lines_needed", "longest_token_mm", "needs_landscape", "prewrap", "wrap_lines", "cell_text", "row_height_pt", "sheet_widths", "text_mm"]
