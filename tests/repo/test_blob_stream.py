"""A revision's original streamed from ``git cat-file``: in chunks, its size first, the process
ended when read to the end or closed early."""

from __future__ import annotations

from pathlib import Path

from doccontrol import service
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import load


def test_a_streamed_original_is_the_exported_bytes_in_chunks_of_its_size(story: Path) -> None:
    workspace = load(story)
    state = next(s for s in service.procedures(workspace, status="all") if s.revision > 1)
    with Repository(workspace) as repo:
        for revision in (1, state.revision):
            then, stream = repo.original_stream(state, revision)
            stream._chunk = 1000  # noqa: SLF001 - small chunks, to see several
            chunks = list(stream)
            data, same = service.export(workspace, state.code, revision)
            assert b"".join(chunks) == data and same == then and then.revision == revision
            assert stream.size == len(data) > 2000
            assert max(len(c) for c in chunks) == 1000 and len(chunks) == -(-len(data) // 1000)
            assert stream._reader is None  # noqa: SLF001 - read to the end: the process ended


def test_a_stream_closed_early_stops_git(story: Path) -> None:
    workspace = load(story)
    state = service.procedures(workspace)[0]
    then, stream = service.export_stream(workspace, state.code)
    process = stream._reader.process  # type: ignore[union-attr]  # noqa: SLF001
    assert len(next(iter(stream))) > 0
    stream.close()
    assert process.poll() is not None
    stream.close()  # idempotent
    assert list(stream) == []


def test_kept_readers_read_without_a_process_per_read_and_see_new_commits(story: Path, tmp_path: Path) -> None:
    from support.reports_builders import copy_of

    from doccontrol.repo.blobs import SharedReaders

    workspace = load(copy_of(story, tmp_path))  # a commit is made: on a copy of the shared workspace
    shared = SharedReaders()
    with shared.reader(workspace.procedures) as fresh:  # not kept: a new process, ended after the block
        assert fresh.read("HEAD:README.md")
    assert fresh.process.poll() is not None
    shared.keep()
    try:
        with shared.reader(workspace.procedures) as first:
            assert first.read("HEAD:README.md")
        with Repository(workspace) as repo, repo.write("VP", "links") as tx:
            tx.commit_files({"_notes/new.txt": b"written after the reader started"}, "Ghi chú", {"Action": "link"})
            head = repo.head()
        with shared.reader(workspace.procedures) as again:  # the same process finds the new commit's objects
            assert again is first and first.process.poll() is None
            assert again.read(f"{head}:_notes/new.txt") == b"written after the reader started"
        first.abort()  # its process ended (killed): the next use gets a new one
        with shared.reader(workspace.procedures) as other:
            assert other is not first and other.read("HEAD:README.md")
        try:
            with shared.reader(workspace.procedures) as failing:
                raise RuntimeError("a use that failed")
        except RuntimeError:
            pass
        assert failing.process.poll() is not None  # dropped: its pipe may be out of step
        with shared.reader(workspace.procedures) as last:
            assert last is not failing and last.read("HEAD:no such file") is None
    finally:
        shared.close()
    assert last.process.poll() is not None
