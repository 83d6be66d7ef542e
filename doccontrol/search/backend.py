"""The engine-independent search interface: records, the backend protocol, errors.

Callers (ingest, withdraw, the CLI, the web view) use only this module and
:func:`doccontrol.search.open_backend`; they never import the engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from doccontrol.search.index_files import RecordedState, read_state
from doccontrol.core.lazy_pattern import lazy_pattern

if TYPE_CHECKING:
    from doccontrol.search.query import ParsedQuery

# The statuses as the index stores them: ``core.model.ProcedureStatus``'s values (checked by the
# tests; not imported: a search does not load the data model for two words), and "superseded".
CURRENT = "current"  # the newest revision of a procedure in force
SUPERSEDED = "superseded"  # an older revision (a status of the index only, never of a procedure)
WITHDRAWN = "withdrawn"
STATUSES = (CURRENT, SUPERSEDED, WITHDRAWN)

# Snippet highlight markers: ``...điều kiện [[hưởng]] [[trợ cấp]]...``.  Text that contained the
# markers themselves has them broken up (``[ [``), so every marker in a snippet is ours.
MARK_START = "[["
MARK_END = "]]"


@dataclass(frozen=True)
class IndexDoc:
    """One revision of one procedure, as the index sees it."""

    doc_id: str  # f"{slug}@{revision}"
    slug: str
    code: str
    code_key: str
    office: str
    title: str
    revision: int
    status: str  # CURRENT | SUPERSEDED | WITHDRAWN
    text: str
    tthc: tuple[str, ...] = ()
    issued: str = ""  # ISO date or ""
    department: str = ""  # the department's code in the province's index ("" in a department's own)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r} (expected one of {STATUSES})")


def make_doc_id(slug: str, revision: int) -> str:
    """The document id of one revision: ``qt-01-ldtbxh@3``."""
    return f"{slug}@{revision}"


def fingerprint(doc: IndexDoc) -> str:
    """A digest of everything the index holds for ``doc`` (text, status and metadata).

    A verifier computes it from the repository and compares it with
    :meth:`SearchBackend.doc_fingerprints` without reading texts back from the index.
    """
    import hashlib  # (here: a search computes no fingerprint, and hashlib loads OpenSSL)

    meta = json.dumps(
        [doc.doc_id, doc.slug, doc.code, doc.code_key, doc.office, doc.title, doc.revision,
         doc.status, list(doc.tthc), doc.issued],
        ensure_ascii=False,
    )
    if doc.department:  # only in the province's index: a department's own fingerprints stay as they were
        meta += "\0" + doc.department
    digest = hashlib.sha256()
    digest.update(meta.encode("utf-8"))
    digest.update(b"\0")
    digest.update(doc.text.encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class SearchRequest:
    query: str
    office: str | None = None
    all_revisions: bool = False  # also superseded revisions
    include_withdrawn: bool = False  # also withdrawn procedures
    limit: int = 20
    department: str | None = None  # only this department's procedures (the province's index)

    def statuses(self) -> tuple[str, ...]:
        """The statuses this request may return."""
        wanted = [CURRENT]
        if self.all_revisions:
            wanted.append(SUPERSEDED)
        if self.include_withdrawn:
            wanted.append(WITHDRAWN)
        return tuple(wanted)

    def parsed(self) -> ParsedQuery | None:
        """The query parsed, or None when there is nothing to search (no words and no filter):
        where every engine's search starts. ValueError for a limit under 1."""
        from doccontrol.search.query import parse

        if self.limit < 1:
            raise ValueError("limit must be at least 1")
        parsed = parse(self.query)
        return None if parsed.is_empty and not self.office and not self.department else parsed


@dataclass(frozen=True)
class Hit:
    doc_id: str
    slug: str
    code: str
    title: str
    office: str
    revision: int
    status: str
    score: float
    snippet: str  # plain text; highlighted words between MARK_START and MARK_END
    department: str = ""  # the department's code (the province's index)


class IndexUnavailable(Exception):
    """The index is missing, corrupt, or of another format: rebuild it from the repository.

    The message says what was found, in Vietnamese and English.
    """


@runtime_checkable
class SearchBackend(Protocol):
    """What doccontrol needs from a search engine.

    Writers are serialised by the caller (the workspace lock); readers never block.
    Operations on a missing or damaged index raise :class:`IndexUnavailable`.
    """

    def replace_procedure(self, slug: str, docs: Sequence[IndexDoc], commit: str) -> None:
        """Atomically replace everything indexed for ``slug`` by ``docs`` (all its revisions)
        and record ``commit`` as the repository commit the index reflects."""
        ...

    def replace_procedures(self, updates: Mapping[str, Sequence[IndexDoc]], commit: str) -> None:
        """:meth:`replace_procedure` for several procedures (slug → all its revisions) at once,
        in one atomic index commit."""
        ...

    def delete_procedure(self, slug: str, commit: str) -> None:
        """Remove ``slug`` from the index and record ``commit``."""
        ...

    def search(self, request: SearchRequest) -> list[Hit]:
        ...

    def rebuild(self, docs: Iterable[IndexDoc], commit: str) -> None:
        """Build a complete new index in a new directory, then switch to it atomically."""
        ...

    def reflected_commit(self) -> str | None:
        """The repository commit the index reflects (None: never recorded)."""
        ...

    def doc_fingerprints(self) -> dict[str, str]:
        """``doc_id`` → :func:`fingerprint` for every indexed document."""
        ...

    def check(self) -> list[str]:
        """Problems found opening and reading the index; ``[]`` when healthy."""
        ...


def snippet_segments(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet into ``(text, highlighted)`` pieces, for a terminal or an HTML view."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in _MARKED.finditer(snippet):
        if m.start() > pos:
            pieces.append((snippet[pos:m.start()], False))
        pieces.append((m.group(1), True))
        pos = m.end()
    if pos < len(snippet):
        pieces.append((snippet[pos:], False))
    return pieces


_MARKED = lazy_pattern(re.escape(MARK_START) + "(.*?)" + re.escape(MARK_END), re.S)


def read_index_state(index_dir: Path, check_files: bool = False, engine: str | None = None) -> RecordedState | None:
    """The live generation and the commit it reflects, read from the index's files without the
    engine (:func:`doccontrol.search.index_files.read_state`); None when only the engine can tell
    (or, with ``engine``, when that engine did not write the index)."""
    return read_state(Path(index_dir), check_files, engine)


ENGINES = ("whoosh", "tantivy")


def open_backend(index_dir: Path, engine: str = "whoosh") -> SearchBackend:
    """The search backend for the index kept in ``index_dir``: whoosh (``whoosh3``, the default)
    or tantivy (PyPI ``tantivy``), as the configuration chooses.

    Opening never fails for a missing or damaged index; operations that need it raise
    :class:`IndexUnavailable`, and :meth:`SearchBackend.rebuild` makes a new one. An index
    written by the other engine is unavailable for this one (its format differs): rebuilt.
    """
    if engine == "tantivy":
        from doccontrol.search.tantivy_backend import TantivyBackend

        return TantivyBackend(Path(index_dir))
    if engine != "whoosh":
        raise ValueError(f"unknown search engine {engine!r}: one of {', '.join(ENGINES)}")
    from doccontrol.search.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(index_dir))
