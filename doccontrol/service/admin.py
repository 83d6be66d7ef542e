"""Creating a workspace."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from doccontrol.core.config import DEFAULT_CONTROLLER
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
    commit and an empty index that reflects it. Refuses to overwrite a configuration."""
    workspace = write_new(root, offices, controller, agency, parent_agency, province, field_offices)
    create_repository(workspace)
    return workspace
