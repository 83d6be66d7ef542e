"""The controlled set now, from the repository's derived state (``repo.derived``): the master list,
the procedures' rows and counts that ``list``, ``status`` and the web's list and status pages show,
without reading every procedure's files. Light: imports only what these need."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from doccontrol.core import derived
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import Workspace

if TYPE_CHECKING:
    from doccontrol.reports.masterlist import MasterList


def derived_state(workspace: Workspace) -> derived.DerivedState | None:
    """The repository's derived state at HEAD (None: an empty repository)."""
    with Repository(workspace) as repo:
        return repo.derived()


def master_list(workspace: Workspace, as_of: dt.datetime | None = None, office: str | None = None,
                status: str = derived.CURRENT) -> MasterList:
    """The master list (danh mục tài liệu) now, from the derived state; or of the procedures in
    force on ``as_of``'s day (``service.reports.master_list``: every revision's dates read)."""
    from doccontrol.service.offices import office_code

    if as_of is not None:
        from doccontrol.service.reports import master_list as master_list_as_of

        return master_list_as_of(workspace, as_of, office, status)
    if status not in (derived.CURRENT, derived.WITHDRAWN, "all"):
        from doccontrol.service.controlled_set import check_status

        check_status(status)  # says what is wrong
    return master_list_now(workspace, office_code(workspace, office), status)


def master_list_now(workspace: Workspace, office: str | None = None, status: str = derived.CURRENT) -> MasterList:
    """The master list of the repository now (``office``: its code, already checked)."""
    from doccontrol.reports.masterlist import master_list_of_rows

    state = derived_state(workspace)
    zone = workspace.config.zone
    generated = dt.datetime.now(zone).replace(microsecond=0)
    if state is None:
        from doccontrol.reports.masterlist import MasterList

        return MasterList(workspace.config.agency, workspace.config.parent_agency, generated, None, None, None,
                          status, ())
    return master_list_of_rows(state, workspace.config, generated, office, status, zone)


def procedure_rows(workspace: Workspace) -> list[derived.Row]:
    """Every procedure's row (current and withdrawn), by folder."""
    state = derived_state(workspace)
    return list(state.rows) if state is not None else []
