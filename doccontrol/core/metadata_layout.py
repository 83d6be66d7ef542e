"""Where a procedure's metadata sits in its extracted text: labels, cells, values (pure).

Input is what the extract stage produces: NFC text, lines separated by ``"\\n"``, a Word table
row on ONE line with its cells joined by ``" | "``, page-header text first, footers last. A PDF
gives a table row's cells on one line separated by spaces, a cell that wraps over several.

- Labels (``Mã hiệu``, ``Lần ban hành``, ``Ngày ban hành`` ...) are written folded and match
  with or without diacritics, in any case (``core.vnpattern``).
- A label's value is looked for, in order: in the same table cell after the label (colon
  optional); in the next cell of the same row when the label's cell holds nothing else; on the
  next non-empty line when the label ends its line (:func:`value_spans`).
- A table whose first row holds only labels and whose next row holds the values
  (``Mã hiệu | Lần ban hành`` / ``QT-01 | 02``) is read column by column (:func:`pair_label_rows`).
- A revision-history table ("Bảng theo dõi sửa đổi", columns Lần sửa đổi / Nội dung / Ngày)
  lists past revisions, not the current one: :func:`history_regions` finds it, and the reader
  takes no label inside it.
- A *field* label is one that states a value here and now (``Mã hiệu: QT-01``, ``Lần ban hành
  02``), as opposed to the same words inside a title ("Cấp mã số đơn vị ..."):
  :func:`field_label_in`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from doccontrol.core.code_text import code_from
from doccontrol.core.date_text import date_opening
from doccontrol.core.revision_value import read_revision_value
from doccontrol.core.tthc_codes import TTHC_EXACT
from doccontrol.core.vnpattern import BLANKS as _S
from doccontrol.core.vnpattern import compile_folded, starting_with

__all__ = [
    "ANY_LABEL", "CELL_SEP", "CODE_LABEL", "EFFECTIVE_LABEL", "ISSUED_LABEL", "REV_LABEL",
    "SECTION_HEADING", "Doc", "Regions", "cell_bounds", "field_label_in", "history_regions",
    "label_is_heading", "pair_label_rows", "strip_span", "value_spans",
]

_CODE_LABEL_SRC = rf"ma{_S}hieu|ma{_S}so|ma{_S}quy{_S}trinh|ky{_S}hieu"
# "Lần ban hành", "Lần ban hành/sửa đổi" ("02/01": the first number is the revision), "Lần BH",
# "Phiên bản"; and the amendment count "Lần sửa đổi" (its 0 means "not amended yet").
_ISSUE_LABEL_SRC = (
    rf"lan{_S}ban{_S}hanh(?:[ \t]*/[ \t]*(?:lan{_S})?sua{_S}doi)?|lan{_S}bh(?:[ \t]*/[ \t]*sd)?"
    rf"|phien{_S}ban"
)
_AMEND_LABEL_SRC = rf"lan{_S}sua{_S}doi(?:[ \t]*[/,][ \t]*bo{_S}sung)?"
_REV_LABEL_SRC = rf"{_ISSUE_LABEL_SRC}|{_AMEND_LABEL_SRC}"
_ISSUED_LABEL_SRC = rf"ngay{_S}ban{_S}hanh"
_EFFECTIVE_LABEL_SRC = rf"ngay{_S}(?:co{_S})?hieu{_S}luc"
# Other labels of a procedure's header block: they end a value but carry nothing we read.
_OTHER_LABEL_SRC = (
    rf"trang[ \t]*:|so{_S}trang|ten{_S}quy{_S}trinh|linh{_S}vuc[ \t]*:|don{_S}vi{_S}soan{_S}thao"
    rf"|ngay{_S}sua{_S}doi|ma{_S}tthc|ma{_S}thu{_S}tuc"
)

CODE_LABEL = compile_folded(rf"{starting_with('mk')}\b(?:{_CODE_LABEL_SRC})\b", re.MULTILINE)
REV_LABEL = compile_folded(
    rf"{starting_with('lp')}\b(?:(?P<amend>{_AMEND_LABEL_SRC})|{_ISSUE_LABEL_SRC})\b", re.MULTILINE
)
ISSUED_LABEL = compile_folded(rf"{starting_with('n')}\b(?:{_ISSUED_LABEL_SRC})\b", re.MULTILINE)
EFFECTIVE_LABEL = compile_folded(rf"{starting_with('n')}\b(?:{_EFFECTIVE_LABEL_SRC})\b", re.MULTILINE)
_ANY_LABEL_SRC = (
    rf"(?:{_CODE_LABEL_SRC}|{_REV_LABEL_SRC}|{_ISSUED_LABEL_SRC}|{_EFFECTIVE_LABEL_SRC}"
    rf"|{_OTHER_LABEL_SRC})"
)
ANY_LABEL = compile_folded(
    rf"{starting_with('mklpntsd')}\b(?:(?P<code>{_CODE_LABEL_SRC})|(?P<rev>{_REV_LABEL_SRC})"
    rf"|(?P<date>{_ISSUED_LABEL_SRC}|{_EFFECTIVE_LABEL_SRC})|(?P<tthc>ma{_S}tthc|ma{_S}thu{_S}tuc)"
    rf"|{_OTHER_LABEL_SRC})(?![^\W_])",
    re.MULTILINE,
)

CELL_SEP = "|"
_AFTER_LABEL = re.compile(r"[ \t]*[:：]?[ \t]*")
_COLON_AFTER = re.compile(r"[ \t]*[:：]")
_BULLETS = " \t-+*•–·>"

#: a numbered section heading: "1. MỤC ĐÍCH", "II. ...", "a) ...", "5.2 ..."
SECTION_HEADING = re.compile(
    r"[ \t]*(?:(?:[0-9]+(?:\.[0-9]+)*|[IVXLC]+|[a-z])[.)]|[0-9]+(?:\.[0-9]+)+)(?:[ \t]|$)"
)


class Doc:
    """The text being read, with line helpers and the revision-history tables to skip."""

    __slots__ = ("text", "history")

    def __init__(self, text: str) -> None:
        self.text = text
        self.history = history_regions(text)

    def line_bounds(self, pos: int) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return start, (len(self.text) if end < 0 else end)

    def next_line(self, end_of_line: int) -> tuple[int, int] | None:
        """The bounds of the next non-empty line after the line ending at ``end_of_line``."""
        pos = end_of_line + 1
        n = len(self.text)
        while pos < n:
            end = self.text.find("\n", pos)
            if end < 0:
                end = n
            if self.text[pos:end].strip():
                return pos, end
            pos = end + 1
        return None


def cell_bounds(text: str, pos: int, line_start: int, line_end: int) -> tuple[int, int]:
    start = text.rfind(CELL_SEP, line_start, pos)
    start = line_start if start < 0 else start + 1
    end = text.find(CELL_SEP, pos, line_end)
    return start, (line_end if end < 0 else end)


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


def _starts_with_label(text: str, start: int, end: int) -> bool:
    return ANY_LABEL.match(text, start, end) is not None


def value_spans(doc: Doc, label_end: int) -> Iterator[tuple[int, int]]:
    """Where the value of a label ending at ``label_end`` may be, best first: the rest of the
    label's cell (up to the next label), the next cell, or the first cell of the next line."""
    text = doc.text
    line_start, line_end = doc.line_bounds(label_end)
    after = _AFTER_LABEL.match(text, label_end, line_end)
    pos = after.end() if after else label_end
    _, cell_end = cell_bounds(text, pos, line_start, line_end)
    next_label = ANY_LABEL.search(text, pos, cell_end)
    seg_end = next_label.start() if next_label else cell_end
    start, end = strip_span(text, pos, seg_end)
    if start < end:
        yield start, end
        return
    if next_label is not None:  # "Mã hiệu: Lần ban hành: 02": this label has no value
        return
    if cell_end < line_end:  # the value is in the next cell of the row
        nxt_start = cell_end + 1
        nxt_end = text.find(CELL_SEP, nxt_start, line_end)
        nxt_end = line_end if nxt_end < 0 else nxt_end
        start, end = strip_span(text, nxt_start, nxt_end)
        if start < end and not _starts_with_label(text, start, end):
            yield start, end
        return
    nxt = doc.next_line(line_end)  # the label ends its line: the value is on the next line
    if nxt is None:
        return
    first_cell_end = text.find(CELL_SEP, nxt[0], nxt[1])
    first_cell_end = nxt[1] if first_cell_end < 0 else first_cell_end
    start, end = strip_span(text, nxt[0], first_cell_end)
    if start < end and not _starts_with_label(text, start, end):
        next_label = ANY_LABEL.search(text, start + 1, end)
        yield start, (next_label.start() if next_label else end)


def label_is_heading(doc: Doc, label_start: int, label_end: int) -> bool:
    """A label that starts its cell (after bullets), a capitalised label after a blank (several
    labels on one line) or a label followed by a colon, as opposed to a label inside a sentence
    ("... có mã hiệu QT-02")."""
    text = doc.text
    line_start, line_end = doc.line_bounds(label_start)
    cell_start, _ = cell_bounds(text, label_start, line_start, line_end)
    before = text[cell_start:label_start]
    if not before.strip(_BULLETS):
        return True
    if text[label_start].isupper() and before[-1] in " \t":
        return True
    return _COLON_AFTER.match(text, label_end) is not None


# --------------------------------------------------------------------------------------------
# Field labels: a label that states its value here.


def _states_value(match: re.Match[str], text: str, line_end: int) -> bool:
    """Whether the label ``match`` is followed by a value of its kind (no colon needed)."""
    rest = text[match.end() : line_end]
    kind = match.lastgroup
    if kind == "code":
        return code_from(rest.lstrip(" \t|")) is not None
    if kind == "rev":
        return read_revision_value(rest.lstrip(" \t|")) is not None
    if kind == "date":
        return date_opening(rest.lstrip(" \t|")) is not None
    if kind == "tthc":
        return TTHC_EXACT.match(rest.lstrip(" \t|")) is not None
    return False


def field_label_in(text: str, start: int, end: int) -> re.Match[str] | None:
    """The first field label in ``text[start:end]``: a label followed by a colon, or a
    capitalised one followed by a value of its kind (``Mã hiệu QT-01``, ``Lần ban hành 02``).
    The same words inside a title ("cấp mã số đơn vị", "Cấp Mã số thuế") are not one."""
    for match in ANY_LABEL.finditer(text, start, end):
        if match.group().endswith(":") or _COLON_AFTER.match(text, match.end(), end):
            return match
        if text[match.start()].isupper() and _states_value(match, text, end):
            return match
    return None


# --------------------------------------------------------------------------------------------
# Column tables: a row of labels over a row of values.

# "Trang" (page) heads a column without a colon.
_LABEL_CELL = compile_folded(rf"[ \t]*(?:{_ANY_LABEL_SRC}|trang)[ \t]*:?[ \t]*")


def pair_label_rows(text: str) -> str:
    """Rewrite ``L1 | L2`` + ``v1 | v2`` into ``L1: v1 | L2: v2`` (and an empty line)."""
    if CELL_SEP not in text:
        return text
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines[:-1]):
        if CELL_SEP not in line:
            continue
        labels = line.split(CELL_SEP)
        if not all(_LABEL_CELL.fullmatch(cell) for cell in labels):
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j >= len(lines):
            continue
        values = lines[j].split(CELL_SEP)
        if len(values) != len(labels):
            continue
        lines[i] = " | ".join(
            f"{label.strip().rstrip(':').strip()}: {value.strip()}"
            for label, value in zip(labels, values)
        )
        lines[j] = ""
        changed = True
    return "\n".join(lines) if changed else text


# --------------------------------------------------------------------------------------------
# Revision-history tables.

_HISTORY_HEADING = compile_folded(
    r"^[ \t]*(?:[0-9IVX]+[.)][ \t]*)?(?:bang[ \t]+)?(?:theo[ \t]+doi|lich[ \t]+su|tinh[ \t]+trang"
    r"|ghi[ \t]+nhan|kiem[ \t]+soat)[ \t]+(?:(?:tinh[ \t]+trang|noi[ \t]+dung|cac[ \t]+lan)[ \t]+)?"
    r"(?:sua[ \t]+doi|thay[ \t]+doi|ban[ \t]+hanh|soat[ \t]+xet)\b",
    re.MULTILINE,
)
_HISTORY_COLUMN = compile_folded(
    r"\b(?:noi[ \t]+dung|tom[ \t]+tat|mo[ \t]+ta|hang[ \t]+muc|ly[ \t]+do|vi[ \t]+tri"
    r"|trang[ \t]*/[ \t]*muc|(?:phan|muc|trang)[ \t]+sua[ \t]+doi)\b"
)
_OTHER_COLUMN = compile_folded(r"\b(?:ngay|nguoi|trang|ky)\b")
_REV_CELL = compile_folded(rf"[ \t]*(?:{_REV_LABEL_SRC})(?:[ \t]+(?:thu|so))?[ \t]*")
_LABEL_LINE = compile_folded(rf"[{re.escape(_BULLETS)}]*(?:{_ANY_LABEL_SRC})(?![^\W_])")
_CODE_ROW = compile_folded(rf"[ \t]*(?:{_CODE_LABEL_SRC})\b")  # the procedure's own header table
_MAX_HEADING = 100
_MAX_PLAIN_ROWS = 40


def _is_history_header(line: str) -> bool:
    """A table's header row of a revision history: a revision column and a content column."""
    if CELL_SEP in line:
        cells = line.split(CELL_SEP)
        return (any(_REV_CELL.fullmatch(c) for c in cells)
                and any(_HISTORY_COLUMN.match(c.strip()) for c in cells))
    if ":" in line or len(line) > _MAX_HEADING or not REV_LABEL.search(line):
        return False
    columns = len(_HISTORY_COLUMN.findall(line)) + len(_OTHER_COLUMN.findall(line))
    return _HISTORY_COLUMN.search(line) is not None and columns >= 2


def _ends_plain_table(line: str) -> bool:
    """A line that ends a revision history flattened into plain lines (a PDF): a line that
    opens with a label (``Mã hiệu: ...``), a numbered section heading or a line in capitals."""
    if _LABEL_LINE.match(line) or SECTION_HEADING.match(line):
        return True
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _lines_from(text: str, pos: int) -> Iterator[tuple[int, int]]:
    """The bounds of the lines of ``text`` from the line starting at ``pos`` on."""
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end < 0 else end
        yield pos, end
        pos = end + 1


def _history_end(text: str, first: int, piped: bool) -> int:
    """Where the table whose rows start at ``first`` ends (the start of the line after it)."""
    blanks, rows = 0, 0
    for start, end in _lines_from(text, first):
        line = text[start:end]
        if not line.strip():
            blanks += 1
            if blanks > 1:
                return start
            continue
        blanks = 0
        if rows == 0 and not piped and CELL_SEP in line:
            piped = True  # a heading, then a Word table
        if piped and (CELL_SEP not in line or (rows > 0 and _CODE_ROW.match(line))):
            return start
        if not piped and (rows >= _MAX_PLAIN_ROWS or (rows > 0 and _ends_plain_table(line))):
            return start
        rows += 1
    return len(text)


class Regions:
    """Sorted, disjoint character ranges ``[start, end)`` of a text."""

    __slots__ = ("starts", "ends")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def __bool__(self) -> bool:
        return bool(self.starts)


def history_regions(text: str) -> Regions:
    """The revision-history tables of ``text``: a heading ("Bảng theo dõi sửa đổi", "Theo dõi
    sửa đổi tài liệu", "Lịch sử sửa đổi") with the table after it, or a table whose header row
    has a revision column and a content column (Lần sửa đổi | Nội dung sửa đổi | Ngày). A Word
    table ends with its last row (or where a row opens with a code label: the header table
    written right after it); a table flattened into plain lines (a PDF) at the next line
    that opens with a label, section heading or line in capitals. Only the lines that hold a
    revision label or such a heading are looked at."""
    candidates = sorted({text.rfind("\n", 0, m.start()) + 1 for m in REV_LABEL.finditer(text)}
                        | {m.start() for m in _HISTORY_HEADING.finditer(text)})
    spans: list[tuple[int, int]] = []
    for start in candidates:
        if spans and start < spans[-1][1]:
            continue
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        heading = len(line) <= _MAX_HEADING and _HISTORY_HEADING.match(text, start, end) is not None
        if heading or _is_history_header(line):
            piped = not heading and CELL_SEP in line
            spans.append((start, _history_end(text, end + 1, piped) if end < len(text) else end))
    return Regions(spans)
