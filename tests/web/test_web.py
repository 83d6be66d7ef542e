"""The read-only web view through Flask's test client: every page, every error path, hostile data.

One workspace is built for the module (through the CLI, on real .docx/.pdf files) and never
written to by the tests; a test that needs something else builds its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from werkzeug.http import parse_options_header

import pytest
from support.waiting import wait_until
from support.workspace import drop, isolated_environment, make_workspace, map_fields, revised, run, run_json, spec

from doccontrol import service
from doccontrol.errors import UsageError, WorkspaceError
from doccontrol.web import create_app, present
from doccontrol.workspace import load

HOSTILE_TITLE = "<script>alert('xss')</script> Giải quyết & \"chế độ\" <b>đặc biệt</b>"
HOSTILE_FILE = "<img src=x onerror=alert(1)>.docx"
NFD_TITLE = unicodedata.normalize("NFD", "Trợ giúp xã hội khẩn cấp cho người cao tuổi")
LONG_TITLE = "Quy trình " + "rất dài " * 60 + "kết thúc " + "X" * 120
LONG_FILE = "Tệp " + "tên rất dài " * 12 + ".pdf"
EXTRA = "Bổ sung bước tiếp nhận hồ sơ qua cổng dịch vụ công trực tuyến toàn trình."

CATALOG_CSV = "\n".join([
    "(Ban hành kèm theo Quyết định số 345/QĐ-UBND ngày 12/3/2024 của Chủ tịch UBND tỉnh),,,,,",
    "STT,Mã TTHC,Tên thủ tục hành chính,Lĩnh vực,Cấp thực hiện,Ghi chú",
    "I. Lĩnh vực Việc làm,,,,,",
    '1,1.000105,"Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",Việc làm,Cấp tỉnh,',
    '2,1.000459,"Cấp lại giấy phép lao động cho người lao động nước ngoài",Việc làm,Cấp tỉnh,',
    "II. Lĩnh vực Người có công,,,,,",
    '3,1.002410,"Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",Người có công,Cấp tỉnh,',
]) + "\n"

FIRST = spec(code="QT-01/LĐTBXH", title="Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
             tthc=("1.000105",))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """The module's workspace and the bytes of the files that were dropped, by code and revision."""
    base = tmp_path_factory.mktemp("web")
    with pytest.MonkeyPatch.context() as mp:
        isolated_environment(mp, base)
        home = make_workspace(base)
        map_fields(home)
        dropped: dict[str, bytes] = {}
        files = {
            "QT-01/LĐTBXH@1": drop(home, "LDVL", FIRST),
            "QT.NCC.66@1": drop(home, "NCC", spec(code="QT.NCC.66", office="NCC", title=HOSTILE_TITLE, tthc=("1.999999",))),
            "QT-BTXH-07@1": drop(home, "BTXH", spec(code="QT-BTXH-07", office="BTXH", title=NFD_TITLE, tthc=())),
            "QT-99/VP@1": drop(home, "VP", spec(code="QT-99/VP", office="VP", title=LONG_TITLE, tthc=()),
                               name=LONG_FILE, kind="pdf"),
            "QT.NCC.02@1": drop(home, "NCC", spec(code="QT.NCC.02", office="NCC",
                                                  title="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", tthc=("1.002410",))),
        }
        dropped.update({key: path.read_bytes() for key, path in files.items()})
        assert run(home, "ingest", "--inbox").exit_code == 0
        second = drop(home, "LDVL", revised(FIRST, 2, EXTRA))
        dropped["QT-01/LĐTBXH@2"] = second.read_bytes()
        (home / "inbox" / "VP" / HOSTILE_FILE).write_bytes(b"not a word file <script>alert(2)</script>")
        assert run(home, "ingest", "--inbox").exit_code == 1  # the hostile file is refused
        assert run(home, "withdraw", "QT.NCC.02", "--reason", "Bãi bỏ theo <QĐ 345/QĐ-UBND> & thay thế").exit_code == 0
        catalog = base / "qd345.csv"
        catalog.write_text(CATALOG_CSV, encoding="utf-8")
        assert run(home, "catalog", "import", str(catalog)).exit_code == 0
        yield home, dropped


@pytest.fixture(scope="module")
def home(built: tuple[Path, dict[str, bytes]]) -> Path:
    """Here ``home`` is the module's workspace (read-only), not conftest's fresh one."""
    return built[0]


@pytest.fixture
def client(home: Path):  # type: ignore[no-untyped-def]
    return create_app(home, testing=True).test_client()


def url(code: str) -> str:
    return quote(code, safe="/")


def page(client, path: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code, response.get_data(as_text=True)[:2000])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under the workspace except the derived index and the repository's derived state
    (``.git/doccontrol``: rebuilt from git by any reader when missing), with its content hash."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == "index" or rel.parts[:3] == ("procedures", ".git", "doccontrol") or not path.is_file() \
                or path.is_symlink():
            continue
        out[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# --- every page carries the navigation --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?q=lao+động", "/procedure/QT-01/L%C4%90TBXH", "/diff/QT-01/L%C4%90TBXH",
                                  "/list", "/coverage", "/status", "/no-such-page"])
def test_every_page_has_the_navigation_and_the_security_headers(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    text = response.get_data(as_text=True)
    for href in ('href="/"', 'href="/list"', 'href="/coverage"', 'href="/status"', 'href="/static/site.css"'):
        assert href in text, (path, href)
    assert '<html lang="vi">' in text
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in text.replace('<script src="/static/site.js" defer></script>', "")


def test_static_assets_ship_in_the_package(client) -> None:  # type: ignore[no-untyped-def]
    css = client.get("/static/site.css")
    assert css.status_code == 200 and "@media print" in css.get_data(as_text=True)
    assert client.get("/static/site.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


# --- search -----------------------------------------------------------------------------------------


def test_search_without_diacritics_matches_the_cli(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/?q=giay+phep+lao+dong")
    cli = [hit["code"] for hit in run_json(home, "search", "giay phep lao dong", "--limit", "20")]
    assert cli and cli[0] == "QT-01/LĐTBXH"
    shown = re.findall(r'class="hit-code" href="[^"]*">([^<]*)</a>', text)
    assert shown == cli
    assert "<mark>" in text and 'value="giay phep lao dong"' in text
    assert 'href="/procedure/QT-01/L%C4%90TBXH"' in text
    assert "lần ban hành 2" in text and "hiện hành" in text


def test_search_filters_are_in_the_url(client) -> None:  # type: ignore[no-untyped-def]
    everywhere = page(client, "/?q=tro+cap")
    assert "QT.NCC.02" not in everywhere  # withdrawn: only with the status filter
    withdrawn = page(client, "/?q=tho+cung+liet+si&status=withdrawn")
    assert "QT.NCC.02" in withdrawn and "badge-withdrawn" in withdrawn
    assert '<option value="withdrawn" selected>' in withdrawn
    old = page(client, "/?q=giay+phep+lao+dong&status=all")
    assert 'href="/procedure/QT-01/L%C4%90TBXH?rev=1#text"' in old  # the superseded revision, to read
    by_office = page(client, "/?q=lao+dong&office=NCC")
    assert "QT-01/LĐTBXH" not in by_office
    nothing = page(client, "/?q=zzzqqqxxx")
    assert "Không tìm thấy quy trình nào." in nothing


def test_search_input_is_bounded_and_odd_values_fall_back(client) -> None:  # type: ignore[no-untyped-def]
    page(client, "/?q=" + "a" * 5000)
    page(client, "/?q=%22&office=NOPE&status=bogus&limit=-5")
    page(client, "/?q=code:&limit=abc")
    page(client, "/?q=(((")


def test_search_accepts_nfd_queries_and_shows_nfc_titles(client) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/?q=" + quote(unicodedata.normalize("NFD", "khẩn cấp người cao tuổi")))
    assert "QT-BTXH-07" in text
    assert unicodedata.normalize("NFC", NFD_TITLE) in text
    assert NFD_TITLE not in text


def test_more_results_link_raises_the_limit(client) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/?q=quy+trinh&limit=1")
    assert 'href="/?q=quy+trinh&amp;limit=21"' in text


# --- hostile data ---------------------------------------------------------------------------------------


def test_hostile_titles_are_escaped_everywhere(client) -> None:  # type: ignore[no-untyped-def]
    escaped = "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt; Giải quyết &amp; &#34;chế độ&#34; &lt;b&gt;đặc biệt&lt;/b&gt;"
    for path in ("/?q=alert+xss", "/procedure/QT.NCC.66", "/list", "/list?office=NCC", "/coverage"):
        text = page(client, path)
        assert "<script>alert" not in text and "<b>đặc biệt</b>" not in text, path
        assert escaped in text, path


def test_hostile_query_is_escaped(client) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/?q=" + quote('"><script>alert(1)</script>'))
    assert "<script>alert(1)" not in text
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_hostile_file_name_in_quarantine_is_escaped_and_not_downloadable(client) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/status")
    assert "&lt;img src=x onerror=alert(1)&gt;.docx" in text
    assert "<img" not in text
    assert "quarantine/" not in text and "/download/" not in text.split('id="quarantine"')[1].split("</section>")[0]


def test_long_names_render(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    state = service.detail(load(home), "QT-99/VP").state
    assert len(state.title) > 200 and state.source == LONG_FILE
    for path in ("/procedure/QT-99/VP", "/list?office=VP", "/?q=rat+dai+ket+thuc"):
        assert state.title in page(client, path), path
    assert LONG_FILE in page(client, "/procedure/QT-99/VP")


# --- a procedure ------------------------------------------------------------------------------------


def test_procedure_page_shows_metadata_tthc_revisions_and_text(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/procedure/qt-01/ldtbxh")  # any written form of the code
    shown = run_json(home, "show", "QT-01/LĐTBXH")
    assert shown["title"] in text and "Phòng Lao động - Việc làm" in text
    assert "1.000105" in text and "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam" in text
    for rev in shown["revisions"]:
        assert f'href="/download/{rev["revision"]}/QT-01/L%C4%90TBXH"' in text
        assert rev["source"] in text
    assert EXTRA in text  # the current revision's text
    assert "withdrawn-banner" not in text
    assert '<select name="from">' in text


def test_procedure_page_names_tthc_missing_from_the_catalog(client) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/procedure/QT.NCC.66")
    assert "1.999999" in text and "không có trong danh mục" in text


def test_an_older_revision_can_be_read(client) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/procedure/QT-01/L%C4%90TBXH?rev=1")
    assert EXTRA not in text and "Đây không phải lần ban hành hiện hành." in text


def test_withdrawn_procedure_says_so_at_the_top(client) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/procedure/QT.NCC.02")
    main = text.split('<main id="main">', 1)[1]
    assert main.lstrip().startswith('<section class="withdrawn-banner" role="alert">')
    assert "ĐÃ BỊ BÃI BỎ" in main.split("<h1", 1)[0]
    assert "Bãi bỏ theo &lt;QĐ 345/QĐ-UBND&gt; &amp; thay thế" in main
    assert "<title>[ĐÃ BÃI BỎ]" in text
    assert "Lịch sử thay đổi" in text  # the withdrawal is in the history


def test_diff_between_two_revisions(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/diff/QT-01/L%C4%90TBXH?from=1&to=2")
    assert '<tr class="add">' in text and EXTRA in text
    expected = service.diff(load(home), "QT-01/LĐTBXH", 1, 2)
    added = sum(1 for line in expected.splitlines() if line.startswith("+") and not line.startswith("+++"))
    assert f"+{added} " in text
    reverse = page(client, "/diff/QT-01/L%C4%90TBXH?from=2&to=1")
    assert '<tr class="del">' in reverse
    same = page(client, "/diff/QT-01/L%C4%90TBXH?from=2&to=2")
    assert "giống nhau" in same
    single = page(client, "/diff/QT-BTXH-07")
    assert "chỉ có một lần ban hành" in single


# --- downloads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["QT-01/LĐTBXH@1", "QT-01/LĐTBXH@2", "QT-99/VP@1", "QT.NCC.66@1"])
def test_download_is_byte_identical_to_export_and_to_the_dropped_file(
        client, built: tuple[Path, dict[str, bytes]], tmp_path: Path, key: str) -> None:  # type: ignore[no-untyped-def]
    home, dropped = built
    code, rev = key.split("@")
    response = client.get(f"/download/{rev}/{url(code)}")
    assert response.status_code == 200
    exported = tmp_path / "out"
    exported.mkdir()
    assert run(home, "export", code, "--rev", rev, "-o", str(exported)).exit_code == 0
    (written,) = exported.iterdir()
    assert response.data == written.read_bytes() == dropped[key]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert parse_options_header(disposition)[1]["filename"] == written.name
    kind = written.suffix
    assert response.mimetype == {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                 ".pdf": "application/pdf"}[kind]
    assert response.headers["Content-Length"] == str(len(dropped[key]))
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_download_of_a_withdrawn_procedure_still_works(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/download/1/QT.NCC.02").status_code == 200


# --- the master list --------------------------------------------------------------------------------


def test_master_list_by_office_matches_the_cli_and_sorts(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    text = page(client, "/list")
    listed = run_json(home, "list")
    codes = re.findall(r'<td class="nowrap"><a href="/procedure/[^"]*">([^<]*)</a></td>', text)
    assert sorted(codes) == sorted(item["code"] for item in listed)
    assert "QT.NCC.02" not in codes  # withdrawn: not on the current list
    assert text.index("VP — Văn phòng") < text.index("LDVL — Phòng Lao động - Việc làm") < text.index("NCC — Phòng Người có công")
    assert "In danh mục" in text and "<th class=\"n\">" in text
    by_rev = page(client, "/list?office=NCC&sort=revision&order=desc")
    assert 'aria-sort="descending"' in by_rev and "QT-01/LĐTBXH" not in by_rev
    withdrawn = page(client, "/list?status=withdrawn")
    assert "QT.NCC.02" in withdrawn and "badge-withdrawn" in withdrawn
    titles = page(client, "/list?office=LDVL&sort=title")
    assert 'aria-sort="ascending"' in titles


def test_master_list_pages_a_long_list_and_counts_on(client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A province-sized list is shown a page at a time (here 2 rows a page); the rows go on being
    numbered within their office, every page links the others, the whole list is the same."""
    whole = re.findall(r'<a href="/procedure/[^"]*">([^<]*)</a></td>', page(client, "/list?status=all"))
    monkeypatch.setattr(present, "LIST_PAGE", 2)
    pages = -(-len(whole) // 2)
    seen: list[str] = []
    for number in range(1, pages + 1):
        text = page(client, f"/list?status=all&page={number}")
        seen += re.findall(r'<a href="/procedure/[^"]*">([^<]*)</a></td>', text)
        assert f'lang="en">Page</span> {number}/{pages}:' in text
        assert 'aria-current="page"' in text
        other = 2 if number == 1 else 1  # the pager links the other pages, the filter kept
        assert f'<a href="/list?status=all&amp;page={other}">{other}</a>' in text
    assert seen == whole and pages > 1
    beyond = page(client, f"/list?status=all&page={pages + 5}")  # the last page
    assert f'lang="en">Page</span> {pages}/{pages}:' in beyond


# --- coverage -----------------------------------------------------------------------------------------


def test_coverage_page_shows_the_same_data_as_the_cli(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(home, "coverage", "--json")
    report = json.loads(result.stdout)
    text = page(client, "/coverage")
    percent = f"{report['percent']:.2f}".replace(".", ",") + " %"
    assert f'id="coverage-percent">{percent}<' in text
    assert f"<td class=\"n\">{report['total']}</td>" in text
    assert f"<td class=\"n\">{report['covered']}</td>" in text
    for item in report["uncovered"]:
        assert item["code"] in text
    assert report["flagged"], "the fixture flags procedures"
    for flag in report["flagged"]:
        assert f'href="/procedure/{url(flag["code"])}"' in text
        assert f"({flag['reason']})" in text
    for office in report["by_office"]:
        assert office in text
    scoped = page(client, "/coverage?office=LDVL")
    cli_scoped = json.loads(run(home, "coverage", "--office", "LDVL", "--json").stdout)
    assert f"{cli_scoped['percent']:.2f}".replace(".", ",") + " %" in scoped
    assert '<option value="LDVL" selected>' in scoped


def test_coverage_report_downloads_are_the_cli_formats(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/coverage/report.json")
    assert data.status_code == 200 and data.headers["Content-Disposition"].startswith("attachment;")
    mine = json.loads(data.data)
    cli = json.loads(run(home, "coverage", "--json").stdout)
    assert mine == cli
    xlsx = client.get("/coverage/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/coverage/report.exe").status_code == 404


def test_coverage_with_an_unknown_office_is_not_found(client) -> None:  # type: ignore[no-untyped-def]
    page(client, "/coverage?office=NOPE", 404)


# --- status -------------------------------------------------------------------------------------------


def test_status_page_shows_inbox_quarantine_ingests_watcher_and_index(client, home: Path) -> None:  # type: ignore[no-untyped-def]
    status = run_json(home, "status")
    text = page(client, "/status")
    assert f'id="inbox-waiting">{status["inbox_waiting"]}' in text
    assert f'id="quarantined">{status["quarantined"]}' in text
    assert "không chạy" in text  # no watcher in the tests
    assert 'data-state="current"' in text or 'data-state="behind"' in text
    assert "Lần ban hành" in text or "Lý do" in text
    assert "QT-01_LĐTBXH-r2.docx" in text  # a recent ingest, by file name only
    assert str(home) not in text  # no server paths


# --- language -------------------------------------------------------------------------------------------


def test_english_switch_is_remembered(client) -> None:  # type: ignore[no-untyped-def]
    english = client.get("/list?lang=en")
    text = english.get_data(as_text=True)
    assert '<html lang="en">' in text and "Master list" in text
    assert "doccontrol_lang=en" in english.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/status").get_data(as_text=True)
    back = client.get("/status?lang=vi").get_data(as_text=True)
    assert '<html lang="vi">' in back


# --- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/procedure/NO-SUCH-CODE", "/procedure/QT-01/L%C4%90TBXH?rev=9", "/procedure/QT-01/L%C4%90TBXH?rev=abc",
    "/download/9/QT-01/L%C4%90TBXH", "/download/1/NO-SUCH-CODE", "/download/x/QT-01", "/download/1/",
    "/diff/QT-01/L%C4%90TBXH?from=1&to=7", "/diff/NO-SUCH", "/nothing/here", "/procedure/",
    "/procedure/..%2F..%2Fetc%2Fpasswd", "/download/1/..%2F..%2Fdoccontrol.toml",
])
def test_unknown_codes_and_revisions_are_a_clear_404(client, path: str) -> None:  # type: ignore[no-untyped-def]
    text = page(client, path, 404)
    assert "Không tìm thấy" in text and "Not found" in text
    assert "Traceback" not in text


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_nothing_accepts_writes(client, method: str) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/procedure/QT-01/L%C4%90TBXH", "/download/1/QT-01/L%C4%90TBXH", "/status"):
        response = getattr(client, method)(path, data={"x": "1"})
        assert response.status_code == 405, (method, path)
        assert "Trang chỉ để xem" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_vietnamese_500_page_without_traceback(
        client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail /srv/private/path")

    monkeypatch.setattr(service, "procedure_rows", broken)  # what the list page reads (the derived state)
    response = client.get("/list")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in text and "Mã lỗi" in text
    assert "Traceback" not in text and "secret detail" not in text and "RuntimeError" not in text


def test_a_broken_workspace_is_a_503_page(client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> None:
        raise WorkspaceError("Kho tài liệu không phải kho git.", "not a git repository")

    monkeypatch.setattr(service, "detail", broken)
    text = page(client, "/procedure/QT-01/L%C4%90TBXH", 503)
    assert "Kho tài liệu không phải kho git." in text


# --- read-only -------------------------------------------------------------------------------------------


def test_no_page_writes_to_the_workspace(client, home: Path, built: tuple[Path, dict[str, bytes]]) -> None:  # type: ignore[no-untyped-def]
    before = tree_digest(home)
    head = run(home, "history", "QT-01/LĐTBXH").stdout
    paths = ["/", "/?q=lao+dong", "/?q=tho+cung&status=all", "/procedure/QT-01/L%C4%90TBXH", "/procedure/QT.NCC.02",
             "/diff/QT-01/L%C4%90TBXH", "/download/1/QT-01/L%C4%90TBXH", "/list", "/list?status=all", "/coverage",
             "/coverage?office=NCC", "/coverage/report.csv", "/status", "/nope", "/list?lang=en"]
    for path in paths:
        client.get(path)
    assert tree_digest(home) == before
    assert run(home, "history", "QT-01/LĐTBXH").stdout == head
    assert not (home / "inbox" / "VP").exists() or not any((home / "inbox").rglob("*.docx"))


# --- a workspace with nothing in it ------------------------------------------------------------------------


def test_an_empty_workspace_without_catalog(tmp_path: Path) -> None:
    home = make_workspace(tmp_path)
    client = create_app(home, testing=True).test_client()
    assert "Nhập từ khoá" in page(client, "/")
    assert "Không tìm thấy quy trình nào." in page(client, "/?q=bat+ky")
    assert "Chưa có quy trình nào." in page(client, "/list")
    coverage = page(client, "/coverage")
    assert "Chưa có danh mục thủ tục hành chính" in coverage and "doccontrol catalog import" in coverage
    assert client.get("/coverage/report.csv").status_code == 404
    status = page(client, "/status")
    assert "Không có tệp nào bị cách ly." in status and "Chưa có lần tiếp nhận nào." in status


def test_configuration_changes_are_picked_up(tmp_path: Path) -> None:
    home = make_workspace(tmp_path)
    client = create_app(home, testing=True).test_client()
    assert "Phòng Kế hoạch" not in page(client, "/list")
    config = home / "doccontrol.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[offices]\n", '[offices]\nKH = "Phòng Kế hoạch"\n'), encoding="utf-8")
    stat = config.stat()
    os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "Phòng Kế hoạch" in page(client, "/list")


# --- the coverage report computed in the background --------------------------------------------------


def tthc_section(text: str) -> str:
    return text.split('<section class="tthc">', 1)[1].split("</section>", 1)[0]


def wait_for_report(app, timeout: float = 60) -> object:  # type: ignore[no-untyped-def]
    from doccontrol.web.app import Site

    site: Site = app.extensions["doccontrol"]

    def ready() -> tuple[object] | None:  # the value may be false (an empty report), None is "not yet"
        value = site.ready_or_warm("coverage", (None, None), lambda: service.coverage(site.workspace))
        return None if value is None else (value,)

    with app.test_request_context("/"):
        return wait_until(ready, timeout, "the coverage report to be computed in the background")[0]


@pytest.mark.parametrize("code", ["QT-01/LĐTBXH", "QT.NCC.02", "QT.NCC.66", "QT-BTXH-07"])
def test_tthc_links_are_the_same_before_and_after_the_report_is_ready(home: Path, code: str) -> None:
    app = create_app(home, testing=True)
    client = app.test_client()
    before = tthc_section(page(client, f"/procedure/{url(code)}"))  # the report is not ready yet
    wait_for_report(app)
    after = tthc_section(page(client, f"/procedure/{url(code)}"))
    assert before == after


@pytest.mark.slow
def test_serve_warms_the_report_at_start_and_a_missing_catalog_stays_a_clear_page(tmp_path: Path) -> None:
    home = make_workspace(tmp_path)
    drop(home, "LDVL", spec())
    assert run(home, "ingest", "--inbox").exit_code == 0
    app = create_app(home, testing=True, warm=True)
    kept = wait_for_report(app)
    assert isinstance(kept, UsageError)  # no catalog: the error is what is kept
    client = app.test_client()
    assert "1.000105" in tthc_section(page(client, "/procedure/QT-01/L%C4%90TBXH"))
    assert "Chưa có danh mục thủ tục hành chính" in page(client, "/coverage")


def test_text_appended_at_the_end_is_only_added_in_the_cli_and_the_web(  # type: ignore[no-untyped-def]
        client, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: a stored text has no final newline; its unchanged last line is context, not -/+."""
    from doccontrol.repo.gateway import Repository

    texts = {1: "QUY TRÌNH\nBước 5: Lưu hồ sơ.", 2: "QUY TRÌNH\nBước 5: Lưu hồ sơ.\nBước 6: Báo cáo kết quả."}
    monkeypatch.setattr(Repository, "text_at", lambda self, state, revision: texts[revision])
    cli = run(home, "diff", "QT-01/LĐTBXH", "--from", "1", "--to", "2")
    assert cli.exit_code == 0, cli.output
    changed = [line for line in cli.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["+Bước 6: Báo cáo kết quả."]
    web = page(client, "/diff/QT-01/L%C4%90TBXH?from=1&to=2")
    assert web.count('<tr class="add">') == 1 and '<tr class="del">' not in web
