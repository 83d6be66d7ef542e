"""Read a procedure's metadata from its extracted text (pure, no I/O).

Input is what the extract stage produces: NFC text, lines separated by ``"\\n"``, a Word table
row on ONE line with its cells joined by ``" | "``, page-header text first, footers last.

What is read:

- the procedure code after ``Mã hiệu`` / ``Mã số`` / ``Mã quy trình`` / ``Ký hiệu``;
- the revision after ``Lần ban hành`` / ``Lần BH`` / ``Lần sửa đổi`` / ``Phiên bản``;
- the dates after ``Ngày ban hành`` and ``Ngày (có) hiệu lực``;
- the title: the line after a ``QUY TRÌNH`` heading, else the document properties' title,
  else the first heading-like line;
- the national TTHC codes (``1.001234`` or ``1.001234.000.00.00.H37``) anywhere in the text.

Labels are written below in folded ASCII (``ma hieu``) and compiled into accent- and
case-insensitive patterns (``[mM…][aAàáảãạăắ…]…``) that run on the NFC text itself, so a label
matches with or without diacritics, in any case, and every value is cut from the original.

A label's value is looked for, in order: in the same table cell after the label (colon
optional); in the next cell of the same row when the label's cell holds nothing else; on the
next non-empty line when the label ends its line. A table whose first row holds only labels and
whose next row holds the values (``Mã hiệu | Lần ban hành`` / ``QT-01 | 02``) is read column by
column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from doccontrol.core.citations import citation_refs
from doccontrol.core.model import DocProperties, Metadata
from doccontrol.core.text import clean, code_key, fold, squash_spaces

__all__ = ["find_tthc_codes", "parse_date", "read_metadata", "tthc_key"]

# --------------------------------------------------------------------------------------------
# Accent- and case-insensitive patterns, from ``doccontrol.text.fold`` (folding stays one
# function): every ASCII letter of a pattern becomes the class of the letters that fold to it.


def _letter_variants() -> dict[str, str]:
    variants: dict[str, set[str]] = {}
    for block in (range(0x00C0, 0x0250), range(0x1E00, 0x1F00)):
        for cp in block:
            ch = chr(cp)
            folded = fold(ch)
            if len(folded) == 1 and folded.isascii() and folded.isalpha() and folded != ch:
                variants.setdefault(folded.lower(), set()).add(ch)
    return {k: "".join(sorted(v)) for k, v in variants.items()}


_VARIANTS = _letter_variants()
_GROUP_PREFIX = re.compile(r"\(\?(?:[:=!]|<[=!]|P<\w+>|[aiLmsux]*(?:-[imsx]+)?:)")


def _accent_insensitive(src: str) -> str:
    """Rewrite a regular expression written in folded ASCII so that each letter outside
    character classes, escapes and group prefixes also matches its accented forms."""
    out: list[str] = []
    i, n, in_class = 0, len(src), False
    while i < n:
        ch = src[i]
        if ch == "\\":
            out.append(src[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(" and src.startswith("(?", i):
            prefix = _GROUP_PREFIX.match(src, i)
            if prefix is None:
                raise ValueError(f"unsupported group in {src!r}")
            out.append(prefix.group())
            i = prefix.end()
            continue
        elif ch == "{":
            close = src.index("}", i)
            out.append(src[i : close + 1])
            i = close + 1
            continue
        elif ch.isascii() and ch.isalpha():
            low = ch.lower()
            out.append(f"[{low}{low.upper()}{_VARIANTS.get(low, '')}]")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _compile(src: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(_accent_insensitive(src), flags | re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Labels, written folded (matched with and without diacritics, any case).

_S = r"[ \t]+"  # one or more blanks between the words of a label

_CODE_LABEL_SRC = (
    rf"ma{_S}hieu|ma{_S}so|ma{_S}quy{_S}trinh|ky{_S}hieu"
)
_REV_LABEL_SRC = (
    rf"lan{_S}ban{_S}hanh|lan{_S}bh|lan{_S}sua{_S}doi(?:[ \t]*[/,][ \t]*bo{_S}sung)?|phien{_S}ban"
)
_ISSUED_LABEL_SRC = rf"ngay{_S}ban{_S}hanh"
_EFFECTIVE_LABEL_SRC = rf"ngay{_S}(?:co{_S})?hieu{_S}luc"
# Other labels of a procedure's header block: they end a value but carry nothing we read.
_OTHER_LABEL_SRC = (
    rf"trang[ \t]*:|so{_S}trang|ten{_S}quy{_S}trinh|linh{_S}vuc[ \t]*:|don{_S}vi{_S}soan{_S}thao"
    rf"|ngay{_S}sua{_S}doi|ma{_S}tthc|ma{_S}thu{_S}tuc"
)

_CODE_LABEL = _compile(rf"\b(?:{_CODE_LABEL_SRC})\b", re.MULTILINE)
_REV_LABEL = _compile(rf"\b(?:{_REV_LABEL_SRC})\b", re.MULTILINE)
_ISSUED_LABEL = _compile(rf"\b(?:{_ISSUED_LABEL_SRC})\b", re.MULTILINE)
_EFFECTIVE_LABEL = _compile(rf"\b(?:{_EFFECTIVE_LABEL_SRC})\b", re.MULTILINE)
_ANY_LABEL_SRC = (
    rf"(?:{_CODE_LABEL_SRC}|{_REV_LABEL_SRC}|{_ISSUED_LABEL_SRC}|{_EFFECTIVE_LABEL_SRC}"
    rf"|{_OTHER_LABEL_SRC})"
)
_ANY_LABEL = _compile(rf"\b{_ANY_LABEL_SRC}(?![^\W_])", re.MULTILINE)

# After a code label: words that make it some other code's label ("Mã số thuế", "Mã số TTHC",
# "Ký hiệu viết tắt", "Mã hiệu biểu mẫu" ...).
_NOT_A_PROCEDURE_CODE = _compile(
    r"[ \t]*[:.]?[ \t]*(?:thue|tthc|thu[ \t]+tuc|ho[ \t]+so|doanh[ \t]+nghiep|bhxh|bhyt|"
    r"bao[ \t]+hiem|dinh[ \t]+danh|cccd|cmnd|can[ \t]+cuoc|bieu[ \t]+mau|bm|van[ \t]+ban|"
    r"viet[ \t]+tat|giai[ \t]+thich|dien[ \t]+giai|y[ \t]+nghia|noi[ \t]+dung|ten|don[ \t]+vi|"
    r"ca[ \t]+nhan|to[ \t]+chuc|nguoi|khach[ \t]+hang|san[ \t]+pham|hang[ \t]+hoa|"
    r"ngan[ \t]+sach|buu[ \t]+chinh|dien[ \t]+thoai|tai[ \t]+khoan|hop[ \t]+dong)"
    r"(?![^\W_])"
)
# Words a code label may carry before its value: "Mã hiệu tài liệu:", "Mã số quy trình:".
_CODE_QUALIFIER = _compile(rf"{_S}(?:tai{_S}lieu|quy{_S}trinh)\b")

_AFTER_LABEL = re.compile(r"[ \t]*[:：]?[ \t]*")
_CELL_SEP = "|"
_BULLETS = " \t-+*•–·>"

# --------------------------------------------------------------------------------------------
# TTHC codes.

_TTHC_FULL_SUFFIX = r"\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Za-z][0-9]{2}"
# The first digit is matched before the look-behind (much faster than a leading look-behind).
_TTHC_IN_TEXT = re.compile(
    rf"([0-9])(?<![\w.,/][0-9])\.([0-9]{{6}})(?:{_TTHC_FULL_SUFFIX})?(?![\w]|[.,/\-][0-9])"
)
_TTHC_EXACT = re.compile(rf"([0-9])\.([0-9]{{6}})(?:{_TTHC_FULL_SUFFIX})?")


def tthc_key(code: str) -> str | None:
    """The short normal form of a national TTHC code, or ``None`` when it is not one.

    ``"1.001234.000.00.00.H37"``, ``"1.001234"`` and ``" 1.001234 "`` all give ``"1.001234"``.
    """
    if not isinstance(code, str):
        return None
    match = _TTHC_EXACT.fullmatch(clean(code).strip())
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


# --------------------------------------------------------------------------------------------
# Dates.

_NUMERIC_DATE = re.compile(
    r"(?<![0-9])([0-9]{1,2})[ \t]*([/.\-])[ \t]*([0-9]{1,2})[ \t]*\2[ \t]*([0-9]{4})(?![0-9])"
)
_WORDED_DATE = _compile(
    r"\bngay[ \t]+([0-9]{1,2})[ \t]+thang[ \t]+([0-9]{1,2})[ \t]*,?[ \t]+nam[ \t]+([0-9]{4})(?![0-9])"
)


def _make_date(day: str, month: str, year: str) -> dt.date | None:
    y = int(year)
    if not 1900 <= y <= 2199:
        return None
    try:
        return dt.date(y, int(month), int(day))
    except ValueError:
        return None


def _first_date(text: str) -> dt.date | None:
    """The first date written in ``text`` (numeric or in words); ``None`` when there is none
    or when the first one is not a real date (31/02/2024)."""
    numeric = _NUMERIC_DATE.search(text)
    worded = _WORDED_DATE.search(text)
    if numeric and (worded is None or numeric.start() <= worded.start()):
        return _make_date(numeric.group(1), numeric.group(3), numeric.group(4))
    if worded:
        return _make_date(worded.group(1), worded.group(2), worded.group(3))
    return None


def parse_date(text: str) -> dt.date | None:
    """Parse the first date in ``text``.

    ``"05/03/2024"``, ``"5/3/2024"``, ``"05-03-2024"``, ``"05.03.2024"`` and
    ``"ngày 5 tháng 3 năm 2024"`` (with or without diacritics) give ``date(2024, 3, 5)``.
    A date that does not exist (``31/02/2024``) and a text without a date give ``None``.
    """
    return _first_date(clean(text))


# --------------------------------------------------------------------------------------------
# The document: lines, cells, values after labels.


class _Doc:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

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


def _cell_bounds(doc: _Doc, pos: int, line_start: int, line_end: int) -> tuple[int, int]:
    start = doc.text.rfind(_CELL_SEP, line_start, pos)
    start = line_start if start < 0 else start + 1
    end = doc.text.find(_CELL_SEP, pos, line_end)
    return start, (line_end if end < 0 else end)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


def _starts_with_label(doc: _Doc, start: int, end: int) -> bool:
    match = _ANY_LABEL.match(doc.text, start, end)
    return match is not None


def _value_spans(doc: _Doc, label_end: int) -> Iterator[tuple[int, int]]:
    """Where the value of a label ending at ``label_end`` may be, best first: the rest of the
    label's cell (up to the next label), the next cell, or the first cell of the next line."""
    line_start, line_end = doc.line_bounds(label_end)
    after = _AFTER_LABEL.match(doc.text, label_end, line_end)
    pos = after.end() if after else label_end
    _, cell_end = _cell_bounds(doc, pos, line_start, line_end)
    next_label = _ANY_LABEL.search(doc.text, pos, cell_end)
    seg_end = next_label.start() if next_label else cell_end
    start, end = _strip_span(doc.text, pos, seg_end)
    if start < end:
        yield start, end
        return
    if next_label is not None:  # "Mã hiệu: Lần ban hành: 02": this label has no value
        return
    if cell_end < line_end:  # the value is in the next cell of the row
        nxt_start = cell_end + 1
        nxt_end = doc.text.find(_CELL_SEP, nxt_start, line_end)
        nxt_end = line_end if nxt_end < 0 else nxt_end
        start, end = _strip_span(doc.text, nxt_start, nxt_end)
        if start < end and not _starts_with_label(doc, start, end):
            yield start, end
        return
    nxt = doc.next_line(line_end)  # the label ends its line: the value is on the next line
    if nxt is None:
        return
    first_cell_end = doc.text.find(_CELL_SEP, nxt[0], nxt[1])
    first_cell_end = nxt[1] if first_cell_end < 0 else first_cell_end
    start, end = _strip_span(doc.text, nxt[0], first_cell_end)
    if start < end and not _starts_with_label(doc, start, end):
        next_label = _ANY_LABEL.search(doc.text, start + 1, end)
        yield start, (next_label.start() if next_label else end)


def _label_is_heading(doc: _Doc, label_start: int) -> bool:
    """A label that starts its cell (after bullets), or a capitalised label after a blank (several
    labels on one line), as opposed to a label inside a sentence ("... có mã hiệu QT-02")."""
    line_start, line_end = doc.line_bounds(label_start)
    cell_start, _ = _cell_bounds(doc, label_start, line_start, line_end)
    before = doc.text[cell_start:label_start]
    if not before.strip(_BULLETS):
        return True
    return doc.text[label_start].isupper() and before[-1] in " \t"


# --------------------------------------------------------------------------------------------
# Procedure code.

_CODE_TOKEN = re.compile(r"[^\W_]+(?:[-./_][^\W_]+)*[-./_]?")
_LONE_SEPARATOR = frozenset("-/.")
_TOKEN_TRAIL = ",;)]}\"'”’"
_TOKEN_LEAD = "([{\"'“‘"
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_DIGIT_OR_SEP = re.compile(r"[0-9\-./_]")
_MAX_CODE_TOKENS = 5
_MAX_CODE_LENGTH = 60


def _letters_only_upper(token: str) -> bool:
    return token.isalpha() and token.isupper() and len(token) <= 8


def _code_from(segment: str) -> str | None:
    """A procedure code at the start of ``segment``, or ``None``.

    A code is one or a few tokens of letters and digits joined by ``- . / _`` (``QT-01/LĐTBXH``,
    ``QT.VL.01``, ``QT 05/VP``); it holds a letter and a digit or a separator. Reading stops at a
    word that is not part of a code ("Lần", "thuế:"), at punctuation that ends a value, or after
    a few tokens.
    """
    parts: list[str] = []
    for index, raw in enumerate(segment.split()):
        if index >= _MAX_CODE_TOKENS:
            break
        token = raw.lstrip(_TOKEN_LEAD) if index == 0 else raw
        if token.endswith(":"):  # "Mã số thuế:" - a word of another label
            if not parts:
                return None
            break
        if token in _LONE_SEPARATOR:
            if not parts:
                break
            parts.append(token)
            continue
        stripped = token.rstrip(_TOKEN_TRAIL)
        ended = stripped != token or stripped.endswith(".")  # "QT.VL.01." ends a sentence
        token = stripped.rstrip(".") if ended else stripped
        if not token or not _CODE_TOKEN.fullmatch(token):
            break
        if parts:
            prev = parts[-1]
            joinable = (
                prev in _LONE_SEPARATOR
                or prev[-1] in "-./_"
                or (_letters_only_upper(prev) and (token[0].isdigit() or token[0].isupper()))
            )
            if not joinable:
                break
        parts.append(token)
        if ended:
            break
    while parts and parts[-1] in _LONE_SEPARATOR:
        parts.pop()
    if not parts:
        return None
    code = squash_spaces(" ".join(parts)).rstrip("-./_")
    if (
        not code
        or len(code) > _MAX_CODE_LENGTH
        or not _HAS_LETTER.search(code)
        or not _HAS_DIGIT_OR_SEP.search(code)
        or _TTHC_EXACT.search(code)
        or _NUMERIC_DATE.search(code)
    ):
        return None
    return code


def _read_code(doc: _Doc) -> str | None:
    for label in _CODE_LABEL.finditer(doc.text):
        if not _label_is_heading(doc, label.start()):
            continue
        end = label.end()
        qualifier = _CODE_QUALIFIER.match(doc.text, end)
        if qualifier:
            end = qualifier.end()
        if _NOT_A_PROCEDURE_CODE.match(doc.text, end):
            continue
        for start, stop in _value_spans(doc, end):
            code = _code_from(doc.text[start:stop])
            if code:
                return code
    return None


# --------------------------------------------------------------------------------------------
# Revision.

_REVISION_VALUE = _compile(
    r"(?:lan[ \t]*(?:thu[ \t]*)?)?(?:v(?:er(?:sion)?)?\.?[ \t]*)?([0-9]{1,4})(?:\.[0-9]{1,3})*"
    r"(?![0-9/]|[.\-][0-9])"
)
_MAX_REVISION = 999


def _read_revision(doc: _Doc) -> int | None:
    for label in _REV_LABEL.finditer(doc.text):
        for start, stop in _value_spans(doc, label.end()):
            match = _REVISION_VALUE.match(doc.text, start, stop)
            if match is None:
                continue
            value = int(match.group(1))
            if 1 <= value <= _MAX_REVISION:
                return value
    return None


# --------------------------------------------------------------------------------------------
# Dates after labels.

# A label's date must open its value ("15/01/2024", "ngày 5 tháng 3 năm 2024"): a date further
# on belongs to something else (a next line that is body text citing a decree of 23/4/2018).
_DATE_OPENING = _compile(r"[ \t]*(?:ngay[ \t]+)?(?=[0-9])")


def _read_labelled_date(doc: _Doc, label_re: re.Pattern[str]) -> dt.date | None:
    for label in label_re.finditer(doc.text):
        for start, stop in _value_spans(doc, label.end()):
            value = doc.text[start:stop]
            opening = _DATE_OPENING.match(value)
            if opening is None:
                continue
            numeric = _NUMERIC_DATE.match(value, opening.end())
            worded = _WORDED_DATE.match(value)
            found = None
            if numeric:
                found = _make_date(numeric.group(1), numeric.group(3), numeric.group(4))
            elif worded:
                found = _make_date(worded.group(1), worded.group(2), worded.group(3))
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------------------------
# Column tables: a row of labels over a row of values.

_LABEL_CELL = _compile(rf"[ \t]*{_ANY_LABEL_SRC}[ \t]*:?[ \t]*")


def _pair_label_rows(text: str) -> str:
    """Rewrite ``L1 | L2`` + ``v1 | v2`` into ``L1: v1 | L2: v2`` (and an empty line)."""
    if _CELL_SEP not in text:
        return text
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines[:-1]):
        if _CELL_SEP not in line:
            continue
        labels = line.split(_CELL_SEP)
        if not all(_LABEL_CELL.fullmatch(cell) for cell in labels):
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j >= len(lines):
            continue
        values = lines[j].split(_CELL_SEP)
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
# Title.

_HEADING_QT = _compile(r"^[ \t]*quy[ \t]+trinh[ \t]*[:.\-]*[ \t]*$", re.MULTILINE)
_INLINE_QT = _compile(r"(?:^|\|)[ \t]*(quy[ \t]+trinh)\b[ \t]*(:)?[ \t]*(?=\S)", re.MULTILINE)
_AGENCY = _compile(
    r"[ \t]*(?:cong[ \t]+hoa[ \t]+xa[ \t]+hoi|doc[ \t]+lap\b|ubnd\b|uy[ \t]+ban[ \t]+nhan[ \t]+dan"
    r"|ban[ \t]+chi[ \t]+dao|so[ \t]*:|[-_=*.~ \t]+$)"
)
# "SỞ ...", "TỈNH ...", "VÀ XÃ HỘI" (a wrapped agency name): in capitals only.
_AGENCY_CAPS = re.compile(r"[ \t]*(?:S[OỞ]|T[IỈ]NH|V[AÀ])\b")
_PLACE_DATE = _compile(r",[ \t]*ngay\b.*\bnam\b")
_SECTION_HEADING = re.compile(
    r"[ \t]*(?:(?:[0-9]+(?:\.[0-9]+)*|[IVXLC]+|[a-z])[.)]|[0-9]+(?:\.[0-9]+)+)(?:[ \t]|$)"
)
# Bullets, and the notes that follow a title block: "(Ban hành kèm theo Quyết định ...)",
# "Kèm theo ...", "Căn cứ ...". A title's own bracket, "(thực hiện trực tuyến)", may continue it.
_NOT_CONTINUATION = _compile(
    r"[ \t]*(?:[\[\-+•*]|\(?[ \t]*(?:ban[ \t]+hanh[ \t]+kem|kem[ \t]+theo|can[ \t]+cu)\b)"
)
_LABEL_LINE = _compile(
    rf"(?:^|\|)[ \t]*[-+•*]?[ \t]*{_ANY_LABEL_SRC}|\b{_ANY_LABEL_SRC}[ \t]*:", re.MULTILINE
)
_TERMINAL = ".:;!?"
_MAX_TITLE_LINES = 3
_MAX_TITLE_LINE = 200
_MAX_TITLE = 300
_SHORT_CONTINUATION = 40
_LONG_FIRST_LINE = 50
_JUNK_PROPERTY_TITLE = re.compile(r"^(?:microsoft[ \t]+word\b|untitled\b)|\.(?:docx?|pdf)$", re.I)


def _is_upper_text(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _is_agency(line: str) -> bool:
    return _AGENCY.match(line) is not None or _AGENCY_CAPS.match(line) is not None


def _is_structural(line: str) -> bool:
    """A line that cannot be part of a title: labels, table rows, agency header, section
    headings, notes in brackets, "Ban hành kèm theo ...", place-and-date lines."""
    return (
        _CELL_SEP in line
        or _LABEL_LINE.search(line) is not None
        or _is_agency(line)
        or _SECTION_HEADING.match(line) is not None
        or _NOT_CONTINUATION.match(line) is not None
        or _PLACE_DATE.search(line) is not None
        or _HEADING_QT.match(line) is not None
    )


def _continues(first: str, line: str) -> bool:
    """Whether ``line`` goes on with a title whose first line is ``first``: capitals after
    capitals; in mixed case, a line starting in lower case, or a short tail after a long line
    (a PDF wrapped "... làm việc tại" / "Việt Nam")."""
    if not line or len(line) > _MAX_TITLE_LINE or _is_structural(line):
        return False
    if _is_upper_text(first):
        return _is_upper_text(line)
    if _is_upper_text(line):
        return False
    first_letter = next((ch for ch in line if ch.isalpha()), "")
    if first_letter.islower():
        return True
    return (
        len(line) <= _SHORT_CONTINUATION
        and len(first) >= _LONG_FIRST_LINE
        and first[-1] not in _TERMINAL
    )


def _cut_at_label(doc: _Doc, start: int, end: int) -> int:
    label = _ANY_LABEL.search(doc.text, start, end)
    return label.start() if label else end


def _title_lines_after(doc: _Doc, line_end: int, first: str | None = None) -> list[str]:
    """The title lines of a heading block: a first line (given, or the next non-empty line),
    then continuation lines while they continue it (no blank line between)."""
    lines: list[str] = []
    pos = line_end
    if first is None:
        nxt = doc.next_line(line_end)
        if nxt is None:
            return []
        cut = _cut_at_label(doc, nxt[0], nxt[1])
        line = doc.text[nxt[0] : cut].strip()
        if not line or _is_structural(line):
            return []
        lines.append(line)
        if cut < nxt[1]:  # "... LAO ĐỘNG Mã hiệu: QT-01": the heading block ends here
            return lines
        pos = nxt[1]
    else:
        lines.append(first)
    n = len(doc.text)
    while len(lines) < _MAX_TITLE_LINES and pos < n:
        start = pos + 1
        end = doc.text.find("\n", start)
        end = n if end < 0 else end
        cut = _cut_at_label(doc, start, end)
        line = doc.text[start:cut].strip()
        if not _continues(lines[0], line):
            break
        lines.append(line)
        if cut < end:  # "... TẠI VIỆT NAM Mã hiệu: QT-01" in a flattened PDF row
            break
        pos = end
    return lines


def _title_from_heading(doc: _Doc) -> str | None:
    heading = _HEADING_QT.search(doc.text)
    inline = None
    for match in _INLINE_QT.finditer(doc.text):
        words = doc.text[match.start(1) : match.end(1)]
        if words.isupper() or match.group(2):  # "QUY TRÌNH CẤP ..." or "Quy trình: Cấp ..."
            inline = match
            break
    if heading and (inline is None or heading.start() <= inline.start()):
        lines = _title_lines_after(doc, heading.end())
    elif inline:
        line_start, line_end = doc.line_bounds(inline.end())
        _, cell_end = _cell_bounds(doc, inline.end(), line_start, line_end)
        cut = _cut_at_label(doc, inline.end(), cell_end)
        first = doc.text[inline.end() : cut].strip().lstrip(":-").strip()
        if not first:
            return None
        lines = [first]
        if cut == line_end:  # a heading line of its own: it may go on over the next lines
            lines = _title_lines_after(doc, line_end, first)
    else:
        return None
    title = squash_spaces(" ".join(lines))
    return title[:_MAX_TITLE] or None


def _title_fallback(doc: _Doc) -> str:
    """The first heading-like line (short, in capitals), else the first ordinary line."""
    first_plain = ""
    pos = 0
    n = len(doc.text)
    while pos < n:
        end = doc.text.find("\n", pos)
        end = n if end < 0 else end
        line = doc.text[pos:end].strip()
        pos = end + 1
        if not line or not _HAS_LETTER.search(line) or _code_from(line) == line:
            continue  # nothing, or a bare code (the value of a label on the line before)
        if (
            _LABEL_LINE.search(line)
            or _is_agency(line)
            or _PLACE_DATE.search(line)
            or _SECTION_HEADING.match(line)
        ):
            continue
        if _CELL_SEP not in line and len(line) <= _MAX_TITLE_LINE and _is_upper_text(line):
            return squash_spaces(line)
        if not first_plain:
            first_plain = squash_spaces(line.replace(" | ", " "))[:_MAX_TITLE]
    return first_plain


def _read_title(doc: _Doc, properties: DocProperties) -> str:
    title = _title_from_heading(doc)
    if title:
        return title
    prop = squash_spaces(clean(properties.title or ""))
    if prop and not _JUNK_PROPERTY_TITLE.search(prop):
        return prop[:_MAX_TITLE]
    return _title_fallback(doc)


# --------------------------------------------------------------------------------------------


def read_metadata(text: str, properties: DocProperties) -> Metadata:
    """Read code, title, revision, dates, TTHC codes and legal citations from a document's text."""
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _pair_label_rows(text)
    doc = _Doc(text)
    code = _read_code(doc)
    revision = _read_revision(doc)
    return Metadata(
        code=code,
        code_key=code_key(code) if code else None,
        title=_read_title(doc, properties),
        revision=revision if revision is not None else 1,
        revision_stated=revision is not None,
        issued=_read_labelled_date(doc, _ISSUED_LABEL),
        effective=_read_labelled_date(doc, _EFFECTIVE_LABEL),
        tthc=find_tthc_codes(text),
        citations=citation_refs(text),
    )
