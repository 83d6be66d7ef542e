"""Pushing to the central remote: a local bare repository, missing for a while, then there."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from support.documents import DocFactory
from support.waiting import wait_until
from support.watch import code_for, logged, revision_tags, set_config, start_watcher, stop, wait_started
from support.workspace import git, run

from doccontrol.repo import remote
from doccontrol.workspace import open_workspace


def _remote_refs(bare: Path) -> dict[str, str]:
    out = subprocess.run(["git", "ls-remote", str(bare)], capture_output=True, text=True, check=True).stdout
    return {ref: oid for oid, ref in (line.split("\t") for line in out.splitlines())}


def _local_refs(home: Path) -> dict[str, str]:
    out = git(home, "for-each-ref", "--format=%(refname)\t%(objectname)", "refs/heads", "refs/tags")
    return dict(line.split("\t") for line in out.splitlines())


def _status(home: Path) -> dict[str, object]:
    result = run(home, "status", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.slow  # a watcher process
def test_the_watcher_pushes_and_queues_while_the_remote_is_missing(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    bare = tmp_path / "central" / "so-ldtbxh.git"  # not there yet: the server is "down"
    set_config(home, "git", f'remote = "{bare}"')
    log = tmp_path / "watch.out"
    watcher = start_watcher(home, log, "--stable-seconds", "0.3", "--push-retry-seconds", "0.5")
    try:
        wait_started(log)
        for n in range(3):
            docs.write(home / "inbox" / "VP" / f"r{n}.docx", code_for(500 + n))
        wait_until(lambda: len(revision_tags(home)) == 3, 30, "three revisions despite the remote being down", log=log)
        wait_until(lambda: "push failed" in logged(home), 30, "a failed push", log=log)
        remote_status = _status(home)["remote"]
        assert isinstance(remote_status, dict)
        assert remote_status["configured"] is True and remote_status["unpushed_commits"] == 4  # + the initial one
        assert remote_status["unpushed_tags"] == 3 and remote_status["last_error"]
        subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)  # the server is back
        docs.write(home / "inbox" / "NCC" / "after.docx", code_for(510))  # a new commit: the queue goes with it
        wait_until(lambda: len(revision_tags(home)) == 4 and _remote_refs(bare) == _local_refs(home), 30,
                 "the queued commits and the new one to be pushed", log=log)
    finally:
        assert stop(watcher) == 0
    remote_status = _status(home)["remote"]
    assert isinstance(remote_status, dict)
    assert remote_status["unpushed_commits"] == 0 and remote_status["unpushed_tags"] == 0
    assert remote_status["last_error"] == "" and remote_status["last_success"]
    assert "refs/tags/qt-0510-w/r1" in _remote_refs(bare)


@pytest.mark.slow
def test_push_command_queues_then_pushes(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    no_remote = run(home, "push")
    assert no_remote.exit_code == 2 and "[git] remote" in no_remote.stderr
    bare = tmp_path / "central.git"
    set_config(home, "git", f'remote = "{bare}"')
    docs.write(home / "inbox" / "VP" / "one.docx", code_for(520))
    assert run(home, "ingest", "--inbox").exit_code == 0
    failed = run(home, "push", "--json")
    assert failed.exit_code == 1 and json.loads(failed.stdout)["ok"] is False
    assert "Traceback" not in failed.stderr
    assert revision_tags(home) == ["qt-0520-w/r1"]  # nothing lost
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    pushed = run(home, "push", "--json")
    assert pushed.exit_code == 0, pushed.output
    assert json.loads(pushed.stdout)["commits"] == 2 and json.loads(pushed.stdout)["tags"] == 1
    assert _remote_refs(bare) == _local_refs(home)
    text = run(home, "status").stdout
    assert "Chưa đẩy lên (not pushed yet): 0 commit, 0 tag" in text


@pytest.mark.slow
def test_a_tag_the_server_has_otherwise_is_reported_not_forced(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    bare = tmp_path / "central.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    set_config(home, "git", f'remote = "{bare}"')
    for n in range(2):
        docs.write(home / "inbox" / "VP" / f"t{n}.docx", code_for(530 + n))
    assert run(home, "ingest", "--inbox").exit_code == 0
    workspace = open_workspace(home)
    assert remote.push(workspace).ok
    tags = revision_tags(home)
    git(home, "tag", "-f", tags[0], f"{tags[1]}^{{commit}}")  # a local tag moved (it never should be)
    result = remote.push(workspace)
    assert not result.ok and "rejected" in result.message
    waiting = remote.unpushed(workspace.procedures)
    assert waiting.commits == 0 and waiting.tags == 1
    assert remote.read_state(workspace).failures == 1


def test_an_unreachable_server_fails_fast_without_asking_for_anything(home: Path) -> None:
    set_config(home, "git", 'remote = "http://127.0.0.1:9/so-ldtbxh/procedures.git"')
    started = time.monotonic()
    result = run(home, "push", "--timeout", "20")
    assert result.exit_code == 1 and time.monotonic() - started < 20
    assert "Không đẩy được" in result.stderr
    state = json.loads((home / "logs" / "push.json").read_text(encoding="utf-8"))
    assert state["failures"] == 1 and state["last_error"]


def test_redact_hides_credentials() -> None:
    assert remote.redact("https://vp:s3cret@git.langson.gov.vn/so.git") == "https://vp:***@git.langson.gov.vn/so.git"
    assert remote.redact("https://token@git.example/x.git") == "https://***@git.example/x.git"
    assert remote.redact("git@git.example:so/procedures.git") == "git@git.example:so/procedures.git"
    assert remote.redact("/srv/git/so.git") == "/srv/git/so.git"
