"""The repository gateway: reads, the unit of work, recovery and the typed index update."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.workspace import drop, git, run, spec

from doccontrol.errors import UsageError
from doccontrol.repo import history, layout
from doccontrol.repo.gateway import Repository
from doccontrol.repo.lock import WriterBusy, lock_is_held
from doccontrol.workspace import load

pytestmark = pytest.mark.slow  # ingests start the extraction worker


def _three_revisions(home: Path) -> None:
    for number in (1, 2, 3):
        drop(home, "LDVL", spec(code=f"QT-0{number}/LĐTBXH"), name=f"qt{number}.docx")
    assert run(home, "ingest", "--inbox").exit_code == 0


def test_recovery_tags_every_revision_a_killed_group_left_untagged(home: Path) -> None:
    """fast-import writes a group's tags after its branch: all the group's newest commits may lack them."""
    _three_revisions(home)
    tags = git(home, "tag", "-l").split()
    assert len(tags) == 3
    newest = history.parse_log(git(home, "log", "-z", "-n2", history.LOG_FORMAT))
    lost = [layout.revision_tag(event.trailers["Slug"], 1) for event in newest]
    for tag in lost:
        git(home, "tag", "-d", tag)
    workspace = load(home)
    with Repository(workspace) as repo, repo.write("VP", "test") as tx:
        assert sorted(tx.repaired) == sorted(f"created the missing tag {tag}" for tag in lost)
    assert sorted(git(home, "tag", "-l").split()) == sorted(tags)
    # fast-import writes tags in an order of its own: the newest may have its tag, an older one not.
    git(home, "tag", "-d", lost[1])
    with Repository(workspace) as repo, repo.write("VP", "test") as tx:
        assert tx.repaired == [f"created the missing tag {lost[1]}"]
    assert sorted(git(home, "tag", "-l").split()) == sorted(tags)
    assert "recover: created the missing tag" in (home / "logs" / "doccontrol.log").read_text(encoding="utf-8")


def test_a_git_process_started_in_a_transaction_holds_the_writer_lock_until_it_exits(home: Path) -> None:
    workspace = load(home)
    with Repository(workspace) as repo, repo.write("VP", "test") as tx:
        fd = tx.lock_fd
        assert fd is not None and repo.git.inherited_fds == (fd,)
        child = subprocess.Popen(["sleep", "30"], pass_fds=(fd,))
    try:
        assert lock_is_held(home)  # the transaction is over, its child still holds the lock
        with pytest.raises(WriterBusy), Repository(workspace) as repo, repo.write("VP", "test", timeout=0.2):
            pass
    finally:
        child.kill()
        child.wait()
    assert not lock_is_held(home)
    assert Repository(workspace).git.inherited_fds == ()


def test_files_unchanged_make_no_commit_and_the_ownership_rule_holds(home: Path) -> None:
    _three_revisions(home)
    workspace = load(home)
    with Repository(workspace) as repo, repo.write("VP", "test") as tx:
        head = repo.head()
        readme = (home / "procedures" / "README.md").read_bytes()
        assert tx.commit_files({"README.md": readme}, "nothing", {"Action": "other"}) is None
        assert repo.head() == head
    result = run(home, "withdraw", "QT-01/LĐTBXH", "--reason", "thử", "--office", "NCC")
    assert result.exit_code == 2 and "không được bãi bỏ" in result.output
    assert run(home, "withdraw", "QT-01/LĐTBXH", "--reason", "thử", "--office", "VP").exit_code == 0  # the controller


def test_the_index_update_reads_only_what_the_transaction_touched(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the index reflects the commit the transaction started from, no ``git diff`` is needed."""
    _three_revisions(home)
    workspace = load(home)
    from doccontrol.repo.gateway import Repository as Repo

    asked: list[tuple[object, ...]] = []
    original = Repo.changed_procedures
    monkeypatch.setattr(Repo, "changed_procedures", lambda self, a, b: asked.append((a, b)) or original(self, a, b))
    drop(home, "LDVL", spec(code="QT-04/LĐTBXH"), name="qt4.docx")
    assert run(home, "ingest", "--inbox").exit_code == 0
    assert asked == []
    with Repository(workspace) as repo:
        assert repo.index.freshness().state.value == "current"
        assert {s.code for s in repo.procedures()} == {"QT-01/LĐTBXH", "QT-02/LĐTBXH", "QT-03/LĐTBXH", "QT-04/LĐTBXH"}


def test_reads_of_a_revision(home: Path) -> None:
    _three_revisions(home)
    with Repository(load(home)) as repo:
        state = repo.get("qt-02/ldtbxh")
        data, then = repo.original_at(state, 1)
        assert data[:2] == b"PK" and then.revision == 1
        assert "QT-02" in repo.text_at(state, 1)
        assert [r.revision for r in repo.revisions(state)] == [1]
        assert repo.revision_numbers(state.slug) == {state.slug: [1]}
        assert layout.revision_tag(state.slug, 1) in git(home, "tag", "-l")
        with pytest.raises(UsageError):
            repo.get("QT-99/KHÔNG-CÓ")


def test_init_creates_the_repository_with_doccontrols_settings(home: Path) -> None:
    """``init`` makes the repository through GitPython: branch main, one first commit, and the
    settings every later write relies on (fsync of committed objects, no quoting of names)."""
    from doccontrol.repo.gitcmd import REPO_CONFIG

    repo = home / "procedures"
    for key, value in REPO_CONFIG.items():
        found = subprocess.run(["git", "-C", str(repo), "config", "--local", key], capture_output=True, text=True)
        assert found.stdout.strip() == value, key
    branch = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "HEAD"], capture_output=True, text=True)
    assert branch.stdout.strip() == "refs/heads/main"
    count = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True)
    assert count.stdout.strip() == "1"
