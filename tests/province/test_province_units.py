"""The province view's parts without a server: province.toml as data, the sync rule, finding the
folder, and the mirror's git operations on small repositories made with git itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from doccontrol.core.config import ConfigError
from doccontrol.core.province import (
    Department,
    ProvinceConfig,
    SyncKind,
    decide_sync,
    parse_province,
    render_province,
    with_department,
)
from doccontrol.errors import UsageError, WorkspaceError
from doccontrol.province import home
from doccontrol.repo import mirror

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


def _commit(repo: Path, name: str) -> str:
    (repo / name).write_text(name, encoding="utf-8")
    _git(repo, "add", name)
    _git(repo, "commit", "-q", "-m", name)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def department_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "dept"
    repo.mkdir()
    _git(repo, "init", "-q", "--initial-branch=main")
    _commit(repo, "a")
    _git(repo, "tag", "a/r1")
    return repo


def test_province_toml_round_trips_and_lists_every_problem() -> None:
    config = with_department(ProvinceConfig(name="UBND tỉnh Lạng Sơn"),
                             Department("SOTP", "Sở Tư pháp", "git://git.example.invalid/sotp.git"))
    config = with_department(config, Department("SO-LDTBXH", "Sở Lao động - Thương binh và Xã hội", "/srv/git/x.git"))
    import tomllib

    again = parse_province(tomllib.loads(render_province(config)))
    assert again == config and list(again.departments) == ["SOTP", "SO-LDTBXH"]
    assert again.department("sotp") == config.departments["SOTP"]
    with pytest.raises(ConfigError) as caught:
        parse_province({"departments": {"bad code": {"url": "x"}, "OK": {"url": "--upload-pack=evil"},
                                        "SO1": {"url": ""}}, "search": {"engine": "lucene"}})
    assert len(caught.value.problems) == 4


def test_the_sync_rule() -> None:
    assert decide_sync(None, None, False) is SyncKind.FAILED
    assert decide_sync("a", None, False) is SyncKind.FAILED
    assert decide_sync(None, "b", False) is SyncKind.NEW
    assert decide_sync("a", "a", True) is SyncKind.UNCHANGED
    assert decide_sync("a", "b", True) is SyncKind.UPDATED
    assert decide_sync("a", "b", False) is SyncKind.REWRITTEN  # a forced push
    assert decide_sync("a", "b", True, ["qt-01/r1"]) is SyncKind.REWRITTEN  # a revision tag moved


def test_the_folder_is_found_like_a_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = home.init(tmp_path / "tinh", "UBND tỉnh Lạng Sơn")
    (made.root / "a" / "b").mkdir(parents=True)
    assert home.find_root(None, made.root / "a" / "b") == made.root
    assert home.find_root(str(made.root)) == made.root
    with pytest.raises(WorkspaceError):
        home.find_root(str(tmp_path))
    with pytest.raises(WorkspaceError):
        home.init(made.root)
    updated, new = home.add_department(made, "SOTP", "/srv/sotp.git", "Sở  Tư pháp")
    assert new and updated.department("SOTP").name == "Sở Tư pháp"
    updated, new = home.add_department(updated, "SOTP", "/srv/other.git", None)
    assert not new and updated.department("SOTP").url == "/srv/other.git"
    assert home.load(made.root).config == updated.config
    with pytest.raises(UsageError):
        home.add_department(updated, "sotp", "/srv/x.git", None)  # the same code in another case
    with pytest.raises(UsageError):
        updated.department("SOXD")


def test_a_mirror_takes_new_commits_and_never_a_rewritten_history(tmp_path: Path, department_repo: Path) -> None:
    path = tmp_path / "mirror.git"
    mirror.ensure(path)
    assert mirror.tip(path) is None
    first = mirror.fetch(path, str(department_repo), 30)
    assert first.ok and first.tip == _git(department_repo, "rev-parse", "HEAD")
    mirror.promote(path, first.tip)
    assert mirror.tip(path) == first.tip and mirror.revision_numbers(path) == {"a": [1]}
    assert not [p for p in (path / "refs").rglob("*") if p.is_file()]  # packed: a fetch walks one file

    second = _commit(department_repo, "b")
    fetched = mirror.fetch(path, str(department_repo), 30)
    assert fetched.tip == second and mirror.descends(path, first.tip, second)
    assert mirror.count_commits(path, first.tip, second) == 1
    assert mirror.tip(path) == first.tip  # fetched, not yet shown
    mirror.promote(path, second)
    assert mirror.changed_folders(path, first.tip, second) == set()  # "b" is no procedure folder

    _git(department_repo, "reset", "-q", "--hard", first.tip)  # a forced push: the history is rewritten
    rewritten = _commit(department_repo, "c")
    _git(department_repo, "tag", "-f", "a/r1")
    fetched = mirror.fetch(path, str(department_repo), 30)
    assert fetched.tip == rewritten and not mirror.descends(path, second, rewritten)
    assert mirror.moved_tags(path) == ["a/r1"]
    assert decide_sync(second, rewritten, False, mirror.moved_tags(path)) is SyncKind.REWRITTEN
    assert mirror.tip(path) == second  # kept
    mirror.promote(path, rewritten, keep_as="accepted")  # taken deliberately, the old tip kept
    assert mirror.tip(path) == rewritten
    assert mirror.refs(path, "refs/province/replaced/accepted/heads") == {"main": second}


def test_an_unreachable_department_is_a_failed_fetch(tmp_path: Path) -> None:
    path = tmp_path / "mirror.git"
    mirror.ensure(path)
    for url in (str(tmp_path / "nowhere.git"), "git://127.0.0.1:9/nothing.git"):
        fetched = mirror.fetch(path, url, 20)
        assert not fetched.ok and fetched.tip is None and fetched.message
    assert mirror.tip(path) is None


def test_an_unchanged_department_costs_a_fetch_of_its_branch(tmp_path: Path, department_repo: Path) -> None:
    path = tmp_path / "mirror.git"
    mirror.ensure(path)
    first = mirror.fetch(path, str(department_repo), 30)
    mirror.promote(path, first.tip)
    _git(department_repo, "tag", "b/r1")  # a tag without a commit: not asked for while the tip stays
    again = mirror.fetch(path, str(department_repo), 30, shown=first.tip)
    assert again.ok and again.tip == first.tip
    assert "b/r1" not in mirror.tag_refs(path)[1]
    second = _commit(department_repo, "b")  # the tip moved: the tags are fetched with it
    moved = mirror.fetch(path, str(department_repo), 30, shown=first.tip)
    assert moved.ok and moved.tip == second
    ours, theirs = mirror.tag_refs(path)
    assert set(theirs) == {"a/r1", "b/r1"} and set(ours) == {"a/r1"}
    gone = mirror.fetch(path, str(tmp_path / "nowhere.git"), 30, shown=second)
    assert not gone.ok and gone.tip is None and gone.message


def test_sync_takes_a_time_limit_for_this_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from doccontrol.cli.app import main

    province, _ = home.add_department(home.init(tmp_path / "tinh"), "SOTP", str(tmp_path / "nowhere.git"), "Sở Tư pháp")
    limits: list[float] = []
    real = mirror.fetch
    monkeypatch.setattr(mirror, "fetch", lambda path, url, timeout, shown=None: (limits.append(timeout),
                                                                                   real(path, url, timeout, shown))[1])
    runner = CliRunner()
    result = runner.invoke(main, ["--home", str(province.root), "province", "sync", "--timeout", "900"])
    assert result.exit_code == 1 and "SOTP" in result.output  # unreachable: reported, exit 1
    result = runner.invoke(main, ["--home", str(province.root), "province", "sync"])
    assert result.exit_code == 1
    assert limits == [900, province.config.timeout]
    assert runner.invoke(main, ["--home", str(province.root), "province", "sync", "--timeout", "0"]).exit_code == 2


def test_lock_files_left_by_a_killed_git_are_cleared(tmp_path: Path, department_repo: Path) -> None:
    path = tmp_path / "mirror.git"
    mirror.ensure(path)
    first = mirror.fetch(path, str(department_repo), 30)
    mirror.promote(path, first.tip)
    second = _commit(department_repo, "b")
    assert mirror.fetch(path, str(department_repo), 30, shown=first.tip).tip == second
    (path / "refs" / "heads").mkdir(parents=True, exist_ok=True)
    (path / "refs" / "heads" / "main.lock").write_text("", encoding="utf-8")  # an update-ref killed half-way
    (path / "refs" / "tags" / "a").mkdir(parents=True, exist_ok=True)
    (path / "refs" / "tags" / "a" / "r9.lock").write_text("", encoding="utf-8")
    with pytest.raises(mirror.MirrorError):
        mirror.promote(path, second)
    assert mirror.clear_stale_locks(path) == 2 and mirror.clear_stale_locks(path) == 0
    mirror.promote(path, second)
    assert mirror.tip(path) == second
