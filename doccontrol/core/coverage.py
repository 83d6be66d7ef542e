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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache
from typing import Any, Protocol

from doccontrol.core import conformity as conf
from doccontrol.core.catalog import EVENT_ABOLISHED, REVIEW_EVENTS, STATUS_ABOLISHED, CatalogEvent, Tthc, tthc_key
from doccontrol.core.labels import date_vi, natural_key, office_rank
from doccontrol.core.model import ProcedureStatus
from doccontrol.core.steps import StepTable
from doccontrol.core.text import clean, code_key, fold_lower, nfc

SOURCE_DOCUMENT = "document"
SOURCE_MANUAL = "manual"
SOURCE_NAME = "name"
SOURCES = (SOURCE_DOCUMENT, SOURCE_MANUAL, SOURCE_NAME)

REASON_NO_LINK = "no_tthc_link"
REASON_UNKNOWN = "unknown_tthc"
REASON_ABOLISHED = "abolished_tthc"
REASON_REVIEW = "needs_review"
REASON_REPLACED_LAW = "cites_replaced_law"
#: the findings about a link (they get suggestions); the others say what to revise
LINK_REASONS = (REASON_NO_LINK, REASON_UNKNOWN, REASON_ABOLISHED)
REASONS = (*LINK_REASONS, REASON_REVIEW, REASON_REPLACED_LAW, *conf.REASONS)

REASON_VI = {
    REASON_NO_LINK: "Chưa gắn với thủ tục hành chính nào",
    REASON_UNKNOWN: "Dẫn chiếu mã TTHC không có trong danh mục",
    REASON_ABOLISHED: "Dẫn chiếu TTHC đã bị bãi bỏ",
    REASON_REVIEW: "TTHC đã được sửa đổi sau ngày ban hành quy trình, cần rà soát",
    REASON_REPLACED_LAW: "Dẫn chiếu văn bản pháp luật đã được thay thế, sửa đổi, cần rà soát",
    **conf.REASON_VI,
}
REASON_EN = {
    REASON_NO_LINK: "not linked to any TTHC",
    REASON_UNKNOWN: "cites a TTHC code that is not in the catalog",
    REASON_ABOLISHED: "cites an abolished TTHC",
    REASON_REVIEW: "its TTHC was amended after the procedure's revision date",
    REASON_REPLACED_LAW: "cites a legal document recorded as replaced or amended since its revision or review",
    **conf.REASON_EN,
}

WARN_MULTIPLE = "multiple_cover"
WARN_WITHDRAWN_ONLY = "withdrawn_only_cover"
WARN_UNKNOWN_PROCEDURE = "manual_link_unknown_procedure"
WARN_UNASSIGNED_FIELD = "unassigned_field"
WARN_INTERNAL_WITH_TTHC = "internal_with_tthc"
WARN_EMPTY_SCOPE = "empty_scope"
WARNING_KINDS = (WARN_WITHDRAWN_ONLY, WARN_MULTIPLE, WARN_UNKNOWN_PROCEDURE, WARN_UNASSIGNED_FIELD,
                 WARN_INTERNAL_WITH_TTHC, WARN_EMPTY_SCOPE)

STATUS_CURRENT = ProcedureStatus.CURRENT.value
STATUS_WITHDRAWN = ProcedureStatus.WITHDRAWN.value

DEFAULT_SUGGEST_THRESHOLD = 60.0
DEFAULT_SUGGEST_LIMIT = 3
_WORKERS = -1  # rapidfuzz threads: every core

#: the JSON keys of a report, in order
REPORT_KEYS = ("total", "covered", "percent", "by_office", "by_field", "uncovered", "flagged", "conformity",
               "links", "suggestions", "warnings", "internal", "decisions", "scope")


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
    status: str  # a ProcedureStatus value
    issued: dt.date | None = None
    revision_date: dt.date | None = None
    tthc: tuple[str, ...] = ()  # TTHC codes found in the document
    citations: tuple[str, ...] = ()  # legal documents cited (core.citations normal forms)
    steps: StepTable | None = None  # its steps (None: not read for this revision)
    since: dt.datetime | None = None  # its revision entered the repository or was last reviewed, the later

    @property
    def reference_date(self) -> dt.date | None:
        """The date the current revision speaks for: its revision date, else its issue date."""
        return self.revision_date or self.issued


@dataclass(slots=True)
class Tally:
    total: int
    covered: int
    percent: float


@dataclass(slots=True)
class Link:
    procedure: str  # procedure code as written
    tthc: str  # short TTHC code
    source: str  # "document" | "manual" | "name"
    title: str = ""  # the procedure's title
    name: str = ""  # the TTHC's name ("" when the code is not in the catalog)


@dataclass(slots=True)
class Suggestion:
    procedure: str
    tthc: str
    score: int  # 0-100
    title: str = ""
    name: str = ""


@dataclass(slots=True)
class Uncovered:
    code: str
    name: str
    field: str
    office: str
    suggestions: list[Suggestion] = dc_field(default_factory=list)


@dataclass(slots=True)
class Flag:
    code: str
    title: str
    office: str
    reason: str
    tthc: tuple[str, ...] = ()
    detail: str = ""  # Vietnamese, for the reader
    suggestions: list[Suggestion] = dc_field(default_factory=list)


@dataclass(frozen=True)
class FlaggedProcedure:
    """One procedure to review, counted once, with every finding on it (in :data:`REASONS` order)."""

    code: str
    title: str
    office: str
    flags: tuple[Flag, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(f.reason for f in self.flags)

    @property
    def suggestions(self) -> list[Suggestion]:
        """The TTHC its title resembles (made for the findings about a missing link)."""
        return next((f.suggestions for f in self.flags if f.suggestions), [])


def flagged_procedures(flags: Sequence[Flag]) -> list[FlaggedProcedure]:
    """The flags grouped by procedure, in the order the procedures first appear: what every face
    counts and lists (a procedure with two findings is one procedure to review)."""
    groups: dict[str, list[Flag]] = {}
    for f in flags:
        groups.setdefault(code_key(f.code), []).append(f)
    return [FlaggedProcedure(g[0].code, g[0].title, g[0].office, tuple(g)) for g in groups.values()]


@dataclass(slots=True)
class CoverageWarning:
    kind: str
    message: str  # Vietnamese
    message_en: str
    tthc: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()


@dataclass(slots=True)
class InternalProcedure:
    code: str
    title: str
    office: str


@dataclass(slots=True)
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
    catalog_scope: tuple[str, str] = ("", "")  # the catalog's scope in words (Vietnamese, English); "" = none given
    outside_scope: int = 0  # active TTHC of the catalog outside its scope (not counted)

    def flagged_procedures(self) -> list[FlaggedProcedure]:
        """The procedures to review, each once with all its findings."""
        return flagged_procedures(self.flagged)

    @property
    def flagged_count(self) -> int:
        """How many procedures are to review (not how many findings)."""
        return len({code_key(f.code) for f in self.flagged})

    def conformity_counts(self) -> dict[str, int]:
        """How many procedures each conformity check flags (``core.conformity``), every check named."""
        return {r: len({code_key(f.code) for f in self.flagged if f.reason == r}) for r in conf.REASONS}


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


class _TokenFolds(dict[str, str]):
    """Whitespace-separated token → its folded, lower-cased form with non-alphanumerics as spaces.

    Filled on first sight through the one folding function (:func:`doccontrol.text.fold_lower`).
    Names share a small vocabulary, so a report over tens of thousands of titles folds a few
    thousand distinct tokens and maps the rest at C speed.
    """

    limit = 200_000

    def __missing__(self, token: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        folded = " ".join(_NON_WORD.sub(" ", fold_lower(clean(token))).split())
        self[token] = folded
        return folded


_TOKEN_FOLDS = _TokenFolds()
_PREFIX_RE = re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in _NAME_PREFIXES) + r")(?: |$))+")


def words_key(text: str) -> str:
    """Folded, lower-cased, punctuation as spaces, squashed (field names compare in this form):
    ``fold_lower(clean(text))`` with every non-alphanumeric run made one space."""
    return " ".join(" ".join(map(_TOKEN_FOLDS.__getitem__, text.split())).split())


def name_key(text: str) -> str:
    """A procedure title or TTHC name in comparable form: ``Quy trình Cấp giấy phép…`` →
    ``cap giay phep…`` (leading "Quy trình", "Thủ tục", "giải quyết thủ tục hành chính" dropped)."""
    return _PREFIX_RE.sub("", words_key(text))


_ABOLISH_EVENTS = frozenset({EVENT_ABOLISHED})


def office_key(office: str) -> str:
    return code_key(office) if office else ""


def _percent(covered: int, total: int) -> float:
    """Percentage rounded DOWN to two decimals, so 100.0 means everything (100.0 when total is 0)."""
    if total == 0:
        return 100.0
    return (covered * 10000 // total) / 100


def _date_vi(d: dt.date | None) -> str:
    return date_vi(d, "không rõ ngày")


# --------------------------------------------------------------------------------------------
# Fuzzy suggestions
# --------------------------------------------------------------------------------------------


class _Tokens:
    """Names as sequences of word ids: rapidfuzz compares them word by word (fast and apt for
    Vietnamese, whose words are syllables)."""

    def __init__(self) -> None:
        self.vocab: defaultdict[str, int] = defaultdict()
        self.vocab.default_factory = self.vocab.__len__  # a new word gets the next id

    def encode(self, key: str) -> list[int]:
        return list(map(self.vocab.__getitem__, key.split()))


def top_matches(queries: Sequence[Sequence[int]], choices: Sequence[Sequence[int]], limit: int,
                threshold: float) -> list[list[tuple[int, int]]]:
    """For each query, up to ``limit`` ``(choice index, score)`` with score ≥ ``threshold``, best
    first, ties to the lower index. Scores are whole numbers 0-100 (``fuzz.ratio`` over word
    sequences); an empty query matches nothing.

    Identical queries and identical choices are scored once (titles repeat: the same procedure at
    several offices, titles that copy a TTHC name); ``rapidfuzz.process.cdist`` scores the distinct
    ones on every core, in row chunks.
    """
    if not queries:
        return []
    if not choices or limit <= 0:
        return [[] for _ in queries]
    uchoices, members = _distinct(choices)
    uqueries, query_groups = _distinct(queries)
    qmap = [0] * len(queries)
    for u, group in enumerate(query_groups):
        for i in group:
            qmap[i] = u
    results: list[list[tuple[int, int]]] = []
    chunk = max(1, 32_000_000 // len(uchoices))  # at most 32 MB of uint8 scores at a time
    for start in range(0, len(uqueries), chunk):
        results += _best_of_block(uqueries[start:start + chunk], uchoices, members, limit, threshold)
    return [results[u] for u in qmap]


def _distinct(seqs: Sequence[Sequence[int]]) -> tuple[list[Sequence[int]], list[list[int]]]:
    """The distinct sequences in order of first appearance, and for each the indices that share it."""
    first: dict[tuple[int, ...], int] = {}
    members: list[list[int]] = []
    for i, seq in enumerate(seqs):
        key = tuple(seq)
        u = first.get(key)
        if u is None:
            first[key] = len(members)
            members.append([i])
        else:
            members[u].append(i)
    return [seqs[m[0]] for m in members], members


def _best_of_block(block: Sequence[Sequence[int]], uchoices: Sequence[Sequence[int]], members: list[list[int]],
                   limit: int, threshold: float) -> list[list[tuple[int, int]]]:
    """:func:`top_matches` for a block of distinct queries against the distinct choices (``members``:
    the original indices of each distinct choice)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    matrix = process.cdist(block, uchoices, scorer=fuzz.ratio, score_cutoff=threshold,
                           dtype=np.uint8, workers=_WORKERS)
    # Every score above the floor, ordered by row, then best score, then choice.
    rows, cols = np.nonzero(matrix >= max(threshold, 1))
    scores = matrix[rows, cols]
    order = np.lexsort((cols, -scores.astype(np.int16), rows))
    cols_l, scores_l = cols[order].tolist(), scores[order].tolist()
    bounds = np.searchsorted(rows[order], np.arange(len(block) + 1)).tolist()
    results: list[list[tuple[int, int]]] = []
    for i, seq in enumerate(block):
        lo, hi = bounds[i], bounds[i + 1]
        if not seq or lo == hi:
            results.append([])
            continue
        # the best `limit` distinct choices (the earlier one first among equals) hold the best
        # `limit` choices; expand them and order by (score, index)
        top = range(lo, min(hi, lo + limit))
        pairs = sorted((-scores_l[k], j) for k in top for j in members[cols_l[k]])[:limit]
        results.append([(j, -neg) for neg, j in pairs])
    return results


# --------------------------------------------------------------------------------------------
# The computation
# --------------------------------------------------------------------------------------------

Keyed = list[tuple[str, ProcedureInfo]]  # (code key, procedure), in code-key order
LinksOf = dict[str, dict[str, str]]  # code key → {TTHC code: link source}


class _Keys:
    """The normal forms one computation needs, memoised for that computation only: the same
    fields, offices and codes are normalised many times."""

    def __init__(self) -> None:
        self.code = lru_cache(maxsize=None)(code_key)
        self.name = lru_cache(maxsize=None)(name_key)
        self.words = lru_cache(maxsize=None)(words_key)
        self.tthc = lru_cache(maxsize=None)(tthc_key)

    def office(self, value: str) -> str:
        return self.code(value) if value else ""

    def link_target(self, raw: str) -> str:
        """A TTHC code as linked: its short normal form, else the text as written."""
        return self.tthc(raw) or nfc(raw).strip()


@dataclass(frozen=True)
class _Scope:
    """What the report is restricted to, in normal form (None: no restriction)."""

    office: str | None  # office key
    field: str | None  # words key of the field
    field_offices: Mapping[str, str]  # words key of a field → office
    keys: _Keys
    offices: tuple[str, ...] = ()  # the configuration's office order

    def office_rank(self, office: str) -> tuple[int, str]:
        """The one order of offices (the configuration's, others by code), "unassigned" first."""
        return office_rank(self.offices)(office) if office else (-1, "")

    def tthc_office(self, t: Tthc) -> str:
        """A TTHC's office: that of its field ("" when the field is not assigned)."""
        return self.field_offices.get(self.keys.words(t.field), "")

    def field_office_key(self) -> str:
        """The office key of the field in scope ("" without a field, or when it is not assigned)."""
        return self.keys.office(self.field_offices.get(self.field, "")) if self.field is not None else ""

    def holds_tthc(self, t: Tthc) -> bool:
        return ((self.office is None or self.keys.office(self.tthc_office(t)) == self.office)
                and (self.field is None or self.keys.words(t.field) == self.field))


class CatalogScopeLike(Protocol):
    """The catalog's scope (``core.scope.CatalogScope``): which TTHC count."""

    def holds(self, t: Tthc) -> bool: ...

    def describe(self) -> tuple[str, str]: ...


@dataclass(frozen=True)
class CatalogNames:
    """The catalog's names as a procedure's title links a TTHC (``name`` links): the active TTHC
    by name, the abolished ones by name, and the active ones in the catalog's scope by name.
    Depends on the catalog and its scope only: built once, it serves any procedure."""

    by_name: Mapping[str, list[str]]
    abolished_by_name: Mapping[str, list[str]]  # the abolished TTHC by name (a title naming one is flagged)
    scoped_by_name: Mapping[str, list[str]]  # the active TTHC in the catalog's scope, by name (preferred)


@dataclass(frozen=True)
class _CatalogView:
    """The catalog as coverage reads it: codes sorted, the active ones, those in scope, and an
    exact-name index of the active ones (for "name" links)."""

    codes: list[str]
    active: list[str]
    in_scope: list[str]
    by_name: Mapping[str, list[str]]
    abolished_by_name: Mapping[str, list[str]]  # the abolished TTHC by name (a title naming one is flagged)
    scoped_by_name: Mapping[str, list[str]]  # the active TTHC in the catalog's scope, by name (preferred)
    outside_scope: int  # active TTHC outside the catalog's scope

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.in_scope)


def _ours(catalog: Mapping[str, Tthc], active: list[str], catalog_scope: CatalogScopeLike | None) -> set[str]:
    """The active TTHC in the catalog's scope (all of them without a scope)."""
    return set(active) if catalog_scope is None else {c for c in active if catalog_scope.holds(catalog[c])}


def _names(catalog: Mapping[str, Tthc], codes: list[str], ours: set[str], keys: _Keys) -> CatalogNames:
    by_name: dict[str, list[str]] = defaultdict(list)
    abolished_by_name: dict[str, list[str]] = defaultdict(list)
    scoped_by_name: dict[str, list[str]] = defaultdict(list)
    for c in codes:
        k = keys.name(catalog[c].name)
        if k:
            (abolished_by_name if catalog[c].status == STATUS_ABOLISHED else by_name)[k].append(c)
            if c in ours:
                scoped_by_name[k].append(c)
    return CatalogNames(by_name, abolished_by_name, scoped_by_name)


def catalog_names(catalog: Mapping[str, Tthc], catalog_scope: CatalogScopeLike | None = None) -> CatalogNames:
    """The names of ``catalog`` as :func:`compute_coverage` links titles to them (for
    :func:`links_of_one`)."""
    codes = sorted(catalog)
    active = [c for c in codes if catalog[c].status != STATUS_ABOLISHED]
    return _names(catalog, codes, _ours(catalog, active, catalog_scope), _Keys())


def _catalog_view(catalog: Mapping[str, Tthc], scope: _Scope, catalog_scope: CatalogScopeLike | None) -> _CatalogView:
    codes = sorted(catalog)
    active = [c for c in codes if catalog[c].status != STATUS_ABOLISHED]
    ours = _ours(catalog, active, catalog_scope)
    names = _names(catalog, codes, ours, scope.keys)
    in_scope = [c for c in active if c in ours and scope.holds_tthc(catalog[c])]
    return _CatalogView(codes, active, in_scope, names.by_name, names.abolished_by_name, names.scoped_by_name,
                        len(active) - len(ours))


def _one_per_code(procedures: Iterable[ProcedureInfo], keys: _Keys) -> dict[str, ProcedureInfo]:
    """One procedure per code key, a current revision winning over a withdrawn one."""
    chosen: dict[str, ProcedureInfo] = {}
    for p in procedures:
        key = p.code_key or keys.code(p.code)
        prev = chosen.get(key)
        if prev is None or (prev.status != STATUS_CURRENT and p.status == STATUS_CURRENT):
            chosen[key] = p
    return chosen


def _links_of(keyed: Keyed, manual: Mapping[str, Iterable[str]], view: _CatalogView | CatalogNames,
              keys: _Keys) -> LinksOf:
    """Every procedure's links: TTHC code → source; the document's codes first, then manual links,
    then (with neither) the one active TTHC whose name equals the title (the one in the catalog's
    scope when several agencies list that name), else the one abolished TTHC of that name (so the
    procedure is flagged ``abolished_tthc``, not ``no_tthc_link``)."""
    links_of: LinksOf = {}
    for key, p in keyed:
        found: dict[str, str] = {}
        for raw in p.tthc:
            found.setdefault(keys.link_target(raw), SOURCE_DOCUMENT)
        for raw in manual.get(key, ()):
            found.setdefault(keys.link_target(raw), SOURCE_MANUAL)
        if not found:
            title = keys.name(p.title)
            same = view.scoped_by_name.get(title, ())  # the same name in another agency's list: ours wins
            if len(same) != 1:
                same = view.by_name.get(title, ()) or view.abolished_by_name.get(title, ())
            if len(same) == 1:
                found[same[0]] = SOURCE_NAME
        links_of[key] = found
    return links_of


def procedure_links(catalog: Mapping[str, Tthc], procedures: Sequence[ProcedureInfo],
                    manual_links: Mapping[str, Iterable[str]], catalog_scope: CatalogScopeLike | None = None
                    ) -> dict[str, list[str]]:
    """Code key → the TTHC each current procedure is linked to, as :func:`compute_coverage` links
    them for a report of every office and field (its ``links``), without the rest of the report:
    the master list's links and the repository's derived state. The catalog's name index is built
    only when some procedure has neither a code in its document nor a manual link."""
    keys = _Keys()
    manual = {keys.code(k): v for k, v in manual_links.items()}
    chosen = _one_per_code(procedures, keys)
    current = [(k, p) for k, p in sorted(chosen.items(), key=lambda kv: natural_key(kv[0]))
               if p.status == STATUS_CURRENT]
    if any(not p.tthc and not manual.get(k) for k, p in current):
        view = _catalog_view(catalog, _Scope(None, None, {}, keys), catalog_scope)
    else:
        view = _CatalogView([], [], [], {}, {}, {}, 0)
    return {key: list(found) for key, found in _links_of(current, manual, view, keys).items()}


def _procedure_in_scope(p: ProcedureInfo, links: Mapping[str, str], catalog: Mapping[str, Tthc],
                        scope: _Scope) -> bool:
    """In the office; for a field, linked to a TTHC of that field or, with no link to an active
    TTHC, belonging to the field's office."""
    keys = scope.keys
    if scope.office is not None and keys.office(p.office) != scope.office:
        return False
    if scope.field is None:
        return True
    known = [catalog[c] for c in links if c in catalog]
    if any(keys.words(t.field) == scope.field for t in known):
        return True
    field_office = scope.field_office_key()
    return (not any(t.status != STATUS_ABOLISHED for t in known) and bool(field_office)
            and keys.office(p.office) == field_office)


def _listed_links(current: Keyed, scoped_keys: set[str], links_of: LinksOf, scope_set: frozenset[str],
                  catalog: Mapping[str, Tthc]) -> list[Link]:
    """The links of current procedures where the procedure or the TTHC is in scope."""
    links: list[Link] = []
    for key, p in current:
        in_scope = key in scoped_keys
        for c, source in links_of[key].items():
            if in_scope or c in scope_set:
                t = catalog.get(c)
                links.append(Link(p.code, c, source, p.title, t.name if t is not None else ""))
    return links


def links_of_one(procedure: ProcedureInfo, manual_links: Mapping[str, Iterable[str]],
                 catalog: Mapping[str, Tthc], names: CatalogNames) -> list[Link]:
    """The links :func:`compute_coverage` lists for one procedure (its report without an office
    or field restriction), computed for that procedure alone: its document's TTHC codes, its manual
    links, else the TTHC its title names (``names``: :func:`catalog_names` of the same catalog and
    scope). A procedure that is not current lists none, as in the report."""
    if procedure.status != STATUS_CURRENT:
        return []
    keys = _Keys()
    key = procedure.code_key or keys.code(procedure.code)
    manual = {keys.code(k): v for k, v in manual_links.items()}
    found = _links_of([(key, procedure)], manual, names, keys)
    return _listed_links([(key, procedure)], {key}, found, frozenset(), catalog)


def _decisions(catalog: Mapping[str, Tthc], codes: list[str]) -> list[DecisionSeen]:
    """The decisions the catalog was built from, by date."""
    seen: dict[tuple[str, dt.date | None], None] = {}
    for c in codes:
        for ev in catalog[c].history:
            if ev.decision:
                seen.setdefault((ev.decision, ev.date), None)
    return [DecisionSeen(d, when) for d, when in sorted(seen, key=lambda k: (k[1] or dt.date.min, k[0]))]


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
    replaced_law: Mapping[str, str] | None = None,
    catalog_scope: CatalogScopeLike | None = None,
    conformity: conf.Settings | None = None,
    offices: Sequence[str] = (),
) -> CoverageReport:
    """The coverage report. Pure.

    * ``catalog``: short TTHC code → :class:`Tthc`; only ``active`` ones are counted;
    * ``manual_links``: procedure code key → TTHC codes (any form);
    * ``internal``: code keys (or codes) of procedures declared internal: listed apart, never
      flagged (their links still count as cover);
    * ``field_offices``: field name → office; a TTHC's office is that of its field (fields are
      compared folded, punctuation ignored);
    * ``catalog_scope``: the TTHC that are the workspace's own (``core.scope``); only they are
      counted, and a title names one of them first (the report says which scope it used);
    * ``offices``: the configured offices, in their order: every list by office follows it;
    * ``office``/``field``: restrict the TTHC counted and the procedures flagged. A procedure is in
      scope when it belongs to the office and, for a field, links a TTHC of that field (or, having
      no such link, belongs to the field's office).

    A TTHC is covered when at least one CURRENT procedure links it. ``needs_review``: a linked
    TTHC was amended or renamed by a decision dated after the procedure's revision date (or the
    procedure has no date at all). Suggestions: up to ``suggest_limit`` per unlinked procedure and
    per uncovered TTHC, score ≥ ``suggest_threshold``. ``replaced_law``: procedure code key →
    detail, for the procedures that still cite a law recorded as replaced (computed by
    ``doccontrol.review``); each in scope gets the flag ``cites_replaced_law``.

    Computed in two steps (``core.coverage_basis``): what every office's report shares, then
    this report from it; a long-running reader keeps the first step between commits.
    """
    from doccontrol.core.coverage_basis import coverage_basis, report_of

    basis = coverage_basis(catalog, procedures, manual_links, internal, replaced_law=replaced_law,
                           catalog_scope=catalog_scope, conformity=conformity, suggest_threshold=suggest_threshold,
                           suggest_limit=suggest_limit)
    return report_of(basis, field_offices, office, field, offices)


def conformity_findings(
    catalog: Mapping[str, Tthc],
    procedures: Sequence[ProcedureInfo],
    manual_links: Mapping[str, Iterable[str]],
    internal: Iterable[str],
    catalog_scope: CatalogScopeLike | None = None,
    settings: conf.Settings | None = None,
) -> dict[str, list[conf.Finding]]:
    """Code key → what the conformity checks find on each current, non-internal procedure against
    the TTHC it is linked to (the links of :func:`compute_coverage`, without the rest of the
    report): what ``review`` lists besides its period and replaced laws."""
    keys = _Keys()
    scope = _Scope(None, None, {}, keys)
    view = _catalog_view(catalog, scope, catalog_scope)
    keyed = sorted(_one_per_code(procedures, keys).items())
    links_of = _links_of(keyed, {keys.code(k): v for k, v in manual_links.items()}, view, keys)
    internal_keys = {keys.code(k) for k in internal}
    out: dict[str, list[conf.Finding]] = {}
    for key, p in keyed:
        if p.status != STATUS_CURRENT or key in internal_keys:
            continue
        found = conf.check(links_of[key], catalog, p.steps, p.citations, p.since, settings or conf.Settings())
        if found:
            out[key] = found
    return out


def _procedure_flags(p: ProcedureInfo, found: Mapping[str, str], catalog: Mapping[str, Tthc],
                     last_review: Mapping[str, CatalogEvent], quiet: frozenset[str]) -> list[Flag]:
    """The findings on one current procedure, given its links (``quiet``: the active TTHC with no
    dated amendment, which never raise a finding)."""
    flags: list[Flag] = []
    if not found:
        flags.append(Flag(p.code, p.title, p.office, REASON_NO_LINK, (),
                          "Chưa có mã TTHC trong văn bản, chưa liên kết thủ công, tên không trùng tên TTHC nào"))
        return flags
    if all(c in quiet for c in found):
        return flags  # every link is to an active TTHC that was never amended: nothing to say
    unknown = [c for c in found if c not in catalog]
    if unknown:
        flags.append(Flag(p.code, p.title, p.office, REASON_UNKNOWN, tuple(unknown),
                          "Mã không có trong danh mục: " + ", ".join(unknown)))
    abolished = [c for c in found if c in catalog and catalog[c].status == STATUS_ABOLISHED]
    if abolished:
        parts = []
        for c in abolished:
            ev = catalog[c].last_change(_ABOLISH_EVENTS)
            parts.append(f"{c} (bãi bỏ theo {ev.decision}, {_date_vi(ev.date)})" if ev else c)
        flags.append(Flag(p.code, p.title, p.office, REASON_ABOLISHED, tuple(abolished), "; ".join(parts)))
    amended = [(c, last_review[c]) for c in found if c in last_review]
    if not amended:
        return flags
    ref = p.revision_date or p.issued
    stale = [(c, ev) for c, ev in amended if ref is None or ref < ev.date]  # type: ignore[operator]
    if stale:
        tail = f"quy trình ghi ngày {_date_vi(ref)}" if ref else "quy trình không ghi ngày ban hành/sửa đổi"
        detail = "; ".join(f"{c} sửa đổi theo {ev.decision} ngày {_date_vi(ev.date)}" for c, ev in stale)
        flags.append(Flag(p.code, p.title, p.office, REASON_REVIEW, tuple(c for c, _ in stale),
                          f"{detail}; {tail}"))
    return flags


_TTHC_WARNINGS = {
    WARN_WITHDRAWN_ONLY: ("TTHC {c} chỉ được quy trình đã thu hồi xử lý: {codes}",
                          "TTHC {c} was covered only by withdrawn procedure(s): {codes}"),
    WARN_MULTIPLE: ("TTHC {c} có {n} quy trình hiện hành: {codes}",
                    "TTHC {c} is covered by {n} current procedures: {codes}"),
}


def tthc_warning(kind: str, c: str, ps: Sequence[ProcedureInfo]) -> CoverageWarning:
    """The warning about who covers TTHC ``c``: ``withdrawn_only_cover`` (uncovered, linked only by
    the withdrawn procedures ``ps``) or ``multiple_cover`` (linked by the current procedures ``ps``)."""
    codes = tuple(p.code for p in ps)
    vi, en = _TTHC_WARNINGS[kind]
    joined = ", ".join(codes)
    return CoverageWarning(kind, vi.format(c=c, n=len(ps), codes=joined), en.format(c=c, n=len(ps), codes=joined),
                           (c,), codes)


def _warnings(*, per_tthc: list[CoverageWarning], manual: Mapping[str, Iterable[str]],
              chosen: Mapping[str, object], tk: Callable[[str], str | None], unassigned: list[tuple[str, str]],
              internal_cited: list[tuple[str, tuple[str, ...]]], empty: bool,
              wk: Callable[[str], str]) -> list[CoverageWarning]:
    """Every warning of a report, by kind (``per_tthc``: those about one TTHC, withdrawn-only then
    multiple, made by :func:`tthc_warning`)."""
    out: list[CoverageWarning] = list(per_tthc)
    for key in sorted(set(manual) - set(chosen)):
        targets = tuple(sorted(tk(x) or x for x in manual[key]))
        out.append(CoverageWarning(
            WARN_UNKNOWN_PROCEDURE,
            f"Liên kết thủ công cho quy trình «{key}» không có trong kho",
            f"manual link for procedure '{key}', which is not in the repository", targets, (key,)))
    by_field: dict[str, list[str]] = defaultdict(list)
    for fname, c in unassigned:
        by_field[fname].append(c)
    for fname in sorted(by_field, key=wk):
        codes = tuple(by_field[fname])
        out.append(CoverageWarning(
            WARN_UNASSIGNED_FIELD,
            f"Lĩnh vực «{fname or '(trống)'}» chưa được giao cho phòng nào ({len(codes)} TTHC)",
            f"field '{fname}' is not assigned to an office ({len(codes)} TTHC)", codes))
    for code, cited in internal_cited:
        out.append(CoverageWarning(
            WARN_INTERNAL_WITH_TTHC,
            f"Quy trình nội bộ {code} lại gắn với TTHC: {', '.join(cited)}",
            f"internal procedure {code} is linked to TTHC: {', '.join(cited)}", cited, (code,)))
    if empty:
        out.append(CoverageWarning(
            WARN_EMPTY_SCOPE,
            "Không có TTHC đang hiệu lực nào trong phạm vi báo cáo (danh mục trống hoặc bộ lọc không khớp)",
            "no active TTHC in scope (empty catalog or filters match nothing)"))
    kind_order = {k: i for i, k in enumerate(WARNING_KINDS)}
    out.sort(key=lambda w: kind_order[w.kind])  # stable: each kind keeps its own order
    return out


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
        "conformity": report.conformity_counts(),
        "links": [{"procedure": l.procedure, "tthc": l.tthc, "source": l.source, "title": l.title,
                   "name": l.name} for l in report.links],
        "suggestions": [_suggestion_dict(s) for s in report.suggestions],
        "warnings": [{"kind": w.kind, "message": w.message, "message_en": w.message_en,
                      "tthc": list(w.tthc), "procedures": list(w.procedures)} for w in report.warnings],
        "internal": [{"code": i.code, "title": i.title, "office": i.office} for i in report.internal],
        "decisions": [{"decision": d.decision, "date": _date(d.date)} for d in report.decisions],
        "scope": {"catalog": report.catalog_scope[0] or None, "catalog_en": report.catalog_scope[1] or None,
                  "outside": report.outside_scope, "office": report.office, "field": report.field},
    }


def _suggestion_plain(s: Suggestion) -> tuple[object, ...]:
    return (s.procedure, s.tthc, s.score, s.title, s.name)


def _suggestions_of(plain: Iterable[tuple[Any, ...]]) -> list[Suggestion]:
    return [Suggestion(*s) for s in plain]


def report_to_plain(report: CoverageReport) -> tuple[object, ...]:
    """The report as tuples and lists of strings, numbers and dates, losslessly
    (:func:`report_from_plain` gives an equal report): what is kept beside the repository. Such
    data is pickled and read back at C speed; the report's own objects are not (five seconds
    for a report of 20,000 procedures, against a fraction of one)."""
    r = report
    return (
        r.total, r.covered, r.percent,
        [(k, t.total, t.covered, t.percent) for k, t in r.by_office.items()],
        [(k, t.total, t.covered, t.percent) for k, t in r.by_field.items()],
        [(u.code, u.name, u.field, u.office, [_suggestion_plain(s) for s in u.suggestions]) for u in r.uncovered],
        [(f.code, f.title, f.office, f.reason, f.tthc, f.detail, [_suggestion_plain(s) for s in f.suggestions])
         for f in r.flagged],
        [(l.procedure, l.tthc, l.source, l.title, l.name) for l in r.links],
        [_suggestion_plain(s) for s in r.suggestions],
        [(w.kind, w.message, w.message_en, w.tthc, w.procedures) for w in r.warnings],
        [(i.code, i.title, i.office) for i in r.internal],
        [(d.decision, d.date) for d in r.decisions],
        r.office, r.field, r.catalog_scope, r.outside_scope,
    )


def report_from_plain(plain: Sequence[Any]) -> CoverageReport:
    """The report :func:`report_to_plain` made ``plain`` of (ValueError, TypeError or IndexError
    when it is not such data)."""
    (total, covered, percent, by_office, by_field, uncovered, flagged, links, suggestions, warnings, internal,
     decisions, office, field, catalog_scope, outside_scope) = plain
    return CoverageReport(
        total=total, covered=covered, percent=percent,
        by_office={k: Tally(t, c, p) for k, t, c, p in by_office},
        by_field={k: Tally(t, c, p) for k, t, c, p in by_field},
        uncovered=[Uncovered(c, n, f, o, _suggestions_of(s)) for c, n, f, o, s in uncovered],
        flagged=[Flag(c, t, o, r, tthc, d, _suggestions_of(s)) for c, t, o, r, tthc, d, s in flagged],
        links=[Link(*link) for link in links],
        suggestions=_suggestions_of(suggestions),
        warnings=[CoverageWarning(*w) for w in warnings],
        internal=[InternalProcedure(*i) for i in internal],
        decisions=[DecisionSeen(*d) for d in decisions],
        office=office, field=field, catalog_scope=tuple(catalog_scope), outside_scope=outside_scope,  # type: ignore[arg-type]
    )


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


def not_in_catalog(codes: Iterable[str], catalog: Mapping[str, object] | None) -> list[str]:
    """The TTHC ``codes`` (any written form) the catalog does not hold (all of them without a
    catalog): a link to one of them is a typo until someone says otherwise (``link --force``)."""
    known = catalog or {}
    return [code for code in codes if (tthc_key(code) or code) not in known]


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


def _moment(text: object) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.astimezone()


def procedure_info(state: object, revision_date: dt.date | None = None,
                   reviewed: dt.datetime | None = None) -> ProcedureInfo:
    """A :class:`ProcedureInfo` from a ``doccontrol.model.ProcedureState`` (or any object with the
    same attributes). The revision date defaults to the state's effective date, else issue date;
    ``since`` is when the revision entered the repository (``ingested_at``, else ``updated_at``)
    or ``reviewed`` (its last confirmed review), the later."""
    get = lambda name, default=None: getattr(state, name, default)  # noqa: E731
    code = get("code", "")
    entered = _moment(get("ingested_at")) or _moment(get("updated_at"))
    since = max((m for m in (entered, reviewed) if m is not None), default=None)
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
        citations=tuple(get("citations", ()) or ()),
        steps=get("steps"),
        since=since,
    )


__all__ = [
    "ProcedureInfo", "Tally", "Link", "Suggestion", "Uncovered", "Flag", "CoverageWarning",
    "CatalogNames", "catalog_names", "links_of_one",
    "InternalProcedure", "DecisionSeen", "CoverageReport", "FlaggedProcedure", "compute_coverage", "coverage_ok",
    "flagged_procedures",
    "report_to_dict", "report_to_plain", "report_from_plain", "name_key", "words_key", "top_matches", "add_link", "remove_link",
    "links_to_json", "links_from_json", "procedure_info", "LinkError", "REPORT_KEYS", "REASONS",
    "REASON_VI", "REASON_EN", "SOURCES",
]
