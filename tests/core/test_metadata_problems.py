"""Impossible revisions and dates are problems, never silent defaults (issue 12.6); document
dates, also from the issuing decision's line (issue 13)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from doccontrol.core.metadata import read_metadata
from doccontrol.core.metadata_problems import (
    INVALID_DATE, INVALID_REVISION, blocking_reason, invalid_date, invalid_revision,
)
from doccontrol.core.model import DocProperties, Metadata, Stage
from doccontrol.core.text import clean

D = dt.date


def meta(text: str) -> Metadata:
    return read_metadata(clean(text), DocProperties())


# ------------------------------------------------------------------------------------------
# Revisions

IMPOSSIBLE_REVISIONS = [
    ("zero", "Mã hiệu: QT-01/VP | Lần ban hành: 00", "00"),
    ("negative", "Mã hiệu: QT-01/VP | Lần ban hành: -1", "-1"),
    ("thousand", "Mã hiệu: QT-01/VP | Lần ban hành: 1000", "1000"),
    ("huge", "Mã hiệu: QT-01/VP | Lần ban hành: 999999999999", "999999999999"),
    ("roman-above-x", "Mã hiệu: QT-01/VP | Lần ban hành: XII", "XII"),
    ("next-line", "Lần ban hành:\n00", "00"),
    ("split-cells", "Mã hiệu | QT-01/VP\nLần ban hành | 1000", "1000"),
    ("column-table", "Mã hiệu | Lần ban hành\nQT-01/VP | 00", "00"),
    ("phien-ban-zero", "Phiên bản: 0.9", "0.9"),
    ("amendments-negative", "Lần sửa đổi: -2", "-2"),
    ("pdf-flattened", "Mã hiệu QT-01/VP Lần ban hành 00 Ngày ban hành 15/01/2024", "00"),
    ("first-label-decides", "Lần ban hành: 00\nnội dung\nLần ban hành: 02", "00"),
]


@pytest.mark.parametrize("text,written", [c[1:] for c in IMPOSSIBLE_REVISIONS],
                         ids=[c[0] for c in IMPOSSIBLE_REVISIONS])
def test_impossible_revision_is_a_blocking_problem(text: str, written: str) -> None:
    result = meta(text)
    assert (result.revision, result.revision_stated) == (1, False)
    assert [(p.cause, p.field, p.value, p.blocking) for p in result.problems] == [
        (INVALID_REVISION, "revision", written, True)]
    assert written in result.problems[0].message_vi and written in result.problems[0].message_en


READABLE_REVISIONS = [
    ("roman-ii", "Lần ban hành: II", 2),
    ("roman-sign", "Lần ban hành: Ⅳ", 4),
    ("full-width", "Lần ban hành: ０３", 3),
    ("lan-dau", "Lần ban hành: Lần đầu", 1),
    ("issue-amendment-pair", "Lần ban hành/sửa đổi: 02/01", 2),
    ("bh-sd", "Lần BH/SĐ: 03/00", 3),
    ("no-amendment-then-issue", "Lần sửa đổi: 00 | Lần ban hành: 02", 2),
    ("page-after", "Lần ban hành: 02 | Trang: 1/5", 2),
    ("page-column", "Mã hiệu | Lần ban hành | Trang\nQT-01/VP | 03 | 2/5", 3),
    ("page-column-pdf", "Mã hiệu: QT-01/VP Lần ban hành: 04 Trang: 2/5", 4),
]


@pytest.mark.parametrize("text,revision", [c[1:] for c in READABLE_REVISIONS],
                         ids=[c[0] for c in READABLE_REVISIONS])
def test_readable_revisions(text: str, revision: int) -> None:
    result = meta(text)
    assert (result.revision, result.revision_stated, result.problems) == (revision, True, ())


NO_REVISION = [
    ("absent", "Mã hiệu: QT-01/VP"),
    ("not-amended", "Mã hiệu: QT-01/VP | Lần sửa đổi: 00"),
    ("page-only", "Mã hiệu: QT-01/VP | Trang: 1/5"),
    ("page-no-colon", "Mã hiệu: QT-01/VP\nTrang 2/5"),
    ("page-under-label", "Lần ban hành:\nTrang 2/5"),
    ("date-in-revision-field", "Lần ban hành: 15/01/2024"),
    ("blank-form", "Lần ban hành: ....."),
    ("version-in-a-sentence", "Hệ thống áp dụng tiêu chuẩn TCVN ISO 9001 phiên bản 2015."),
    ("amendment-in-a-sentence", "Nội dung lần sửa đổi 1000 trang hồ sơ"),
]


@pytest.mark.parametrize("text", [c[1] for c in NO_REVISION], ids=[c[0] for c in NO_REVISION])
def test_no_revision_stated_is_revision_one_without_problem(text: str) -> None:
    result = meta(text)
    assert (result.revision, result.revision_stated, result.problems) == (1, False, ())


# ------------------------------------------------------------------------------------------
# Dates

IMPOSSIBLE_DATES = [
    ("feb-31", "Ngày ban hành: 31/02/2024", "issued", "31/02/2024"),
    ("feb-29-not-leap", "Ngày ban hành: 29/02/2023", "issued", "29/02/2023"),
    ("month-13", "Ngày hiệu lực: 15/13/2024", "effective", "15/13/2024"),
    ("year-1850", "Ngày ban hành: 05/03/1850", "issued", "05/03/1850"),
    ("words", "Ngày ban hành: ngày 30 tháng 2 năm 2024", "issued", "30 tháng 2 năm 2024"),
    ("dashes", "Ngày hiệu lực: 32-01-2024", "effective", "32-01-2024"),
    ("split-cells", "Ngày ban hành | 31/04/2024", "issued", "31/04/2024"),
    ("decision", "(Ban hành kèm theo Quyết định số 12/QĐ-SLĐTBXH ngày 30/02/2024 của Giám đốc Sở)",
     "issued", "30/02/2024"),
    ("in-force-sentence", "Quy trình này có hiệu lực kể từ ngày 31/06/2024.", "effective", "31/06/2024"),
]


@pytest.mark.parametrize("text,field,written", [c[1:] for c in IMPOSSIBLE_DATES],
                         ids=[c[0] for c in IMPOSSIBLE_DATES])
def test_impossible_date_is_a_blocking_problem(text: str, field: str, written: str) -> None:
    result = meta(text)
    assert getattr(result, field) is None
    assert [(p.cause, p.field, p.value, p.blocking) for p in result.problems] == [
        (INVALID_DATE, field, written, True)]


def test_both_problems_are_reported_together() -> None:
    result = meta("Mã hiệu: QT-01/VP | Lần ban hành: 00 | Ngày ban hành: 31/02/2024")
    assert [p.cause for p in result.problems] == [INVALID_REVISION, INVALID_DATE]
    reason = blocking_reason(result.problems)
    assert reason is not None and reason.stage == Stage.METADATA and reason.cause == INVALID_REVISION
    assert "'00'" in reason.message_vi and "'31/02/2024'" in reason.message_vi
    assert "'00'" in reason.message_en and "'31/02/2024'" in reason.message_en


DOCUMENT_DATES = [
    # text, issued, effective, effective_source
    ("labels", "Ngày ban hành: 05/03/2024\nNgày hiệu lực: 15/03/2024", D(2024, 3, 5), D(2024, 3, 15),
     "effective"),
    ("issued-only", "Ngày ban hành: 05/03/2024", D(2024, 3, 5), None, "issued"),
    ("decision", "(Ban hành kèm theo Quyết định số 123/QĐ-SLĐTBXH ngày 05/3/2024 của Giám đốc Sở)",
     D(2024, 3, 5), None, "decision"),
    ("decision-words", "Ban hành kèm theo Quyết định số 123/QĐ-SLĐTBXH ngày 05 tháng 3 năm 2024",
     D(2024, 3, 5), None, "decision"),
    ("decision-dashes", "(Kèm theo Quyết định số 45/QĐ-UBND ngày 05-03-2024)", D(2024, 3, 5), None,
     "decision"),
    ("decision-qd", "Ban hành kèm theo QĐ số 45/QĐ-SLĐTBXH ngày 05.03.2024", D(2024, 3, 5), None,
     "decision"),
    ("decision-folded", "(Ban hanh kem theo Quyet dinh so 123/QD-SLDTBXH ngay 05/3/2024)", D(2024, 3, 5),
     None, "decision"),
    ("decision-wrapped", "(Ban hành kèm theo Quyết định số 123/QĐ-SLĐTBXH\nngày 05/3/2024 của Giám đốc)",
     D(2024, 3, 5), None, "decision"),
    ("decision-without-date", "(Ban hành kèm theo Quyết định số 123/QĐ-SLĐTBXH của Giám đốc Sở)", None,
     None, None),
    ("label-beats-decision",
     "(Ban hành kèm theo Quyết định số 45/QĐ-SLĐTBXH ngày 10/01/2024)\nNgày ban hành: 15/01/2024",
     D(2024, 1, 15), None, "issued"),
    ("decision-and-effective",
     "(Ban hành kèm theo Quyết định số 45/QĐ-SLĐTBXH ngày 10/01/2024)\nNgày hiệu lực: 01/02/2024",
     D(2024, 1, 10), D(2024, 2, 1), "effective"),
    ("cited-decision-is-not-issuing", "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014", None, None,
     None),
    ("in-force", "Quy trình này có hiệu lực kể từ ngày 01/4/2024.", None, D(2024, 4, 1), "effective"),
    ("in-force-wrapped", "Quyết định này có hiệu lực thi hành\nkể từ ngày 01 tháng 4 năm 2024.", None,
     D(2024, 4, 1), "effective"),
    ("in-force-on-signing", "Quy trình này có hiệu lực kể từ ngày ký.", None, None, None),
    ("law-in-force-is-not-ours", "Luật Việc làm có hiệu lực từ ngày 01/01/2015.", None, None, None),
    ("nothing", "Mã hiệu: QT-01/VP", None, None, None),
]


@pytest.mark.parametrize("text,issued,effective,source", [c[1:] for c in DOCUMENT_DATES],
                         ids=[c[0] for c in DOCUMENT_DATES])
def test_document_dates(text: str, issued: dt.date | None, effective: dt.date | None,
                        source: str | None) -> None:
    result = meta(text)
    assert (result.issued, result.effective, result.effective_source) == (issued, effective, source)
    assert result.document_effective == (effective or issued)
    assert result.issued_from_decision == (issued is not None and "Ngày ban hành" not in text)
    assert result.problems == ()


# ------------------------------------------------------------------------------------------
# Problems as data, and the one quarantine reason


def test_problem_messages_are_vietnamese_with_an_english_line() -> None:
    for problem in (invalid_revision("00", "zero"), invalid_revision("-1", "negative"),
                    invalid_revision("1000", "too_large"), invalid_revision("XII", "roman"),
                    invalid_date("31/02/2024", "issued"), invalid_date("31/02/2024", "effective"),
                    invalid_date("30/02/2024", "decision")):
        assert unicodedata.is_normalized("NFC", problem.message_vi + problem.advice_vi)
        assert any(ch in problem.message_vi for ch in "ầàạảếệờởữ"), problem.message_vi
        assert problem.message_en.isascii() or "(" in problem.message_en
        assert problem.advice_vi and problem.advice_en
        reason = problem.reason()
        assert (reason.stage, reason.cause, reason.message_vi, reason.advice_en) == (
            Stage.METADATA, problem.cause, problem.message_vi, problem.advice_en)


def test_blocking_reason() -> None:
    assert blocking_reason(()) is None
    one = invalid_revision("00", "zero")
    assert blocking_reason((one,)) == one.reason()
    assert meta("Mã hiệu: QT-01/VP | Lần ban hành: 02").blocking_problems == ()
    assert meta("Mã hiệu: QT-01/VP | Lần ban hành: 00").blocking_problems[0].cause == INVALID_REVISION
