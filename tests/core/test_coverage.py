"""Coverage over plain data: every link source, every flag and warning, exact numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from support.catalog_builders import tthc
from support.coverage_scenario import AMENDED_ON, FIELD_OFFICES, INTERNAL, MANUAL, catalog, proc, procedures, report

from doccontrol.core.coverage import (
    REPORT_KEYS,
    LinkError,
    Tally,
    add_link,
    catalog_names,
    compute_coverage,
    coverage_ok,
    links_from_json,
    links_to_json,
    name_key,
    procedure_info,
    links_of_one,
    remove_link,
    report_to_dict,
    top_matches,
)
from doccontrol.core.model import ProcedureState
from doccontrol.core.text import code_key


def test_totals_and_tallies() -> None:
    r = report()
    # active: 001 002 003 004 005 007 008 009; covered: 001 002 003 004
    assert (r.total, r.covered, r.percent) == (8, 4, 50.0)
    assert r.by_office == {
        "": Tally(1, 0, 0.0),
        "BTXH": Tally(2, 0, 0.0),
        "GDNN": Tally(2, 1, 50.0),
        "LĐ-VL": Tally(3, 3, 100.0),
    }
    assert r.by_field == {
        "Bảo trợ xã hội": Tally(2, 0, 0.0),
        "Giáo dục nghề nghiệp": Tally(2, 1, 50.0),
        "Thi đua – Khen thưởng": Tally(1, 0, 0.0),
        "Việc làm": Tally(3, 3, 100.0),
    }
    assert not coverage_ok(r)
    assert not coverage_ok(r, fail_under=0.0)  # flagged procedures fail regardless


def test_every_link_source() -> None:
    r = report()
    got = {(l.procedure, l.tthc, l.source) for l in r.links}
    assert got == {
        ("QT-01/LĐVL", "1.000001", "document"),
        ("QT-02/LĐVL", "1.000002", "document"),
        ("QT-03/LĐVL", "1.000003", "name"),
        ("QT-04/GDNN", "2.000004", "manual"),
        ("QT-06/LĐVL", "9.999999", "document"),
        ("QT-07/LĐVL", "1.000006", "document"),
        ("QT-09/LĐVL", "1.000001", "document"),
    }
    assert [l.procedure for l in r.links] == sorted((l.procedure for l in r.links), key=code_key)
    assert next(l for l in r.links if l.tthc == "9.999999").name == ""
    assert next(l for l in r.links if l.tthc == "1.000003").name == "Giải quyết hưởng trợ cấp thất nghiệp"


class _AgencyScope:
    """A catalog scope holding the TTHC of one field only (as ``core.scope`` would)."""

    def holds(self, t: object) -> bool:
        return getattr(t, "field") == "Việc làm"

    def describe(self) -> tuple[str, str]:
        return ("lĩnh vực Việc làm", "field Việc làm")


@pytest.mark.parametrize("scope", [None, _AgencyScope()])
def test_one_procedures_links_are_those_the_report_lists_for_it(scope: object) -> None:
    """The procedure page computes one procedure's links alone, against the catalog's names:
    the same links, names and order as the whole report (and none for a withdrawn procedure)."""
    cat = catalog()
    cat["2.000009"] = tthc("2.000009", "Quy trình kiểm soát tài liệu", "Việc làm")  # a second TTHC of that name
    procs = [*procedures(), proc("QT-11/VP", "Quy trình kiểm soát tài liệu", "VP"),
             proc("QT-12/LĐVL", "Giải quyết hưởng trợ cấp thất nghiệp", "LĐ-VL", status="withdrawn")]
    whole = compute_coverage(cat, procs, MANUAL, INTERNAL, FIELD_OFFICES, catalog_scope=scope)  # type: ignore[arg-type]
    names = catalog_names(cat, scope)  # type: ignore[arg-type]
    sources = set()
    for p in procs:
        alone = links_of_one(p, MANUAL, cat, names)
        assert alone == [link for link in whole.links if link.procedure == p.code], p.code
        sources.update(link.source for link in alone)
    assert sources == {"document", "manual", "name"}
    assert links_of_one(procs[-1], MANUAL, cat, names) == []  # withdrawn: the report lists none


def test_every_flag() -> None:
    r = report()
    got = [(f.code, f.reason, f.tthc) for f in r.flagged]
    assert got == [
        ("QT-05/GDNN", "no_tthc_link", ()),
        ("QT-02/LĐVL", "needs_review", ("1.000002",)),
        ("QT-06/LĐVL", "unknown_tthc", ("9.999999",)),
        ("QT-07/LĐVL", "abolished_tthc", ("1.000006",)),
    ]
    review = r.flagged[1]
    assert "345/QĐ-UBND" in review.detail and "12/03/2024" in review.detail and "01/12/2023" in review.detail
    assert "20/QĐ-UBND" in r.flagged[3].detail
    # the unlinked procedure is offered its TTHC, which stays uncovered
    (s,) = [s for s in r.flagged[0].suggestions if s.tthc == "2.000005"]
    assert s.score >= 80
    assert "2.000005" in {u.code for u in r.uncovered}
    # the internal procedure is listed apart and never flagged
    assert [(i.code, i.office) for i in r.internal] == [("QT-10/VP", "VP")]
    assert "QT-10/VP" not in {f.code for f in r.flagged}


def test_uncovered_with_suggestions() -> None:
    r = report()
    assert [(u.code, u.office) for u in r.uncovered] == [
        ("1.000009", ""), ("1.000007", "BTXH"), ("1.000008", "BTXH"), ("2.000005", "GDNN")]
    u5 = r.uncovered[-1]
    assert u5.field == "Giáo dục nghề nghiệp"
    assert [s.procedure for s in u5.suggestions][:1] == ["QT-05/GDNN"]
    assert all(s.score >= 60 for u in r.uncovered for s in u.suggestions)
    assert all(len(u.suggestions) <= 3 for u in r.uncovered)
    # the top-level list joins both directions, no duplicates, best first per procedure
    pairs = [(s.procedure, s.tthc) for s in r.suggestions]
    assert len(pairs) == len(set(pairs)) and ("QT-05/GDNN", "2.000005") in pairs


def test_every_warning() -> None:
    r = report()
    got = [(w.kind, w.tthc, w.procedures) for w in r.warnings]
    assert got == [
        ("withdrawn_only_cover", ("1.000007",), ("QT-08/BTXH",)),
        ("multiple_cover", ("1.000001",), ("QT-01/LĐVL", "QT-09/LĐVL")),
        ("manual_link_unknown_procedure", ("1.000008",), ("qt-99",)),
        ("unassigned_field", ("1.000009",), ()),
    ]
    assert all(w.message and w.message_en for w in r.warnings)


def test_decisions_listed_in_date_order() -> None:
    r = report()
    assert [(d.decision, d.date) for d in r.decisions] == [
        ("100/QĐ-UBND", dt.date(2023, 1, 10)), ("20/QĐ-UBND", dt.date(2024, 1, 5)),
        ("345/QĐ-UBND", AMENDED_ON)]


def test_office_filter() -> None:
    r = report(office="gdnn")
    assert (r.total, r.covered, r.percent) == (2, 1, 50.0)
    assert list(r.by_office) == ["GDNN"]
    assert [(f.code, f.reason) for f in r.flagged] == [("QT-05/GDNN", "no_tthc_link")]
    assert {u.code for u in r.uncovered} == {"2.000005"}
    assert not any(w.kind == "unassigned_field" for w in r.warnings)


def test_field_filter() -> None:
    r = report(field="viec lam")
    assert (r.total, r.covered, r.percent) == (3, 3, 100.0)
    # QT-06 has no known TTHC but belongs to the field's office; QT-07 links an abolished TTHC of it
    assert [(f.code, f.reason) for f in r.flagged] == [
        ("QT-02/LĐVL", "needs_review"), ("QT-06/LĐVL", "unknown_tthc"), ("QT-07/LĐVL", "abolished_tthc")]
    assert r.uncovered == []
    assert not coverage_ok(r)


def test_all_clear_passes() -> None:
    cat = {k: v for k, v in catalog().items() if k in ("1.000001", "1.000003")}
    procs = [p for p in procedures() if p.code in ("QT-01/LĐVL", "QT-03/LĐVL", "QT-10/VP")]
    r = compute_coverage(cat, procs, {}, INTERNAL, FIELD_OFFICES)
    assert (r.total, r.covered, r.percent, r.flagged, r.warnings) == (2, 2, 100.0, [], [])
    assert coverage_ok(r)


def test_percent_rounds_down_and_empty_scope() -> None:
    cat = {c: tthc(c, f"Thủ tục {c}", "Việc làm") for c in ("1.000001", "1.000002", "1.000003")}
    procs = [proc(f"QT-{i}", f"Quy trình {i}", "LĐ-VL", tthc=(c,)) for i, c in enumerate(["1.000001", "1.000002"])]
    r = compute_coverage(cat, procs, {}, set(), FIELD_OFFICES)
    assert r.percent == 66.66
    assert coverage_ok(r, fail_under=66.0) and not coverage_ok(r, fail_under=66.67)
    many = {f"1.{i:06d}": tthc(f"1.{i:06d}", f"Thủ tục số {i}", "Việc làm") for i in range(1, 10001)}
    procs = [proc("QT-1", "Quy trình", "LĐ-VL", tthc=tuple(list(many)[:9999]))]
    r = compute_coverage(many, procs, {}, set(), FIELD_OFFICES, suggest_limit=0)
    assert r.percent == 99.99 and not coverage_ok(r)  # never rounded up to 100
    empty = compute_coverage({}, [], {}, set(), {})
    assert (empty.total, empty.percent) == (0, 100.0)
    assert [w.kind for w in empty.warnings] == ["empty_scope"]


def test_name_links_need_one_unambiguous_name_and_no_explicit_link() -> None:
    cat = {
        "1.000001": tthc("1.000001", "Cấp bản sao trích lục hộ tịch", "Hộ tịch"),
        "2.000001": tthc("2.000001", "Cấp bản sao trích lục hộ tịch", "Hộ tịch"),  # same name, other level
        "1.000003": tthc("1.000003", "Đăng ký giám hộ", "Hộ tịch"),
    }
    procs = [
        proc("QT-A", "Quy trình cấp bản sao trích lục hộ tịch", "TP"),
        proc("QT-B", "Thủ tục đăng ký giám hộ", "TP", tthc=("1.000001",)),  # explicit link wins
    ]
    r = compute_coverage(cat, procs, {}, set(), {"Hộ tịch": "TP"})
    assert {(l.procedure, l.tthc, l.source) for l in r.links} == {("QT-B", "1.000001", "document")}
    flag = next(f for f in r.flagged if f.code == "QT-A")
    assert flag.reason == "no_tthc_link"
    assert [(s.tthc, s.score) for s in flag.suggestions] == [("1.000001", 100), ("2.000001", 100)]


def test_needs_review_dates() -> None:
    cat = {"1.000002": catalog()["1.000002"]}
    procs = [
        proc("QT-old", "a", "LĐ-VL", tthc=("1.000002",), revised=dt.date(2024, 3, 11)),
        proc("QT-same", "b", "LĐ-VL", tthc=("1.000002",), revised=AMENDED_ON),
        proc("QT-new", "c", "LĐ-VL", tthc=("1.000002",), revised=dt.date(2024, 3, 13)),
        proc("QT-nodate", "d", "LĐ-VL", tthc=("1.000002",), revised=None),
    ]
    r = compute_coverage(cat, procs, {}, set(), FIELD_OFFICES)
    flagged = {f.code: f for f in r.flagged}
    assert set(flagged) == {"QT-old", "QT-nodate"}
    assert "không ghi ngày" in flagged["QT-nodate"].detail


def test_withdrawn_procedures_do_not_cover_and_duplicates_prefer_current() -> None:
    cat = {"1.000001": tthc("1.000001", "Một", "Việc làm")}
    old = proc("QT-01", "Một", "LĐ-VL", tthc=("1.000001",), status="withdrawn")
    r = compute_coverage(cat, [old], {}, set(), FIELD_OFFICES)
    assert r.covered == 0 and r.links == [] and r.warnings[0].kind == "withdrawn_only_cover"
    new = proc("qt 01", "Một", "LĐ-VL", tthc=("1.000001",))
    r = compute_coverage(cat, [old, new], {}, set(), FIELD_OFFICES)
    assert r.covered == 1 and [l.procedure for l in r.links] == ["qt 01"]


def test_internal_procedure_citing_a_tthc_is_warned_not_flagged() -> None:
    cat = {"1.000001": tthc("1.000001", "Một", "Việc làm")}
    p = proc("QT-NB", "Quy trình nội bộ", "VP", tthc=("1.000001", "9.000000"))
    r = compute_coverage(cat, [p], {}, {"QT-NB"}, FIELD_OFFICES)
    assert r.flagged == [] and r.covered == 1
    assert [w.kind for w in r.warnings] == ["internal_with_tthc"]


def test_report_dict_has_exactly_the_keys() -> None:
    d = report_to_dict(report())
    assert tuple(d) == REPORT_KEYS
    assert d["by_office"]["GDNN"] == {"total": 2, "covered": 1, "percent": 50.0}
    assert set(d["flagged"][0]) >= {"code", "title", "office", "reason"}
    assert set(d["links"][0]) >= {"procedure", "tthc", "source"}
    assert set(d["suggestions"][0]) >= {"procedure", "tthc", "score"}
    assert set(d["uncovered"][0]) >= {"code", "name", "field", "office", "suggestions"}
    assert d["decisions"][0] == {"decision": "100/QĐ-UBND", "date": "2023-01-10"}


def test_name_key() -> None:
    assert name_key("Quy trình giải quyết TTHC: Cấp giấy phép lao động.") == "cap giay phep lao dong"
    assert name_key("THỦ TỤC CẤP GIẤY PHÉP LAO ĐỘNG") == "cap giay phep lao dong"
    assert name_key("Quy trình") == ""


def test_top_matches() -> None:
    got = top_matches([[1, 2, 3], [9], []], [[1, 2, 3], [1, 2, 3], [1, 2], [1, 2, 3, 4], [7]], 3, 60)
    assert got == [[(0, 100), (1, 100), (3, 86)], [], []]
    assert top_matches([[1, 2, 3]], [[1, 2, 3, 4], [1, 2, 3]], 1, 60) == [[(1, 100)]]
    assert top_matches([], [[1]], 3, 60) == []
    assert top_matches([[1]], [], 3, 60) == [[]]


def test_top_matches_equals_brute_force_with_repeated_titles() -> None:
    import random

    import numpy as np
    from rapidfuzz import fuzz, process

    rng = random.Random(7)
    pool = [[rng.randrange(12) for _ in range(rng.randint(1, 8))] for _ in range(25)]
    choices = [rng.choice(pool) for _ in range(300)]  # many repeated titles
    queries = [rng.choice(pool) for _ in range(60)] + [[]]
    for limit, threshold in ((3, 60), (1, 50), (5, 80)):
        matrix = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8)
        expected = []
        for q, row in zip(queries, matrix):
            hits = sorted((-int(s), j) for j, s in enumerate(row) if s >= max(threshold, 1)) if q else []
            expected.append([(j, -neg) for neg, j in hits[:limit]])
        assert top_matches(queries, choices, limit, threshold) == expected


def test_manual_links_edit_and_round_trip() -> None:
    links = add_link({}, "QT-01/LĐ-VL", "1.000001.000.00.00.H37")
    links = add_link(links, "qt-01/ld-vl", "2.000002")
    links = add_link(links, "QT-02", "1.000003")
    assert links == {"qt-01/ld-vl": {"1.000001", "2.000002"}, "qt-02": {"1.000003"}}
    with pytest.raises(LinkError):
        add_link(links, "QT-02", "1.0003")
    links = remove_link(links, "QT-02", "1.000003")
    assert links == {"qt-01/ld-vl": {"1.000001", "2.000002"}}
    text = links_to_json(links, internal={"QT-10/VP"})
    assert links_from_json(text) == (links, {"qt-10/vp"})
    assert links_to_json(*links_from_json(text)) == text
    assert '"qt-01/ld-vl": [\n      "1.000001",\n      "2.000002"\n    ]' in text
    with pytest.raises(LinkError):
        links_from_json('{"format": "other"}')


def test_procedure_info_from_state() -> None:
    state = ProcedureState(code="QT-01", code_key="qt-01", slug="qt-01", office="LĐ-VL", title="T",
                           revision=2, status="current", sha256="", text_sha256="", source="", ext="docx",
                           issued=dt.date(2024, 1, 1), effective=dt.date(2024, 2, 1), tthc=("1.000001",))
    info = procedure_info(state)
    assert (info.code_key, info.revision, info.revision_date, info.tthc) == (
        "qt-01", 2, dt.date(2024, 2, 1), ("1.000001",))


def test_a_title_naming_an_abolished_tthc_is_flagged_abolished() -> None:
    gone = dataclasses.replace(tthc("1.000007", "Cấp giấy chứng nhận hộ nghèo", "Bảo trợ xã hội"), status="abolished")
    cat = {"1.000007": gone, "1.000008": tthc("1.000008", "Đăng ký giám hộ", "Hộ tịch")}
    procs = [proc("QT-A", "Quy trình cấp giấy chứng nhận hộ nghèo", "BTXH"),
             proc("QT-B", "Quy trình đăng ký giám hộ", "TP")]
    r = compute_coverage(cat, procs, {}, set(), {})
    assert [(f.code, f.reason, f.tthc) for f in r.flagged] == [("QT-A", "abolished_tthc", ("1.000007",))]
    assert ("QT-A", "1.000007", "name") in {(l.procedure, l.tthc, l.source) for l in r.links} and r.covered == 1
    # an active TTHC of the same name wins over the abolished one
    cat["1.000009"] = tthc("1.000009", "Cấp giấy chứng nhận hộ nghèo", "Bảo trợ xã hội")
    r = compute_coverage(cat, procs, {}, set(), {})
    assert r.flagged == [] and r.covered == 2


def test_a_procedure_with_two_findings_is_one_procedure_to_review() -> None:
    gone = dataclasses.replace(tthc("1.000007", "Một", "Việc làm"), status="abolished")
    cat = {"1.000007": gone}
    procs = [proc("QT-A", "x", "LĐ-VL", tthc=("1.000007", "9.999999")), proc("QT-B", "y", "LĐ-VL")]
    r = compute_coverage(cat, procs, {}, set(), FIELD_OFFICES)
    assert [(f.code, f.reason) for f in r.flagged] == [
        ("QT-A", "unknown_tthc"), ("QT-A", "abolished_tthc"), ("QT-B", "no_tthc_link")]
    assert r.flagged_count == 2
    assert [(p.code, p.reasons) for p in r.flagged_procedures()] == [
        ("QT-A", ("unknown_tthc", "abolished_tthc")), ("QT-B", ("no_tthc_link",))]
