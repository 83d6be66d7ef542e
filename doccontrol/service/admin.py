"""Creating a workspace."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Mapping
from pathlib import Path

from doccontrol.core.config import CONFIG_NAME, DEFAULT_CONTROLLER, Config
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
    the repository) and an empty index that reflects it. Refuses to overwrite a configuration.

    All or nothing: a configuration that cannot be valid is refused before anything is written,
    and if creating the repository fails, what this call made is removed again.
    """
    unknown = sorted({o for o in (field_offices or {}).values()} - set(offices or {}) - {controller})
    if offices is not None and unknown:
        raise UsageError(
            f"Lĩnh vực được giao cho phòng chưa khai báo: {', '.join(unknown)}.",
            f"Fields assigned to offices that are not declared (--office): {', '.join(unknown)}.",
        )
    root = root.expanduser().resolve()
    fresh = not root.exists()
    before = Workspace(root=root, config=Config(offices=dict(offices or {})))
    absent = [p for p in before.folders() if not p.exists() and not p.is_symlink()]
    workspace = write_new(root, offices, controller, agency, parent_agency, province)
    try:
        create_repository(workspace, field_offices)
    except BaseException:
        _undo(root, fresh, absent)
        raise
    return workspace


def _undo(root: Path, fresh: bool, absent: list[Path]) -> None:
    """Remove what a failed :func:`init` made (the whole folder when it made it)."""
    with contextlib.suppress(OSError):
        if fresh:
            shutil.rmtree(root)
            return
        (root / CONFIG_NAME).unlink(missing_ok=True)
        for path in sorted(absent, key=lambda p: len(p.parts), reverse=True):
            shutil.rmtree(path, ignore_errors=True)
