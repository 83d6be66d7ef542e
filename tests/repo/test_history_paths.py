"""A procedure's history read with one path per ``git log`` (so git's changed-path Bloom filters
apply), over the commit-graph each unit of work adds its commits to."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from doccontrol.repo import history, layout
from doccontrol.repo.gitcmd import Git


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})}).stdout


def _procedures(repo: Path) -> list[tuple[str, str]]:
    """(folder, slug) of every procedure in the repository."""
    return sorted((str(meta.parent.relative_to(repo)), meta.parent.name)
                  for meta in repo.glob(f"*/*/{layout.META}") if not layout.is_reserved(meta.parts[-3]))


def test_one_path_per_log_gives_the_same_history_in_the_same_order(story: Path) -> None:
    """The events of the folder and of the review file, merged, are the commits the log of all
    three paths (``meta.json``, ``history/``, the review file) gave, in the same order."""
    repo = story / "procedures"
    procedures = _procedures(repo)
    assert len(procedures) >= 4
    reviewed = 0
    for folder, slug in procedures:
        review = layout.review_path(slug)
        expected = _git(repo, "log", "--reverse", "--format=%H", "--", layout.meta_path(folder),
                        f"{folder}/{layout.HISTORY}", review).split()
        got = [event.commit for event in history.procedure_events(Git(repo), folder, review)]
        assert got == expected, folder
        reviewed += (repo / review).is_file()
    assert reviewed >= 1  # the story confirms a review between revisions


def test_each_unit_of_work_adds_its_commits_to_a_commit_graph_with_bloom_filters(story: Path) -> None:
    repo = story / "procedures"
    chain = repo / ".git" / "objects" / "info" / "commit-graphs" / "commit-graph-chain"
    assert chain.is_file()
    graphed = int(_git(repo, "rev-list", "--count", "HEAD"))
    verify = subprocess.run(["git", "commit-graph", "verify", "--no-progress"], cwd=repo, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    folder, _ = _procedures(repo)[0]
    trace = story.parent / "trace2.json"
    _git(repo, "log", "--format=%H", "--", folder, env={"GIT_TRACE2_EVENT": str(trace)})
    events = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    trace.unlink()
    stats = [e["value"] for e in events if e.get("category") == "bloom" and e.get("key") == "statistics"]
    assert stats, "git log did not consult the changed-path filters"
    counts = stats[-1]
    # every commit has its filter; most are skipped without reading their trees
    assert counts["filter_not_present"] == 0 and counts["definitely_not"] > graphed // 2, (counts, graphed)
