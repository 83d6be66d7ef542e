"""The use cases: what the two faces (the CLI and the web view) call.

Each function opens what it needs and closes it again; writers go through the repository's unit
of work (``doccontrol.repo``), readers never wait. The modules: ``admin`` (creating a workspace),
``intake`` (the inbox, ingest, the quarantine and the journal), ``controlled_set`` (reading
and withdrawing), ``searching`` (search, reindex, verify), ``tthc`` (catalog, links, coverage),
``reports`` (master list, reviews, laws, the yearly report), ``status``.
"""

from doccontrol.service.admin import init
from doccontrol.service.intake import (
    FolderLoad,
    QuarantinedFile,
    folder_items,
    inbox_items,
    ingest,
    items_for_files,
    plan,
    quarantined_files,
    retry_items,
    ocr_missing_packages,
    recent_ingests,
)
from doccontrol.service.controlled_set import (
    STATUSES,
    Detail,
    detail,
    diff,
    export,
    export_to,
    list_record,
    procedures,
    revision_record,
    revision_text,
    withdraw,
)
from doccontrol.service.reports import (
    cites,
    confirm_review,
    master_list,
    procedures_as_of,
    record_replaced_law,
    replaced_laws,
    review_due,
    yearly_report,
    yearly_template,
)
from doccontrol.service.searching import SearchOutcome, VerifyReport, index_freshness, reindex, search, verify
from doccontrol.service.tthc import catalog, coverage

__all__ = [
    "STATUSES", "Detail", "FolderLoad", "QuarantinedFile", "SearchOutcome", "VerifyReport", "catalog", "cites",
    "confirm_review", "coverage", "detail", "diff", "export", "export_to", "folder_items", "inbox_items",
    "index_freshness", "ingest", "init", "items_for_files", "list_record", "master_list", "ocr_missing_packages",
    "plan", "procedures", "procedures_as_of", "quarantined_files", "retry_items",
    "recent_ingests", "record_replaced_law", "reindex", "replaced_laws", "review_due", "revision_record",
    "revision_text", "search", "verify", "withdraw", "yearly_report", "yearly_template",
]
