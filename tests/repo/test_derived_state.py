"""The repository's derived state (``.git/doccontrol/state.json``): kept by the unit of work,
trusted only when it is of HEAD, rebuilt when missing, compared by ``verify``; ``list`` and
``status`` say the same with it and without it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from support.commits import commit_procedure
from support.workspace import git, run, run_json

from doccontrol.core import derived as core_derived
from doccontrol.repo import derived
from doccontrol.repo.gateway import Repository
from doccontrol.repo.gitcmd import Git
from doccontrol.workspace import load


def _state_file(home: Path) -> Path:
    return home / "procedures" / ".git" / "doccontrol" / "state.json"


def _kept(home: Path) -> core_derived.DerivedState | None:
    return derived.read(Git(home / "procedures"))


def _rebuilt(home: Path) -> core_derived.DerivedState:
    repo_git = Git(home / "procedures")
    head = repo_git.head()
    assert head is not None
    return derived.build(repo_git, head)


def _forget(home: Path) -> None:
    """A new process: nothing remembered of the derived state."""
    derived.forget(Git(home / "procedures"))


def _outputs(home: Path) -> tuple[str, str, object, object]:
    _forget(home)
    listed = run(home, "list", "--status", "all")
    assert listed.exit_code == 0, listed.output
    status = run_json(home, "status")
    return (listed.stdout, run(home, "list", "--office", "LDVL").stdout,
            run_json(home, "list", "--status", "all"),
            (status["procedures_current"], status["procedures_withdrawn"], status["problems"]))


@pytest.fixture
def three(home: Path) -> Path:
    commit_procedure(home, "LDVL", "QT-01/LĐTBXH", title="Cấp giấy phép lao động")
    commit_procedure(home, "LDVL", "QT-02/LĐTBXH", title="Cấp lại giấy phép lao động")
    commit_procedure(home, "NCC", "QT-05/NCC", title="Trợ cấp người có công")
    return home


def test_rebuilt_when_missing_written_back_and_the_same_lists(three: Path) -> None:
    _state_file(three).unlink(missing_ok=True)
    without = _outputs(three)
    assert _kept(three) == _rebuilt(three)  # the reader wrote it back, of HEAD
    kept = _state_file(three).read_bytes()
    assert _outputs(three) == without  # read from the file now: the same
    assert _state_file(three).read_bytes() == kept
    assert "QT-05/NCC" in without[0] and without[3] == (3, 0, [])


def test_kept_by_each_unit_of_work_incrementally(three: Path) -> None:
    run(three, "list")  # the derived state of HEAD is kept from here on
    commit_procedure(three, "NCC", "QT-05/NCC", revision=2, title="Trợ cấp người có công (sửa đổi)")
    result = run(three, "withdraw", "QT-01/LĐTBXH", "--reason", "Gộp vào QT-02/LĐTBXH")
    assert result.exit_code == 0, result.output
    kept = _kept(three)
    assert kept is not None and kept.commit == git(three, "rev-parse", "HEAD").strip()
    assert kept == _rebuilt(three)
    assert kept.counts() == (2, 1)
    assert set(kept.entered) == {"qt-01/ldtbxh", "qt-02/ldtbxh", "qt-05/ncc"}
    _forget(three)
    assert run_json(three, "status")["procedures_withdrawn"] == 1
    assert "sửa đổi" in run(three, "list").stdout


def test_a_commit_behind_its_back_is_never_trusted(three: Path) -> None:
    """A commit made by plain git: the kept state names another commit, so it is rebuilt."""
    run(three, "list")
    meta = three / "procedures" / "NCC" / "qt-05-ncc" / "meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["title"] = "Tên sửa bằng git"
    meta.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    git(three, "-c", "user.name=x", "-c", "user.email=x@example.org", "commit", "-qam", "by hand")
    before = _kept(three)
    assert before is not None and before.commit != git(three, "rev-parse", "HEAD").strip()
    _forget(three)
    assert "Tên sửa bằng git" in run(three, "list").stdout
    assert _kept(three) == _rebuilt(three)


def test_verify_reports_a_tampered_file_and_rebuilds_it(three: Path) -> None:
    run(three, "list")
    kept = _kept(three)
    assert kept is not None
    rows = tuple(dataclasses.replace(r, title="Giả mạo") if r.code == "QT-02/LĐTBXH" else r for r in kept.rows)
    derived.write(Git(three / "procedures"), dataclasses.replace(kept, rows=rows))
    result = run(three, "verify")
    assert result.exit_code == 1, result.output
    assert "LDVL/qt-02-ldtbxh" in result.output and "derived state" in result.output
    found = run_json(three, "verify")
    assert found["healthy"] and found["derived"]["kept"] == "agrees"  # the first run rebuilt it
    _state_file(three).write_text("{not json", encoding="utf-8")
    assert run_json(three, "verify")["derived"]["kept"] == "unreadable"
    _state_file(three).unlink()
    assert run(three, "verify").exit_code == 0  # missing: rebuilt, not a problem


def test_a_read_only_repository_computes_it_without_writing(three: Path) -> None:
    """The gateway passes no lock root when it cannot write the git directory (a mirror)."""
    _state_file(three).unlink(missing_ok=True)
    _forget(three)
    repo_git = Git(three / "procedures")
    state = derived.current(repo_git, repo_git.head() or "", None)
    assert state.counts() == (3, 0)
    assert not _state_file(three).exists()
    with Repository(load(three)) as repo:  # writable: written back
        assert repo.derived() == state
    assert _kept(three) is None  # remembered by this process: nothing to write
    _forget(three)
    with Repository(load(three)) as repo:
        repo.derived()
    assert _kept(three) == state


# --- the pure part -------------------------------------------------------------------------------------


def _row(folder: str, code: str, status: str = core_derived.CURRENT, tthc: tuple[str, ...] = ()) -> core_derived.Row:
    office = folder.split("/")[0]
    return core_derived.Row(folder, code, code.lower(), f"Quy trình {code}", office, 1, status, None,
                            "2024-01-02", "ingest", "2024-01-02", tthc, None)


def test_json_round_trip_and_format() -> None:
    state = core_derived.DerivedState(
        commit="a" * 40, date=dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.timezone.utc),
        rows=(_row("LDVL/qt-01", "QT-01", tthc=("1.000105",)), _row("VP/qt-02", "QT-02", core_derived.WITHDRAWN)),
        links={"qt-01": ("1.000105",), "qt-02": ()}, entered={"qt-01": dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc)},
    )
    assert core_derived.from_json(core_derived.to_json(state)) == state
    assert state.counts() == (1, 1)
    other = json.loads(core_derived.to_json(state))
    other["format"] = core_derived.FORMAT + 1
    with pytest.raises(ValueError):
        core_derived.from_json(json.dumps(other))
    with pytest.raises(ValueError):
        core_derived.from_json("[]")


def test_moving_rows_recomputes_the_links_of_their_codes_only() -> None:
    state = core_derived.DerivedState(
        commit="a" * 40, date=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
        rows=(_row("LDVL/qt-01", "QT-01", tthc=("1.000105",)), _row("VP/qt-02", "QT-02")),
        links={"qt-01": ("1.000105",), "qt-02": ("kept",)},
    )
    asked: list[list[str]] = []

    def recompute(rows: list[core_derived.Row]) -> dict[str, tuple[str, ...]]:
        asked.append([r.folder for r in rows])
        return core_derived.linked_tthc(rows, {}, None)

    moved = core_derived.with_rows(state, {"LDVL/qt-01": None, "NCC/qt-03": _row("NCC/qt-03", "QT-03", tthc=("1.2",))},
                                   {}, "b" * 40, state.date, False, recompute)
    assert [r.folder for r in moved.rows] == ["NCC/qt-03", "VP/qt-02"]
    assert moved.links == {"qt-02": ("kept",), "qt-03": ("1.2",)}
    assert asked == [["NCC/qt-03"]]
    assert core_derived.differences(state, moved)[:2] == [f"commit {'a' * 12} != {'b' * 12}", "procedure LDVL/qt-01"]


def test_moving_changed_rows_keeps_the_order_and_the_other_row_objects() -> None:
    rows = tuple(_row(folder, code) for folder, code in (("LDVL/qt-01", "QT-01"), ("LDVL/qt-10", "QT-10"),
                                                         ("VP/qt-02", "QT-02")))
    state = core_derived.DerivedState(commit="a" * 40, date=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
                                      rows=rows, links={})
    withdrawn = _row("LDVL/qt-10", "QT-10", core_derived.WITHDRAWN)
    moved = core_derived.with_rows(state, {"LDVL/qt-10": withdrawn}, {}, "b" * 40, state.date, False,
                                   lambda changed: core_derived.linked_tthc(changed, {}, None))
    assert [r.folder for r in moved.rows] == ["LDVL/qt-01", "LDVL/qt-10", "VP/qt-02"]
    assert moved.rows[0] is rows[0] and moved.rows[2] is rows[2] and moved.rows[1] is withdrawn
    added = core_derived.with_rows(moved, {"LDVL/qt-05": _row("LDVL/qt-05", "QT-05")}, {}, "c" * 40, state.date,
                                   False, lambda changed: core_derived.linked_tthc(changed, {}, None))
    assert [r.folder for r in added.rows] == ["LDVL/qt-01", "LDVL/qt-05", "LDVL/qt-10", "VP/qt-02"]  # by folder


def test_the_coverage_report_is_kept_per_commit_and_settings(three: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from support.workspace import map_fields

    from doccontrol import service
    from doccontrol.core import coverage as cov
    from doccontrol.core.catalog import STATUS_ACTIVE, Tthc, catalog_to_json
    from doccontrol.repo import layout

    catalog = {code: Tthc(code=code, name=name, field="Việc làm", agency="Sở", level="Cấp tỉnh", status=STATUS_ACTIVE)
               for code, name in (("1.000105", "Cấp giấy phép lao động"), ("1.000459", "Cấp lại giấy phép"))}
    with Repository(load(three)) as repo, repo.write("VP", "catalog import") as tx:
        tx.commit_files({layout.CATALOG_FILE: catalog_to_json(catalog).encode("utf-8")}, "Danh mục TTHC",
                        {"Action": "catalog-import"})
    first = service.coverage(load(three)).report
    from doccontrol.core import coverage_basis

    computed: list[object] = []
    real = coverage_basis.report_of  # every report is made here (compute_coverage too)

    def counting(*args: object, **kwargs: object) -> cov.CoverageReport:
        computed.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(coverage_basis, "report_of", counting)
    assert service.coverage(load(three)).report == first and computed == []  # kept for this commit
    service.coverage(load(three), "LDVL")
    assert len(computed) == 1  # another scope: computed once, then kept
    service.coverage(load(three), "LDVL")
    assert len(computed) == 1
    map_fields(three)  # a setting the report reads changed: computed again
    service.coverage(load(three))
    assert len(computed) == 2
    commit_procedure(three, "LDVL", "QT-03/LĐTBXH", title="Cấp lại giấy phép")
    after = service.coverage(load(three)).report
    assert len(computed) == 3 and after != first
    results = three / "procedures" / ".git" / "doccontrol" / "results"
    head = git(three, "rev-parse", "HEAD").strip()
    assert all(p.name.startswith(head) for p in results.iterdir())  # older commits' results removed


def test_the_procedures_at_head_follow_the_commits_in_one_process(three: Path) -> None:
    with Repository(load(three)) as repo:
        assert repo.procedures_at_head() == repo.procedures()
    commit_procedure(three, "BTXH", "QT-09/BTXH", title="Bảo trợ")
    commit_procedure(three, "LDVL", "QT-01/LĐTBXH", revision=2, title="Cấp giấy phép lao động (sửa đổi)")
    with Repository(load(three)) as repo:
        assert repo.procedures_at_head() == repo.procedures()  # the two folders read again, in the same order
        assert len(repo.procedures_at_head()) == 4


def test_verify_computes_the_kept_coverage_reports_again_and_removes_a_wrong_one(three: Path) -> None:
    from doccontrol import service
    from doccontrol.core import coverage as cov
    from doccontrol.core.catalog import STATUS_ACTIVE, Tthc, catalog_to_json
    from doccontrol.repo import layout
    from doccontrol.service import tthc

    catalog = {"1.000105": Tthc(code="1.000105", name="Cấp giấy phép lao động", field="Việc làm", agency="Sở",
                                level="Cấp tỉnh", status=STATUS_ACTIVE)}
    with Repository(load(three)) as repo, repo.write("VP", "catalog import") as tx:
        tx.commit_files({layout.CATALOG_FILE: catalog_to_json(catalog).encode("utf-8")}, "Danh mục TTHC",
                        {"Action": "catalog-import"})
    whole, ldvl = service.coverage(load(three)).report, service.coverage(load(three), "LDVL").report
    found = run_json(three, "verify")
    assert found["healthy"] and found["coverage"] == {"checked": 2, "clean": True, "differing": []}
    head = git(three, "rev-parse", "HEAD").strip()
    key = tthc.coverage_key(load(three).config, "LDVL", None)
    with Repository(load(three)) as repo:
        repo.keep_result(head, key, cov.report_to_plain(dataclasses.replace(ldvl, covered=ldvl.covered + 1)))
    result = run(three, "verify")
    assert result.exit_code == 1 and "office=LDVL, field=*" in result.output, result.output
    assert service.coverage(load(three), "LDVL").report == ldvl  # removed: computed again
    assert service.coverage(load(three)).report == whole
    assert run(three, "verify").exit_code == 0
