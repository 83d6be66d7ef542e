"""Fields → offices as the repository keeps them, and the office suggested for a field (plain data)."""

from __future__ import annotations

from support.catalog_builders import tthc

from doccontrol.core.coverage import Link
from doccontrol.core.organisation import (
    Organisation,
    assign,
    field_offices,
    field_rows,
    organisation_from_json,
    organisation_to_json,
)


def test_assign_replaces_any_spelling_and_the_repository_wins_over_the_configuration() -> None:
    org = assign(Organisation({"VP": "Văn phòng"}), "Việc làm", "LDVL")
    org = assign(org, "viec lam", "VP")  # the same field, spelled another way
    assert org.fields == {"viec lam": "VP"}
    assert assign(org, "Việc làm", None).fields == {}
    assert organisation_from_json(organisation_to_json(org)) == org
    merged = field_offices(org, {"Việc làm": "LDVL", "Người có công": "NCC"})
    assert merged == {"viec lam": "VP", "Người có công": "NCC"}


def test_every_field_with_its_count_office_and_suggestion() -> None:
    catalog = {c: tthc(c, n, f) for c, n, f in [
        ("1.000001", "A", "Việc làm"), ("1.000002", "B", "Việc làm"), ("1.000003", "C", "Việc làm"),
        ("1.000004", "D", "Người có công"), ("1.000005", "E", "Bảo trợ xã hội"), ("1.000006", "F", "Ngoài phạm vi")]}
    links = [Link("QT-1", "1.000001", "name"), Link("QT-2", "1.000002", "document"), Link("QT-3", "1.000003", "manual"),
             Link("QT-4", "1.000004", "name"), Link("QT-5", "1.000004", "name")]
    owner = {"QT-1": "VP", "QT-2": "LDVL", "QT-3": "LDVL", "QT-4": "NCC", "QT-5": "BTXH"}
    rows = field_rows(catalog, [c for c in catalog if c != "1.000006"], Organisation({}, {"Việc làm": "LDVL"}),
                      {"Bảo trợ xã hội": "BTXH"}, links, owner, ["VP", "LDVL", "NCC", "BTXH"])
    got = [(r.field, r.tthc, r.office, r.source, r.suggested) for r in rows]
    assert got == [("Bảo trợ xã hội", 1, "BTXH", "doccontrol.toml", ""),
                   ("Người có công", 1, "", "", "NCC"),  # a tie: the configured office order decides
                   ("Việc làm", 3, "LDVL", "repository", "LDVL")]
    assert dict(rows[2].covered_by) == {"VP": 1, "LDVL": 2}
