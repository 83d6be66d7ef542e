"""The one ingest entry: ``doccontrol ingest`` and the watcher both hand plain
:class:`~doccontrol.ingest.inbox.InboxItem` objects to an ingest session.

A session is one unit of work on the repository (the writer lock, recovery, group commit, the
index update) plus a sandboxed extractor, around an :class:`~doccontrol.ingest.pipeline.Ingestor`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from doccontrol.core.model import Outcome
from doccontrol.extract.sandbox import Extractor, OnProgress
from doccontrol.ingest.inbox import InboxItem, prune_empty_folders
from doccontrol.ingest.pipeline import Ingestor, TextExtractor
from doccontrol.ingest.staging import clean_staging
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import Workspace


@contextlib.contextmanager
def ingest_session(
    workspace: Workspace,
    *,
    purpose: str = "ingest",
    lock_timeout: float | None = None,
    extractor: TextExtractor | None = None,
    batch_files: int = 50,
    batch_seconds: float = 1.0,
    update_index: bool = True,
    on_page: OnProgress | None = None,
) -> Iterator[Ingestor]:
    """An :class:`Ingestor` inside one transaction; its commits are durable, their drops released
    and the index updated before the writer lock is released.

    ``extractor``: a long-lived extractor to reuse (the watcher keeps one between batches);
    by default a sandboxed worker is started for the session and stopped after it.
    ``lock_timeout``: seconds to wait for another writer (WorkspaceError after that).
    ``update_index=False`` leaves the index behind (it catches up at the next search); only the
    benchmark uses it, to time the pipeline alone.
    ``on_page(file name, pages done, pages in all)``: progress inside a long file (OCR of a scan).
    """
    with contextlib.ExitStack() as stack:
        repo = stack.enter_context(Repository(workspace))
        tx = stack.enter_context(repo.write(None, purpose, timeout=lock_timeout, update_index=update_index))
        clean_staging(workspace.staging)
        if extractor is None:
            extractor = stack.enter_context(Extractor(workspace.config.limits, on_progress=on_page))
        ingestor = Ingestor(workspace, tx, extractor, group_commit=True, group_max_files=max(1, batch_files),
                            group_max_seconds=batch_seconds)
        try:
            yield ingestor
        finally:
            ingestor.sync()


def ingest_items(
    workspace: Workspace,
    items: Iterable[tuple[InboxItem, bool]],
    progress: Callable[[Outcome | None], None] | None = None,
    update_index: bool = True,
    on_page: OnProgress | None = None,
) -> list[Outcome]:
    """Run ``(item, keep_source)`` pairs through one session: all read first, then committed with
    each procedure's revisions in revision order. Returns one outcome per file still there."""
    with ingest_session(workspace, update_index=update_index, on_page=on_page) as ingestor:
        outcomes = ingestor.process_batch(list(items), progress)
    prune_empty_folders(workspace.inbox, workspace.config.offices)
    return outcomes
