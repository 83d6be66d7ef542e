"""What happened to one file, in one line a clerk reads (pure): the ingest's and the dry run's
lines on the terminal, and the watcher's console, say it the same way."""

from __future__ import annotations

from pathlib import Path

from doccontrol.core.labels import effective_vi, folder_vi, ingest_status_vi
from doccontrol.core.model import IngestStatus, Outcome
from doccontrol.core.names import printable

# What an ingested file did (Outcome.action), for people.
ACTION_VI = {"new": ("quy trình mới", "new procedure"), "revision": ("lần ban hành mới", "new revision"),
             "historical": ("lần ban hành trước, ghi bổ sung", "earlier revision, recorded as history")}
PLANNED_VI = {IngestStatus.INGESTED: "sẽ tiếp nhận", IngestStatus.DUPLICATE: "trùng lặp, bỏ qua",
              IngestStatus.QUARANTINED: "sẽ bị cách ly"}


def describe(outcome: Outcome, planned: bool = False) -> str:
    """``[NCC] qt-05.docx: đã tiếp nhận — QT-05/NCC lần 2 (lần ban hành mới, hiệu lực 20/01/2025)``;
    a refused or duplicate file with its reason."""
    status = PLANNED_VI.get(outcome.status, outcome.status) if planned else ingest_status_vi(outcome.status)
    head = f"[{folder_vi(outcome.office)}] {printable(Path(outcome.file).name)}: {status}"
    if outcome.status == IngestStatus.INGESTED:
        kind = ACTION_VI.get(outcome.action or "", (outcome.action or "", ""))[0]
        since = effective_vi(outcome.effective, outcome.effective_source or "")
        return (f"{head} — {printable(outcome.code or '')} lần {outcome.revision} "
                f"({kind}{', hiệu lực ' + since if since else ''})")
    return f"{head} — {printable(outcome.reason or '')}"
