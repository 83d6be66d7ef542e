"""A procedure committed straight through the repository gateway, without the extraction worker
(for fast tests of what happens after an ingest: export, status, history, names)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.core.text import code_key, slugify
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import load


def commit_procedure(home: Path, office: str, code: str, revision: int = 1, source: str = "thu.pdf",
                     data: bytes | None = None, title: str = "Thử") -> bytes:
    """Commit revision ``revision`` of ``code`` by ``office`` (dropped as ``source``); its bytes."""
    data = data if data is not None else f"%PDF-1.7 {code} lần {revision}".encode()
    state = ProcedureState(
        code=code, code_key=code_key(code), slug=slugify(code), office=office, title=title, revision=revision,
        status=ProcedureStatus.CURRENT, sha256=hashlib.sha256(data).hexdigest(), text_sha256="0" * 64,
        source=source, ext="pdf",
    )
    with Repository(load(home)) as repo, repo.write(office, "test") as tx:
        tx.commit_revision(state, data, f"Mã hiệu: {code}", office, source_file=source)
    return data
