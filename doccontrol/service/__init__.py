"""The use cases: what the two faces (the CLI and the web view) call.

Each function opens what it needs and closes it again; writers go through the repository's unit
of work (``doccontrol.repo``), readers never wait. The modules: ``admin`` (creating a workspace),
``intake`` (the inbox, ingest, the quarantine and the journal), ``controlled_set`` (reading
and withdrawing), ``searching`` (search, reindex, verify), ``tthc`` (catalog, links, coverage),
``reports`` (master list, reviews, laws, the yearly report), ``status``.

``service.NAME`` imports the module that defines NAME when it is first asked for (PEP 562), so a
command that lists procedures does not load the ingest, the extractors or the search engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Each name this package offers, and its module.
_HOMES = {
    "init": "admin",
    **dict.fromkeys(("FolderLoad", "QuarantinedFile", "folder_items", "inbox_items", "ingest", "items_for_files",
                     "plan", "quarantined_files", "retry_items", "ocr_missing_packages", "recent_ingests"), "intake"),
    **dict.fromkeys(("STATUSES", "Detail", "detail", "diff", "export", "export_stream", "export_to",
                     "keep_readers_open", "list_record", "procedures", "read_ahead", "revision_record", "revision_text", "withdraw"), "controlled_set"),
    **dict.fromkeys(("master_list", "procedure_rows"), "listing"),
    **dict.fromkeys(("cites", "confirm_review", "procedures_as_of", "record_replaced_law",
                     "replaced_laws", "review_due", "yearly_report", "yearly_template"), "reports"),
    **dict.fromkeys(("SearchOutcome", "VerifyReport", "index_freshness", "reindex", "search", "verify"), "searching"),
    **dict.fromkeys(("catalog", "coverage"), "tthc"),
}
_MODULES = ("admin", "controlled_set", "doctor", "intake", "listing", "reports", "searching", "status", "tthc")

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:  # the names for type checkers (at run time: __getattr__)
    from doccontrol.service.admin import init  # noqa: F401
    from doccontrol.service.controlled_set import (  # noqa: F401
        STATUSES,
        Detail,
        detail,
        diff,
        export,
        export_stream,
        export_to,
        keep_readers_open,
        list_record,
        procedures,
        read_ahead,
        revision_record,
        revision_text,
        withdraw,
    )
    from doccontrol.service.intake import (  # noqa: F401
        FolderLoad,
        QuarantinedFile,
        folder_items,
        inbox_items,
        ingest,
        items_for_files,
        ocr_missing_packages,
        plan,
        quarantined_files,
        recent_ingests,
        retry_items,
    )
    from doccontrol.service.listing import master_list, procedure_rows  # noqa: F401
    from doccontrol.service.reports import (  # noqa: F401
        cites,
        confirm_review,
        procedures_as_of,
        record_replaced_law,
        replaced_laws,
        review_due,
        yearly_report,
        yearly_template,
    )
    from doccontrol.service.searching import SearchOutcome, VerifyReport, index_freshness, reindex, search, verify  # noqa: F401
    from doccontrol.service.tthc import catalog, coverage  # noqa: F401
