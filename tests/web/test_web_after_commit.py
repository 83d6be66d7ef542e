"""What the web server keeps between requests follows the repository: a new commit shows at once
on the pages it changes, and leaves what it did not change as it was kept (``repo.read_memo``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from support.reports_builders import copy_of

from doccontrol import service
from doccontrol.service import tthc
from doccontrol.repo import history, layout
from doccontrol.web import create_app
from doccontrol.workspace import load

FIRST = "QT-01/LĐTBXH"


def page(client, code: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/procedure/{quote(code, safe='/')}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_new_commit_shows_at_once_and_leaves_the_rest_kept(
        story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = copy_of(story, tmp_path)
    other = next(s.code for s in service.procedures(load(home)) if s.code != FIRST)
    client = create_app(home, testing=True).test_client()
    assert "1.000459" not in page(client, FIRST)
    assert "ĐÃ BỊ BÃI BỎ" not in page(client, other)

    read = Counter[str]()
    original = history.procedure_events

    def counted(git, folder: str, review_file: str):  # type: ignore[no-untyped-def]
        read[folder] += 1
        return original(git, folder, review_file)

    monkeypatch.setattr(history, "procedure_events", counted)
    page(client, FIRST), page(client, other)
    assert not read  # kept: nothing read again while HEAD stays

    tthc.change_links(load(home), FIRST, ["1.000459"], add=True)  # a commit of the links file only
    text = page(client, FIRST)
    assert "1.000459" in text and "Cấp lại giấy phép lao động cho người lao động nước ngoài" in text
    page(client, other)
    assert not read  # no procedure folder changed: both histories kept

    service.withdraw(load(home), other, "Gộp vào quy trình chung của Sở")
    text = page(client, other)
    assert "ĐÃ BỊ BÃI BỎ" in text and "Gộp vào quy trình chung của Sở" in text
    page(client, FIRST)
    withdrawn = next(s for s in service.procedures(load(home), status="all") if s.code == other)
    assert read == {layout.procedure_dir(withdrawn.office, withdrawn.slug): 1}  # only the folder it changed


def test_coverage_followed_over_commits_equals_a_fresh_computation(story: Path, tmp_path: Path) -> None:
    """The web server's coverage after each commit (its last basis brought forward: only what the
    commit changed computed) is the report computed whole from the repository at that commit."""
    from doccontrol.repo.gateway import Repository

    home = copy_of(story, tmp_path)
    tthc.follow_coverage(load(home))
    other = next(s.code for s in service.procedures(load(home)) if s.code != FIRST)
    commits = (lambda: tthc.change_links(load(home), FIRST, ["1.000459"], add=True),
               lambda: service.withdraw(load(home), other, "Gộp vào quy trình chung của Sở"),
               lambda: tthc.change_links(load(home), other, ["1.000105"], add=True, force=True))
    for commit in commits:
        commit()
        ws = load(home)
        with Repository(ws) as repo:
            inputs = tthc.coverage_inputs(repo.snapshot(repo.head()), ws.config)
        for office in (None, *ws.config.offices):
            followed = tthc.coverage(ws, office).report
            assert followed == tthc.coverage_from(inputs, ws.config, office).report
            assert tthc.coverage(ws, office).report == followed  # then read back as kept


def test_the_coverage_page_shows_long_parts_a_page_at_a_time(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from markupsafe import escape

    from doccontrol.reports.coverage_report import report_parts
    from doccontrol.web import present
    from doccontrol.web.views import SHOWN_PARTS

    client = create_app(story, testing=True).test_client()
    result = tthc.coverage(load(story))
    key, rows = next((key, rows) for key, _, _, _, rows in report_parts(result.report, result.context)
                     if key in SHOWN_PARTS and len(rows) >= 2)
    monkeypatch.setattr(present, "COVERAGE_PAGE", 1)

    def part(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200
        return response.get_data(as_text=True).split(f'id="{key}"')[1].split("</section>")[0]

    first, second = part("/coverage"), part(f"/coverage?{key}_page=2")
    assert str(escape(rows[0][0])) in first and str(escape(rows[1][0])) not in first
    assert str(escape(rows[1][0])) in second and str(escape(rows[0][0])) not in second
    assert f"({len(rows)})" in first  # the count is the whole part's
    assert f'href="/coverage?{key}_page=2#{key}"' in first
    assert str(escape(rows[-1][0])) in part(f"/coverage?{key}_page=999")  # clamped to the last page
    assert client.get(f"/coverage?{key}_page=x").status_code == 404
