"""``doccontrol serve`` follows the repository: after a commit, the pages' data for the new HEAD is
computed before anyone asks (the derived state, the master list, the coverage reports and pages)."""

from __future__ import annotations

import time
from pathlib import Path

from support.commits import commit_procedure

from doccontrol.core.catalog import STATUS_ACTIVE, Tthc, catalog_to_json
from doccontrol.repo import layout
from doccontrol.repo.gateway import Repository
from doccontrol.web import create_app
from doccontrol.workspace import load


def _keys_for(site: object, head: str) -> set[tuple[object, ...]]:
    cache = getattr(site, "_cache")
    return {(name, args) for name, args, at, _ in list(cache) if at == head}


def _wait_for(site: object, head: str, wanted: set[tuple[object, ...]], seconds: float = 30) -> set[tuple[object, ...]]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = _keys_for(site, head)
        if wanted <= found:
            return found
        time.sleep(0.05)
    return _keys_for(site, head)


def test_serve_warms_the_new_commit_before_the_first_request(home: Path) -> None:
    commit_procedure(home, "LDVL", "QT-01/LĐTBXH", title="Cấp giấy phép lao động")
    catalog = {"1.000105": Tthc(code="1.000105", name="Cấp giấy phép lao động", field="Việc làm", agency="Sở",
                                level="Cấp tỉnh", status=STATUS_ACTIVE)}
    with Repository(load(home)) as repo, repo.write("VP", "catalog import") as tx:
        tx.commit_files({layout.CATALOG_FILE: catalog_to_json(catalog).encode("utf-8")}, "Danh mục TTHC",
                        {"Action": "catalog-import"})
    app = create_app(home, testing=True, warm=True)
    site = app.extensions["doccontrol"]
    offices = list(load(home).config.offices)
    wanted = {("coverage", (None, None)), *(("coverage", (office, None)) for office in offices),
              ("list_groups", ("", "current", "code", False))}
    with Repository(load(home)) as repo:
        first = repo.head() or ""
    assert wanted <= _wait_for(site, first, wanted)
    commit_procedure(home, "NCC", "QT-05/NCC", title="Trợ cấp người có công")
    with Repository(load(home)) as repo:
        second = repo.head() or ""
    assert wanted <= _wait_for(site, second, wanted)  # no request was made: the follower computed them
    text = app.test_client().get("/list").get_data(as_text=True)
    assert "QT-05/NCC" in text


def test_a_value_warmed_in_the_background_is_computed_once_when_a_page_asks_meanwhile(home: Path) -> None:
    import threading

    commit_procedure(home, "LDVL", "QT-01/LĐTBXH", title="Cấp giấy phép lao động")
    app = create_app(home, testing=True)
    site = app.extensions["doccontrol"]
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        started.set()
        release.wait(10)
        return 42

    with app.test_request_context("/"):
        assert site.ready_or_warm("report", (), compute) is None
        assert started.wait(10)
        threading.Timer(0.2, release.set).start()
        assert site.cached("report", (), compute) == 42  # waits for the background computation
    assert calls == [1]
