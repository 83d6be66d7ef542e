"""Does a procedure say what the law says? One procedure against the TTHC it is linked to
(use case for ``show`` and the web's procedure page; the rules are ``core.conformity``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from doccontrol.core import catalog as cat
from doccontrol.core import conformity as conf
from doccontrol.core import coverage as cov
from doccontrol.core import deadlines as dl
from doccontrol.core.dates import revision_date
from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.repo.gateway import Repository
from doccontrol.service.tthc import conformity_settings, linked_tthc
from doccontrol.workspace import Workspace


@dataclass(frozen=True)
class LinkedTerms:
    """A linked TTHC as the catalog publishes it, its deadline read."""

    tthc: cat.Tthc
    deadline: dl.Reading


@dataclass(frozen=True)
class ProcedureConformity:
    """What ``show`` and the procedure page say about the steps and the TTHC."""

    linked: list[LinkedTerms] = field(default_factory=list)
    findings: list[conf.Finding] = field(default_factory=list)
    steps_total: str = ""  # the steps added up as working time ("" when no step states a time)
    hours_per_day: float = conf.DEFAULT_HOURS_PER_DAY


def procedure_conformity(workspace: Workspace, state: ProcedureState,
                         linked: Sequence[str] | None = None) -> ProcedureConformity:
    """The linked TTHC's terms, the steps' total and the findings on ``state`` (a withdrawn
    procedure is not checked). ``linked``: the TTHC codes it is linked to, when the caller knows
    them already (the web's cached coverage report); else they are computed."""
    settings = conformity_settings(workspace.config)
    if linked is None:
        linked = [code for code, _, _ in linked_tthc(workspace, state.code)]
    with Repository(workspace) as repo:
        catalog = repo.tthc_reference().catalog
        reviews = repo.reviews(state)
    last: dt.datetime | None = max((r.date for r in reviews), default=None)
    info = cov.procedure_info(state, revision_date(state), last)
    findings = []
    if state.status == ProcedureStatus.CURRENT:
        findings = conf.check(linked, catalog, state.steps, state.citations, info.since, settings)
    terms = [LinkedTerms(catalog[c], dl.parse_deadline(catalog[c].deadline)) for c in linked if c in catalog]
    total = conf.plain_total(state.steps, settings) if state.steps else ""
    return ProcedureConformity(terms, findings, total, float(settings.hours_per_day))


def conformity_json(found: ProcedureConformity, state: ProcedureState) -> dict[str, object]:
    """The steps, the linked TTHC's terms and the findings as ``show --json`` prints them."""
    steps = state.steps
    return {
        "steps": None if steps is None else {
            "source": steps.source or None,
            "total_stated": steps.total or None,
            "total": found.steps_total or None,
            "rows": [{"label": s.label, "content": s.content, "responsible": s.responsible, "time": s.time,
                      "form": s.form, "reading": s.reading.as_json(), "parallel_with": s.parallel_with or None}
                     for s in steps.steps],
        },
        "hours_per_day": found.hours_per_day,
        "tthc_terms": [{"code": t.tthc.code, "name": t.tthc.name, "deadline": t.tthc.deadline or None,
                        "deadline_reading": t.deadline.as_json() if t.tthc.deadline else None,
                        "fee": t.tthc.fee or None, "basis": t.tthc.basis or None, "place": t.tthc.place or None}
                       for t in found.linked],
        "findings": [{"reason": f.reason, "tthc": list(f.tthc), "detail": f.detail, "detail_en": f.detail_en}
                     for f in found.findings],
    }
