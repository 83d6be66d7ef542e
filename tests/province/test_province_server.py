"""The province view end to end: five departments built through the normal CLI push to a real git
server (``git daemon`` on 127.0.0.1); the province syncs them, its figures for each department
equal the department's own; then one department goes offline, another's history is rewritten
(a forced push), a third adds commits, and the next sync does the right thing with each.
"""

from __future__ import annotations

import datetime as dt
import os
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support.catalog_builders import write_workbook
from support.git_server import git_daemon
from support.watch import set_config
from support.workspace import OFFICES, drop, run, spec

pytestmark = pytest.mark.slow

YEAR = 2025  # the procedures take effect then; the report is of this year (the catalog is imported today)
REPORT_YEAR = dt.date.today().year
FIELDS = {"LDVL": "Việc làm", "NCC": "Người có công", "BTXH": "Bảo trợ xã hội"}


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    home: Path
    url: str
    bare: Path


def _ok(result: Any, *codes: int) -> Any:
    assert result.exit_code in (codes or (0,)), result.output
    return result


def _catalog(path: Path, n: int, prefix: int) -> Path:
    rows: list[list[object]] = [["STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Cơ quan thực hiện"]]
    for i in range(n):
        office = list(FIELDS)[i % 3]
        rows.append([i + 1, f"1.{prefix:03d}{i:03d}", f"Thủ tục số {i} của sở {prefix}", FIELDS[office],
                     f"Sở số {prefix}" if i < n - 1 else "Cơ quan khác"])
    return write_workbook(path, [("Danh mục", rows, [])])


def build_department(tmp: Path, number: int, server: Path, port: int) -> Dept:
    """A department through the normal CLI: init with offices and fields, three procedures (one
    revised), a catalog with its scope, a withdrawal in some, a push to the server."""
    code, home = f"SO{number}", tmp / f"so{number}"
    args = ["init", str(home)] + [a for c, n in OFFICES.items() for a in ("--office", f"{c}={n}")]
    args += [a for o, f in FIELDS.items() if number % 2 or o != "BTXH" for a in ("--field", f"{f}={o}")]
    _ok(run(tmp, *args))
    for i, office in enumerate(("LDVL", "NCC", "BTXH")[: 2 + number % 2]):
        the = spec(f"QT-{i + 1:02d}/S{number}", office=office, tthc=(f"1.{number:03d}{i:03d}",),
                   issued=dt.date(YEAR, 3, i + 2), title=f"Quy trình giải quyết thủ tục số {i} của sở {number}")
        drop(home, office, the)
    _ok(run(home, "ingest", "--inbox"))
    if number % 2:
        drop(home, "LDVL", spec(f"QT-01/S{number}", revision=2, office="LDVL", tthc=(f"1.{number:03d}000",),
                                issued=dt.date(YEAR, 9, 15), title=f"Quy trình giải quyết thủ tục số 0 của sở {number}"))
        _ok(run(home, "ingest", "--inbox"))
    _ok(run(home, "catalog", "import", str(_catalog(tmp / f"catalog{number}.xlsx", 5, number))), 0, 1)
    _ok(run(home, "catalog", "scope", "--agency", f"Sở số {number}"))
    bare = server / f"{code}.git"
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(bare)], check=True)
    url = f"git://127.0.0.1:{port}/{code}.git"
    set_config(home, "git", f'remote = "{url}"')
    _ok(run(home, "push"))
    return Dept(code, f"Sở số {number}", home, url, bare)


def _figures_equal(province: Path, dept: Dept) -> None:
    """The province's coverage, list and report of ``dept`` equal its own, exactly."""
    own = json.loads(_ok(run(dept.home, "coverage", "--json"), 0, 1).stdout)
    theirs = json.loads(_ok(run(province, "province", "coverage", "--department", dept.code, "--json"), 0, 1).stdout)
    assert theirs["departments"][0]["report"] == own
    assert own["by_office"] and own["by_field"]  # by office and field too
    for office in ("LDVL", "NCC"):
        mine = json.loads(_ok(run(dept.home, "coverage", "--office", office, "--json"), 0, 1).stdout)
        prov = json.loads(_ok(run(province, "province", "coverage", "--department", dept.code, "--office", office,
                                  "--json"), 0, 1).stdout)
        assert prov["departments"][0]["report"] == mine
    own_list = json.loads(_ok(run(dept.home, "list", "--format", "json")).stdout)
    prov_list = json.loads(_ok(run(province, "province", "list", "--department", dept.code, "--json")).stdout)
    theirs_list = prov_list["departments"][0]["master_list"]
    for key in ("commit", "commit_date", "total", "offices", "status", "as_of"):
        assert theirs_list[key] == own_list[key], key
    own_report = json.loads(_ok(run(dept.home, "report", "--year", str(REPORT_YEAR), "--format", "json",
                                    "--date", "2026-01-05")).stdout)
    prov_report = json.loads(_ok(run(province, "province", "report", "--year", str(REPORT_YEAR), "--department", dept.code,
                                     "--format", "json", "--date", "2026-01-05")).stdout)
    figures = prov_report["departments"][0]["figures"]
    # the ingest journal (files processed) stays on the department's machine; the names are the province's
    assert set(own_report) - set(figures) == {"ingest", "journal_problems", "to_fill"}
    assert figures["agency"] == dept.name
    for key in set(figures) - {"agency", "parent_agency"}:
        assert figures[key] == own_report[key], key
    assert figures["in_force"]["total"] > 0 and figures["coverage_end"]["by_office"]


def _sync(province: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    result = run(province, "province", "sync", "--json", *args)
    data = json.loads(result.stdout)
    return result.exit_code, {d["department"]: d for d in data["departments"]}, result.stderr


def test_five_departments_through_a_git_daemon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = tmp_path / "server"
    server.mkdir()
    with git_daemon(server) as port:
        depts = [build_department(tmp_path, n, server, port) for n in range(1, 6)]
        province = tmp_path / "tinh"
        _ok(run(tmp_path, "province", "init", str(province), "--name", "UBND tỉnh Lạng Sơn"))
        for d in depts:
            _ok(run(province, "province", "add", d.code, d.url, "--name", d.name))
        code, outcomes, err = _sync(province, "--jobs", "3")
        assert code == 0, err
        assert {o["status"] for o in outcomes.values()} == {"new"}
        assert "[5/5]" in err
        for d in depts:
            _figures_equal(province, d)
        whole = json.loads(_ok(run(province, "province", "coverage", "--json"), 0, 1).stdout)
        assert whole["total"] == sum(x["report"]["total"] for x in whole["departments"])
        assert [x["code"] for x in whole["departments"]] == [d.code for d in depts]

        hits = json.loads(_ok(run(province, "province", "search", "thu tuc so 1", "--json")).stdout)
        assert {h["department"] for h in hits} >= {"SO1", "SO2"}
        only = json.loads(_ok(run(province, "province", "search", "thu tuc so 1", "--department", "SO3",
                                  "--json")).stdout)
        assert only and {h["department"] for h in only} == {"SO3"}

        # SO1 goes offline (the server no longer serves it); SO2's history is rewritten by a forced
        # push; SO3 adds a procedure and pushes it; SO4 and SO5 do nothing.
        offline, rewritten, growing = depts[0], depts[1], depts[2]
        before = {d.code: json.loads(run(province, "province", "coverage", "--department", d.code, "--json").stdout)
                  for d in (offline, rewritten)}
        shutil.move(offline.bare, tmp_path / "away.git")
        clone = tmp_path / "clone"
        subprocess.run(["git", "clone", "-q", rewritten.url, str(clone)], check=True)
        env = {"GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"}
        subprocess.run(["git", "-C", str(clone), "reset", "-q", "--hard", "HEAD~1"], check=True)
        subprocess.run(["git", "-C", str(clone), "commit", "-q", "--allow-empty", "-m", "viết lại"], check=True,
                       env={**os.environ, **env})
        subprocess.run(["git", "-C", str(clone), "push", "-q", "--force", "origin", "main"], check=True)
        drop(growing.home, "NCC", spec("QT-09/S3", office="NCC", tthc=("1.003001",), issued=dt.date(YEAR, 10, 20),
                                       title="Quy trình mới về trợ cấp mai táng phí của sở 3"))
        _ok(run(growing.home, "ingest", "--inbox"))
        _ok(run(growing.home, "push"))
        tip_growing = subprocess.run(["git", "-C", str(growing.home / "procedures"), "rev-parse", "HEAD"],
                                     capture_output=True, text=True, check=True).stdout.strip()

        kept = sorted((province / "cache").glob("SO[45].*.pickle"))
        assert kept and {p.name for p in kept} >= {"SO4.figures.pickle", "SO5.figures.pickle"}
        stamps = {p.name: p.stat().st_mtime_ns for p in kept}
        code, outcomes, err = _sync(province)
        # an unchanged department costs its fetch: its kept figures are not even rewritten
        assert {p.name: p.stat().st_mtime_ns for p in kept} == stamps
        assert code == 1
        assert outcomes["SO1"]["status"] == "failed" and outcomes["SO1"]["tip"] == outcomes["SO1"]["previous"]
        assert outcomes["SO2"]["status"] == "rewritten" and outcomes["SO2"]["tip"] == outcomes["SO2"]["previous"]
        assert outcomes["SO2"]["incoming"] != outcomes["SO2"]["tip"]
        assert "VIẾT LẠI" in err and "--accept-rewritten SO2" in err
        assert outcomes["SO3"]["status"] == "updated" and outcomes["SO3"]["tip"] == tip_growing
        assert outcomes["SO3"]["commits"] >= 1
        assert outcomes["SO4"]["status"] == outcomes["SO5"]["status"] == "unchanged"
        # the offline and the rewritten department keep their figures; the growing one equals its own again
        for d in (offline, rewritten):
            now = json.loads(run(province, "province", "coverage", "--department", d.code, "--json").stdout)
            assert now["departments"][0]["report"] == before[d.code]["departments"][0]["report"]
        flagged = run(province, "province", "coverage", "--department", "SO2")
        assert "viết lại" in flagged.stderr
        _figures_equal(province, growing)
        found = json.loads(_ok(run(province, "province", "search", "mai tang phi", "--department", "SO3",
                                   "--json")).stdout)
        assert found[0]["code"] == "QT-09/S3"
        # still flagged at the next sync; taken only when asked
        code, outcomes, _ = _sync(province, "SO2")
        assert code == 1 and outcomes["SO2"]["status"] == "rewritten"
        code, outcomes, _ = _sync(province, "SO2", "--accept-rewritten", "SO2")
        assert code == 0 and outcomes["SO2"]["status"] == "accepted"
        replaced = subprocess.run(["git", "-C", str(tmp_path / "tinh" / "mirrors" / "SO2.git"), "for-each-ref",
                                   "--format=%(refname)", "refs/province/replaced/"],
                                  capture_output=True, text=True, check=True).stdout
        assert "/heads/main" in replaced

        # the web view: a department menu, the rewritten department flagged, read-only
        from doccontrol.province.home import open_province
        from doccontrol.web.province import create_province_app

        client = create_province_app(open_province(str(province)), testing=True).test_client()
        page = client.get("/?q=mai+tang+phi").get_data(as_text=True)
        assert "QT-09/S3" in page and all(f">{d.code}<" in page or f">{d.code} " in page for d in depts)
        assert client.get("/?q=thu+tuc&department=SO4").status_code == 200
        assert "TOÀN TỈNH" in client.get("/coverage").get_data(as_text=True)
        dept_page = client.get("/department/SO3")
        assert dept_page.status_code == 200 and "QT-09/S3" in dept_page.get_data(as_text=True)
        assert client.get("/department/NOPE").status_code == 404
        assert client.get("/list").status_code == 200
        # the master list a page at a time (2 rows here), a department at a time, the whole of it a download
        import doccontrol.web.province as web_province

        monkeypatch.setattr(web_province, "PAGE_ROWS", 2)
        whole = client.get("/list.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
        total = len(whole) - 1  # the heading line
        assert total >= 10 and client.get("/list.csv").headers["Content-Disposition"].startswith("attachment")
        first = client.get("/list").get_data(as_text=True)
        assert f"/ {total}; trang 1/{-(-total // 2)}" in first and 'href="/list?page=2"' in first
        last = client.get(f"/list?page={-(-total // 2)}").get_data(as_text=True)
        assert 'rel="prev"' in last and 'rel="next"' not in last
        one = client.get("/list?department=SO3").get_data(as_text=True)
        so3 = [line for line in whole if line.startswith("SO3,")]
        assert f"/ {len(so3)};" in one and ">SO1<" not in one.split('id="list"')[1].split("</table>")[0]
        assert client.get("/list?department=NOPE").status_code == 404
        assert client.get("/list?page=x").status_code == 404
        csv3 = client.get("/list.csv?department=SO3").get_data(as_text=True).lstrip("\ufeff").splitlines()[1:]
        assert csv3 == so3
        assert client.post("/").status_code == 405
        assert "default-src 'none'" in client.get("/coverage").headers["Content-Security-Policy"]

