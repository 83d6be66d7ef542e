"""The checks of a procedure against its TTHC (core.conformity), with plain data: steps that fit,
exceed and cannot be read; units; the receiving step; parallel steps; the legal basis; a changed
TTHC until the next revision or review. And the same findings through coverage and review."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from doccontrol.core import conformity as conf
from doccontrol.core import coverage as cov
from doccontrol.core import review as rv
from doccontrol.core.catalog import EVENT_ADDED, EVENT_TERMS, STATUS_ABOLISHED, CatalogEvent, Tthc
from doccontrol.core.model import ProcedureState
from doccontrol.core.steps import Step, StepTable

CODE = "1.000105"
SETTINGS = conf.Settings()
T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def tthc(deadline: str = "", basis: str = "", history: tuple[CatalogEvent, ...] = (), status: str = "active") -> Tthc:
    return Tthc(CODE, "Cấp giấy phép lao động", "Việc làm", "Sở LĐTBXH", "Cấp tỉnh", status,
                (CatalogEvent(dt.date(2024, 1, 5), "12/QĐ-UBND", EVENT_ADDED), *history),
                deadline=deadline, basis=basis)


def steps(*times: str, first: str = "Tiếp nhận hồ sơ") -> StepTable:
    return StepTable(tuple(Step(f"B{i}", first if i == 1 else f"Việc {i}", time=t)
                           for i, t in enumerate(times, start=1)), "table")


SAMPLE = steps("0,5 ngày", "0,5 ngày", "02 ngày", "0,5 ngày", "01 ngày", "0,5 ngày", "Theo giấy hẹn")


def check(t: Tthc, table: StepTable | None, citations: tuple[str, ...] = (), since: dt.datetime | None = T0,
          settings: conf.Settings = SETTINGS) -> list[conf.Finding]:
    return conf.check([CODE], {CODE: t}, table, citations, since, settings)


def reasons(found: list[conf.Finding]) -> list[str]:
    return [f.reason for f in found]


def test_the_samples_steps_fit_five_working_days() -> None:
    assert check(tthc("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"), SAMPLE) == []
    total = conf.step_total(SAMPLE, conf.dl.parse_deadline("05 ngày làm việc").duration, SETTINGS)
    assert (total.total, total.allowed, total.unit) == (40, 40, conf.WORKING)  # hours: 8 a working day
    assert conf.plain_total(SAMPLE, SETTINGS) == "5 ngày làm việc"


def test_one_day_too_many_is_exceeded() -> None:
    found = check(tthc("04 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"), SAMPLE)
    assert reasons(found) == [conf.REASON_DEADLINE_EXCEEDED] and found[0].tthc == (CODE,)
    assert "cộng lại 5 ngày làm việc, vượt thời hạn 4 ngày làm việc" in found[0].detail
    assert "«04 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ»" in found[0].detail


def test_hours_and_the_hours_of_a_working_day() -> None:
    table = steps("04 giờ", "8 giờ làm việc", "0,5 ngày")  # 4 + 8 + 4 = 16 working hours
    assert check(tthc("02 ngày làm việc"), table) == []
    assert reasons(check(tthc("15 giờ làm việc"), table)) == [conf.REASON_DEADLINE_EXCEEDED]
    six_hours = conf.Settings.of(6)  # [review] working_hours_per_day = 6: 4 + 8 + 3 = 15 hours > 12
    found = check(tthc("02 ngày làm việc"), table, settings=six_hours)
    assert reasons(found) == [conf.REASON_DEADLINE_EXCEEDED] and "6 giờ = 1 ngày làm việc" in found[0].detail
    assert reasons(check(tthc("Ngay trong ngày"), steps("04 giờ", "04 giờ"))) == []
    assert reasons(check(tthc("Ngay trong ngày"), steps("04 giờ", "0,5 ngày", "01 giờ"))) == [
        conf.REASON_DEADLINE_EXCEEDED]


def test_the_clock_starts_at_the_receiving_step() -> None:
    table = StepTable((Step("B1", "Tổ chức, cá nhân chuẩn bị và nộp hồ sơ", time="05 ngày"),
                       Step("B2", "Bộ phận Một cửa tiếp nhận hồ sơ", time="0,5 ngày"),
                       Step("B3", "Thẩm định hồ sơ", time="02 ngày")), "table")
    assert check(tthc("03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"), table) == []
    found = check(tthc("03 ngày làm việc kể từ ngày nhận được văn bản đề nghị"), table)  # not from receipt
    assert reasons(found) == [conf.REASON_DEADLINE_EXCEEDED] and "7,5 ngày làm việc" in found[0].detail
    found = check(tthc("02 ngày làm việc kể từ ngày nhận đủ hồ sơ"), table)
    assert "không tính B1" in found[0].detail


def test_parallel_steps_count_once() -> None:
    table = StepTable((Step("B1", "Tiếp nhận hồ sơ", time="0,5 ngày"),
                       Step("B2", "Lấy ý kiến Sở Tài chính", time="02 ngày"),
                       Step("B3", "Lấy ý kiến Công an tỉnh", time="03 ngày (song song với bước 2)"),
                       Step("B4", "Trình ký", time="0,5 ngày")), "table")
    total = conf.step_total(table, conf.dl.parse_deadline("04 ngày làm việc").duration, SETTINGS)
    assert total.total == 4 * 8 and total.parallel == (("B2", "B3"),)
    assert check(tthc("04 ngày làm việc"), table) == []
    assert reasons(check(tthc("03 ngày làm việc"), table)) == [conf.REASON_DEADLINE_EXCEEDED]


def test_calendar_days() -> None:
    # bare days share out a calendar-day deadline in calendar days
    assert check(tthc("15 ngày"), steps("05 ngày", "10 ngày")) == []
    assert reasons(check(tthc("15 ngày"), steps("05 ngày", "11 ngày"))) == [conf.REASON_DEADLINE_EXCEEDED]
    # working days against calendar days: 15 days always hold 10 working days, not 11
    assert check(tthc("15 ngày"), steps("04 ngày làm việc", "06 ngày")) == []
    found = check(tthc("15 ngày"), steps("05 ngày làm việc", "06 ngày"))
    assert reasons(found) == [conf.REASON_DEADLINE_EXCEEDED]
    assert "15 ngày theo lịch luôn có ít nhất 10 ngày làm việc" in found[0].detail
    assert check(tthc("12 Tháng"), steps("300 ngày")) == []  # a month counts 30 days


def test_unreadable() -> None:
    found = check(tthc("7"), SAMPLE)
    assert reasons(found) == [conf.REASON_DEADLINE_UNREADABLE] and "«7»" in found[0].detail
    found = check(tthc("05 ngày làm việc"), steps("0,5 ngày", "theo quy trình", "01 ngày"))
    assert reasons(found) == [conf.REASON_DEADLINE_UNREADABLE] and "bước B2: «theo quy trình»" in found[0].detail
    found = check(tthc("01 ngày làm việc"), steps("0,5 ngày", "theo quy trình", "01 ngày"))
    assert reasons(found) == [conf.REASON_DEADLINE_EXCEEDED, conf.REASON_DEADLINE_UNREADABLE]  # what is read exceeds already
    assert reasons(check(tthc("05 ngày làm việc"), StepTable())) == [conf.REASON_DEADLINE_UNREADABLE]
    assert reasons(check(tthc("05 ngày làm việc"), steps("", "", "Theo giấy hẹn"))) == [
        conf.REASON_DEADLINE_UNREADABLE]
    assert check(tthc("05 ngày làm việc"), None) == []  # steps never read for this revision: nothing to say
    assert check(tthc(""), steps("theo quy trình")) == []  # no deadline published: nothing to compare


def test_legal_basis() -> None:
    basis = "- Bộ luật Lao động số 45/2019/QH14;\n- Nghị định số 152/2020/NĐ-CP ngày 30/12/2020; Luật Việc làm năm 2013"
    assert check(tthc(basis=basis), None, ("45/2019/QH14", "152/2020/NĐ-CP")) == []
    found = check(tthc(basis=basis), None, ("152/2020/NĐ-CP",))
    assert reasons(found) == [conf.REASON_LEGAL_BASIS_MISSING]
    assert found[0].detail == f"TTHC {CODE} căn cứ 45/2019/QH14, quy trình không dẫn chiếu"


def test_a_changed_tthc_until_the_next_revision_or_review() -> None:
    change = CatalogEvent(dt.date(2024, 6, 1), "345/QĐ-UBND", EVENT_TERMS,
                          "Thời hạn giải quyết: «15 ngày làm việc» → «10 ngày làm việc»", "2024-06-03T10:00:00+07:00")
    changed = tthc(history=(change,))
    found = check(changed, None, since=T0)
    assert reasons(found) == [conf.REASON_TTHC_CHANGED] and found[0].since == dt.date(2024, 6, 3)
    assert "«15 ngày làm việc» → «10 ngày làm việc»" in found[0].detail and "345/QĐ-UBND" in found[0].detail
    later = dt.datetime(2024, 6, 3, 10, 0, 1, tzinfo=T0.tzinfo)
    assert check(changed, None, since=later) == []  # a revision or review after the change clears it
    same_second = dt.datetime(2024, 6, 3, 10, 0, 0, tzinfo=T0.tzinfo)
    assert reasons(check(changed, None, since=same_second)) == [conf.REASON_TTHC_CHANGED]  # not seen yet
    assert reasons(check(changed, None, since=None)) == [conf.REASON_TTHC_CHANGED]


def test_abolished_and_unknown_tthc_are_not_checked() -> None:
    assert check(tthc("7", status=STATUS_ABOLISHED), SAMPLE) == []
    assert conf.check(["9.999999"], {}, SAMPLE, (), T0, SETTINGS) == []


def test_several_tthc_make_one_finding_per_reason() -> None:
    other = Tthc("2.000286", "Khác", "", "", "", "active", (), deadline="01 ngày làm việc")
    found = conf.check([CODE, "2.000286"], {CODE: tthc("02 ngày làm việc"), "2.000286": other},
                       steps("01 ngày", "02 ngày"), (), T0, SETTINGS)
    assert reasons(found) == [conf.REASON_DEADLINE_EXCEEDED] and found[0].tthc == (CODE, "2.000286")


# --- through coverage and review -----------------------------------------------------------------------


def _state(**kw: object) -> ProcedureState:
    base = dict(code="QT-01/LĐVL", code_key="qt-01/ldvl", slug="qt-01-ldvl", office="LDVL",
                title="Cấp giấy phép lao động", revision=1, status="current", sha256="0" * 64, text_sha256="0" * 64,
                source="qt.docx", ext="docx", tthc=(CODE,), ingested_at="2024-03-01T09:00:00+07:00",
                issued=dt.date(2024, 3, 1),
                steps=steps("03 ngày", "03 ngày"))
    base.update(kw)
    return ProcedureState(**base)  # type: ignore[arg-type]


def test_coverage_flags_and_counts() -> None:
    catalog = {CODE: tthc("05 ngày làm việc", basis="Nghị định số 152/2020/NĐ-CP")}
    report = cov.compute_coverage(catalog, [cov.procedure_info(_state())], {}, set(), {})
    assert [(f.code, f.reason) for f in report.flagged] == [
        ("QT-01/LĐVL", conf.REASON_DEADLINE_EXCEEDED), ("QT-01/LĐVL", conf.REASON_LEGAL_BASIS_MISSING)]
    assert report.flagged_count == 1 and report.covered == 1
    assert report.conformity_counts() == {"tthc_changed": 0, "deadline_exceeded": 1, "deadline_unreadable": 0,
                                          "legal_basis_missing": 1}
    assert cov.report_to_dict(report)["conformity"]["deadline_exceeded"] == 1
    assert report.flagged[0].suggestions == []  # no suggestions: the link is fine
    assert not cov.coverage_ok(report)


def test_review_lists_the_findings() -> None:
    catalog = {CODE: tthc("05 ngày làm việc")}
    state = _state()
    findings = cov.conformity_findings(catalog, [cov.procedure_info(state)], {}, set())
    assert list(findings) == ["qt-01/ldvl"]
    statuses = rv.review_statuses([state], {}, {}, [], 12, findings)
    today = dt.date(2024, 4, 1)  # long before the period runs out
    assert statuses[0].reasons(today) == (conf.REASON_DEADLINE_EXCEEDED,)
    assert rv.due_reviews(statuses, today) == statuses


def test_a_review_clears_tthc_changed() -> None:
    change = CatalogEvent(None, "345/QĐ-UBND", EVENT_TERMS, "Căn cứ pháp lý: thêm 70/2023/NĐ-CP",
                          "2024-06-03T10:00:00+07:00")
    catalog = {CODE: tthc(history=(change,))}
    state = _state(steps=None)
    before = cov.procedure_info(state, reviewed=dt.datetime(2024, 5, 1, tzinfo=T0.tzinfo))
    after = cov.procedure_info(state, reviewed=dt.datetime(2024, 6, 4, tzinfo=T0.tzinfo))
    assert list(cov.conformity_findings(catalog, [before], {}, set())) == ["qt-01/ldvl"]
    assert cov.conformity_findings(catalog, [after], {}, set()) == {}
    assert Fraction(conf.Settings.of(7.5).hours_per_day) == Fraction(15, 2)
