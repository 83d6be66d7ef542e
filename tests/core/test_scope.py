"""The catalog's scope, the choice of the import to undo, and the real national exports scoped."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from support.catalog_builders import tthc
from support.coverage_scenario import proc

from doccontrol.core import catalog as cat
from doccontrol.extract.catalog_files import parse_catalog_file
from doccontrol.core.coverage import compute_coverage, name_key
from doccontrol.core.scope import CatalogScope, ScopeError, make_scope, scope_from_json, scope_to_json


def entry(code: str, name: str, field: str, agency: str, level: str = "") -> cat.Tthc:
    return dataclasses.replace(tthc(code, name, field), agency=agency, level=level)


CATALOG = {t.code: t for t in [
    entry("1.000001", "Đăng ký khai sinh", "Hộ tịch", "Ủy ban nhân dân cấp xã", "Cấp xã"),
    entry("1.000002", "Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", "Sở Tư Pháp", "Cấp tỉnh"),
    entry("1.000003", "Đăng ký hành nghề luật sư", "Luật sư", "Chủ tịch ủy ban nhân dân cấp tỉnh; Sở Tư pháp", "Cấp tỉnh"),
    entry("1.000004", "Cấp thẻ công chứng viên", "Công chứng", "SỞ TƯ PHÁP THÀNH PHỐ HÀ NỘI", "Cấp Tỉnh"),
    entry("1.000005", "Cấp giấy phép hàng không", "Hàng không", "Cục Hàng không Việt Nam", "Cấp trung ương"),
    entry("1.000006", "Đăng ký hành nghề luật sư", "Luật sư", "Bộ Tư pháp", "Cấp trung ương"),
]}


def holds(scope: CatalogScope) -> list[str]:
    return sorted(c for c, t in CATALOG.items() if scope.holds(t))


def test_agency_matches_every_spelling_level_field_and_code() -> None:
    assert holds(CatalogScope()) == sorted(CATALOG)
    assert holds(make_scope(agencies=["Sở Tư pháp"])) == ["1.000002", "1.000003", "1.000004"]
    assert holds(make_scope(agencies=["so tu phap"], levels=["tinh"])) == ["1.000002", "1.000003", "1.000004"]
    assert holds(make_scope(agencies=["Sở Tư pháp", "UBND cấp xã", "Ủy ban nhân dân cấp xã"])) == [
        "1.000001", "1.000002", "1.000003", "1.000004"]
    assert holds(make_scope(fields=["luat su"])) == ["1.000003", "1.000006"]
    assert holds(make_scope(agencies=["Sở Tư pháp"], fields=["Luật sư"])) == ["1.000003"]
    assert holds(make_scope(codes=["1,000005", "1.000001.000.00.00.H37"])) == ["1.000001", "1.000005"]
    assert holds(make_scope(agencies=["Sở Tư ph"])) == []  # whole words only
    with pytest.raises(ScopeError):
        make_scope(codes=["QT-01"])


def test_stored_with_its_words() -> None:
    scope = make_scope(agencies=["Sở Tư pháp"], levels=["Cấp tỉnh"], codes=["1.000002"])
    assert scope_from_json(scope_to_json(scope)) == scope
    vi, en = scope.describe()
    assert vi == "cơ quan thực hiện có «Sở Tư pháp»; cấp thực hiện có «Cấp tỉnh»; mã TTHC thuộc danh sách 1 mã"
    assert en.startswith("implementing agency contains «Sở Tư pháp»")
    assert CatalogScope().describe()[0] == "toàn bộ danh mục (chưa giới hạn phạm vi)"


def test_coverage_counts_only_the_scope_and_a_name_prefers_it() -> None:
    scope = make_scope(agencies=["Sở Tư pháp"])
    procs = [proc("QT-01", "Quy trình đăng ký hành nghề luật sư", "TP")]  # the name is the Sở's and the Bộ's
    r = compute_coverage(CATALOG, procs, {}, set(), {}, catalog_scope=scope)
    assert (r.total, r.covered, r.outside_scope) == (3, 1, 3)
    assert [(l.tthc, l.source) for l in r.links] == [("1.000003", "name")]
    assert r.catalog_scope[0] == "cơ quan thực hiện có «Sở Tư pháp»"
    unscoped = compute_coverage(CATALOG, procs, {}, set(), {})
    assert unscoped.links == [] and unscoped.total == 6  # two TTHC of that name: no link without a scope


def test_the_import_to_undo_is_the_newest_not_yet_reverted() -> None:
    assert cat.import_to_undo([]) is None
    assert cat.import_to_undo([("b", None), ("a", None)]) == "b"
    assert cat.import_to_undo([("u1", "b"), ("b", None), ("a", None)]) == "a"
    assert cat.import_to_undo([("u2", "a"), ("u1", "b"), ("b", None), ("a", None)]) is None
    assert cat.import_to_undo([("c", None), ("u1", "b"), ("b", None), ("a", None)]) == "c"


def test_every_name_of_the_real_exports_links_by_name_once_scoped(tthc_exports_dir: Path) -> None:
    """Each TTHC name of the national exports, used whole as a procedure title, links to its TTHC:
    by itself when the name is unique, and with the scope of its agency when several agencies
    list the same name."""
    for path in sorted(tthc_exports_dir.glob("*.xlsx")):
        parsed = parse_catalog_file(path)
        assert parsed.problems == [] and len(parsed.valid_rows) == len(parsed.rows) > 200, path.name
        catalog, _ = cat.merge_catalog({}, parsed, path.name, None)
        by_name: dict[str, list[cat.Tthc]] = {}
        for t in catalog.values():
            by_name.setdefault(name_key(t.name), []).append(t)
        for t in catalog.values():
            scope = CatalogScope() if len(by_name[name_key(t.name)]) == 1 else make_scope(codes=[t.code])
            r = compute_coverage(catalog, [proc("QT-X", t.name, "TP")], {}, set(), {}, catalog_scope=scope,
                                 suggest_limit=0)
            assert [(l.tthc, l.source) for l in r.links] == [(t.code, "name")], (path.name, t.code, t.name[:80])
