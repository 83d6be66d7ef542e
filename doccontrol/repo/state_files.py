"""``meta.json``: a procedure's state as the repository keeps it (pure serialisation)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import TYPE_CHECKING

from doccontrol.core.text import code_key

if TYPE_CHECKING:
    from doccontrol.core.model import ProcedureState


# Fields written only when they say something (most revisions have none of them).
_OPTIONAL = {"text_source": "", "ocr_confidence": None, "legacy_encoding": "", "identity_source": "",
             "steps": None}


def state_to_json(state: ProcedureState) -> str:
    data = dataclasses.asdict(state)
    for key, empty in _OPTIONAL.items():
        if data.get(key) == empty:
            del data[key]
    data["issued"] = state.issued.isoformat() if state.issued else None
    data["effective"] = state.effective.isoformat() if state.effective else None
    data["withdrawn_effective"] = state.withdrawn_effective.isoformat() if state.withdrawn_effective else None
    data["tthc"] = list(state.tthc)
    if state.steps is not None:
        from doccontrol.core.steps import steps_to_data

        data["steps"] = steps_to_data(state.steps)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _date(value: object) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def state_from_json(text: str) -> ProcedureState:
    from doccontrol.core.model import ProcedureState  # created when a procedure is read (not by `list`)

    data = json.loads(text)
    known = {f.name for f in dataclasses.fields(ProcedureState)}
    values = {key: value for key, value in data.items() if key in known}
    values["issued"] = _date(values.get("issued"))
    values["effective"] = _date(values.get("effective"))
    values["withdrawn_effective"] = _date(values.get("withdrawn_effective"))
    values["tthc"] = tuple(values.get("tthc") or ())
    values["citations"] = tuple(values.get("citations") or ())
    values["revision"] = int(values.get("revision", 1))
    if values.get("steps") is not None:  # core.steps (its patterns) loaded only for a state with steps
        from doccontrol.core.steps import steps_from_data

        values["steps"] = steps_from_data(values["steps"])
    # The code's normal form is recomputed, not trusted: a procedure stored before the normal form
    # changed (``core.text.code_key``) is compared, linked and indexed like one stored today.
    values["code_key"] = code_key(str(values.get("code", ""))) or str(values.get("code_key", ""))
    return ProcedureState(**values)
