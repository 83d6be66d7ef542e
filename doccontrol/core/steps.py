"""The steps of a procedure (*quy trình xử lý công việc*), read from its text (pure, no I/O).

An ISO procedure for a TTHC shares out the legal deadline between steps, in a table
``Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả`` (and its variants:
``TT``, ``Trình tự thực hiện``, ``Người/Đơn vị thực hiện``, ``Thời gian thực hiện``, ``Thời
hạn``, ``Hồ sơ/Kết quả``...) or as numbered paragraphs (``Bước 1: Tiếp nhận hồ sơ`` …
``Thời gian: 0,5 ngày``). The text is what the extract stage gives: a Word table row is one line,
its cells joined by ``" | "``; a PDF's table comes as lines, a row starting ``B1``/``Bước 1``.

What is kept is what the document says, as strings: the step's label, content, responsible, time
and form, and a total row when there is one (``Tổng thời gian giải quyết: 05 ngày làm việc``).
The durations are read from the time strings by :mod:`doccontrol.core.deadlines` whenever they
are needed, so a better reading applies to every revision already stored.

A table is found by its header (a content column and a time column, by name); its rows are the
lines after it with as many cells, until a line that is not a table row. Numbered paragraphs are
read when no such table is found: a step starts at ``Bước N`` or ``BN`` (consecutive from 1) and
runs to the next step, the total line or the next numbered heading; its time is the line labelled
``Thời gian``, else the one duration (or ``Theo giấy hẹn``) its text holds — several different
ones make it unreadable, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from doccontrol.core import deadlines as dl
from doccontrol.core.text import clean, fold_lower, squash_spaces
from doccontrol.core.lazy_pattern import lazy_pattern

__all__ = ["Step", "StepTable", "read_steps", "steps_from_data", "steps_to_data"]

SOURCE_TABLE = "table"
SOURCE_PARAGRAPHS = "paragraphs"


@dataclass(frozen=True)
class Step:
    """One step as the document writes it."""

    label: str  # "B1", "Bước 2", "3"
    content: str
    responsible: str = ""
    time: str = ""  # the time as written ("0,5 ngày", "Theo giấy hẹn", "")
    form: str = ""

    @property
    def reading(self) -> dl.Reading:
        return dl.parse_step_time(self.time)

    @property
    def parallel_with(self) -> str:
        """The label of the step this one runs alongside, when its time or content says so."""
        return dl.parallel_label(self.time) or dl.parallel_label(self.content)

    @property
    def receiving(self) -> bool:
        """The step that receives the dossier (its clock starts a deadline counted from receipt)."""
        return bool(_RECEIVING.search(fold_lower(self.content)))


@dataclass(frozen=True)
class StepTable:
    """The steps of a procedure, where they were read from, and the total the document states."""

    steps: tuple[Step, ...] = ()
    source: str = ""  # SOURCE_TABLE, SOURCE_PARAGRAPHS, "" (none found)
    total: str = ""  # the stated total, as written ("" when there is no total row)

    def __bool__(self) -> bool:
        return bool(self.steps)


_RECEIVING = lazy_pattern(r"\b(?:tiep nhan|nhan) (?:\w+ ){0,3}?ho so\b|^\s*tiep nhan\b")


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

ROLE_LABEL = "label"
ROLE_CONTENT = "content"
ROLE_RESPONSIBLE = "responsible"
ROLE_TIME = "time"
ROLE_FORM = "form"


def _cell_words(cell: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold_lower(cell)).split())


def column_role(cell: str) -> str | None:
    """What a step table's header cell names (``"Thời gian thực hiện"`` → ``"time"``), or None."""
    w = _cell_words(cell)
    if not w or len(w.split()) > 8:
        return None
    if w in {"buoc", "cac buoc", "tt", "stt", "b", "thu tu", "buoc thuc hien", "so tt"} or w.startswith("buoc "):
        return ROLE_LABEL if "noi dung" not in w and "cong viec" not in w else ROLE_CONTENT
    if w.startswith(("thoi gian", "thoi han")):
        return None if re.search(r"\bluu\b", w) else ROLE_TIME
    if any(k in w for k in ("noi dung", "cong viec", "trinh tu", "mo ta", "dien giai", "cac buoc")):
        return ROLE_CONTENT
    if any(k in w for k in ("trach nhiem", "nguoi thuc hien", "don vi thuc hien", "bo phan", "chu tri",
                            "can bo", "thuc hien", "nguoi xu ly", "don vi xu ly")):
        return ROLE_RESPONSIBLE
    if any(k in w for k in ("bieu mau", "ket qua", "ho so", "tai lieu", "mau bieu")):
        return ROLE_FORM
    return None


def header_columns(cells: Sequence[str]) -> dict[str, int] | None:
    """The column map of a step table's header row, or None (a content and a time column are
    needed; the first cell of a role wins)."""
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        role = column_role(cell)
        if role is not None and role not in roles:
            roles[role] = i
    return roles if ROLE_CONTENT in roles and ROLE_TIME in roles else None


_TOTAL = lazy_pattern(r"^\W*(?:tong\b|cong\s*(?:[:.]|$|\d))")  # "Tổng thời gian …", "Cộng: …", never "Công chức"


def _cells(line: str) -> list[str]:
    return [squash_spaces(c) for c in line.split(" | ")]


def _table_at(lines: Sequence[str], start: int, columns: Mapping[str, int]) -> StepTable:
    """The rows after a header at ``lines[start]``: each line with the header's number of cells is
    a step, a line starting ``Tổng`` the total; the table ends at the first line without cells,
    unless the next line is a row of the table again (a one-cell row across it: a phase heading)."""
    width = len(_cells(lines[start]))
    steps: list[Step] = []
    total = ""
    for at, line in enumerate(lines[start + 1:], start=start + 1):
        if " | " not in line:
            following = lines[at + 1] if at + 1 < len(lines) else ""
            if (" | " in following and len(_cells(following)) == width and not _HEADING.match(line)
                    and header_columns(_cells(following)) is None):
                continue
            break
        cells = _cells(line)
        if header_columns(cells) is not None:
            continue  # a repeated header
        if _TOTAL.match(fold_lower(cells[0])) or (not cells[0] and _TOTAL.match(fold_lower(" ".join(cells)))):
            total = next((c for c in reversed(cells) if c and not _TOTAL.match(fold_lower(c))), "")
            continue
        if len(cells) != width:
            continue  # a merged row: a phase heading, a note
        get = lambda role: cells[columns[role]] if role in columns else ""  # noqa: E731
        if not get(ROLE_CONTENT) and not get(ROLE_TIME):
            continue
        steps.append(Step(label=get(ROLE_LABEL) or str(len(steps) + 1), content=get(ROLE_CONTENT),
                          responsible=get(ROLE_RESPONSIBLE), time=get(ROLE_TIME), form=get(ROLE_FORM)))
    return StepTable(tuple(steps), SOURCE_TABLE, total)


# --------------------------------------------------------------------------------------------
# Numbered paragraphs (and tables whose cells came as lines, from a PDF)
# --------------------------------------------------------------------------------------------

_STEP_START = lazy_pattern(r"^\s*(?:(?:bước|buoc)\s*(?P<n1>\d{1,2})|b\.?(?P<n2>\d{1,2}))(?![\d.]\d)\s*[:.)\-]?\s*(?P<rest>.*)$",
                         re.IGNORECASE)
_HEADING = lazy_pattern(r"^\s*\d+(?:\.\d+)+\.?\s+\S|^\s*\d+\.\s+[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ\s,/-]{3,}$")
_LABELLED = lazy_pattern(r"^\s*[-+•]?\s*(?P<label>thời\s+gian(?:\s+(?:thực\s+hiện|giải\s+quyết|xử\s+lý))?|thời\s+hạn"
                       r"|trách\s+nhiệm|người\s+thực\s+hiện|bộ\s+phận\s+thực\s+hiện|đơn\s+vị\s+thực\s+hiện)\s*[:\-]\s*"
                       r"(?P<value>.+)$", re.IGNORECASE)


def _block_time(block: Sequence[str]) -> tuple[str, str, list[str]]:
    """(time, responsible, the other lines) of a paragraph step: the labelled lines, else the one
    time the text holds (several different ones are all kept, so the reading says unreadable)."""
    time = responsible = ""
    rest: list[str] = []
    for line in block:
        m = _LABELLED.match(line)
        if m is None:
            rest.append(line)
        elif fold_lower(m.group("label")).startswith("thoi"):
            time = time or squash_spaces(m.group("value"))
        else:
            responsible = responsible or squash_spaces(m.group("value"))
    if time:
        return time, responsible, rest
    distinct = list(dict.fromkeys(dl.times_in(" ".join(rest))))
    return "; ".join(distinct), responsible, rest


def _paragraph_steps(lines: Sequence[str]) -> StepTable:
    """Steps written ``Bước 1 …`` / ``B1 …``, numbered 1, 2, 3 … from the first ``1``."""
    starts: list[tuple[int, int, str]] = []  # (line index, number, the rest of the line)
    expected = 1
    for i, line in enumerate(lines):
        m = _STEP_START.match(line)
        if m is None or " | " in line:
            continue
        n = int(m.group("n1") or m.group("n2"))
        if n == expected:
            starts.append((i, n, m.group("rest")))
            expected += 1
        elif n == 1 and len(starts) < 2:
            starts, expected = [(i, 1, m.group("rest"))], 2
    if len(starts) < 2:
        return StepTable()
    steps: list[Step] = []
    total = ""
    for k, (i, n, rest) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        block = [rest]
        for line in lines[i + 1:stop]:
            if _TOTAL.match(fold_lower(line)) or _HEADING.match(line) or " | " in line:
                if _TOTAL.match(fold_lower(line)) and not total:
                    total = squash_spaces(re.sub(r"^[^:]*:", "", line)) if ":" in line else squash_spaces(line)
                break
            block.append(line)
        time, responsible, other = _block_time(block)
        steps.append(Step(label=f"Bước {n}", content=squash_spaces(" ".join(other)), responsible=responsible,
                          time=time))
    return StepTable(tuple(steps), SOURCE_PARAGRAPHS, total)


def read_steps(text: str) -> StepTable:
    """The steps of a procedure's text: the first step table found (by its header), else the
    numbered paragraphs; an empty :class:`StepTable` when there are neither."""
    lines = clean(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if " | " not in line:
            continue
        columns = header_columns(_cells(line))
        if columns is not None:
            table = _table_at(lines, i, columns)
            if table:
                return table
    return _paragraph_steps(lines)


# --------------------------------------------------------------------------------------------
# meta.json
# --------------------------------------------------------------------------------------------

_FIELDS = ("label", "content", "responsible", "time", "form")


def steps_to_data(table: StepTable) -> dict[str, object]:
    return {"source": table.source, "total": table.total,
            "steps": [{name: getattr(s, name) for name in _FIELDS} for s in table.steps]}


def steps_from_data(data: object) -> StepTable | None:
    """What :func:`steps_to_data` wrote (None for anything else: metadata written before steps
    were read)."""
    if not isinstance(data, Mapping):
        return None
    rows = data.get("steps")
    if not isinstance(rows, list):
        return None
    steps = tuple(Step(**{name: str(row.get(name, "") or "") for name in _FIELDS})
                  for row in rows if isinstance(row, Mapping))
    return StepTable(steps, str(data.get("source", "") or ""), str(data.get("total", "") or ""))
