"""A department's first day, end to end: its three-year collection loaded from a shared drive (the
revisions of each procedure shuffled in one batch, an older revision dropped later), a real
national TTHC export scoped to its agency, fields given to offices; then the figures must be true,
by the documents' dates and not by the afternoon they were loaded.

The department (Sở Tư pháp) and its procedures, whose titles are TTHC names of the export:

==================  ======================================================  ============================
procedure           title (TTHC, field)                                     revisions (effective date)
==================  ======================================================  ============================
QT-01/BTTP          Bổ nhiệm công chứng viên (1.013803, Công chứng)          1 01/03/2022, 2 10/04/2023,
                                                                            3 20/05/2024, 4 15/02/2025
QT-02/BTTP          Cấp thẻ công chứng viên (1.013859, Công chứng)           2 01/09/2024; 1 01/06/2022
                                                                            (lần 1 dropped a day later)
QT-03/BTTP          Đăng ký hoạt động của tổ chức hành nghề luật sư          1 15/09/2022; withdrawn from
                    (1.002010, Luật sư)                                      01/12/2024
QT-01/HCTP          Thủ tục xác nhận thông tin hộ tịch (2.002516, Hộ tịch)   1 01/02/2023, 2 01/03/2025,
                                                                            3 01/08/2025
QT-02/HCTP          Phê duyệt Trang thông tin đấu giá trực tuyến             1 (no date in the document:
                    (2.001225, Đấu giá tài sản)                              the day it is loaded)
==================  ======================================================  ============================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.workspace import git, run, run_json

from doccontrol.cli import main
from doccontrol.demo.samples import ProcedureSpec, build_docx
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import open_workspace

pytestmark = pytest.mark.slow

D = dt.date
EXPORT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tthc-exports" / "danh-sach-tthc-BoTuPhap.xlsx"
OFFICES = {"VP": "Văn phòng", "BTTP": "Phòng Bổ trợ tư pháp", "HCTP": "Phòng Hành chính tư pháp"}


def doc(code: str, title: str, office: str, revision: int, issued: dt.date | None) -> ProcedureSpec:
    return ProcedureSpec(code=code, title=title, office=office, revision=revision, issued=issued,
                         agency="Sở Tư pháp", body_paragraphs=tuple(f"Sửa đổi lần {n}." for n in range(2, revision + 1)))


QT01 = [doc("QT-01/BTTP", "Bổ nhiệm công chứng viên", "BTTP", r, d)
        for r, d in ((1, D(2022, 3, 1)), (2, D(2023, 4, 10)), (3, D(2024, 5, 20)), (4, D(2025, 2, 15)))]
QT02 = [doc("QT-02/BTTP", "Cấp thẻ công chứng viên", "BTTP", r, d) for r, d in ((1, D(2022, 6, 1)), (2, D(2024, 9, 1)))]
QT03 = doc("QT-03/BTTP", "Đăng ký hoạt động của tổ chức hành nghề luật sư", "BTTP", 1, D(2022, 9, 15))
HT01 = [doc("QT-01/HCTP", "Thủ tục xác nhận thông tin hộ tịch", "HCTP", r, d)
        for r, d in ((1, D(2023, 2, 1)), (2, D(2025, 3, 1)), (3, D(2025, 8, 1)))]
HT02 = doc("QT-02/HCTP", "Phê duyệt Trang thông tin đấu giá trực tuyến", "HCTP", 1, None)


def shared_drive(root: Path) -> Path:
    """The department's folders as they are: by year, names whose sorted order shuffles the
    revisions (lần 3, lần 1, lần 4, lần 2), and a spreadsheet that is not a procedure."""
    bttp, hctp = root / "BTTP", root / "HCTP"
    for name, the_doc in (("quy-trinh/a-qt01-lan3.docx", QT01[2]), ("quy-trinh/b-qt01-lan1.docx", QT01[0]),
                          ("quy-trinh/c-qt01-lan4.docx", QT01[3]), ("quy-trinh/d-qt01-lan2.docx", QT01[1]),
                          ("2024/qt02-lan2.docx", QT02[1]), ("2022/qt03.docx", QT03)):
        (bttp / name).parent.mkdir(parents=True, exist_ok=True)
        build_docx(the_doc, bttp / name)
    for name, the_doc in (("ho-tich/lan-3.docx", HT01[2]), ("ho-tich/lan-1.docx", HT01[0]),
                          ("ho-tich/lan-2.docx", HT01[1]), ("dau-gia.docx", HT02)):
        (hctp / name).parent.mkdir(parents=True, exist_ok=True)
        build_docx(the_doc, hctp / name)
    (bttp / "danh-sach-can-bo.xlsx").write_bytes(b"PK not a procedure")
    return root


@dataclasses.dataclass
class FirstDay:
    home: Path
    drive: Path
    dry_run: list[dict[str, object]]
    unchanged_by_dry_run: bool  # HEAD, the journal and the quarantine as they were
    loads: list[list[dict[str, object]]]
    later: list[dict[str, object]]
    imported: int
    scoped: dict[str, object]


@pytest.fixture(scope="module")
def first_day(tmp_path_factory: pytest.TempPathFactory) -> FirstDay:
    if not EXPORT.is_file():
        pytest.skip("../shared/data/tthc-exports is absent")
    tmp = tmp_path_factory.mktemp("first-day")
    home = tmp / "so-tu-phap"
    args = ["init", str(home), "--agency", "Sở Tư pháp", "--field", "Công chứng=BTTP", "--field", "Luật sư=BTTP"]
    for code, name in OFFICES.items():
        args += ["--office", f"{code}={name}"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    drive = shared_drive(tmp / "o-chung")
    head = git(home, "rev-parse", "HEAD").strip()
    dry = run(home, "ingest", str(drive / "BTTP"), "--office", "BTTP", "--recursive", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    untouched = (git(home, "rev-parse", "HEAD").strip() == head and not (home / "logs" / "ingest.jsonl").exists()
                 and not any((home / "quarantine").rglob("*.docx")))
    loads = []
    for office in ("BTTP", "HCTP"):
        loaded = run(home, "ingest", str(drive / office), "--office", office, "-r", "--json")
        assert loaded.exit_code == 0, loaded.output
        loads.append(json.loads(loaded.stdout))
    inbox = home / "inbox" / "BTTP" / "the-cong-chung-vien-lan-1.docx"
    build_docx(QT02[0], inbox)  # found a day later in a drawer
    later = run_json(home, "ingest", "--inbox")
    withdrawn = run(home, "withdraw", "QT-03/BTTP", "--reason", "Thủ tục chuyển về Bộ Tư pháp theo Quyết định 99/QĐ-UBND",
                    "--effective", "01/12/2024")
    assert withdrawn.exit_code == 0, withdrawn.output
    imported = run(home, "catalog", "import", str(EXPORT))
    scoped = run_json(home, "catalog", "scope", "--agency", "Sở Tư pháp")
    assert run(home, "fields", "assign", "ho tich", "HCTP").exit_code == 0
    return FirstDay(home, drive, json.loads(dry.stdout), untouched, loads, later, imported.exit_code, scoped)


def rows(data: dict[str, object]) -> list[tuple[str, str, int, str]]:
    return [(o["office"], p["code"], p["revision"], p["status"])  # type: ignore[index]
            for o in data["offices"] for p in o["procedures"]]  # type: ignore[attr-defined,index]


def list_as_of(home: Path, day: str, *more: str) -> dict[str, object]:
    result = run(home, "list", "--as-of", day, "--format", "json", *more)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_dry_run_says_what_would_happen_and_writes_nothing(first_day: FirstDay) -> None:
    planned = [(Path(str(r["file"])).name, r["status"], r["revision"], r["action"], r["effective"])
               for r in first_day.dry_run]
    assert planned == [  # in the order of the folders; lần 3, 1, 4, 2 of QT-01 each in its place
        ("qt03.docx", "ingested", 1, "new", "2022-09-15"),
        ("qt02-lan2.docx", "ingested", 2, "new", "2024-09-01"),
        ("a-qt01-lan3.docx", "ingested", 3, "revision", "2024-05-20"),
        ("b-qt01-lan1.docx", "ingested", 1, "new", "2022-03-01"),
        ("c-qt01-lan4.docx", "ingested", 4, "revision", "2025-02-15"),
        ("d-qt01-lan2.docx", "ingested", 2, "revision", "2023-04-10"),
    ]
    assert all(r["dry_run"] for r in first_day.dry_run)
    assert first_day.unchanged_by_dry_run
    # the real load did the same, and the shared drive is untouched (the spreadsheet skipped)
    assert [(r["revision"], r["action"]) for r in first_day.loads[0]] == [(1, "new"), (2, "new"), (3, "revision"),
                                                                           (1, "new"), (4, "revision"), (2, "revision")]
    assert len(list(first_day.drive.rglob("*.docx"))) == 10 and (first_day.drive / "BTTP" / "danh-sach-can-bo.xlsx").exists()


def test_revisions_committed_in_order_with_their_effective_dates(first_day: FirstDay) -> None:
    home = first_day.home
    log = git(home, "log", "--reverse", "--format=%ad|%s", "--date=short", "--", "BTTP/qt-01-bttp").splitlines()
    assert [line.split(":")[0] for line in log] == ["2022-03-01|QT-01/BTTP lần 1", "2023-04-10|QT-01/BTTP lần 2",
                                                    "2024-05-20|QT-01/BTTP lần 3", "2025-02-15|QT-01/BTTP lần 4"]
    today = dt.date.today().isoformat()
    assert set(git(home, "log", "--format=%cs", "--", "BTTP/qt-01-bttp").split()) == {today}  # loaded today
    shown = run_json(home, "show", "QT-01/HCTP")
    assert (shown["revision"], shown["effective"], shown["effective_source"], shown["ingested"]) == (
        3, "2025-08-01", "document", today)
    undated = run_json(home, "list", "--office", "HCTP")[1]
    assert (undated["code"], undated["effective"], undated["effective_source"]) == ("QT-02/HCTP", today, "ingest")
    too_early = run(home, "withdraw", "QT-01/HCTP", "--reason", "x", "--effective", "31/12/2022")
    assert too_early.exit_code == 2 and "trước ngày hiệu lực" in too_early.stderr
    history = run_json(home, "history", "QT-03/BTTP")
    assert [(h["action"], h["effective"], h["effective_source"]) for h in history] == [
        ("ingest", "2022-09-15", "document"), ("withdraw", "2024-12-01", "document")]


def test_an_older_revision_dropped_later_is_history_not_current(first_day: FirstDay) -> None:
    home = first_day.home
    assert [(r["status"], r["revision"], r["action"]) for r in first_day.later] == [("ingested", 1, "historical")]
    shown = run_json(home, "show", "QT-02/BTTP")
    assert shown["revision"] == 2 and shown["status"] == "current"
    assert [(r["revision"], r["effective"], r["historical"]) for r in shown["revisions"]] == [
        (1, "2022-06-01", True), (2, "2024-09-01", False)]
    folder = home / "procedures" / "BTTP" / "qt-02-bttp"
    assert json.loads((folder / "meta.json").read_text(encoding="utf-8"))["revision"] == 2  # the work tree: lần 2
    assert json.loads((folder / "history" / "r1" / "meta.json").read_text(encoding="utf-8"))["status"] == "superseded"
    out = home.parent / "lan-1.docx"
    assert run(home, "export", "QT-02/BTTP", "--rev", "1", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == (folder / "history" / "r1" / "original.docx").read_bytes()
    diff = run(home, "diff", "QT-02/BTTP", "--from", "1", "--to", "2").stdout
    assert "+Sửa đổi lần 2." in diff
    found = run_json(home, "search", "Cấp thẻ công chứng viên", "--all-revisions")
    assert sorted((h["code"], h["revision"]) for h in found if h["code"] == "QT-02/BTTP") == [
        ("QT-02/BTTP", 1), ("QT-02/BTTP", 2)]
    assert run(home, "verify").exit_code == 0
    assert git(home, "tag", "-l", "qt-02-bttp/*").split() == ["qt-02-bttp/r1", "qt-02-bttp/r2"]


def test_the_list_on_four_days(first_day: FirstDay) -> None:
    home = first_day.home
    assert list_as_of(home, "2021-12-31")["total"] == 0
    assert rows(list_as_of(home, "2022-12-31")) == [
        ("BTTP", "QT-01/BTTP", 1, "current"), ("BTTP", "QT-02/BTTP", 1, "current"),  # lần 1, loaded a day late
        ("BTTP", "QT-03/BTTP", 1, "current")]
    assert rows(list_as_of(home, "30/06/2024")) == [
        ("BTTP", "QT-01/BTTP", 3, "current"), ("BTTP", "QT-02/BTTP", 1, "current"),
        ("BTTP", "QT-03/BTTP", 1, "current"), ("HCTP", "QT-01/HCTP", 1, "current")]
    end_2025 = list_as_of(home, "2025-12-31", "--status", "all")
    assert rows(end_2025) == [
        ("BTTP", "QT-01/BTTP", 4, "current"), ("BTTP", "QT-02/BTTP", 2, "current"),
        ("BTTP", "QT-03/BTTP", 1, "withdrawn"), ("HCTP", "QT-01/HCTP", 3, "current")]
    # the list names the commit that decides it: the same list from the repository at that commit
    assert end_2025["commit"] == git(home, "log", "-1", "--format=%H", "--grep", "QT-03/BTTP bãi bỏ").strip()
    with Repository(open_workspace(str(home))) as repo:
        now, then = repo.in_force(D(2025, 12, 31)), repo.in_force(D(2025, 12, 31), head=str(end_2025["commit"]))
        assert then.states == now.states and then.commit == now.commit
        found_late = git(home, "log", "-1", "--format=%H", "--grep", "QT-02/BTTP lần 1").strip()
        earlier = repo.in_force(D(2022, 12, 31), head=f"{found_late}^")  # as the repository knew it before
        assert [(s.code, s.revision) for s in earlier.states] == [("QT-01/BTTP", 1), ("QT-03/BTTP", 1)]


def report(home: Path, year: int) -> dict[str, object]:
    result = run(home, "report", "--year", str(year), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def changes(data: dict[str, object], kind: str) -> list[tuple[str, str, int, str]]:
    return [(c["code"], c["office"], c["revision"], c["date"]) for c in data[kind]]  # type: ignore[index,union-attr]


def in_force(data: dict[str, object]) -> dict[str, list[str]]:
    return {o["office"]: o["codes"] for o in data["in_force"]["by_office"]}  # type: ignore[index]


def test_three_yearly_reports(first_day: FirstDay) -> None:
    home = first_day.home
    y2022 = report(home, 2022)
    assert changes(y2022, "new") == [("QT-01/BTTP", "BTTP", 1, "2022-03-01"), ("QT-02/BTTP", "BTTP", 1, "2022-06-01"),
                                     ("QT-03/BTTP", "BTTP", 1, "2022-09-15")]
    assert changes(y2022, "revised") == [] and changes(y2022, "withdrawn") == []
    assert in_force(y2022) == {"BTTP": ["QT-01/BTTP", "QT-02/BTTP", "QT-03/BTTP"]}
    y2024 = report(home, 2024)
    assert changes(y2024, "new") == []
    assert changes(y2024, "revised") == [("QT-01/BTTP", "BTTP", 3, "2024-05-20"), ("QT-02/BTTP", "BTTP", 2, "2024-09-01")]
    assert changes(y2024, "withdrawn") == [("QT-03/BTTP", "BTTP", 1, "2024-12-01")]
    assert in_force(y2024) == {"BTTP": ["QT-01/BTTP", "QT-02/BTTP"], "HCTP": ["QT-01/HCTP"]}
    y2025 = report(home, 2025)
    assert changes(y2025, "revised") == [("QT-01/BTTP", "BTTP", 4, "2025-02-15"), ("QT-01/HCTP", "HCTP", 2, "2025-03-01"),
                                         ("QT-01/HCTP", "HCTP", 3, "2025-08-01")]
    assert changes(y2025, "new") == [] and y2025["period_end"].startswith("2025-12-31")
    # a year without data, and one still to come, say so and exit 1
    for year in (2021, dt.date.today().year + 1):
        empty = run(home, "report", "--year", str(year), "--format", "json")
        assert empty.exit_code == 1 and "Không có số liệu" in empty.stderr and empty.stdout == ""
    # this year's report stops at today, never "tính đến" a day to come
    assert report(home, dt.date.today().year)["period_end"].startswith(dt.date.today().isoformat())


def test_the_real_export_scoped_and_coverage_by_office_and_field(first_day: FirstDay) -> None:
    home = first_day.home
    assert first_day.imported == 0  # every row of the real export read
    assert (first_day.scoped["in_scope"], first_day.scoped["active"]) == (58, 271)
    result = run(home, "coverage", "--format", "json")
    data = json.loads(result.stdout)
    assert (data["total"], data["covered"], data["percent"]) == (58, 4, 6.89)
    assert data["scope"]["catalog"] == "cơ quan thực hiện có «Sở Tư pháp»" and data["scope"]["outside"] == 213
    assert data["by_office"] == {"": {"total": 33, "covered": 1, "percent": 3.03},  # fields without an office
                                 "BTTP": {"total": 23, "covered": 2, "percent": 8.69},
                                 "HCTP": {"total": 2, "covered": 1, "percent": 50.0}}
    fields = {k: (v["total"], v["covered"]) for k, v in data["by_field"].items()}
    assert (fields["Công chứng"], fields["Hộ tịch"], fields["Luật sư"], fields["Đấu giá tài sản"]) == (
        (21, 2), (2, 1), (2, 0), (4, 1))
    assert {(link["procedure"], link["tthc"], link["source"]) for link in data["links"]} == {
        ("QT-01/BTTP", "1.013803", "name"), ("QT-02/BTTP", "1.013859", "name"),
        ("QT-01/HCTP", "2.002516", "name"), ("QT-02/HCTP", "2.001225", "name")}
    assert [w["kind"] for w in data["warnings"]].count("withdrawn_only_cover") == 1  # QT-03's TTHC
    text = run(home, "coverage")
    assert "Tỷ lệ TTHC có quy trình: 6,89 % (4/58); 0 quy trình cần xem xét." in text.stderr
    assert "Phạm vi danh mục (catalog scope): cơ quan thực hiện có «Sở Tư pháp»" in text.stdout


def test_fields_and_the_doctor(first_day: FirstDay, tmp_path: Path) -> None:
    home = first_day.home
    listed = {r["field"]: r for r in run_json(home, "fields")}
    assert (listed["Công chứng"]["office"], listed["Công chứng"]["tthc"]) == ("BTTP", 21)
    assert listed["Đấu giá tài sản"]["office"] is None and listed["Đấu giá tài sản"]["suggested"] == "HCTP"
    diagnosis = run(home, "doctor", "--json")
    assert diagnosis.exit_code == 1
    checks = {c["key"]: c for c in json.loads(diagnosis.stdout)["checks"]}
    assert [k for k, c in checks.items() if not c["ok"]] == ["fields", "undated", "watcher"]
    assert checks["undated"]["items"] == ["QT-02/HCTP lần 1"]
    # a clone of the repository alone, in a workspace whose doccontrol.toml maps no field, gives the same figures
    copy = tmp_path / "copy"
    result = CliRunner().invoke(main, ["init", str(copy), *[f"--office={c}={n}" for c, n in OFFICES.items()]])
    assert result.exit_code == 0, result.output
    shutil.rmtree(copy / "procedures")
    git(home, "clone", "-q", str(home / "procedures"), str(copy / "procedures"))
    theirs, ours = run_json(copy, "coverage"), run_json(home, "coverage")
    assert (theirs["by_office"], theirs["by_field"], theirs["scope"]) == (ours["by_office"], ours["by_field"], ours["scope"])


def test_the_web_view_tells_the_same_story(first_day: FirstDay) -> None:
    from doccontrol.web import create_app

    client = create_app(first_day.home, testing=True).test_client()
    page = client.get("/procedure/QT-02/BTTP").get_data(as_text=True)
    assert "01/06/2022" in page and "01/09/2024" in page and "ghi bổ sung" in page
    listed = client.get("/list?office=HCTP").get_data(as_text=True)
    assert "(ngày đưa vào kho)" in listed and "01/08/2025" in listed
    coverage = client.get("/coverage").get_data(as_text=True)
    assert 'id="coverage-percent">6,89 %<' in coverage and "cơ quan thực hiện có «Sở Tư pháp»" in coverage
    old = client.get("/download/1/QT-02/BTTP")
    assert old.status_code == 200 and old.data == (
        first_day.home / "procedures" / "BTTP" / "qt-02-bttp" / "history" / "r1" / "original.docx").read_bytes()
