"""The index of which commits touch each procedure folder (``repo.history_index``) gives the
same commits, in the same order, as ``git log -- <folder>``, and follows new commits."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.reports_builders import copy_of

from doccontrol import service
from doccontrol.repo import history, layout
from doccontrol.repo.blobs import BlobReader
from doccontrol.repo.gitcmd import Git
from doccontrol.repo.history_index import HistoryIndexes
from doccontrol.workspace import load


def _folders(repo: Path) -> list[str]:
    return sorted(str(meta.parent.relative_to(repo)) for meta in repo.glob(f"*/*/{layout.META}")
                  if not layout.is_reserved(meta.parts[-3]))


def _logged(repo: Path, folder: str) -> list[str]:
    return subprocess.run(["git", "log", "--reverse", "--format=%H", "--", folder], cwd=repo, capture_output=True,
                          text=True, check=True).stdout.split()


def _same_as_git(indexes: HistoryIndexes, repo: Path) -> int:
    git = Git(repo)
    folders = _folders(repo)
    for folder in folders:
        commits = indexes.commits(git, folder)
        assert commits == _logged(repo, folder), folder
        assert [e.commit for e in history.events_of(git, commits or [])] == commits
    everything = subprocess.run(["git", "rev-list", "--all"], cwd=repo, capture_output=True, text=True,
                                check=True).stdout.split()
    with BlobReader(repo) as blobs:  # the commit objects read as git log reads them: the same events
        assert history.events_in(blobs, everything) == history.events_of(git, everything)
    return len(folders)


def test_the_index_gives_each_folders_commits_as_git_log_does(story: Path, tmp_path: Path) -> None:
    home = copy_of(story, tmp_path)
    repo = home / "procedures"
    indexes = HistoryIndexes()
    assert indexes.commits(Git(repo), "LDVL/qt-01-ldtbxh") is None  # not built: the caller walks
    indexes.build(Git(repo))
    assert _same_as_git(indexes, repo) >= 4

    other = service.procedures(load(home))[-1]
    service.withdraw(load(home), other.code, "Gộp vào quy trình chung của Sở")
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "made by hand"], cwd=repo, check=True,
                   env={"GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x",
                        "GIT_COMMITTER_EMAIL": "x@x", "PATH": "/usr/bin:/bin"})
    folder = layout.procedure_dir(other.office, other.slug)
    (repo / folder / "note.txt").write_text("thêm bằng tay\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "a file added by hand"], cwd=repo, check=True,
                   env={"GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x",
                        "GIT_COMMITTER_EMAIL": "x@x", "PATH": "/usr/bin:/bin"})
    assert _same_as_git(indexes, repo) >= 4  # extended by the new commits: a withdrawal and hand-made ones
    assert len(indexes.commits(Git(repo), folder) or []) == len(_logged(repo, folder)) >= 3


def test_a_history_rewritten_behind_the_index_drops_it(story: Path, tmp_path: Path) -> None:
    """HEAD moved to a commit that does not descend from the one the index reflects: the index
    is dropped (the caller walks), never extended with commits that are no longer there."""
    home = copy_of(story, tmp_path)
    repo = home / "procedures"
    indexes = HistoryIndexes()
    indexes.build(Git(repo))
    folder = _folders(repo)[0]
    assert indexes.commits(Git(repo), folder) == _logged(repo, folder)
    subprocess.run(["git", "reset", "-q", "--hard", "HEAD~1"], cwd=repo, check=True)
    assert indexes.commits(Git(repo), folder) is None
