"""The TTHC catalog: reading the province's lists, merging imports, (de)serialising.

Two shapes of input are read, both as a grid of cells:

* the national TTHC database export (a merged title row, then ``Mã số | Tên | Cơ quan ban hành |
  Cơ quan thực hiện | Lĩnh vực``);
* a provincial decision's list (title and decision lines, a header such as ``STT | Mã TTHC |
  Tên thủ tục hành chính | Lĩnh vực | Cấp thực hiện | Ghi chú``, section rows that set the change
  kind, level and field of the rows below them, a total line, notes).

The header row is found by its column names (any case, with or without diacritics), never by
position. :func:`parse_catalog_rows` is the pure core; the files themselves (``.xlsx``, ``.csv``)
are turned into rows of strings, within hard limits, by ``doccontrol.extract.catalog_files``.

:func:`merge_catalog` folds one parsed import into the catalog and keeps every entry's history.
Absence never abolishes: a code missing from an import is only *reported* (``missing``), because
a national export covers one ministry (a department's catalog spans several) and a decision lists
only what it changes. A TTHC is abolished only by an abolished part/section or an abolished note.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from doccontrol.core import catalog_terms as terms
from doccontrol.core.labels import shorten
from doccontrol.core.tthc_codes import tthc_key as metadata_tthc_key
from doccontrol.core.text import clean, fold_lower, nfc, squash_spaces

CHANGE_NEW = "new"
CHANGE_AMENDED = "amended"
CHANGE_ABOLISHED = "abolished"
CHANGES = (CHANGE_NEW, CHANGE_AMENDED, CHANGE_ABOLISHED)

STATUS_ACTIVE = "active"
STATUS_ABOLISHED = "abolished"

EVENT_ADDED = "added"
EVENT_AMENDED = "amended"
EVENT_ABOLISHED = "abolished"
EVENT_RENAMED = "renamed"
#: field, agency or level changed in a list that does not mark the TTHC amended (another source's
#: wording, a reorganisation): recorded, but it does not make procedures due for review
EVENT_UPDATED = "updated"
#: the deadline or the legal basis changed (its detail says old and new; it carries when it was
#: recorded): linked procedures are ``tthc_changed`` until their next revision or review
EVENT_TERMS = "terms"
EVENT_KINDS = (EVENT_ADDED, EVENT_AMENDED, EVENT_ABOLISHED, EVENT_RENAMED, EVENT_UPDATED, EVENT_TERMS)
#: Event kinds that change what a procedure must describe (they make linked procedures stale).
REVIEW_EVENTS = frozenset({EVENT_AMENDED, EVENT_RENAMED})

CATALOG_FORMAT = "doccontrol.catalog"
CATALOG_VERSION = 1


class CatalogError(Exception):
    """A catalog file or document that cannot be read at all (not a row-level problem)."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message_vi} / {self.message_en}"


# --------------------------------------------------------------------------------------------
# TTHC codes
# --------------------------------------------------------------------------------------------

# The national code: one digit, a dot, six digits (``1.001234``); the long form adds the
# implementation segments and the locality (``1.001234.000.00.00.H37``). Vietnamese-locale
# spreadsheets sometimes write the first dot as a decimal comma.
_TTHC_FULL = re.compile(r"(\d)[.,](\d{6})(?:\.[0-9A-Za-z]{1,4})*")
_TTHC_ANYWHERE = re.compile(r"(?<![\w.,])(\d)[.,](\d{6})(?:\.[0-9A-Za-z]{1,4})*(?![\w])")


def tthc_key(code: str) -> str | None:
    """The short normal form of a TTHC code as a catalog cell holds it, or ``None``.

    The normal form is :func:`doccontrol.metadata.tthc_key`'s (``1.001234.000.00.00.H37`` →
    ``1.001234``); on top of it a cell may write the first dot as a decimal comma (``1,001234``),
    a shorter suffix (``1.001234.H37``) or words around one code (``1.001234 (sửa đổi)``). A
    cell with two different codes is not a code (``None``).
    """
    exact = metadata_tthc_key(code)
    if exact is not None:
        return exact
    text = squash_spaces(clean(code))
    if not text:
        return None
    match = _TTHC_FULL.fullmatch(text)
    if match:
        return f"{match.group(1)}.{match.group(2)}"
    keys = {f"{m.group(1)}.{m.group(2)}" for m in _TTHC_ANYWHERE.finditer(text)}
    return keys.pop() if len(keys) == 1 else None


def tthc_keys_in(text: str) -> tuple[str, ...]:
    """Every distinct TTHC code in a free text, short form, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in _TTHC_ANYWHERE.finditer(clean(text)):
        seen.setdefault(f"{m.group(1)}.{m.group(2)}", None)
    return tuple(seen)


# --------------------------------------------------------------------------------------------
# Parsed shapes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogRow:
    """One listed TTHC as read from the file (``code`` is ``None`` when the code is invalid)."""

    row: int
    code: str | None
    raw_code: str
    name: str
    field: str
    agency: str
    level: str
    note: str
    change: str  # "new" | "amended" | "abolished" | ""
    sheet: str = ""
    deadline: str = ""  # Thời hạn giải quyết, as written
    fee: str = ""  # Phí, lệ phí
    basis: str = ""  # Căn cứ pháp lý (in an abolished part: the abolishing document)
    place: str = ""  # Địa điểm thực hiện

    def terms(self) -> dict[str, str]:
        """The deadline, fee, legal basis and place the row states (an abolished row states none:
        its legal-document column names the abolishing document)."""
        if self.change == CHANGE_ABOLISHED:
            return {}
        return {t: getattr(self, t) for t in terms.TERMS if getattr(self, t)}


@dataclass(frozen=True)
class DecisionRef:
    """A decision named in a title line: ``Quyết định số 345/QĐ-UBND ngày 12/3/2024``."""

    number: str
    date: dt.date | None

    def label(self) -> str:
        return self.number if self.date is None else f"{self.number} ngày {self.date:%d/%m/%Y}"


@dataclass(frozen=True)
class ParsedCatalog:
    """What one catalog file holds.

    ``problems`` are clerk-facing lines (Vietnamese / English): rows without a valid code (they
    are also in ``rows`` with ``code=None``), unrecognised lines, totals that do not add up,
    duplicate codes. ``titles`` are the title lines found above the table (and stray text lines
    naming a decision); ``decisions`` the decisions those lines name.
    """

    rows: list[CatalogRow]
    problems: list[str]
    titles: list[str] = field(default_factory=list)
    decisions: list[DecisionRef] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[CatalogRow]:
        return [r for r in self.rows if r.code is not None]


# --------------------------------------------------------------------------------------------
# Header recognition
# --------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    """Folded, lower-cased, punctuation as spaces, squashed: the form labels are compared in."""
    return " ".join(_NON_WORD.sub(" ", fold_lower(text)).split())


ROLE_STT = "stt"
ROLE_CODE = "code"
ROLE_NAME = "name"
ROLE_FIELD = "field"
ROLE_AGENCY = "agency"
ROLE_ISSUER = "issuer"
ROLE_LEVEL = "level"
ROLE_NOTE = "note"
ROLE_STATUS = "status"
ROLE_BASIS = "basis"
ROLE_DEADLINE = "deadline"
ROLE_FEE = "fee"
ROLE_PLACE = "place"


def column_role(label: str) -> str | None:
    """What a header cell names (``"Mã số TTHC"`` → ``"code"``), or ``None``."""
    w = _words(label)
    if not w:
        return None
    tokens = w.split()
    if len(tokens) > 10:
        return None
    if w in {"stt", "tt", "so tt", "so thu tu", "thu tu"}:
        return ROLE_STT
    if any(k in w for k in ("van ban", "vbqppl", "can cu", "quyet dinh", "nghi dinh", "thong tu")):
        return ROLE_BASIS
    if tokens[0] == "ma" and "linh vuc" not in w and "ho so" not in w and len(tokens) <= 7:
        return ROLE_CODE
    if w in {"so ho so tthc", "so ho so thu tuc", "so ho so thu tuc hanh chinh"}:
        return ROLE_CODE  # Lạng Sơn's decisions (552/QĐ-UBND 2023) head the code column so
    if w.startswith(("thoi han giai quyet", "thoi gian giai quyet", "thoi han thuc hien")) or w == "thoi han":
        return ROLE_DEADLINE
    if w in {"phi", "le phi", "phi le phi", "muc phi", "phi le phi neu co", "le phi neu co"} or (
            w.startswith(("phi le phi", "le phi", "muc thu phi")) and len(tokens) <= 6):
        return ROLE_FEE
    if w.startswith(("dia diem thuc hien", "dia diem tiep nhan", "noi tiep nhan", "dia diem")):
        return ROLE_PLACE
    if tokens[0] == "ten" and (len(tokens) == 1 or "thu tuc" in w or "tthc" in w):
        return ROLE_NAME
    if tokens[0] == "linh" and w.startswith("linh vuc") and len(tokens) <= 5:
        return ROLE_FIELD
    if w.startswith(("co quan ban hanh", "don vi ban hanh")):
        return ROLE_ISSUER
    if w.startswith(("co quan", "don vi")) and len(tokens) <= 6:
        return ROLE_AGENCY
    if tokens[0] == "cap" and len(tokens) <= 4:
        return ROLE_LEVEL
    if w == "ghi chu" or w.startswith("ghi chu "):
        return ROLE_NOTE
    if w in {"tinh trang", "loai", "hinh thuc", "hinh thuc cong bo", "trang thai", "noi dung thay doi"}:
        return ROLE_STATUS
    return None


def detect_header(cells: Sequence[str]) -> dict[str, int] | None:
    """The column map of a header row (role → column index), or ``None`` if it is not one.

    A header row names at least a code column and a name column. The first column of a role wins.
    """
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if not cell:
            continue
        role = column_role(cell)
        if role is not None and role not in roles:
            roles[role] = i
    if ROLE_CODE in roles and ROLE_NAME in roles:
        return roles
    return None


# --------------------------------------------------------------------------------------------
# Sections, totals, decisions
# --------------------------------------------------------------------------------------------

_KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    CHANGE_NEW: re.compile(r"\b(moi ban hanh|ban hanh moi|moi cong bo|cong bo moi)\b|^moi$"),
    CHANGE_AMENDED: re.compile(r"\b(sua doi|bo sung|thay the|dieu chinh)\b"),
    CHANGE_ABOLISHED: re.compile(r"\b(bai bo|huy bo|bi bai bo|bi huy bo|bai bo)\b"),
}


def change_kinds(text: str) -> set[str]:
    """The change kinds a label or note names (``"... SỬA ĐỔI, BỔ SUNG"`` → ``{"amended"}``)."""
    w = _words(text)
    return {kind for kind, pat in _KIND_PATTERNS.items() if pat.search(w)}


def single_change(text: str) -> str:
    """The one change kind ``text`` names, or ``""`` when it names none or several."""
    kinds = change_kinds(text)
    return kinds.pop() if len(kinds) == 1 else ""


_ROMAN = r"(?:[IVXLC]+)"
# "PHẦN I.", "Phần 2:", "PHAN II -"
_PART = re.compile(rf"^\s*(?:PHẦN|PHAN|Phần|Phan|phần)\s+(?:{_ROMAN}|\d+)\b\s*[.:\-–)]?\s*", re.IGNORECASE)
# Outline markers: "A.", "B -", "I.", "II)", "a)", and "A"/"I" alone in the STT column.
_OUTLINE = re.compile(rf"^\s*(?:{_ROMAN}|[A-H])\s*(?:[.:\-–)]\s*|\s+(?=\S)|$)|^\s*[a-h]\s*[.)]\s*")
# Numbered headings: "1.", "2)" (a heading only when what follows is a field or a change kind).
_NUMBERED = re.compile(r"^\s*\d{1,2}\s*[.:\-–)]\s*")
_FIELD_PREFIX = re.compile(r"^\s*(?:LĨNH VỰC|Lĩnh vực|lĩnh vực|LINH VUC|Linh vuc|linh vuc)\s*[:\-–]?\s*",
                           re.IGNORECASE)
_LEVEL = re.compile(r"\bcap (tinh|huyen|xa|trung uong|bo(?! sung))\b")
_LEVEL_VI = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã",
             "trung uong": "Cấp trung ương", "bo": "Cấp bộ"}
_TOTAL = re.compile(r"^(?:tong cong|tong so|tong|cong)\b[^0-9]{0,40}?(\d+)")
_TRAILING_COUNT = re.compile(r"\s*\(\s*\d+[^()]*\)\s*$")  # "Việc làm (05 TTHC)"
_ARABIC = re.compile(r"^\d{1,5}\.?$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_CODE_LIKE = re.compile(r"\d[.,]\d")

_DECISION_NUMBER = re.compile(r"\b(?:số|Số|SỐ|so|So|SO)\s*[:.]?\s*(\d{1,5}(?:/\d{4})?/[\w.\-]*[\w])")
_DATE_NUMERIC = re.compile(r"\b(?:ngày|Ngày|NGÀY|ngay)\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_DATE_WORDS = re.compile(r"\b(?:ngày|Ngày|NGÀY|ngay)\s*(\d{1,2})\s*(?:tháng|THÁNG|thang)\s*(\d{1,2})\s*"
                         r"(?:năm|NĂM|nam)\s*(\d{4})")


def find_decision(line: str) -> DecisionRef | None:
    """The decision a line names (number and, when written beside it, its date)."""
    text = nfc(line)
    m = _DECISION_NUMBER.search(text)
    if not m or "qd" not in fold_lower(m.group(1)):
        return None
    number = m.group(1)
    rest = text[m.end():]
    date = None
    dm = _DATE_NUMERIC.search(rest) or _DATE_WORDS.search(rest)
    if dm:
        try:
            date = dt.date(int(dm.group(3)), int(dm.group(2)), int(dm.group(1)))
        except ValueError:
            date = None
    return DecisionRef(number=number, date=date)


def _sentence_case(text: str) -> str:
    """``VIỆC LÀM`` → ``Việc làm``; mixed-case text is kept as written."""
    text = _TRAILING_COUNT.sub("", text).strip(" .:;-–")
    if text.isupper():
        return text[:1] + text[1:].lower()
    return text


@dataclass(frozen=True)
class _Section:
    kind: str  # "change" | "level" | "field"
    value: str


def _classify_section(text: str) -> list[_Section] | None:
    """The scope a section row sets, or ``None`` if ``text`` is not a section row.

    Returns ``[]`` for a part heading that names no change kind (it only resets the scope); the
    first element is ``_Section("part", "")`` when the row opens a new part.
    """
    out: list[_Section] = []
    body = text
    part = _PART.match(body)
    marked = bool(part)
    if part:
        out.append(_Section("part", ""))
        body = body[part.end():]
    else:
        mk = _OUTLINE.match(body)
        if mk and mk.end() < len(body):
            marked = True
            body = body[mk.end():]
        else:
            num = _NUMBERED.match(body)
            if num and num.end() < len(body):
                body = body[num.end():]
    fm = _FIELD_PREFIX.match(body)
    if fm:
        value = body[fm.end():].strip(" .:;-–")
        if value:
            out.append(_Section("field", _sentence_case(value)))
            return out
    w = _words(body)
    kind = single_change(body)
    if kind:
        out.append(_Section("change", kind))
    lv = _LEVEL.search(w)
    if lv and ("thu tuc" in w or "tthc" in w or len(w.split()) <= 3):
        out.append(_Section("level", _LEVEL_VI[lv.group(1)]))
    if out:
        return out
    if marked and not change_kinds(body) and body.strip():
        if "thu tuc" in w or "tthc" in w or "danh muc" in w:
            return [_Section("part", "")] if part else []
        # "I. Việc làm": a numbered heading with no other meaning names a field.
        return [_Section("field", _sentence_case(body.strip(" .:;-–")))]
    return None


class _Scope:
    """The section stack: a section pops everything nested since its own kind was last set."""

    def __init__(self) -> None:
        self.base_change = ""
        self.stack: list[_Section] = []

    def apply(self, sections: Iterable[_Section]) -> None:
        for sec in sections:
            if sec.kind == "part":
                self.stack.clear()
                continue
            if any(s.kind == sec.kind for s in self.stack):
                while self.stack:
                    if self.stack.pop().kind == sec.kind:
                        break
            self.stack.append(sec)

    def get(self, kind: str) -> str:
        for sec in reversed(self.stack):
            if sec.kind == kind:
                return sec.value
        return self.base_change if kind == "change" else ""


# --------------------------------------------------------------------------------------------
# The pure parser
# --------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    return clean("" if value is None else str(value)).strip()


def _one_line(text: str) -> str:
    return squash_spaces(text)


def _multi_line(text: str) -> str:
    """Several values in one cell, one a line (``Cơ quan thực hiện``) → ``a; b``."""
    parts = [squash_spaces(p) for p in text.splitlines()]
    return "; ".join(p for p in parts if p)


def _term_text(text: str) -> str:
    """A term's cell (a deadline, a fee, a legal basis, a place), its lines joined by ``; ``
    (a line's own closing ``;`` or ``,`` not doubled)."""
    parts = [squash_spaces(p).rstrip(";, ") for p in text.splitlines()]
    return "; ".join(p for p in parts if p)


def _row_text(cells: Sequence[str]) -> str:
    """The distinct non-empty cells of a row, in order, joined by a space."""
    seen: list[str] = []
    for c in cells:
        c = _one_line(c)
        if c and c not in seen:
            seen.append(c)
    return " ".join(seen)


def _where(sheet: str, row: int) -> tuple[str, str]:
    if sheet:
        return f"Trang tính «{sheet}», dòng {row}", f"sheet '{sheet}', row {row}"
    return f"Dòng {row}", f"row {row}"


def _short(text: str, limit: int = 80) -> str:
    return shorten(_one_line(text), limit)


class _ParserState(Enum):
    """Where the parser is in the sheet."""

    TITLE_BLOCK = "title block"  # before the first header row: titles, decisions, sections
    HEADER = "header"  # the row before was a header row (a second one merges, a "(1) (2)" row follows)
    TABLE = "table"  # in the table: TTHC rows, sections, totals, decision lines


@dataclass
class _CatalogParser:
    """Reads a grid of cells row by row (:meth:`feed`), then :meth:`result`."""

    sheet: str = ""
    rows: list[CatalogRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    decisions: list[DecisionRef] = field(default_factory=list)
    header: dict[str, int] = field(default_factory=dict)
    state: _ParserState = _ParserState.TITLE_BLOCK
    scope: _Scope = field(default_factory=_Scope)
    first_row_of_code: dict[str, int] = field(default_factory=dict)
    since_total: int = 0  # TTHC rows since the last total line

    def feed(self, index: int, raw: Sequence[object]) -> None:
        """One row (``index`` counts from 1)."""
        cells = [_cell(c) for c in raw]
        if not any(cells):
            return
        columns = detect_header(cells)
        if columns is not None:
            self._header_row(columns)
        elif self.state is _ParserState.TITLE_BLOCK:
            self._title_block_row(cells)
        else:
            after_header = self.state is _ParserState.HEADER
            self.state = _ParserState.TABLE
            if after_header and all(_COLUMN_NUMBER.match(c) for c in cells if c):
                return  # the "(1) (2) (3)" column-number row under a header
            self._table_row(index, cells)

    def _header_row(self, columns: dict[str, int]) -> None:
        if self.state is _ParserState.HEADER:
            # A two-row header: the second row adds the columns the first did not name.
            self.header = {**columns, **{k: v for k, v in self.header.items() if k not in columns}}
        else:
            if self.state is _ParserState.TITLE_BLOCK:
                # The title block is over: a single change kind named there is the default.
                self.scope.base_change = single_change(" ".join(self.titles))
            self.header = columns
        self.state = _ParserState.HEADER

    def _title_block_row(self, cells: list[str]) -> None:
        text = _row_text(cells)
        if _PART.match(text) or _OUTLINE.match(text):
            sections = _classify_section(text)
            if sections:
                self.scope.apply(sections)
        self._note_title("\n".join(dict.fromkeys(c for c in cells if c)))

    def _note_title(self, text: str) -> None:
        """Title lines (each once in a row) and the decisions they name."""
        for line in text.splitlines():
            line = _one_line(line)
            if not line or not any(ch.isalnum() for ch in line):
                continue
            if not self.titles or self.titles[-1] != line:
                self.titles.append(line)
            ref = find_decision(line)
            if ref is not None and ref not in self.decisions:
                self.decisions.append(ref)

    def _get(self, cells: Sequence[str], role: str) -> str:
        i = self.header.get(role)
        return cells[i] if i is not None and i < len(cells) else ""

    def _table_row(self, index: int, cells: list[str]) -> None:
        where = _where(self.sheet, index)
        raw_code = _one_line(self._get(cells, ROLE_CODE))
        name = _one_line(self._get(cells, ROLE_NAME))
        stt = _one_line(self._get(cells, ROLE_STT))
        code = tthc_key(raw_code) if raw_code else None
        numbered = bool(_ARABIC.match(stt))
        listed = numbered and bool(raw_code or name) or bool(_CODE_LIKE.search(raw_code))
        if code is None and not listed and self._other_row(cells, name, stt, numbered, where):
            return
        # A TTHC row; one listed without a valid code is kept (code=None) and reported.
        self._tthc_row(index, cells, code, raw_code, name, where)

    def _other_row(self, cells: list[str], name: str, stt: str, numbered: bool, where: tuple[str, str]) -> bool:
        """A row that lists no TTHC: a total, a section, a decision line, or a problem. False for a
        row that names a procedure after all (it has a name and no outline marker)."""
        text = _row_text(cells)
        total = _TOTAL.match(_words(text))
        if total:
            self._check_total(int(total.group(1)), where)
            return True
        # A section row holds one text (beside an outline marker in the STT column).
        texts = {_one_line(c) for i, c in enumerate(cells) if c and i != self.header.get(ROLE_STT)}
        sections = _classify_section(text) if len(texts) <= 1 else None
        if sections is not None:
            self.scope.apply(sections)
            return True
        if find_decision(text) is not None:
            self._note_title(text)
            return True
        if not name or (stt and not numbered):
            self.problems.append(f"{where[0]}: dòng không nhận diện được, bỏ qua («{_short(text)}») / "
                                 f"{where[1]}: unrecognised line, skipped")
            return True
        return False

    def _check_total(self, stated: int, where: tuple[str, str]) -> None:
        if stated not in (self.since_total, len(self.rows)):
            self.problems.append(
                f"{where[0]}: dòng tổng ghi {stated} thủ tục nhưng bảng có {self.since_total} / "
                f"{where[1]}: the total line says {stated}, the table lists {self.since_total}"
            )
        self.since_total = 0

    def _tthc_row(self, index: int, cells: list[str], code: str | None, raw_code: str, name: str,
                  where: tuple[str, str]) -> None:
        note = _one_line(self._get(cells, ROLE_NOTE))
        status = _one_line(self._get(cells, ROLE_STATUS))
        basis = _one_line(self._get(cells, ROLE_BASIS))
        self.rows.append(CatalogRow(
            row=index,
            code=code,
            raw_code=raw_code,
            name=name,
            field=_one_line(self._get(cells, ROLE_FIELD)) or self.scope.get("field"),
            agency=_multi_line(self._get(cells, ROLE_AGENCY)),
            level=_one_line(self._get(cells, ROLE_LEVEL)) or self.scope.get("level"),
            note=" | ".join(p for p in (status, note, basis) if p),
            change=single_change(status) or single_change(note) or self.scope.get("change"),
            sheet=self.sheet,
            deadline=_term_text(self._get(cells, ROLE_DEADLINE)),
            fee=_term_text(self._get(cells, ROLE_FEE)),
            basis=_term_text(self._get(cells, ROLE_BASIS)),
            place=_term_text(self._get(cells, ROLE_PLACE)),
        ))
        self.since_total += 1
        self._check_tthc_row(index, code, raw_code, name, where)
        self._check_deadline(self.rows[-1], where)

    def _check_deadline(self, row: CatalogRow, where: tuple[str, str]) -> None:
        """A deadline that cannot be read is kept as written and reported, never guessed."""
        problem = terms.deadline_problem(row.terms().get(terms.DEADLINE, ""))
        if problem is not None:
            what = f"mã {row.code}" if row.code else "dòng không có mã"
            self.problems.append(
                f"{where[0]}: {what}: không đọc được thời hạn giải quyết «{_short(row.deadline)}» ({problem[0]}); "
                f"giữ nguyên văn bản, không suy đoán / {where[1]}: the deadline '{_short(row.deadline)}' cannot be "
                f"read ({problem[1]}); kept as written, not guessed")

    def _check_tthc_row(self, index: int, code: str | None, raw_code: str, name: str,
                        where: tuple[str, str]) -> None:
        """Report a row without a valid code or a name, and a code listed twice."""
        where_vi, where_en = where
        if code is None:
            shown = f"«{raw_code}»" if raw_code else "ô mã để trống"
            shown_en = f"'{raw_code}'" if raw_code else "code cell empty"
            self.problems.append(
                f"{where_vi}: không có mã TTHC hợp lệ ({shown}; tên: «{_short(name)}») / "
                f"{where_en}: no valid TTHC code ({shown_en})"
            )
            return
        if not name:
            self.problems.append(f"{where_vi}: mã {code} không có tên thủ tục / {where_en}: "
                                 f"code {code} has no name")
        first = self.first_row_of_code.get(code)
        if first is not None:
            self.problems.append(f"{where_vi}: mã {code} đã có ở dòng {first} / {where_en}: "
                                 f"code {code} already listed at row {first}")
        else:
            self.first_row_of_code[code] = index

    def result(self, saw_cells: bool) -> ParsedCatalog:
        """What was read; ``saw_cells``: the grid had a non-empty cell (then a missing header is a problem)."""
        if self.state is _ParserState.TITLE_BLOCK and saw_cells:
            where = f"Trang tính «{self.sheet}»: " if self.sheet else ""
            where_en = f"sheet '{self.sheet}': " if self.sheet else ""
            self.problems.append(
                f"{where}không tìm thấy dòng tiêu đề cột (cần cột «Mã TTHC» và «Tên thủ tục») / "
                f"{where_en}no header row found (a code column and a name column are needed)"
            )
        return ParsedCatalog(rows=self.rows, problems=self.problems, titles=self.titles, decisions=self.decisions)


def parse_catalog_rows(rows: Sequence[Sequence[object]], sheet: str = "") -> ParsedCatalog:
    """Read a catalog from a grid of cells (row 1 first). Pure.

    Every row after the header that is neither a TTHC row, a section, a total nor a line naming a
    decision becomes a problem, so nothing is dropped without a word. Rows that list a procedure
    without a valid code are kept in ``rows`` with ``code=None`` and reported. The states of the
    reading (title block, header, table) are those of :class:`_CatalogParser`.
    """
    parser = _CatalogParser(sheet)
    for index, raw in enumerate(rows, start=1):
        parser.feed(index, raw)
    return parser.result(any(any(_cell(c) for c in r) for r in rows))


# --------------------------------------------------------------------------------------------
# Text exports (the files themselves are read by ``doccontrol.extract.catalog_files``)
# --------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Bytes of a text export → NFC text: UTF-8 (with or without BOM), UTF-16 with BOM, else
    Windows-1258 (whose Vietnamese uses combining tone marks, hence the NFC)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return nfc(data.decode("utf-16"))
    try:
        return nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        return nfc(data.decode("cp1258"))
    except UnicodeDecodeError as exc:
        raise CatalogError(
            "không đọc được bảng mã của tệp (không phải UTF-8 hay Windows-1258)",
            f"cannot decode the file as UTF-8 or Windows-1258: {exc}",
        ) from exc


# --------------------------------------------------------------------------------------------
# The catalog and its history
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogEvent:
    date: dt.date | None
    decision: str
    kind: str  # one of EVENT_KINDS
    detail: str = ""
    recorded: str = ""  # EVENT_TERMS: when the import recorded it (ISO 8601), "" otherwise


@dataclass(frozen=True)
class Tthc:
    code: str  # short normal form, "1.001234"
    name: str
    field: str
    agency: str
    level: str
    status: str  # "active" | "abolished"
    history: tuple[CatalogEvent, ...] = ()
    deadline: str = ""  # Thời hạn giải quyết, as the catalog writes it ("" = not published)
    fee: str = ""  # Phí, lệ phí
    basis: str = ""  # Căn cứ pháp lý
    place: str = ""  # Địa điểm thực hiện

    @property
    def active(self) -> bool:
        return self.status == STATUS_ACTIVE

    def last_change(self, kinds: frozenset[str] = REVIEW_EVENTS) -> CatalogEvent | None:
        """The latest dated event of the given kinds (amendments by default); on equal dates the
        one recorded last."""
        best: CatalogEvent | None = None
        for e in self.history:
            if e.kind in kinds and e.date is not None and (best is None or e.date >= best.date):  # type: ignore[operator]
                best = e
        return best


@dataclass(frozen=True)
class CatalogChanges:
    """What one import did, code lists sorted."""

    decision: str
    decision_date: dt.date | None
    added: tuple[str, ...] = ()
    amended: tuple[str, ...] = ()
    renamed: tuple[str, ...] = ()
    abolished: tuple[str, ...] = ()
    reinstated: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()  # field/agency/level changed without an amendment
    terms_changed: tuple[str, ...] = ()  # deadline or legal basis changed (EVENT_TERMS)
    unchanged: tuple[str, ...] = ()
    #: active codes of the catalog this import does not list (reported, never abolished)
    missing: tuple[str, ...] = ()
    #: rows without a valid code (their problems are in the ParsedCatalog)
    skipped_rows: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.amended or self.renamed or self.abolished or self.reinstated
                    or self.updated or self.terms_changed)

    def as_json(self) -> dict[str, object]:
        return {
            "decision": self.decision,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "added": list(self.added),
            "amended": list(self.amended),
            "renamed": list(self.renamed),
            "abolished": list(self.abolished),
            "reinstated": list(self.reinstated),
            "updated": list(self.updated),
            "terms_changed": list(self.terms_changed),
            "unchanged": len(self.unchanged),
            "missing": list(self.missing),
            "skipped_rows": list(self.skipped_rows),
        }

    def summary_lines(self) -> list[str]:
        """A clerk-facing summary, Vietnamese with the English beside it."""
        label = self.decision + (f" ngày {self.decision_date:%d/%m/%Y}" if self.decision_date else "")
        return [
            f"Nhập danh mục theo {label} / catalog import under {label}",
            f"Thêm mới: {len(self.added)} / added",
            f"Sửa đổi, bổ sung: {len(self.amended)} / amended",
            f"Đổi tên: {len(self.renamed)} / renamed",
            f"Bãi bỏ: {len(self.abolished)} / abolished",
            f"Khôi phục: {len(self.reinstated)} / reinstated",
            f"Cập nhật lĩnh vực, cơ quan, cấp thực hiện: {len(self.updated)} / field, agency or level updated",
            f"Thay đổi thời hạn giải quyết hoặc căn cứ pháp lý: {len(self.terms_changed)} / deadline or legal "
            "basis changed",
            f"Không đổi: {len(self.unchanged)} / unchanged",
            f"Có trong danh mục nhưng không có trong tệp này (không bãi bỏ): {len(self.missing)} / "
            f"in the catalog, not in this file (not abolished)",
            f"Dòng bị bỏ qua vì không có mã hợp lệ: {len(self.skipped_rows)} / rows skipped, no valid code",
        ]


_LEADING_THU_TUC = re.compile(r"^thủ tục\s+")


def _text_form(text: str) -> str:
    """Case, spacing and punctuation do not make a difference; diacritics do."""
    return " ".join(_NON_WORD.sub(" ", nfc(text).casefold()).split())


def _same(a: str, b: str) -> bool:
    return _text_form(a) == _text_form(b)


def _same_name(a: str, b: str) -> bool:
    """Names compare as :func:`_same`, and a leading "Thủ tục" (the national database writes it,
    decisions often do not) is no difference either."""
    return _LEADING_THU_TUC.sub("", _text_form(a)) == _LEADING_THU_TUC.sub("", _text_form(b))


def _has_event(t: Tthc, decision: str, kind: str) -> bool:
    return any(e.decision == decision and e.kind == kind for e in t.history)


_ATTR_VI = {"name": "Tên", "field": "Lĩnh vực", "agency": "Cơ quan thực hiện", "level": "Cấp thực hiện",
            **terms.TERM_VI}


@dataclass(frozen=True)
class _RowValues:
    """A known code's values after one row: the name, field, agency and level, and what changed."""

    values: dict[str, str]
    diffs: list[str]  # "Lĩnh vực: «old» → «new»" for each field, agency, level, fee, place that changed
    rename_detail: str  # "Tên: «old» → «new»", "" when the name did not change
    terms_diffs: list[str] = field(default_factory=list)  # the deadline or legal basis changed

    @property
    def renamed(self) -> bool:
        return bool(self.rename_detail)


def _row_values(old: Tthc, row: CatalogRow) -> _RowValues:
    """``old``'s values with the row's non-empty ones; case, spacing and punctuation are no change.
    A term stated for the first time is no change either; one that changes is (``catalog_terms``)."""
    values = {"name": old.name, "field": old.field, "agency": old.agency, "level": old.level,
              **{t: getattr(old, t) for t in terms.TERMS}}
    diffs: list[str] = []
    terms_diffs: list[str] = []
    for attr in ("field", "agency", "level"):
        new_value = getattr(row, attr)
        if new_value and not _same(new_value, values[attr]):
            if values[attr]:
                diffs.append(f"{_ATTR_VI[attr]}: «{values[attr]}» → «{new_value}»")
            values[attr] = new_value
    for term, new_value in row.terms().items():
        if terms.same(term, values[term], new_value):
            continue
        if values[term]:
            (terms_diffs if term in terms.CHECKED else diffs).append(
                terms.change_detail(term, values[term], new_value))
        values[term] = new_value
    name_changed = bool(row.name) and not _same_name(row.name, old.name)
    if name_changed:
        values["name"] = row.name
    return _RowValues(values, diffs, f"Tên: «{old.name}» → «{row.name}»" if name_changed else "", terms_diffs)


@dataclass
class _Merge:
    """One import being folded into the catalog: the catalog so far and what happened to each code."""

    decision: str
    decision_date: dt.date | None
    result: dict[str, Tthc]
    recorded: str = ""  # when this import is recorded (ISO 8601): carried by its EVENT_TERMS events
    added: set[str] = field(default_factory=set)
    amended: set[str] = field(default_factory=set)
    renamed: set[str] = field(default_factory=set)
    abolished: set[str] = field(default_factory=set)
    reinstated: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    terms_changed: set[str] = field(default_factory=set)
    touched: set[str] = field(default_factory=set)
    skipped: list[int] = field(default_factory=list)

    def event(self, kind: str, detail: str) -> CatalogEvent:
        return CatalogEvent(date=self.decision_date, decision=self.decision, kind=kind, detail=detail)

    def fold(self, row: CatalogRow) -> None:
        if row.code is None:
            self.skipped.append(row.row)
            return
        self.touched.add(row.code)
        old = self.result.get(row.code)
        self.result[row.code] = self._new_code(row.code, row) if old is None else self._known_code(row.code, old, row)

    def _new_code(self, code: str, row: CatalogRow) -> Tthc:
        """An unknown code: added (and amended, from an amended part), or entered as abolished."""
        status = STATUS_ABOLISHED if row.change == CHANGE_ABOLISHED else STATUS_ACTIVE
        history = [self.event(EVENT_ADDED, "nhập lần đầu / first import")]
        if row.change == CHANGE_AMENDED:
            history.append(self.event(EVENT_AMENDED, "thuộc phần sửa đổi, bổ sung / listed as amended"))
        if status == STATUS_ABOLISHED:
            history.append(self.event(EVENT_ABOLISHED, row.note or "thuộc phần bãi bỏ / listed as abolished"))
            self.abolished.add(code)
        else:
            self.added.add(code)
        return Tthc(code=code, name=row.name, field=row.field, agency=row.agency, level=row.level, status=status,
                    history=tuple(history), **row.terms())

    def _known_code(self, code: str, old: Tthc, row: CatalogRow) -> Tthc:
        """A known code: abolished, or kept active with the events its changes call for."""
        history = list(old.history)
        now = _row_values(old, row)
        if row.change == CHANGE_ABOLISHED:
            self._abolish(code, old, row, history)
            status = STATUS_ABOLISHED
        else:
            self._keep_active(code, old, row, now, history)
            status = STATUS_ACTIVE
        return replace(old, status=status, history=tuple(history), **now.values)

    def _abolish(self, code: str, old: Tthc, row: CatalogRow, history: list[CatalogEvent]) -> None:
        if old.status != STATUS_ABOLISHED and not _has_event(old, self.decision, EVENT_ABOLISHED):
            history.append(self.event(EVENT_ABOLISHED, row.note or "thuộc phần bãi bỏ / listed as abolished"))
            self.abolished.add(code)

    def _keep_active(self, code: str, old: Tthc, row: CatalogRow, now: _RowValues,
                     history: list[CatalogEvent]) -> None:
        if old.status == STATUS_ABOLISHED:
            history.append(self.event(EVENT_ADDED, "khôi phục sau khi bị bãi bỏ / reinstated"))
            self.reinstated.add(code)
        if now.renamed:
            self.renamed.add(code)
        if now.terms_diffs:
            history.append(CatalogEvent(self.decision_date, self.decision, EVENT_TERMS, "; ".join(now.terms_diffs),
                                        self.recorded))
            self.terms_changed.add(code)
        if row.change == CHANGE_AMENDED:
            # One "amended" event says everything that changed, the name included.
            if not _has_event(old, self.decision, EVENT_AMENDED):
                detail = "; ".join(([now.rename_detail] if now.renamed else []) + now.diffs)
                history.append(self.event(EVENT_AMENDED, detail or "sửa đổi, bổ sung / amended"))
                self.amended.add(code)
            return
        if now.renamed and not _has_event(old, self.decision, EVENT_RENAMED):
            history.append(self.event(EVENT_RENAMED, now.rename_detail))
        if now.diffs and not _has_event(old, self.decision, EVENT_UPDATED):
            history.append(self.event(EVENT_UPDATED, "; ".join(now.diffs)))
            self.updated.add(code)

    def changes(self, before: Mapping[str, Tthc]) -> CatalogChanges:
        """What the import did; ``missing``: the active codes of ``before`` it did not list."""
        unchanged = (self.touched - self.added - self.amended - self.renamed - self.abolished - self.reinstated
                     - self.updated - self.terms_changed)
        missing = {c for c, t in before.items() if t.active and c not in self.touched}
        return CatalogChanges(
            decision=self.decision,
            decision_date=self.decision_date,
            added=tuple(sorted(self.added)),
            amended=tuple(sorted(self.amended)),
            renamed=tuple(sorted(self.renamed)),
            abolished=tuple(sorted(self.abolished)),
            reinstated=tuple(sorted(self.reinstated)),
            updated=tuple(sorted(self.updated)),
            terms_changed=tuple(sorted(self.terms_changed)),
            unchanged=tuple(sorted(unchanged)),
            missing=tuple(sorted(missing)),
            skipped_rows=tuple(self.skipped),
        )


def merge_catalog(
    current: Mapping[str, Tthc],
    parsed: ParsedCatalog,
    decision: str,
    decision_date: dt.date | None,
    recorded: str = "",
) -> tuple[dict[str, Tthc], CatalogChanges]:
    """Fold one import into the catalog. Pure: ``current`` is not modified.

    * an unknown code is added (event ``added``; a row from an amended part also gets an
      ``amended`` event, so procedures older than the decision are reviewed);
    * a known code listed as amended gets one ``amended`` event whose detail names each change
      (name, field, agency, level); on a row not marked amended (a newer national export) a
      changed name gives ``renamed`` and a changed field/agency/level gives ``updated``.
      ``amended`` and ``renamed`` make procedures dated before the decision due for review;
      ``updated`` does not. Case, spacing, punctuation and a leading "Thủ tục" are no change.
      ``changes.renamed`` lists every code whose name changed;
    * a row of an abolished part/note abolishes the code (kept, with its history; an unknown
      code is entered directly as abolished);
    * an abolished code listed again as new/amended/plain is reinstated (``added``);
    * empty cells never erase known values; re-importing the same decision adds no event;
    * codes of the catalog absent from the import are reported in ``missing`` only;
    * the deadline, fee, legal basis and place (``catalog_terms``) are kept when a row states them
      (never from an abolished row); a changed deadline or legal basis adds an ``terms`` event
      saying old and new, stamped ``recorded`` (when the import is recorded, ISO 8601), and is
      listed in ``changes.terms_changed``; a changed fee or place is in the amended or updated
      event's detail.
    """
    merge = _Merge(squash_spaces(nfc(decision)), decision_date, dict(current), recorded)
    for row in parsed.rows:
        merge.fold(row)
    return merge.result, merge.changes(current)


def import_to_undo(changes: Sequence[tuple[str, str | None]]) -> str | None:
    """The import ``catalog undo`` reverts: the newest one not reverted yet. ``changes``: the
    commits that changed the catalog, newest first, as (commit, the import it reverted — None for
    an import). Everything after it is then an undo or a reverted import, so the catalog goes back
    to what it was just before it."""
    undone: set[str] = set()
    for commit, reverts in changes:
        if reverts is not None:
            undone.add(reverts)
        elif commit not in undone:
            return commit
    return None


def decision_of(parsed: ParsedCatalog) -> DecisionRef | None:
    """The decision a file names in its title lines (the first one), if any."""
    return parsed.decisions[0] if parsed.decisions else None


# --------------------------------------------------------------------------------------------
# (De)serialisation: one JSON document, sorted, stable, NFC
# --------------------------------------------------------------------------------------------


def _event_to_json(e: CatalogEvent) -> dict[str, object]:
    out: dict[str, object] = {"date": e.date.isoformat() if e.date else None, "decision": nfc(e.decision),
                              "kind": e.kind, "detail": nfc(e.detail)}
    if e.recorded:
        out["recorded"] = e.recorded
    return out


def tthc_to_json(t: Tthc) -> dict[str, object]:
    """A TTHC as the catalog file keeps it; the terms only when the catalog published them."""
    out: dict[str, object] = {
        "code": t.code,
        "name": nfc(t.name),
        "field": nfc(t.field),
        "agency": nfc(t.agency),
        "level": nfc(t.level),
        "status": t.status,
        "history": [_event_to_json(e) for e in t.history],
    }
    out.update({term: nfc(getattr(t, term)) for term in terms.TERMS if getattr(t, term)})
    return out


def catalog_to_json(cat: Mapping[str, Tthc]) -> str:
    """The catalog as a diff-friendly JSON text: entries sorted by code, keys sorted, UTF-8
    characters as themselves, NFC, two-space indent, a final newline. History keeps its order."""
    doc = {
        "format": CATALOG_FORMAT,
        "version": CATALOG_VERSION,
        "tthc": [tthc_to_json(cat[k]) for k in sorted(cat)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _parse_date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"date must be a string, not {value!r}")
    return dt.date.fromisoformat(value)


def catalog_from_json(text: str) -> dict[str, Tthc]:
    """Read what :func:`catalog_to_json` wrote. Raises :class:`CatalogError` when malformed."""
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != CATALOG_FORMAT:
            raise ValueError("not a doccontrol catalog")
        if doc.get("version") != CATALOG_VERSION:
            raise ValueError(f"unsupported catalog version {doc.get('version')!r}")
        out: dict[str, Tthc] = {}
        for item in doc["tthc"]:
            code = tthc_key(item["code"])
            if code is None:
                raise ValueError(f"invalid TTHC code {item['code']!r}")
            status = item["status"]
            if status not in (STATUS_ACTIVE, STATUS_ABOLISHED):
                raise ValueError(f"invalid status {status!r} for {code}")
            history = []
            for ev in item.get("history", []):
                if ev["kind"] not in EVENT_KINDS:
                    raise ValueError(f"invalid event kind {ev['kind']!r} for {code}")
                history.append(CatalogEvent(date=_parse_date(ev.get("date")),
                                            decision=nfc(ev.get("decision", "")),
                                            kind=ev["kind"], detail=nfc(ev.get("detail", "")),
                                            recorded=str(ev.get("recorded") or "")))
            out[code] = Tthc(code=code, name=nfc(item.get("name", "")), field=nfc(item.get("field", "")),
                             agency=nfc(item.get("agency", "")), level=nfc(item.get("level", "")),
                             status=status, history=tuple(history),
                             **{term: nfc(str(item.get(term) or "")) for term in terms.TERMS})
        return out
    except (ValueError, KeyError, TypeError) as exc:
        raise CatalogError("tệp danh mục TTHC bị hỏng", f"malformed catalog file: {exc}") from exc
