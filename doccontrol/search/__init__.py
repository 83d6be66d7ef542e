"""Full-text search over the controlled procedures.

The index is derived from the repository and can be rebuilt from it at any time.  Callers use
the engine-independent interface below; the engine (whoosh) stays behind :func:`open_backend`.
"""

from doccontrol.search.backend import (
    CURRENT,
    MARK_END,
    MARK_START,
    STATUSES,
    SUPERSEDED,
    WITHDRAWN,
    Hit,
    IndexDoc,
    IndexUnavailable,
    SearchBackend,
    SearchRequest,
    fingerprint,
    make_doc_id,
    open_backend,
    read_index_state,
    snippet_segments,
)

__all__ = [
    "CURRENT",
    "MARK_END",
    "MARK_START",
    "STATUSES",
    "SUPERSEDED",
    "WITHDRAWN",
    "Hit",
    "IndexDoc",
    "IndexUnavailable",
    "SearchBackend",
    "SearchRequest",
    "fingerprint",
    "make_doc_id",
    "open_backend",
    "read_index_state",
    "snippet_segments",
]
