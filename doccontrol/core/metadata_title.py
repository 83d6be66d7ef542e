"""A procedure's title, read whole from its text (pure).

Where it is looked for, in order:

1. after a ``QUY TRÌNH`` heading (a line of its own, or ``QUY TRÌNH CẤP ...`` / ``Quy trình:
   Cấp ...`` opening a line or a table cell): the next line and the lines that continue it;
2. the document properties' title (unless it is a file name or "Microsoft Word - ...");
3. the first heading-like line (short, in capitals), else the first ordinary line.

A title is read however long (real TTHC names reach a thousand characters, with ``;``, ``( )``,
dates and law numbers) and over as many lines as it was wrapped on. A following line continues
it when it is written alike: capitals after capitals; in mixed case, a line that starts in small
letters, or any line after a *full* line (one long enough to have been wrapped, not ending a
sentence, about as long as the longest line so far: a PDF's wrapped paragraph); after a full
line, even a short one in capitals when it holds only abbreviations and numbers (``GMS``,
``58/2017/NĐ-CP)``).

The title ends at a line that cannot belong to it: a table row of labels, signatures or the
agency header; a field label (``Mã hiệu: ...``, ``Lần ban hành 02``); the signature block
(``Biên soạn / Kiểm tra / Phê duyệt``, ``Người soạn thảo``, ``Họ và tên``, ``Chức vụ``, ``Chữ
ký``); the agency header; a numbered section heading; a note ("(Ban hành kèm theo Quyết định
...)", "Căn cứ ..."); a place-and-date line; a line in capitals after a mixed-case title. Label
words inside a title ("cấp mã số đơn vị", "lần ban hành" in a sentence) do not end it: only a
field label does. A ``|`` ends it only where a table cell that cannot be title text begins.
"""

from __future__ import annotations

import re

from doccontrol.core.code_text import code_from, is_abbreviation
from doccontrol.core.date_text import NUMERIC_DATE
from doccontrol.core.metadata_layout import (
    ANY_LABEL, CELL_SEP, SECTION_HEADING, Doc, cell_bounds, field_label_in,
)
from doccontrol.core.model import DocProperties
from doccontrol.core.text import clean, squash_spaces
from doccontrol.core.vnpattern import compile_folded, starting_with

__all__ = ["MAX_TITLE", "is_signature_line", "read_title"]

#: a title longer than this is cut (no real one is; a longer "title" is body text run on)
MAX_TITLE = 2000

_HEADING_QT = compile_folded(r"^[ \t]*quy[ \t]+trinh[ \t]*[:.\-]*[ \t]*$", re.MULTILINE)
_QT_WORDS = compile_folded(rf"{starting_with('q')}quy[ \t]+trinh\b")
_HEADING_REST = re.compile(r"[ \t]*[:.\-]*[ \t]*")
_INLINE_REST = re.compile(r"[ \t]*(:)?[ \t]*(?=\S)")
_AGENCY = compile_folded(
    r"[ \t]*(?:cong[ \t]+hoa[ \t]+xa[ \t]+hoi|doc[ \t]+lap\b|ubnd\b|uy[ \t]+ban[ \t]+nhan[ \t]+dan"
    r"|ban[ \t]+chi[ \t]+dao|so[ \t]*:|[-_=*.~ \t]+$)"
)
# The agency header lines that no title goes on with: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập -".
_AGENCY_AFTER_TITLE = compile_folded(
    r"[ \t]*(?:cong[ \t]+hoa[ \t]+xa[ \t]+hoi[ \t]+chu[ \t]+nghia|doc[ \t]+lap[ \t]*-|so[ \t]*:"
    r"|[-_=*.~ \t]+$)"
)
# "SỞ ...", "TỈNH ...", "VÀ XÃ HỘI" (a wrapped agency name): in capitals only.
_AGENCY_CAPS = re.compile(r"[ \t]*(?:S[OỞ]|T[IỈ]NH|V[AÀ])\b")
_PLACE_DATE = compile_folded(r"([^,\d]{2,40}),[ \t]*ngay\b.*\bnam\b")
_MAX_PLACE_DATE = 80
_NOTE_PAREN = compile_folded(r"[ \t]*\([ \t]*(?:ban[ \t]+hanh[ \t]+kem|kem[ \t]+theo|can[ \t]+cu)\b")
_NOTE_WORDS = compile_folded(r"[ \t]*(?:ban[ \t]+hanh[ \t]+kem|kem[ \t]+theo|can[ \t]+cu)\b")
_BULLET = re.compile(r"[ \t]*[\[\-+•*]")
_PAGE = compile_folded(r"[ \t]*trang[ \t]*:?[ \t]*[0-9]+[ \t]*(?:/|tren)[ \t]*[0-9]+[ \t]*$")

_ROLE = (
    r"(?:nguoi[ \t]+)?(?:soan[ \t]+thao|bien[ \t]+soan|kiem[ \t]+tra|xem[ \t]+xet|phe[ \t]+duyet"
    r"|duyet|lap|viet|tham[ \t]+dinh)"
)
_ROLES_ONLY = compile_folded(rf"(?:[ \t|:,/]*{_ROLE}\b)+[ \t|:,/]*")
_SIGNATURE_START = compile_folded(
    rf"[ \t|]*(?:(?:ho[ \t]+(?:va[ \t]+)?ten|chu[ \t]+ky|chuc[ \t]+vu|ky[ \t]+ten)\b"
    rf"|nguoi[ \t]+(?:soan[ \t]+thao|bien[ \t]+soan|kiem[ \t]+tra|xem[ \t]+xet|phe[ \t]+duyet"
    rf"|duyet|lap|viet)\b|{_ROLE}[ \t]*:)"
)
_LEADING = " \t|-+•*"

_TERMINAL = ".:;!?"
_WORD_PUNCT = "()[]{},.;:\"'“”"
_MAX_TAIL_WORDS = 4
_FULL_LINE = 50
_FULL_RATIO = 0.75
_MAX_SHORT_LINE = 200
_JUNK_PROPERTY_TITLE = re.compile(r"^(?:microsoft[ \t]+word\b|untitled\b)|\.(?:docx?|pdf)$", re.I)
_HAS_LETTER = re.compile(r"[^\W\d_]")


def _is_upper_text(line: str) -> bool:
    """In capitals, with three letters at least."""
    return line.isupper() and sum(ch.isalpha() for ch in line) >= 3


def is_signature_line(line: str) -> bool:
    """A line of the sign-off block: ``Biên soạn  Kiểm tra  Phê duyệt``, ``Người soạn thảo |
    Người kiểm tra``, ``Họ và tên ...``, ``Chức vụ ...``, ``Chữ ký ...``, ``Phê duyệt: ...``.
    A title that opens with such words ("Phê duyệt quy hoạch ...") is not one."""
    if _ROLES_ONLY.fullmatch(line):
        return True
    start = _SIGNATURE_START.match(line)
    if start is None:
        return False
    first = line.lstrip(_LEADING)[:1]
    return first.isupper()


def _is_agency(line: str, after_title: bool = False) -> bool:
    """The agency header ("UBND TỈNH ...", "SỞ ...", "CỘNG HÒA XÃ HỘI ...", "Độc lập - Tự do").
    ``after_title``: only the lines that cannot go on with a title count ("... THẨM QUYỀN CỦA"
    may well go on with "ỦY BAN NHÂN DÂN CẤP TỈNH", "SỞ ..." or "VÀ ...")."""
    if after_title:
        return _AGENCY_AFTER_TITLE.match(line) is not None
    return _AGENCY_CAPS.match(line) is not None or _AGENCY.match(line) is not None


def _is_note(line: str) -> bool:
    """"(Ban hành kèm theo Quyết định ...)", "Kèm theo ...", "Căn cứ ...", or a bullet."""
    if _NOTE_PAREN.match(line) or _BULLET.match(line):
        return True
    words = _NOTE_WORDS.match(line)
    return words is not None and line.lstrip()[:1].isupper()


def _is_place_date(line: str) -> bool:
    """"Lạng Sơn, ngày 05 tháng 3 năm 2024": a short place name, then a date in words."""
    return len(line) <= _MAX_PLACE_DATE and _PLACE_DATE.match(line) is not None


def _starts_with_field(line: str) -> bool:
    label = field_label_in(line, 0, len(line))
    return label is not None and not line[: label.start()].strip(_LEADING)


def _is_structural_cell(cell: str) -> bool:
    """A table cell that cannot be title text: empty, a label, a page number, a signature, the
    agency header, a bare code or date, a ``QUY TRÌNH`` heading."""
    cell = cell.strip()
    return (
        not cell
        or ANY_LABEL.match(cell) is not None
        or _starts_with_field(cell)
        or _PAGE.match(cell) is not None
        or is_signature_line(cell)
        or _is_agency(cell)
        or code_from(cell) == cell
        or NUMERIC_DATE.fullmatch(cell) is not None
        or _HEADING_QT.match(cell) is not None
    )


def _is_table_row(line: str) -> bool:
    return CELL_SEP in line and any(_is_structural_cell(c) for c in line.split(CELL_SEP))


def _is_structural(line: str, after_title: bool) -> bool:
    """A line that cannot be part of a title (see the module's docstring)."""
    return (
        _is_table_row(line)
        or (after_title and CELL_SEP in line)
        or _starts_with_field(line)
        or is_signature_line(line)
        or _is_agency(line, after_title)
        or SECTION_HEADING.match(line) is not None
        or _is_note(line)
        or _is_place_date(line)
        or _HEADING_QT.match(line) is not None
    )


def _is_full(lines: list[str]) -> bool:
    """Whether the last of ``lines`` looks wrapped: long, not ending a sentence, about as long
    as the longest line so far."""
    last = lines[-1]
    longest = max(len(line) for line in lines)
    return len(last) >= _FULL_LINE and last[-1] not in _TERMINAL and len(last) >= _FULL_RATIO * longest


def _is_code_tail(line: str) -> bool:
    """A short line of abbreviations and numbers only (``GMS``, ``(ANS)``, ``58/2017/NĐ-CP)``):
    in capitals, yet the end of a mixed-case title wrapped before it."""
    words = [w.strip(_WORD_PUNCT) for w in line.split()]
    return len(words) <= _MAX_TAIL_WORDS and all(
        w and (any(ch.isdigit() for ch in w) or is_abbreviation(w.replace("-", ""))) for w in words
    )


def _continues(lines: list[str], line: str) -> bool:
    """Whether ``line`` goes on with the title whose lines so far are ``lines``."""
    if not line or _is_structural(line, after_title=True):
        return False
    if _is_upper_text(lines[0]):
        return not any(ch.islower() for ch in line)
    if _is_upper_text(line):  # "... Hiệp định" / "GMS", "... Nghị định" / "58/2017/NĐ-CP)"
        return _is_full(lines) and _is_code_tail(line)
    first_letter = next((ch for ch in line if ch.isalpha()), "")
    return first_letter.islower() or _is_full(lines)


def _cut(text: str, start: int, end: int) -> int:
    """Where a title line ends: at a field label (a flattened PDF row "... LAO ĐỘNG Mã hiệu:
    QT-01"), or at a ``|`` before a cell that cannot be title text."""
    label = field_label_in(text, start, end)
    if label is not None:
        end = label.start()
    bar = text.find(CELL_SEP, start, end)
    while bar >= 0:
        nxt = text.find(CELL_SEP, bar + 1, end)
        if _is_structural_cell(text[bar + 1 : end if nxt < 0 else nxt]):
            return bar
        bar = nxt
    return end


def _title_lines(doc: Doc, first_start: int, first_end: int) -> list[str]:
    """The title whose first line is ``text[first_start:first_end]`` (already cut), then the
    lines that continue it, with no blank line between."""
    text = doc.text
    line_end = doc.line_bounds(first_start)[1]
    lines = [text[first_start:first_end].strip()]
    size = len(lines[0])
    if first_end < line_end:  # "... LAO ĐỘNG Mã hiệu: QT-01": the heading block ends here
        return lines
    pos, n = line_end, len(text)
    while pos < n and size < MAX_TITLE:
        start = pos + 1
        end = text.find("\n", start)
        end = n if end < 0 else end
        cut = _cut(text, start, end)
        line = text[start:cut].strip()
        if not _continues(lines, line):
            break
        lines.append(line)
        size += len(line) + 1
        if cut < end:
            break
        pos = end
    return lines


def _after_heading(doc: Doc, heading_end: int) -> list[str]:
    nxt = doc.next_line(heading_end)
    if nxt is None:
        return []
    cut = _cut(doc.text, nxt[0], nxt[1])
    line = doc.text[nxt[0] : cut].strip()
    if not line or _is_structural(line, after_title=False):
        return []
    start = doc.text.index(line, nxt[0])
    return _title_lines(doc, start, start + len(line))


def _after_inline(doc: Doc, words_start: int, value_start: int) -> list[str]:
    text = doc.text
    line_start, line_end = doc.line_bounds(value_start)
    cut = _cut(text, value_start, line_end)
    first = text[value_start:cut].strip().lstrip(":-").strip()
    if not first or _is_structural(first, after_title=False):
        return []
    start = text.index(first, value_start)
    cell_start, _ = cell_bounds(text, words_start, line_start, line_end)
    if cell_start > line_start:  # "SỞ LĐTBXH | QUY TRÌNH KIỂM SOÁT ...": the cell only
        return [first]
    return _title_lines(doc, start, start + len(first))


def _title_from_heading(doc: Doc) -> str | None:
    """The title after the first ``QUY TRÌNH`` heading that has one: ``QUY TRÌNH`` alone on its
    line, or opening a line or a cell in capitals or with a colon ("Quy trình: Cấp ...")."""
    text = doc.text
    for words in _QT_WORDS.finditer(text):
        line_start, line_end = doc.line_bounds(words.start())
        opening = max(text.rfind(CELL_SEP, line_start, words.start()) + 1, line_start)
        if text[opening : words.start()].strip(" \t"):
            continue  # inside a sentence: "Quy trình này áp dụng ..."
        if opening == line_start and _HEADING_REST.fullmatch(text, words.end(), line_end):
            lines = _after_heading(doc, line_end)
        else:
            rest = _INLINE_REST.match(text, words.end(), line_end)
            if rest is None or not (words.group().isupper() or rest.group(1)):
                continue
            lines = _after_inline(doc, words.start(), rest.end())
        title = squash_spaces(" ".join(lines))[:MAX_TITLE]
        if title:
            return title
    return None


def _title_fallback(doc: Doc) -> str:
    """The first heading-like line (short, in capitals), else the first ordinary line."""
    first_plain = ""
    for raw in doc.text.split("\n"):
        line = raw.strip()
        if not line or not _HAS_LETTER.search(line) or code_from(line) == line:
            continue  # nothing, or a bare code (the value of a label on the line before)
        if (
            ANY_LABEL.match(line.lstrip(_LEADING)) is not None
            or field_label_in(line, 0, len(line)) is not None
            or is_signature_line(line)
            or _is_table_row(line)
            or _is_agency(line)
            or _is_place_date(line)
            or SECTION_HEADING.match(line)
        ):
            continue
        if CELL_SEP not in line and len(line) <= _MAX_SHORT_LINE and _is_upper_text(line):
            return squash_spaces(line)
        if not first_plain:
            first_plain = squash_spaces(line.replace(" | ", " "))[:MAX_TITLE]
    return first_plain


def read_title(doc: Doc, properties: DocProperties) -> str:
    """The title (see the module's docstring); an empty string when there is none."""
    title = _title_from_heading(doc)
    if title:
        return title
    prop = squash_spaces(clean(properties.title or ""))
    if prop and not _JUNK_PROPERTY_TITLE.search(prop):
        return prop[:MAX_TITLE]
    return _title_fallback(doc)
