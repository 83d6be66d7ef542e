"""Coverage: is every active TTHC of the catalog handled by a current procedure? Pure.

Links between procedures and TTHC come from three sources, strongest first:

* ``document``: the TTHC codes the procedure's text cites (``ProcedureInfo.tthc``);
* ``manual``: links a clerk recorded (``doccontrol link``), keyed by the procedure's code key;
* ``name``: the procedure's title equals one active TTHC's name once both are normalised
  (case, diacritics, punctuation, a leading "Quy trình" / "Thủ tục"). Made only for a procedure
  with no document or manual link, and only when exactly one active TTHC has that name (the same
  name at two levels has two codes: that is for a person to decide, and shows as suggestions).

Fuzzy suggestions (rapidfuzz, 0-100) are offered for every procedure without a link to an active
TTHC and every uncovered TTHC; they never count as links.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .catalog import EVENT_ABOLISHED, REVIEW_EVENTS, STATUS_ABOLISHED, Tthc, tthc_key
from .text import clean, code_key, fold_lower, nfc

SOURCE_DOCUMENT = "document"
SOURCE_MANUAL = "manual"
SOURCE_NAME = "name"
SOURCES = (SOURCE_DOCUMENT, SOURCE_MANUAL, SOURCE_NAME)

REASON_NO_LINK = "no_tthc_link"
REASON_UNKNOWN = "unknown_tthc"
REASON_ABOLISHED = "abolished_tthc"
REASON_REVIEW = "needs_review"
REASONS = (REASON_NO_LINK, REASON_UNKNOWN, REASON_ABOLISHED, REASON_REVIEW)

REASON_VI = {
    REASON_NO_LINK: "Chưa gắn với thủ tục hành chính nào",
    REASON_UNKNOWN: "Dẫn chiếu mã TTHC không có trong danh mục",
    REASON_ABOLISHED: "Dẫn chiếu TTHC đã bị bãi bỏ",
    REASON_REVIEW: "TTHC đã được sửa đổi sau ngày ban hành quy trình, cần rà soát",
}
REASON_EN = {
    REASON_NO_LINK: "not linked to any TTHC",
    REASON_UNKNOWN: "cites a TTHC code that is not in the catalog",
    REASON_ABOLISHED: "cites an abolished TTHC",
    REASON_REVIEW: "its TTHC was amended after the procedure's revision date",
}

WARN_MULTIPLE = "multiple_cover"
WARN_WITHDRAWN_ONLY = "withdrawn_only_cover"
WARN_UNKNOWN_PROCEDURE = "manual_link_unknown_procedure"
WARN_UNASSIGNED_FIELD = "unassigned_field"
WARN_INTERNAL_WITH_TTHC = "internal_with_tthc"
WARN_EMPTY_SCOPE = "empty_scope"
WARNING_KINDS = (WARN_WITHDRAWN_ONLY, WARN_MULTIPLE, WARN_UNKNOWN_PROCEDURE, WARN_UNASSIGNED_FIELD,
                 WARN_INTERNAL_WITH_TTHC, WARN_EMPTY_SCOPE)

STATUS_CURRENT = "current"
STATUS_WITHDRAWN = "withdrawn"

DEFAULT_SUGGEST_THRESHOLD = 60.0
DEFAULT_SUGGEST_LIMIT = 3

#: the JSON keys of a report, in order
REPORT_KEYS = ("total", "covered", "percent", "by_office", "by_field", "uncovered", "flagged", "links",
               "suggestions", "warnings", "internal", "decisions")


# --------------------------------------------------------------------------------------------
# Inputs and outputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureInfo:
    """What coverage needs to know of one controlled procedure."""

    code: str
    code_key: str
    title: str
    office: str
    revision: int
    status: str  # "current" | "withdrawn"
    issued: dt.date | None = None
    revision_date: dt.date | None = None
    tthc: tuple[str, ...] = ()  # TTHC codes found in the document

    @property
    def reference_date(self) -> dt.date | None:
        """The date the current revision speaks for: its revision date, else its issue date."""
        return self.revision_date or self.issued


@dataclass(frozen=True)
class Tally:
    total: int
    covered: int
    percent: float


@dataclass(frozen=True)
class Link:
    procedure: str  # procedure code as written
    tthc: str  # short TTHC code
    source: str  # "document" | "manual" | "name"
    title: str = ""  # the procedure's title
    name: str = ""  # the TTHC's name ("" when the code is not in the catalog)


@dataclass(frozen=True)
class Suggestion:
    procedure: str
    tthc: str
    score: float  # 0-100
    title: str = ""
    name: str = ""


@dataclass(frozen=True)
class Uncovered:
    code: str
    name: str
    field: str
    office: str
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True)
class Flag:
    code: str
    title: str
    office: str
    reason: str
    tthc: tuple[str, ...] = ()
    detail: str = ""  # Vietnamese, for the reader
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True)
class CoverageWarning:
    kind: str
    message: str  # Vietnamese
    message_en: str
    tthc: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()


@dataclass(frozen=True)
class InternalProcedure:
    code: str
    title: str
    office: str


@dataclass(frozen=True)
class DecisionSeen:
    decision: str
    date: dt.date | None


@dataclass(frozen=True)
class CoverageReport:
    total: int
    covered: int
    percent: float
    by_office: dict[str, Tally]
    by_field: dict[str, Tally]
    uncovered: list[Uncovered]
    flagged: list[Flag]
    links: list[Link]
    suggestions: list[Suggestion]
    warnings: list[CoverageWarning]
    internal: list[InternalProcedure]
    decisions: list[DecisionSeen]
    office: str | None = None  # the scope the report was computed for
    field: str | None = None


# --------------------------------------------------------------------------------------------
# Normal forms
# --------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")
_NAME_PREFIXES = (
    "quy trinh",
    "giai quyet thu tuc hanh chinh",
    "giai quyet thu tuc",
    "giai quyet tthc",
    "thuc hien thu tuc hanh chinh",
    "thuc hien thu tuc",
    "thuc hien tthc",
    "thu tuc hanh chinh",
    "thu tuc",
    "tthc",
)


@lru_cache(maxsize=1 << 16)
def _word_key(token: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold_lower(clean(token))).split())


def words_key(text: str) -> str:
    """Folded, lower-cased, punctuation as spaces, squashed (field names compare in this form).

    Folding is done word by word through a cache: names share a small vocabulary, so a report over
    tens of thousands of titles folds only a few thousand distinct words.
    """
    return " ".join(k for k in map(_word_key, text.split()) if k)


def name_key(text: str) -> str:
    """A procedure title or TTHC name in comparable form: ``Quy trình Cấp giấy phép…`` →
    ``cap giay phep…`` (leading "Quy trình", "Thủ tục", "giải quyết thủ tục hành chính" dropped)."""
    w = words_key(text)
    changed = True
    while changed and w:
        changed = False
        for prefix in _NAME_PREFIXES:
            if w == prefix or w.startswith(prefix + " "):
                w = w[len(prefix):].lstrip()
                changed = True
                break
    return w


_ABOLISH_EVENTS = frozenset({EVENT_ABOLISHED})


def office_key(office: str) -> str:
    return code_key(office) if office else ""


def _percent(covered: int, total: int) -> float:
    """Percentage rounded DOWN to two decimals, so 100.0 means everything (100.0 when total is 0)."""
    if total == 0:
        return 100.0
    return (covered * 10000 // total) / 100


def _date_vi(d: dt.date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "không rõ ngày"


# --------------------------------------------------------------------------------------------
# Fuzzy suggestions
# --------------------------------------------------------------------------------------------


class _Tokens:
    """Names as sequences of word ids: rapidfuzz compares them word by word (fast and apt for
    Vietnamese, whose words are syllables)."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    def encode(self, key: str) -> list[int]:
        vocab = self.vocab
        return [vocab.setdefault(w, len(vocab)) for w in key.split()]


def top_matches(queries: Sequence[Sequence[int]], choices: Sequence[Sequence[int]], limit: int,
                threshold: float) -> list[list[tuple[int, float]]]:
    """For each query, up to ``limit`` ``(choice index, score)`` with score ≥ ``threshold``, best
    first, ties to the lower index. Uses ``rapidfuzz.process.cdist`` in row chunks."""
    if not queries:
        return []
    if not choices or limit <= 0:
        return [[] for _ in queries]
    import numpy as np
    from rapidfuzz import fuzz, process

    out: list[list[tuple[int, float]]] = []
    chunk = max(1, 4_000_000 // len(choices))
    for start in range(0, len(queries), chunk):
        block = queries[start:start + chunk]
        matrix = process.cdist(block, choices, scorer=fuzz.ratio, score_cutoff=threshold,
                               dtype=np.float32, workers=-1)
        for i, row in enumerate(matrix):
            if not block[i]:
                out.append([])
                continue
            idx = np.flatnonzero(row >= threshold) if threshold > 0 else np.flatnonzero(row > 0)
            if idx.size > limit:
                order = np.argsort(-row[idx], kind="stable")[:limit]
                idx = idx[order]
            else:
                idx = idx[np.argsort(-row[idx], kind="stable")]
            out.append([(int(j), round(float(row[j]), 1)) for j in idx])
    return out


# --------------------------------------------------------------------------------------------
# The computation
# --------------------------------------------------------------------------------------------


def compute_coverage(
    catalog: Mapping[str, Tthc],
    procedures: Sequence[ProcedureInfo],
    manual_links: Mapping[str, Iterable[str]],
    internal: Iterable[str],
    field_offices: Mapping[str, str],
    office: str | None = None,
    field: str | None = None,
    *,
    suggest_threshold: float = DEFAULT_SUGGEST_THRESHOLD,
    suggest_limit: int = DEFAULT_SUGGEST_LIMIT,
) -> CoverageReport:
    """The coverage report. Pure.

    * ``catalog``: short TTHC code → :class:`Tthc`; only ``active`` ones are counted;
    * ``manual_links``: procedure code key → TTHC codes (any form);
    * ``internal``: code keys (or codes) of procedures declared internal: listed apart, never
      flagged (their links still count as cover);
    * ``field_offices``: field name → office; a TTHC's office is that of its field (fields are
      compared folded, punctuation ignored);
    * ``office``/``field``: restrict the TTHC counted and the procedures flagged. A procedure is in
      scope when it belongs to the office and, for a field, links a TTHC of that field (or, having
      no such link, belongs to the field's office).

    A TTHC is covered when at least one CURRENT procedure links it. ``needs_review``: a linked
    TTHC was amended or renamed by a decision dated after the procedure's revision date (or the
    procedure has no date at all).
    """
    # Per-call memos: the same titles, fields, offices and codes are normalised many times.
    ck = lru_cache(maxsize=None)(code_key)
    nk = lru_cache(maxsize=None)(name_key)
    wk = lru_cache(maxsize=None)(words_key)
    tk = lru_cache(maxsize=None)(tthc_key)

    def ok(value: str) -> str:
        return ck(value) if value else ""

    def in_office(value: str, wanted: str | None) -> bool:
        return wanted is None or ok(value) == wanted

    fo = {wk(k): v for k, v in field_offices.items()}
    office_want = ok(office) if office else None
    field_want = wk(field) if field else None
    internal_keys = {ck(k) for k in internal}
    manual = {ck(k): v for k, v in manual_links.items()}

    def tthc_office(t: Tthc) -> str:
        return fo.get(wk(t.field), "")

    def tthc_in_scope(t: Tthc) -> bool:
        return (in_office(tthc_office(t), office_want)
                and (field_want is None or wk(t.field) == field_want))

    codes_sorted = sorted(catalog)
    active_codes = [c for c in codes_sorted if catalog[c].active]
    scope_codes = [c for c in active_codes if tthc_in_scope(catalog[c])]
    scope_set = set(scope_codes)

    # Exact-name index over active TTHC (for "name" links).
    by_name: dict[str, list[str]] = defaultdict(list)
    for c in active_codes:
        k = nk(catalog[c].name)
        if k:
            by_name[k].append(c)

    # One record per procedure key; a current revision wins over a withdrawn one.
    chosen: dict[str, ProcedureInfo] = {}
    for p in procedures:
        key = p.code_key or ck(p.code)
        prev = chosen.get(key)
        if prev is None or (prev.status != STATUS_CURRENT and p.status == STATUS_CURRENT):
            chosen[key] = p
    procs = [chosen[k] for k in sorted(chosen)]

    # Links of every procedure: code -> source, document first, then manual, then name.
    proc_links: dict[str, dict[str, str]] = {}
    for key, p in sorted(chosen.items()):
        found: dict[str, str] = {}
        for raw in p.tthc:
            found.setdefault(tk(raw) or nfc(raw).strip(), SOURCE_DOCUMENT)
        for raw in manual.get(key, ()):
            found.setdefault(tk(raw) or nfc(raw).strip(), SOURCE_MANUAL)
        if not found:
            same = by_name.get(nk(p.title), [])
            if len(same) == 1:
                found[same[0]] = SOURCE_NAME
        proc_links[key] = found

    def pkey(p: ProcedureInfo) -> str:
        return p.code_key or ck(p.code)

    current = [p for p in procs if p.status == STATUS_CURRENT]
    withdrawn = [p for p in procs if p.status != STATUS_CURRENT]

    def proc_in_scope(p: ProcedureInfo) -> bool:
        if not in_office(p.office, office_want):
            return False
        if field_want is None:
            return True
        known = [catalog[c] for c in proc_links[pkey(p)] if c in catalog]
        if any(wk(t.field) == field_want for t in known):
            return True
        field_office = fo.get(field_want)
        return not any(t.active for t in known) and field_office is not None and \
            ok(p.office) == ok(field_office)

    # Cover maps over TTHC in scope.
    covers: dict[str, list[ProcedureInfo]] = defaultdict(list)
    withdrawn_covers: dict[str, list[ProcedureInfo]] = defaultdict(list)
    for p in current:
        for c in proc_links[pkey(p)]:
            if c in scope_set:
                covers[c].append(p)
    for p in withdrawn:
        for c in proc_links[pkey(p)]:
            if c in scope_set:
                withdrawn_covers[c].append(p)

    covered_codes = [c for c in scope_codes if covers.get(c)]
    uncovered_codes = [c for c in scope_codes if not covers.get(c)]

    # Tallies.
    office_groups: dict[str, list[str]] = defaultdict(list)
    field_groups: dict[str, list[str]] = defaultdict(list)
    field_names: dict[str, str] = {}
    for c in scope_codes:
        t = catalog[c]
        office_groups[tthc_office(t)].append(c)
        fk = wk(t.field)
        field_groups[fk].append(c)
        field_names.setdefault(fk, t.field)

    def tally(codes: list[str]) -> Tally:
        n = sum(1 for c in codes if covers.get(c))
        return Tally(total=len(codes), covered=n, percent=_percent(n, len(codes)))

    by_office = {k: tally(v) for k, v in sorted(office_groups.items())}
    by_field = {field_names[k]: tally(v) for k, v in sorted(field_groups.items(), key=lambda kv: kv[0])}

    # Links listed: current procedures, where the procedure or the TTHC is in scope.
    links: list[Link] = []
    scoped_current = [p for p in current if proc_in_scope(p)]
    scoped_keys = {pkey(p) for p in scoped_current}
    for p in current:
        in_scope = pkey(p) in scoped_keys
        for c, source in proc_links[pkey(p)].items():
            if in_scope or c in scope_set:
                t = catalog.get(c)
                links.append(Link(procedure=p.code, tthc=c, source=source, title=p.title,
                                  name=t.name if t else ""))
    key_of = {p.code: pkey(p) for p in procs}  # display code -> key, for sorting
    links.sort(key=lambda l: (key_of[l.procedure], l.tthc))

    # Flags.
    last_review = {c: ev for c in active_codes if (ev := catalog[c].last_change(REVIEW_EVENTS))}
    flags_keyed: list[tuple[str, Flag]] = []
    needs_suggestion: list[ProcedureInfo] = []
    for p in scoped_current:
        key = pkey(p)
        if key in internal_keys:
            continue
        found = proc_links[key]
        if not found:
            flags_keyed.append((key, Flag(p.code, p.title, p.office, REASON_NO_LINK,
                                          detail="Chưa có mã TTHC trong văn bản, chưa liên kết thủ công, "
                                                 "tên không trùng tên TTHC nào")))
        unknown = tuple(c for c in found if c not in catalog)
        if unknown:
            flags_keyed.append((key, Flag(p.code, p.title, p.office, REASON_UNKNOWN, tthc=unknown,
                                          detail="Mã không có trong danh mục: " + ", ".join(unknown))))
        abolished = tuple(c for c in found if c in catalog and catalog[c].status == STATUS_ABOLISHED)
        if abolished:
            parts = []
            for c in abolished:
                ev = catalog[c].last_change(_ABOLISH_EVENTS)
                parts.append(f"{c} (bãi bỏ theo {ev.decision}, {_date_vi(ev.date)})" if ev else c)
            flags_keyed.append((key, Flag(p.code, p.title, p.office, REASON_ABOLISHED, tthc=abolished,
                                          detail="; ".join(parts))))
        stale: list[str] = []
        stale_detail: list[str] = []
        ref = p.reference_date
        for c in found:
            t = catalog.get(c)
            if t is None or not t.active:
                continue
            ev = last_review.get(c)
            if ev is None or ev.date is None:
                continue
            if ref is None or ref < ev.date:
                stale.append(c)
                stale_detail.append(f"{c} sửa đổi theo {ev.decision} ngày {_date_vi(ev.date)}")
        if stale:
            tail = (f"quy trình ghi ngày {_date_vi(ref)}" if ref
                    else "quy trình không ghi ngày ban hành/sửa đổi")
            flags_keyed.append((key, Flag(p.code, p.title, p.office, REASON_REVIEW, tthc=tuple(stale),
                                          detail="; ".join(stale_detail) + f"; {tail}")))
        if not any(c in catalog and catalog[c].active for c in found):
            needs_suggestion.append(p)

    # Suggestions: unlinked procedures → active TTHC; uncovered TTHC → current procedures.
    tokens = _Tokens()
    tthc_seqs = [tokens.encode(nk(catalog[c].name)) for c in active_codes]
    candidates = [p for p in current if pkey(p) not in internal_keys]
    proc_seqs = [tokens.encode(nk(p.title)) for p in candidates]

    proc_suggestions: dict[str, tuple[Suggestion, ...]] = {}
    matches = top_matches([tokens.encode(nk(p.title)) for p in needs_suggestion], tthc_seqs,
                          suggest_limit, suggest_threshold)
    for p, found_matches in zip(needs_suggestion, matches):
        proc_suggestions[pkey(p)] = tuple(
            Suggestion(procedure=p.code, tthc=active_codes[j], score=s, title=p.title,
                       name=catalog[active_codes[j]].name) for j, s in found_matches)

    uncovered: list[Uncovered] = []
    matches = top_matches([tokens.encode(nk(catalog[c].name)) for c in uncovered_codes],
                          proc_seqs, suggest_limit, suggest_threshold)
    for c, found_matches in zip(uncovered_codes, matches):
        t = catalog[c]
        sugg = tuple(Suggestion(procedure=candidates[j].code, tthc=c, score=s, title=candidates[j].title,
                                name=t.name) for j, s in found_matches)
        uncovered.append(Uncovered(code=c, name=t.name, field=t.field, office=tthc_office(t),
                                   suggestions=sugg))
    uncovered.sort(key=lambda u: (ok(u.office), wk(u.field), u.code))

    flags = [replace(f, suggestions=proc_suggestions.get(k, ()))
             if f.reason in (REASON_NO_LINK, REASON_UNKNOWN, REASON_ABOLISHED) else f for k, f in flags_keyed]
    order = {r: i for i, r in enumerate(REASONS)}
    flags.sort(key=lambda f: (ok(f.office), key_of[f.code], order[f.reason]))

    all_suggestions: dict[tuple[str, str], Suggestion] = {}
    for group in list(proc_suggestions.values()) + [u.suggestions for u in uncovered]:
        for s in group:
            all_suggestions.setdefault((s.procedure, s.tthc), s)
    suggestions = sorted(all_suggestions.values(), key=lambda s: (key_of[s.procedure], -s.score, s.tthc))

    # Warnings.
    warnings: list[CoverageWarning] = []
    for c in uncovered_codes:
        gone = withdrawn_covers.get(c)
        if gone:
            codes = tuple(p.code for p in gone)
            warnings.append(CoverageWarning(
                WARN_WITHDRAWN_ONLY,
                f"TTHC {c} chỉ được quy trình đã thu hồi xử lý: {', '.join(codes)}",
                f"TTHC {c} was covered only by withdrawn procedure(s): {', '.join(codes)}",
                tthc=(c,), procedures=codes))
    for c in covered_codes:
        ps = covers[c]
        if len(ps) > 1:
            codes = tuple(p.code for p in ps)
            warnings.append(CoverageWarning(
                WARN_MULTIPLE,
                f"TTHC {c} có {len(ps)} quy trình hiện hành: {', '.join(codes)}",
                f"TTHC {c} is covered by {len(ps)} current procedures: {', '.join(codes)}",
                tthc=(c,), procedures=codes))
    for key in sorted(set(manual) - set(chosen)):
        targets = tuple(sorted(tthc_key(x) or x for x in manual[key]))
        warnings.append(CoverageWarning(
            WARN_UNKNOWN_PROCEDURE,
            f"Liên kết thủ công cho quy trình «{key}» không có trong kho",
            f"manual link for procedure '{key}', which is not in the repository",
            tthc=targets, procedures=(key,)))
    if office_want is None:
        unassigned: dict[str, list[str]] = defaultdict(list)
        for c in scope_codes:
            t = catalog[c]
            if not tthc_office(t):
                unassigned[t.field].append(c)
        for fname in sorted(unassigned, key=words_key):
            codes = tuple(unassigned[fname])
            warnings.append(CoverageWarning(
                WARN_UNASSIGNED_FIELD,
                f"Lĩnh vực «{fname or '(trống)'}» chưa được giao cho phòng nào ({len(codes)} TTHC)",
                f"field '{fname}' is not assigned to an office ({len(codes)} TTHC)",
                tthc=codes))
    internal_list: list[InternalProcedure] = []
    for p in scoped_current:
        if pkey(p) in internal_keys:
            internal_list.append(InternalProcedure(p.code, p.title, p.office))
            cited = tuple(c for c in proc_links[pkey(p)])
            if cited:
                warnings.append(CoverageWarning(
                    WARN_INTERNAL_WITH_TTHC,
                    f"Quy trình nội bộ {p.code} lại gắn với TTHC: {', '.join(cited)}",
                    f"internal procedure {p.code} is linked to TTHC: {', '.join(cited)}",
                    tthc=cited, procedures=(p.code,)))
    if not scope_codes:
        warnings.append(CoverageWarning(
            WARN_EMPTY_SCOPE,
            "Không có TTHC đang hiệu lực nào trong phạm vi báo cáo (danh mục trống hoặc bộ lọc không khớp)",
            "no active TTHC in scope (empty catalog or filters match nothing)"))
    korder = {k: i for i, k in enumerate(WARNING_KINDS)}
    warnings.sort(key=lambda w: (korder[w.kind], w.tthc, w.procedures))

    # Decisions the catalog was built from.
    seen: dict[tuple[str, dt.date | None], None] = {}
    for c in codes_sorted:
        for ev in catalog[c].history:
            if ev.decision:
                seen.setdefault((ev.decision, ev.date), None)
    decisions = [DecisionSeen(d, when) for d, when in
                 sorted(seen, key=lambda k: (k[1] or dt.date.min, k[0]))]

    return CoverageReport(
        total=len(scope_codes),
        covered=len(covered_codes),
        percent=_percent(len(covered_codes), len(scope_codes)),
        by_office=by_office,
        by_field=by_field,
        uncovered=uncovered,
        flagged=flags,
        links=links,
        suggestions=suggestions,
        warnings=warnings,
        internal=internal_list,
        decisions=decisions,
        office=office,
        field=field,
    )


def coverage_ok(report: CoverageReport, fail_under: float = 100.0) -> bool:
    """The exit policy: coverage at least ``fail_under`` percent and nothing flagged."""
    return report.percent >= fail_under and not report.flagged


# --------------------------------------------------------------------------------------------
# Plain-data form of a report (the JSON writer and the other writers read this)
# --------------------------------------------------------------------------------------------


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _suggestion_dict(s: Suggestion) -> dict[str, object]:
    return {"procedure": s.procedure, "tthc": s.tthc, "score": s.score, "title": s.title, "name": s.name}


def _tally_dict(t: Tally) -> dict[str, object]:
    return {"total": t.total, "covered": t.covered, "percent": t.percent}


def report_to_dict(report: CoverageReport) -> dict[str, object]:
    """The report as JSON-ready data with exactly the keys of :data:`REPORT_KEYS`."""
    return {
        "total": report.total,
        "covered": report.covered,
        "percent": report.percent,
        "by_office": {k: _tally_dict(v) for k, v in report.by_office.items()},
        "by_field": {k: _tally_dict(v) for k, v in report.by_field.items()},
        "uncovered": [{"code": u.code, "name": u.name, "field": u.field, "office": u.office,
                       "suggestions": [_suggestion_dict(s) for s in u.suggestions]}
                      for u in report.uncovered],
        "flagged": [{"code": f.code, "title": f.title, "office": f.office, "reason": f.reason,
                     "tthc": list(f.tthc), "detail": f.detail,
                     "suggestions": [_suggestion_dict(s) for s in f.suggestions]}
                    for f in report.flagged],
        "links": [{"procedure": l.procedure, "tthc": l.tthc, "source": l.source, "title": l.title,
                   "name": l.name} for l in report.links],
        "suggestions": [_suggestion_dict(s) for s in report.suggestions],
        "warnings": [{"kind": w.kind, "message": w.message, "message_en": w.message_en,
                      "tthc": list(w.tthc), "procedures": list(w.procedures)} for w in report.warnings],
        "internal": [{"code": i.code, "title": i.title, "office": i.office} for i in report.internal],
        "decisions": [{"decision": d.decision, "date": _date(d.date)} for d in report.decisions],
    }


# --------------------------------------------------------------------------------------------
# Manual links and internal procedures: pure edits and their stored text form
# --------------------------------------------------------------------------------------------

LINKS_FORMAT = "doccontrol.links"
LINKS_VERSION = 1


class LinkError(ValueError):
    """A link that cannot be made (an invalid TTHC code, a malformed links file)."""


def _valid_tthc(code: str) -> str:
    key = tthc_key(code)
    if key is None:
        raise LinkError(f"mã TTHC không hợp lệ: «{code}» / invalid TTHC code: {code!r}")
    return key


def add_link(links: Mapping[str, Iterable[str]], procedure: str, tthc: str) -> dict[str, set[str]]:
    """A copy of ``links`` with ``procedure`` (any code form) → ``tthc`` added."""
    out = {k: set(v) for k, v in links.items()}
    out.setdefault(code_key(procedure), set()).add(_valid_tthc(tthc))
    return out


def remove_link(links: Mapping[str, Iterable[str]], procedure: str, tthc: str) -> dict[str, set[str]]:
    """A copy of ``links`` without ``procedure`` → ``tthc`` (an empty entry disappears)."""
    out = {k: set(v) for k, v in links.items()}
    key = code_key(procedure)
    target = tthc_key(tthc) or tthc
    if key in out:
        out[key].discard(target)
        if not out[key]:
            del out[key]
    return out


def links_to_json(links: Mapping[str, Iterable[str]], internal: Iterable[str] = ()) -> str:
    """Manual links and the internal-procedure list as sorted, stable, diff-friendly JSON."""
    doc = {
        "format": LINKS_FORMAT,
        "version": LINKS_VERSION,
        "internal": sorted({code_key(k) for k in internal}),
        "links": {code_key(k): sorted({tthc_key(c) or nfc(c) for c in v})
                  for k, v in sorted(links.items(), key=lambda kv: code_key(kv[0])) if v},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def links_from_json(text: str) -> tuple[dict[str, set[str]], set[str]]:
    """Read what :func:`links_to_json` wrote: ``(links, internal)``."""
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != LINKS_FORMAT:
            raise ValueError("not a doccontrol links file")
        if doc.get("version") != LINKS_VERSION:
            raise ValueError(f"unsupported links version {doc.get('version')!r}")
        links = {code_key(nfc(k)): {tthc_key(c) or nfc(c) for c in v}
                 for k, v in doc.get("links", {}).items()}
        internal = {code_key(nfc(k)) for k in doc.get("internal", [])}
    except (ValueError, TypeError, AttributeError) as exc:
        raise LinkError(f"tệp liên kết bị hỏng / malformed links file: {exc}") from exc
    return links, internal


def procedure_info(state: object, revision_date: dt.date | None = None) -> ProcedureInfo:
    """A :class:`ProcedureInfo` from a ``doccontrol.model.ProcedureState`` (or any object with the
    same attributes). The revision date defaults to the state's effective date, else issue date."""
    get = lambda name, default=None: getattr(state, name, default)  # noqa: E731
    code = get("code", "")
    return ProcedureInfo(
        code=code,
        code_key=get("code_key") or code_key(code),
        title=get("title", ""),
        office=get("office", ""),
        revision=int(get("revision", 0) or 0),
        status=get("status", STATUS_CURRENT),
        issued=get("issued"),
        revision_date=revision_date or get("effective") or get("issued"),
        tthc=tuple(get("tthc", ()) or ()),
    )


__all__ = [
    "ProcedureInfo", "Tally", "Link", "Suggestion", "Uncovered", "Flag", "CoverageWarning",
    "InternalProcedure", "DecisionSeen", "CoverageReport", "compute_coverage", "coverage_ok",
    "report_to_dict", "name_key", "words_key", "top_matches", "add_link", "remove_link",
    "links_to_json", "links_from_json", "procedure_info", "LinkError", "REPORT_KEYS", "REASONS",
    "REASON_VI", "REASON_EN", "SOURCES",
]
