"""``doccontrol doctor``: what a department still has to do before its figures are true.

One check per thing a new department tends to leave undone: a TTHC catalog, its scope, an office
for every field, a date in every revision's document, procedures flagged by coverage, the
watcher. Reads only; each check says what is missing and the command that mends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from doccontrol.core import timeline as tl
from doccontrol.core.model import EFFECTIVE_INGEST
from doccontrol.errors import UsageError
from doccontrol.ingest.watch_lock import running_watcher
from doccontrol.repo.gateway import Repository
from doccontrol.service import tthc
from doccontrol.workspace import Workspace

LISTED = 12  # items named per check; the rest counted


@dataclass(frozen=True)
class Check:
    key: str  # catalog | scope | fields | undated | flagged | watcher
    ok: bool
    message_vi: str
    message_en: str
    items: tuple[str, ...] = ()
    hint_vi: str = ""  # the command that mends it

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "ok": self.ok, "message": self.message_vi, "message_en": self.message_en,
                "items": list(self.items), "hint": self.hint_vi or None}


@dataclass(frozen=True)
class Diagnosis:
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {"healthy": self.healthy, "checks": [c.as_json() for c in self.checks]}


def _catalog_checks(workspace: Workspace, has_catalog: bool, has_scope: bool) -> list[Check]:
    """The catalog, its scope, the fields' offices and the procedures coverage flags."""
    if not has_catalog:
        return [Check("catalog", False, "Chưa nhập danh mục TTHC.", "No TTHC catalog imported.",
                      hint_vi="doccontrol catalog import danh-muc-tthc.xlsx")]
    checks = [Check("catalog", True, "Đã có danh mục TTHC.", "The TTHC catalog is imported.")]
    scope = tthc.catalog_scope(workspace)
    if not has_scope or scope.scope.empty:
        checks.append(Check("scope", False, f"Danh mục chưa giới hạn phạm vi: cả {scope.active} TTHC đều được tính.",
                            f"The catalog has no scope: all {scope.active} TTHC count.",
                            hint_vi='doccontrol catalog scope --agency "Tên cơ quan thực hiện"'))
    else:
        checks.append(Check("scope", True, f"Phạm vi danh mục: {scope.scope.describe()[0]} ({scope.in_scope} TTHC).",
                            f"Catalog scope: {scope.scope.describe()[1]} ({scope.in_scope} TTHC)."))
    unassigned = [r for r in tthc.fields(workspace) if not r.office]
    checks.append(Check(
        "fields", not unassigned,
        f"{len(unassigned)} lĩnh vực chưa giao phòng." if unassigned else "Mọi lĩnh vực đều đã giao phòng.",
        f"{len(unassigned)} field(s) without an office." if unassigned else "Every field has an office.",
        tuple(f"{r.field} ({r.tthc} TTHC{', gợi ý ' + r.suggested if r.suggested else ''})" for r in unassigned),
        'doccontrol fields assign "LĨNH VỰC" MÃ_PHÒNG' if unassigned else "",
    ))
    report = tthc.coverage(workspace).report
    flagged = report.flagged_procedures()
    checks.append(Check(
        "flagged", not flagged,
        f"{len(flagged)} quy trình cần xem xét (bao phủ TTHC)." if flagged else "Không có quy trình nào cần xem xét.",
        f"{len(flagged)} procedure(s) to review (coverage)." if flagged else "No procedure to review.",
        tuple(f"{p.code}: {', '.join(p.reasons)}" for p in flagged), "doccontrol coverage" if flagged else "",
    ))
    return checks


def _undated(workspace: Workspace) -> Check:
    """Revisions whose document states no date: their effective date is the day they were loaded."""
    with Repository(workspace) as repo:
        codes = {s.code_key: s.code for s in repo.procedures()}
        undated = [e for e in repo.timeline() if e.kind == tl.INGEST and e.effective_source == EFFECTIVE_INGEST]
    items = tuple(f"{codes.get(e.code_key, e.code_key)} lần {e.revision}" for e in undated)
    return Check(
        "undated", not undated,
        (f"{len(undated)} lần ban hành không ghi ngày trong văn bản: ngày hiệu lực tạm lấy ngày đưa vào kho."
         if undated else "Mọi lần ban hành đều ghi ngày trong văn bản."),
        (f"{len(undated)} revision(s) state no date: their effective date is the day they were loaded."
         if undated else "Every revision states its date."),
        items, "ghi 'Ngày ban hành' vào văn bản rồi gửi lại như lần ban hành mới" if undated else "",
    )


def doctor(workspace: Workspace) -> Diagnosis:
    """Every check, in the order a new department meets them."""
    with Repository(workspace) as repo:
        has_catalog, has_scope = repo.catalog() is not None, repo.has_catalog_scope()
    try:
        checks = _catalog_checks(workspace, has_catalog, has_scope)
    except UsageError as exc:  # a catalog file that cannot be read: say so, as a check
        checks = [Check("catalog", False, exc.message_vi, exc.message_en)]
    checks.append(_undated(workspace))
    watcher = running_watcher(workspace)
    checks.append(Check(
        "watcher", watcher is not None,
        f"Tiến trình theo dõi đang chạy (pid {watcher.pid})." if watcher else "Tiến trình theo dõi (watcher) không chạy.",
        "The watcher is running." if watcher else "The watcher is not running.",
        hint_vi="" if watcher else "doccontrol watch (xem docs/watcher.md để chạy như một dịch vụ)",
    ))
    return Diagnosis(checks)
