"""The read-only site under hostile requests (issue 12): long or odd codes are a 404, never a 500
or a look inside ``.git``; a page never waits for the writer lock — a search answers from the
last good index and says so."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from support.commits import commit_procedure

from doccontrol.repo.gateway import Repository
from doccontrol.repo.lock import writer_lock
from doccontrol.web import create_app
from doccontrol.workspace import load


@pytest.fixture
def client(home: Path):  # type: ignore[no-untyped-def]
    commit_procedure(home, "LDVL", "QT-05/LĐTBXH", title="Giải quyết hưởng trợ cấp thất nghiệp")
    return create_app(home, testing=True).test_client()


@pytest.mark.parametrize("code", ["Q" * 5000, "đ" * 3000, ".git", "objects", "refs", "..", "*", "_catalog",
                                  "qt-05-ldtbxh/../../doccontrol.toml", "%00", "a" * 255])
def test_odd_codes_are_missing_pages(client, code: str) -> None:  # type: ignore[no-untyped-def]
    for path in (f"/procedure/{code}", f"/diff/{code}", f"/download/1/{code}"):
        response = client.get(path)
        assert response.status_code in (400, 404), (path[:80], response.status_code)


def test_a_known_code_still_opens(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/procedure/qt-05/ldtbxh").status_code == 200


def test_a_lookup_never_reads_inside_git(home: Path) -> None:
    (home / "procedures" / ".git" / "qt-09-x").mkdir()
    (home / "procedures" / ".git" / "qt-09-x" / "meta.json").write_text("{not json", encoding="utf-8")
    with Repository(load(home)) as repo:
        assert repo.find("qt-09/x") is None and repo.procedures() == []


def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that waited for the writer lock would now fail after 3 s (503), not hang."""
    monkeypatch.setenv("DOCCONTROL_LOCK_TIMEOUT", "3")


def test_a_search_with_a_busy_writer_answers_from_the_last_good_index(client, home: Path,  # type: ignore[no-untyped-def]
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _quick(monkeypatch)
    commit_behind(home)
    with writer_lock(home, "another writer"):
        started = time.monotonic()
        response = client.get("/?q=tro+cap+that+nghiep")
        assert time.monotonic() - started < 3
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "QT-05/LĐTBXH" in page and "last good index" in page
        assert client.get("/list").status_code == 200 and client.get("/status").status_code == 200


def commit_behind(home: Path) -> None:
    """A commit the index does not reflect yet (as after a crash before the index update)."""
    from doccontrol.core.model import ProcedureState, ProcedureStatus

    state = ProcedureState(code="QT-06/X", code_key="qt-06/x", slug="qt-06-x", office="LDVL", title="Sau",
                           revision=1, status=ProcedureStatus.CURRENT, sha256="0" * 64, text_sha256="0" * 64,
                           source="x.pdf", ext="pdf")
    with Repository(load(home)) as repo, repo.write("LDVL", "test", update_index=False) as tx:
        tx.commit_revision(state, b"x", "Mã hiệu: QT-06/X", "LDVL")


def test_a_search_with_no_index_and_a_busy_writer_says_so_at_once(client, home: Path,  # type: ignore[no-untyped-def]
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _quick(monkeypatch)
    shutil.rmtree(home / "index")
    with writer_lock(home, "another writer"):
        started = time.monotonic()
        response = client.get("/?q=tro+cap")
        assert time.monotonic() - started < 3
        assert response.status_code == 200 and "try again" in response.get_data(as_text=True)
    response = client.get("/?q=tro+cap+that+nghiep")  # the writer is gone: rebuilt on the way
    assert response.status_code == 200 and "QT-05/LĐTBXH" in response.get_data(as_text=True)
