"""The cheap first look of every search: HEAD read from the repository's files (``repo.refs``)
and compared with the commit the index's files record (``refs.reflects_head``); and the
stamp that tells a long-lived process its open index is still the one on disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doccontrol.repo.refs import read_ref, reflects_head
from doccontrol.search.index_files import REFLECTS, generation_stamp, live_generation
from doccontrol.workspace import load
from support.workspace import use_engine


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_head_is_read_from_loose_and_packed_refs(home: Path) -> None:
    repo = home / "procedures"
    head = _git(repo, "rev-parse", "HEAD")
    assert read_ref(repo / ".git", "HEAD") == head
    _git(repo, "pack-refs", "--all")  # the branch's loose file is gone: packed-refs answers
    assert not any((repo / ".git" / "refs" / "heads").iterdir())
    assert read_ref(repo / ".git", "HEAD") == head
    assert read_ref(repo / ".git", "refs/heads/nothing") is None


def test_reflects_head_only_when_the_index_records_head(home: Path) -> None:
    workspace = load(home)
    assert reflects_head(workspace)  # init indexes the first commit
    _git(home / "procedures", "commit", "-q", "--allow-empty", "-m", "outside doccontrol")
    assert not reflects_head(workspace)  # HEAD moved: the search then asks the repository (git)


def test_reflects_head_is_false_when_the_index_cannot_say(home: Path) -> None:
    workspace = load(home)
    (home / "index" / live_generation(home / "index") / REFLECTS).unlink()
    assert not reflects_head(workspace)


def test_the_stamp_changes_with_any_file_of_the_live_generation(home: Path) -> None:
    index = home / "index"
    stamp = generation_stamp(index)
    assert stamp is not None and stamp == generation_stamp(index)
    reflects = index / live_generation(index) / REFLECTS
    reflects.write_text(reflects.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert generation_stamp(index) != stamp
    (index / "CURRENT").unlink()
    assert generation_stamp(index) is None


def test_a_current_tantivy_index_is_searched_without_the_gateway(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tantivy records the commit it reflects in its files too: a search of a current index opens
    neither the repository's gateway nor asks the engine for its commit."""
    from doccontrol import service
    from doccontrol.repo import gateway
    from doccontrol.search import SearchRequest

    config = use_engine(home, "whoosh")
    config.write_text(config.read_text(encoding="utf-8").replace('engine = "whoosh"', 'engine = "tantivy"'),
                      encoding="utf-8")
    assert not reflects_head(load(home))  # the whoosh index is not tantivy's: the engine would say so
    use_engine(home, "tantivy")
    workspace = load(home)
    assert workspace.config.search_engine == "tantivy" and reflects_head(workspace)

    def no_gateway(*args: object, **kwargs: object) -> None:
        raise AssertionError("the gateway was opened")

    monkeypatch.setattr(gateway.Repository, "__init__", no_gateway)
    assert service.search(workspace, SearchRequest("quy trình")).notices == []
    _git(home / "procedures", "commit", "-q", "--allow-empty", "-m", "outside doccontrol")
    assert not reflects_head(workspace)  # HEAD moved: the gateway is asked again
    with pytest.raises(AssertionError, match="gateway"):
        service.search(workspace, SearchRequest("quy trình"))
