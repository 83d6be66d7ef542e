"""The office a person names (``--office``, a form, ``fields assign``): one reading everywhere.

Case and diacritics do not matter (``ldvl`` = ``LDVL`` = ``LĐVL``: see
:func:`doccontrol.core.config.office_typed_key`); a name that is no configured office is a
usage error listing the offices there are, never an empty answer.
"""

from __future__ import annotations

from doccontrol.errors import UsageError
from doccontrol.workspace import Workspace


def unknown_office(workspace: Workspace, typed: str) -> UsageError:
    """The error for an office code that is not in ``[offices]`` (exit 2), naming the known ones."""
    offices = workspace.config.offices
    known_vi = ", ".join(f"{code} ({name})" if name != code else code for code, name in offices.items())
    return UsageError(
        f"Không có phòng «{typed}» trong doccontrol.toml. Các phòng: {known_vi}.",
        f"Unknown office {typed!r}. Known offices: {', '.join(offices)}.",
    )


def office_code(workspace: Workspace, typed: str | None) -> str | None:
    """The configured office code ``typed`` names (None stays None); UsageError when none."""
    if typed is None:
        return None
    code = workspace.config.resolve_office(typed)
    if code is None:
        raise unknown_office(workspace, typed)
    return code
