"""Creating a workspace."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from doccontrol.core.config import DEFAULT_CONTROLLER
from doccontrol.errors import UsageError
from doccontrol.repo.gateway import create_repository
from doccontrol.workspace import Workspace, write_new


def init(
    root: Path,
    offices: Mapping[str, str] | None = None,
    controller: str = DEFAULT_CONTROLLER,
    agency: str | None = None,
    parent_agency: str | None = None,
    province: str | None = None,
    field_offices: Mapping[str, str] | None = None,
) -> Workspace:
    """Create a workspace at ``root``: configuration, folders, the repository with its first
    commit, the organisation (the offices' names and ``field_offices``: field → office, kept in
    the repository) and an empty index that reflects it. Refuses to overwrite a configuration."""
    unknown = sorted({o for o in (field_offices or {}).values()} - set(offices or {}) - {controller})
    if offices is not None and unknown:
        raise UsageError(
            f"Lĩnh vực được giao cho phòng chưa khai báo: {', '.join(unknown)}.",
            f"Fields assigned to offices that are not declared (--office): {', '.join(unknown)}.",
        )
    workspace = write_new(root, offices, controller, agency, parent_agency, province)
    create_repository(workspace, field_offices)
    return workspace
