"""The coverage basis brought forward equals the one computed whole (plain data, random changes)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from support.catalog_builders import tthc
from support.coverage_scenario import FIELD_OFFICES, INTERNAL, MANUAL, catalog, proc, procedures

from doccontrol.core.catalog import Tthc
from doccontrol.core.coverage import ProcedureInfo, compute_coverage, report_from_plain, report_to_plain
from doccontrol.core.coverage_basis import coverage_basis, report_of

OFFICES = ("LĐ-VL", "GDNN", "BTXH", "VP")
#: titles that link by name, resemble a TTHC, or nothing at all
TITLES = [t.name for t in catalog().values()] + [
    "Quy trình cấp giấy phép lao động", "Quy trình đăng ký hoạt động giáo dục nghề nghiệp", "Quy trình kiểm soát tài liệu",
    "Quy trình trợ cấp xã hội", "Quy trình tiếp nhận hồ sơ",
]
CODES = [*catalog(), "9.999999", "1.000001.000.00.00.H37"]
SCOPES = [(None, None), ("LĐ-VL", None), ("GDNN", None), (None, "Việc làm"), (None, "Bảo trợ xã hội")]


def _procedure(n: int, title: int, office: int, codes: list[int], status: bool, revised: int) -> ProcedureInfo:
    p = proc(f"QT-{n:02d}/X", TITLES[title % len(TITLES)], OFFICES[office % len(OFFICES)],
             tthc=tuple(CODES[c % len(CODES)] for c in codes), status="current" if status else "withdrawn",
             revised=None if revised == 0 else dt.date(2023, revised, 1))
    return p


procedure_args = st.tuples(st.integers(0, 14), st.integers(0, 30), st.integers(0, 3),
                           st.lists(st.integers(0, 20), max_size=2), st.booleans(), st.integers(0, 12))


@st.composite
def inputs(draw: st.DrawFn) -> dict[str, object]:
    procs = [_procedure(*args) for args in draw(st.lists(procedure_args, max_size=12))]
    manual = {f"qt-{n:02d}/x": {CODES[c % len(CODES)]} for n, c in draw(st.dictionaries(
        st.integers(0, 14), st.integers(0, 20), max_size=3)).items()}
    internal = {f"qt-{n:02d}/x" for n in draw(st.sets(st.integers(0, 14), max_size=2))}
    replaced = {f"qt-{n:02d}/x": "Nghị định 1/2020 đã được thay thế" for n in draw(st.sets(st.integers(0, 14), max_size=2))}
    cat = catalog()
    if draw(st.booleans()):  # the catalog changes too: everything computed again
        cat = {**cat, "1.000010": tthc("1.000010", "Quy trình trợ cấp xã hội", "Bảo trợ xã hội")}
    return {"catalog": cat, "procedures": procs, "manual": manual, "internal": internal, "replaced": replaced}


def _basis(given: dict[str, object], previous: object = None) -> object:
    return coverage_basis(given["catalog"], given["procedures"], given["manual"], given["internal"],  # type: ignore[arg-type]
                          replaced_law=given["replaced"], previous=previous)  # type: ignore[arg-type]


def _changed(before: dict[str, object], after: dict[str, object], keep: list[bool]) -> dict[str, object]:
    """``after`` with some of ``before``'s procedure objects kept as they were (the same objects,
    as a long-running reader's unchanged procedures are)."""
    kept = [p for p, k in zip(before["procedures"], keep) if k]  # type: ignore[call-overload]
    return {**after, "procedures": kept + list(after["procedures"])}  # type: ignore[call-overload]


@settings(max_examples=150, deadline=None)
@given(inputs(), inputs(), st.lists(st.booleans(), min_size=12, max_size=12))
def test_a_basis_brought_forward_equals_the_one_computed_whole(first: dict[str, object], second: dict[str, object],
                                                                keep: list[bool]) -> None:
    second = _changed(first, second, keep)
    before = _basis(first)
    forward, whole = _basis(second, before), _basis(second)
    assert forward == whole
    for office, field in SCOPES:
        report = report_of(forward, FIELD_OFFICES, office, field, OFFICES)
        assert report == report_of(whole, FIELD_OFFICES, office, field, OFFICES)
        assert report_from_plain(report_to_plain(report)) == report


def test_unchanged_procedures_keep_their_entries_and_a_new_catalog_recomputes_all() -> None:
    procs = procedures()
    before = coverage_basis(catalog(), procs, MANUAL, INTERNAL)
    revised = dataclasses.replace(procs[4], title="Quy trình thành lập trung tâm giáo dục nghề nghiệp công lập")
    after = coverage_basis(catalog(), [*procs[:4], revised, *procs[5:]], MANUAL, INTERNAL, previous=before)
    assert all(after.entries[k] is before.entries[k] for k in before.entries if k != "qt-05/gdnn")
    assert after.entries["qt-05/gdnn"].links == {"2.000004": "name"}  # its new title names a TTHC
    assert report_of(after, FIELD_OFFICES) == compute_coverage(catalog(), [*procs[:4], revised, *procs[5:]], MANUAL,
                                                                INTERNAL, FIELD_OFFICES)
    amended: dict[str, Tthc] = {**catalog(), "1.000001": dataclasses.replace(catalog()["1.000001"], name="Khác")}
    again = coverage_basis(amended, procs, MANUAL, INTERNAL, previous=before)
    assert not any(again.entries[k] is before.entries[k] for k in before.entries)
    assert again == coverage_basis(amended, procs, MANUAL, INTERNAL)


def test_the_plain_form_of_a_report_gives_the_same_report() -> None:
    for office, field in SCOPES:
        report = compute_coverage(catalog(), procedures(), MANUAL, INTERNAL, FIELD_OFFICES, office, field)
        assert report_from_plain(report_to_plain(report)) == report
