"""A snapshot brought forward (``repo.snapshot_step.advance``) is exactly the repository read whole
at the newer commit, over the two-year story's history (revisions, historical ones, withdrawals,
the catalog, links, reviews, replaced laws), and declines what it cannot tell."""

from __future__ import annotations

import subprocess
from pathlib import Path

from doccontrol import workspace
from doccontrol.repo import snapshot_step
from doccontrol.repo.gitcmd import Git
from doccontrol.repo.snapshot import load_snapshot


def _commits(repo: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "rev-list", "--reverse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout
    return out.split()


def test_advancing_gives_what_a_whole_read_gives(story: Path) -> None:
    repo = workspace.load(story).procedures
    commits = _commits(repo)
    assert len(commits) > 10
    with Git(repo) as git:
        start = snapshot_step.load(git, commits[0])
        assert start.snapshot == load_snapshot(git, commits[0])
        assert len(start.folders) == len(start.snapshot.states)
        stepped, steps = start, 0
        # every commit after the first, in strides of 1 to 3: one and several commits at a time
        index = 0
        while index < len(commits) - 1:
            index = min(len(commits) - 1, index + 1 + steps % 3)
            stepped = snapshot_step.advance(git, stepped, commits[index])
            assert stepped is not None
            whole = snapshot_step.load(git, commits[index])
            assert stepped.snapshot == whole.snapshot, commits[index]
            assert stepped.folders == whole.folders
            steps += 1
        assert snapshot_step.advance(git, stepped, commits[-1]) is stepped  # the same commit: nothing read
        # not an ancestor (going back): declined, the caller reads the whole repository
        assert snapshot_step.advance(git, stepped, commits[1]) is None
