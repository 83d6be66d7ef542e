"""Recovery's scan at the start of each unit of work: one ``git status`` when the last one ended
cleanly, made cheap by the repository's settings, which a writer brings to older repositories;
what a crash or a hand leaves in the work tree is still found and discarded."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.workspace import git

from doccontrol.repo.gateway import Repository
from doccontrol.repo.gitcmd import REPO_CONFIG, missing_settings
from doccontrol.workspace import load

SETTINGS_FILE = "_settings/recovery-test.txt"


def _config(home: Path, key: str) -> str:
    found = subprocess.run(["git", "-C", str(home / "procedures"), "config", "--local", key],
                           capture_output=True, text=True)
    return found.stdout.strip()


def _commit(home: Path, text: str) -> list[str]:
    """One unit of work committing a repository file; returns what its recovery repaired."""
    with Repository(load(home)) as repo, repo.write("VP", "test") as tx:
        tx.commit_files({SETTINGS_FILE: text.encode()}, "test: a file", {"Action": "test"})
        return tx.repaired


def test_missing_settings_are_the_ones_absent_or_different() -> None:
    listed = "\n".join(f"{key.lower()}={value}" for key, value in REPO_CONFIG.items())
    assert missing_settings(listed) == {}
    changed = listed.replace("core.untrackedcache=true", "core.untrackedcache=false")
    assert missing_settings(changed) == {"core.untrackedCache": "true"}
    assert missing_settings("") == REPO_CONFIG


def test_a_writer_brings_the_settings_to_an_older_repository(home: Path) -> None:
    git(home, "config", "--local", "--unset", "core.untrackedCache")
    git(home, "config", "--local", "status.showUntrackedFiles", "normal")
    _commit(home, "one")
    assert _config(home, "core.untrackedCache") == "true"
    assert _config(home, "status.showUntrackedFiles") == "all"


def test_a_clean_end_leaves_nothing_to_repair_and_git_status_clean(home: Path) -> None:
    assert _commit(home, "one") == []
    assert _commit(home, "two") == []
    assert git(home, "status", "--porcelain", "--untracked-files=all") == ""
    # git's index was brought to HEAD with its cache-tree: git diff-index needs no tree read.
    assert git(home, "diff-index", "--cached", "HEAD") == ""


def test_leftovers_of_a_crash_or_a_hand_are_discarded(home: Path) -> None:
    _commit(home, "one")
    repo = home / "procedures"
    (repo / "LDVL" / "half").mkdir(parents=True)
    (repo / "LDVL" / "half" / "meta.json").write_text("{", encoding="utf-8")  # untracked, in a new folder
    (repo / SETTINGS_FILE).write_text("half-written", encoding="utf-8")  # a tracked file changed
    repaired = _commit(home, "one")  # the same content as HEAD: nothing to commit once recovered
    assert len(repaired) == 1 and repaired[0].startswith("discarded an interrupted, uncommitted write"), repaired
    assert "LDVL/half/meta.json" in repaired[0] and SETTINGS_FILE in repaired[0]
    assert _commit(home, "two") == []
    assert not (repo / "LDVL" / "half").exists()
    assert (repo / SETTINGS_FILE).read_text(encoding="utf-8") == "two"
    assert "discarded an interrupted, uncommitted write" in (home / "logs" / "doccontrol.log").read_text("utf-8")


def test_an_untracked_file_in_a_folder_already_scanned_is_found(home: Path) -> None:
    """The untracked cache trusts a folder's mtime: a file added to a folder git has already
    cached must still be seen by the next unit of work's scan."""
    _commit(home, "one")
    _commit(home, "two")  # the untracked cache now holds _settings/
    stray = home / "procedures" / "_settings" / "stray.tmp"
    stray.write_text("x", encoding="utf-8")
    with Repository(load(home)) as repo, repo.write("VP", "test") as tx:
        assert any("discarded" in line and "stray.tmp" in line for line in tx.repaired), tx.repaired
    assert not stray.exists()


def test_an_index_left_behind_head_is_reset_without_discarding_anything(home: Path) -> None:
    """A writer killed after its commits but before its end leaves git's index at the older
    commit while the work tree has the new files: nothing to discard, only the index to reset."""
    _commit(home, "one")
    _commit(home, "two")
    git(home, "read-tree", "HEAD~1")  # git's index as the killed writer left it
    with Repository(load(home)) as repo, repo.write("VP", "test") as tx:
        assert tx.repaired == []
    assert (home / "procedures" / SETTINGS_FILE).read_text(encoding="utf-8") == "two"
    assert git(home, "status", "--porcelain", "--untracked-files=all") == ""


def test_stale_ref_locks_are_found_at_any_depth_and_nothing_else(tmp_path: Path) -> None:
    from doccontrol.repo.transaction import stale_git_locks

    git_dir = tmp_path / ".git"
    (git_dir / "refs" / "tags" / "qt-01-ldtbxh").mkdir(parents=True)
    (git_dir / "refs" / "heads").mkdir(parents=True)
    (git_dir / "refs" / "tags" / "qt-01-ldtbxh" / "r1").write_text("x", encoding="utf-8")
    (git_dir / "refs" / "tags" / "qt-01-ldtbxh" / "r2.lock").write_text("", encoding="utf-8")
    (git_dir / "refs" / "heads" / "main.lock").write_text("", encoding="utf-8")
    (git_dir / "refs" / "heads" / "gone.lock").symlink_to(tmp_path / "nowhere")
    (git_dir / "refs" / "heads" / "folder.lock").mkdir()  # a folder is no lock: walked, not taken
    (git_dir / "index.lock").write_text("", encoding="utf-8")
    assert stale_git_locks(git_dir) == [
        git_dir / "index.lock", git_dir / "refs" / "heads" / "gone.lock", git_dir / "refs" / "heads" / "main.lock",
        git_dir / "refs" / "tags" / "qt-01-ldtbxh" / "r2.lock"]
    assert stale_git_locks(tmp_path / "missing") == []
