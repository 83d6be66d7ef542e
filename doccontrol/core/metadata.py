"""Read a procedure's metadata from its extracted text (pure, no I/O).

Input is what the extract stage produces: NFC text, lines separated by ``"\\n"``, a Word table
row on ONE line with its cells joined by ``" | "``, page-header text first, footers last. Where
values are looked for after their labels, and which tables are skipped, is
``core.metadata_layout``; the title is ``core.metadata_title``.

What is read:

- the procedure code after ``Mã hiệu`` / ``Mã số`` / ``Mã quy trình`` / ``Ký hiệu``, whole
  (``QT 01 LĐTBXH``, ``QT-01/LĐTBXH``, ``01/QT-SLĐTBXH``; ``core.code_text``), and its normal
  form (``core.text.code_key``);
- the revision after ``Lần ban hành`` / ``Lần BH`` / ``Lần sửa đổi`` / ``Phiên bản``
  (``core.revision_value``): the first such label, outside a revision-history table, whose
  value is a revision decides. ``Lần sửa đổi: 00`` ("not amended yet") does not, and none at
  all means revision 1. An impossible value (``00``, ``-1``, ``1000``, ``XII``) is a blocking
  problem, never revision 1;
- the dates: ngày ban hành after its label, else from the issuing decision's line ("ban hành
  kèm theo Quyết định số 123/QĐ-SLĐTBXH ngày 05/3/2024"); ngày hiệu lực after its label, else
  from "Quy trình này có hiệu lực (kể) từ ngày ...". A date that does not exist (``31/02/2024``)
  is a blocking problem, never "no date";
- the title (``core.metadata_title``);
- the national TTHC codes (``1.001234`` or ``1.001234.000.00.00.H37``) anywhere in the text,
  and the legal documents cited (``core.citations``);
- the steps (*Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu*, or numbered
  paragraphs) with their times as written (``core.steps``).

Problems are returned in ``Metadata.problems`` (``core.metadata_problems``): the pipeline turns
the blocking ones into the file's quarantine reason (``blocking_reason``).
"""

from __future__ import annotations

import datetime as dt
import re

from doccontrol.core.citations import citation_refs
from doccontrol.core.code_text import code_from
from doccontrol.core.date_text import date_opening, parse_date
from doccontrol.core.metadata_layout import (
    CODE_LABEL, EFFECTIVE_LABEL, ISSUED_LABEL, REV_LABEL, Doc, label_is_heading, pair_label_rows,
    value_spans,
)
from doccontrol.core.metadata_problems import invalid_date, invalid_revision
from doccontrol.core.metadata_title import read_title
from doccontrol.core.model import DocProperties, Metadata, MetadataProblem
from doccontrol.core.revision_value import read_revision_value
from doccontrol.core.steps import read_steps
from doccontrol.core.text import clean, code_key
from doccontrol.core.tthc_codes import find_tthc_codes, tthc_key
from doccontrol.core.vnpattern import compile_folded

__all__ = ["find_tthc_codes", "parse_date", "prepare", "read_metadata", "tthc_key"]

_WS = r"[ \t\n]+"  # words of a sentence may be wrapped over lines

# After a code label: words that make it some other code's label ("Mã số thuế", "Mã số TTHC",
# "Ký hiệu viết tắt", "Mã hiệu biểu mẫu" ...).
_NOT_A_PROCEDURE_CODE = compile_folded(
    r"[ \t]*[:.]?[ \t]*(?:thue|tthc|thu[ \t]+tuc|ho[ \t]+so|doanh[ \t]+nghiep|bhxh|bhyt|"
    r"bao[ \t]+hiem|dinh[ \t]+danh|cccd|cmnd|can[ \t]+cuoc|bieu[ \t]+mau|bm|van[ \t]+ban|"
    r"viet[ \t]+tat|giai[ \t]+thich|dien[ \t]+giai|y[ \t]+nghia|noi[ \t]+dung|ten|don[ \t]+vi|"
    r"ca[ \t]+nhan|to[ \t]+chuc|nguoi|khach[ \t]+hang|san[ \t]+pham|hang[ \t]+hoa|"
    r"ngan[ \t]+sach|buu[ \t]+chinh|dien[ \t]+thoai|tai[ \t]+khoan|hop[ \t]+dong)"
    r"(?![^\W_])"
)
# Words a code label may carry before its value: "Mã hiệu tài liệu:", "Mã số quy trình:".
_CODE_QUALIFIER = compile_folded(r"[ \t]+(?:tai[ \t]+lieu|quy[ \t]+trinh)\b")

# The procedure's issuing decision: "(Ban hành kèm theo Quyết định số 123/QĐ-SLĐTBXH ngày ...".
_ISSUING_DECISION = compile_folded(
    rf"(?:ban{_WS}hanh{_WS}(?:kem{_WS})?theo|kem{_WS}theo){_WS}(?:quyet{_WS}dinh|qd)"
    rf"(?:{_WS}so)?[ \t\n]*:?[ \t\n]*[0-9][^\s,;()]*[ \t\n,]*"
)
# "Quy trình này có hiệu lực (thi hành) (kể) từ ngày ...".
_IN_FORCE = compile_folded(
    rf"\b(?:quy{_WS}trinh|tai{_WS}lieu|quyet{_WS}dinh){_WS}nay{_WS}co{_WS}hieu{_WS}luc"
    rf"(?:{_WS}thi{_WS}hanh)?{_WS}(?:ke{_WS})?tu{_WS}"
)


def _read_code(doc: Doc) -> str | None:
    for label in CODE_LABEL.finditer(doc.text):
        if label.start() in doc.history or not label_is_heading(doc, label.start(), label.end()):
            continue
        end = label.end()
        qualifier = _CODE_QUALIFIER.match(doc.text, end)
        if qualifier:
            end = qualifier.end()
        if _NOT_A_PROCEDURE_CODE.match(doc.text, end):
            continue
        for start, stop in value_spans(doc, end):
            code = code_from(doc.text[start:stop])
            if code:
                return code
    return None


def _read_revision(doc: Doc) -> tuple[int | None, MetadataProblem | None]:
    """The revision the first revision label outside a history table states, or the problem
    with what it states; ``(None, None)`` when no label states one."""
    for label in REV_LABEL.finditer(doc.text):
        if label.start() in doc.history or not label_is_heading(doc, label.start(), label.end()):
            continue
        amendments = label.group("amend") is not None
        for start, stop in value_spans(doc, label.end()):
            value = read_revision_value(doc.text[start:stop])
            if value is None:
                continue
            if value.number is not None:
                return value.number, None
            if amendments and value.why == "zero":
                break  # "Lần sửa đổi: 00": not amended yet, the revision is said elsewhere or is 1
            return None, invalid_revision(value.written, value.why)
    return None, None


def _read_labelled_date(
    doc: Doc, label_re: re.Pattern[str], field: str
) -> tuple[dt.date | None, MetadataProblem | None]:
    """The date the first such label (outside a history table) opens its value with."""
    for label in label_re.finditer(doc.text):
        if label.start() in doc.history:
            continue
        for start, stop in value_spans(doc, label.end()):
            found = date_opening(doc.text[start:stop])
            if found is None:
                continue
            if found.date is None:
                return None, invalid_date(found.written, field)
            return found.date, None
    return None, None


def _date_after(
    doc: Doc, pattern: re.Pattern[str], field: str, first_only: bool
) -> tuple[dt.date | None, MetadataProblem | None]:
    """The date written right after a match of ``pattern`` (the first match, or the first that
    has one)."""
    for match in pattern.finditer(doc.text):
        found = date_opening(doc.text, match.end())
        if found is not None:
            if found.date is None:
                return None, invalid_date(found.written, field)
            return found.date, None
        if first_only:
            break
    return None, None


def prepare(text: str) -> Doc:
    """The document as the reader reads it: cleaned (NFC, invisible characters, dashes), one kind
    of line break, column tables paired, revision-history tables found."""
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n")
    return Doc(pair_label_rows(text))


def read_metadata(text: str, properties: DocProperties) -> Metadata:
    """Read code, title, revision, dates, TTHC codes, legal citations and steps from a document's
    text, with the problems found in what it states (see the module's docstring)."""
    steps = read_steps(text)
    doc = prepare(text)
    text = doc.text
    code = _read_code(doc)
    revision, revision_problem = _read_revision(doc)
    issued, issued_problem = _read_labelled_date(doc, ISSUED_LABEL, "issued")
    from_decision = False
    if issued is None and issued_problem is None:
        issued, issued_problem = _date_after(doc, _ISSUING_DECISION, "decision", first_only=True)
        from_decision = issued is not None
    effective, effective_problem = _read_labelled_date(doc, EFFECTIVE_LABEL, "effective")
    if effective is None and effective_problem is None:
        effective, effective_problem = _date_after(doc, _IN_FORCE, "effective", first_only=False)
    problems = tuple(p for p in (revision_problem, issued_problem, effective_problem) if p)
    return Metadata(
        code=code,
        code_key=code_key(code) if code else None,
        title=read_title(doc, properties),
        revision=revision if revision is not None else 1,
        revision_stated=revision is not None,
        issued=issued,
        effective=effective,
        tthc=find_tthc_codes(text),
        citations=citation_refs(text),
        issued_from_decision=from_decision,
        problems=problems,
        steps=steps,
    )
