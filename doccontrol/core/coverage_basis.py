"""The coverage report in two steps, so that a new commit costs what it changed. Pure.

1. :func:`coverage_basis`: everything of the report that does not depend on the office or field
   asked for — each procedure's links, findings, Link rows and fuzzy suggestions (an *entry* per
   code key), the catalog's names, which TTHC are covered by whom, and the suggestions for every
   uncovered TTHC of the catalog's scope. Given the basis of an earlier computation
   (``previous``), an entry whose inputs are the same objects or equal values (the procedure,
   its manual links, its internal mark, its replaced-law detail) is taken over as it is and only
   the others are computed; the whole is computed again when anything global differs (the
   catalog, its scope, the conformity settings, the suggestion settings). The result is equal to
   the one computed without ``previous`` (``tests/core/test_coverage_basis.py`` checks it over
   random changes).
2. :func:`report_of`: the report for one office or field (or all of them) from a basis: tallies,
   the uncovered TTHC, the flags and links in scope, warnings — one pass over the basis.

``core.coverage.compute_coverage`` is step 2 after step 1; a long-running reader (the web
server) keeps the last basis and passes it as ``previous``.

The suggestions' word vocabulary and the normal forms' memo (:class:`_Memo`) are carried from one
basis to the next: they only save work (a word's number is compared for equality only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from doccontrol.core import conformity as conf
from doccontrol.core import coverage as cov
from doccontrol.core.catalog import REVIEW_EVENTS, STATUS_ABOLISHED, CatalogEvent, Tthc
from doccontrol.core.labels import natural_key

_Keyed = list[tuple[str, cov.ProcedureInfo]]


class _Memo:
    """Normal forms, word numbers and encoded names, kept from one basis to the next."""

    def __init__(self) -> None:
        self.keys = cov._Keys()
        self.tokens = cov._Tokens()
        self.encoded: dict[str, list[int]] = {}

    def encode(self, text: str) -> list[int]:
        found = self.encoded.get(text)
        if found is None:
            if len(self.encoded) > 200_000:
                self.encoded.clear()
            found = self.encoded[text] = self.tokens.encode(self.keys.name(text))
        return found


@dataclass(frozen=True)
class Settings:
    """What a basis depends on besides the procedures and their links (compared to reuse one)."""

    catalog: Mapping[str, Tthc]
    catalog_scope: cov.CatalogScopeLike | None
    conformity: conf.Settings
    suggest_threshold: float
    suggest_limit: int

    def same_as(self, other: Settings) -> bool:
        return ((self.catalog is other.catalog or self.catalog == other.catalog)
                and self.catalog_scope == other.catalog_scope and self.conformity == other.conformity
                and self.suggest_threshold == other.suggest_threshold and self.suggest_limit == other.suggest_limit)


@dataclass(frozen=True)
class Entry:
    """One procedure (the one kept for its code key) as every report reads it, and what it was
    computed from (``info``, ``manual``, ``internal``, ``replaced``)."""

    info: cov.ProcedureInfo
    manual: tuple[str, ...]  # its manual links, as given
    internal: bool
    replaced: str | None
    links: dict[str, str]  # TTHC → source (``core.coverage._links_of``)
    flags: tuple[cov.Flag, ...]  # its findings, suggestions given (current, non-internal only)
    unlinked: bool  # current, non-internal, no link to an active TTHC
    suggestions: tuple[cov.Suggestion, ...]  # the TTHC its title resembles (unlinked only)
    listed: tuple[cov.Link, ...]  # its links as the report lists them (current only)

    def made_of(self, info: cov.ProcedureInfo, manual: tuple[str, ...], internal: bool, replaced: str | None) -> bool:
        return ((self.info is info or self.info == info) and self.manual == manual and self.internal == internal
                and self.replaced == replaced)


@dataclass(frozen=True)
class CatalogPart:
    """What the basis reads of the catalog alone (with its scope)."""

    codes: list[str]
    active: list[str]
    ours: frozenset[str]  # the active TTHC in the catalog's scope
    names: cov.CatalogNames
    last_review: dict[str, CatalogEvent]
    quiet: frozenset[str]
    decisions: list[cov.DecisionSeen]
    outside_scope: int


@dataclass(frozen=True)
class CoverageBasis:
    settings: Settings
    part: CatalogPart
    entries: dict[str, Entry]  # code key → entry
    keyed: _Keyed  # (code key, procedure), in the one code order
    order_of: dict[str, int]  # display code → position in that order
    covers: dict[str, list[cov.ProcedureInfo]]  # TTHC → the current procedures linked to it
    withdrawn_covers: dict[str, list[cov.ProcedureInfo]]  # TTHC → the withdrawn ones linked to it
    tthc_warnings: dict[str, cov.CoverageWarning]  # TTHC → withdrawn-only (uncovered) or multiple (covered)
    current: _Keyed  # the current procedures, in the code order
    candidates: list[tuple[str, str]]  # (code, title) of the current, non-internal procedures
    uncovered_suggestions: dict[str, list[cov.Suggestion]]  # uncovered TTHC of the catalog's scope → suggestions
    manual_unknown: tuple[str, ...]  # code keys of manual links to no procedure of the repository
    manual: dict[str, Iterable[str]]  # code key → manual links (for the warnings)
    internal_keys: frozenset[str]
    memo: _Memo

    def __eq__(self, other: object) -> bool:  # the memo is not part of the value
        if not isinstance(other, CoverageBasis):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _COMPARED)

    __hash__ = None  # type: ignore[assignment]


_COMPARED = ("part", "entries", "keyed", "order_of", "covers", "withdrawn_covers", "tthc_warnings", "current",
             "candidates",
             "uncovered_suggestions", "manual_unknown", "internal_keys")


def _catalog_part(catalog: Mapping[str, Tthc], catalog_scope: cov.CatalogScopeLike | None, memo: _Memo) -> CatalogPart:
    codes = sorted(catalog)
    active = [c for c in codes if catalog[c].status != STATUS_ABOLISHED]
    ours = cov._ours(catalog, active, catalog_scope)
    last_review = {c: ev for c in active if (ev := catalog[c].last_change(REVIEW_EVENTS))}
    return CatalogPart(codes, active, frozenset(ours), cov._names(catalog, codes, ours, memo.keys), last_review,
                       frozenset(c for c in active if c not in last_review), cov._decisions(catalog, codes),
                       len(active) - len(ours))


def _entry(key: str, p: cov.ProcedureInfo, manual: tuple[str, ...], internal: bool, replaced: str | None,
           settings: Settings, part: CatalogPart, memo: _Memo) -> Entry:
    """One procedure's entry, its suggestions not yet made (:func:`_with_suggestions`)."""
    catalog = settings.catalog
    found = cov._links_of([(key, p)], {key: manual} if manual else {}, part.names, memo.keys)[key]
    if p.status != cov.STATUS_CURRENT:
        return Entry(p, manual, internal, replaced, found, (), False, (), ())
    listed = tuple(cov.Link(p.code, c, source, p.title, t.name if (t := catalog.get(c)) is not None else "")
                   for c, source in found.items())
    if internal:
        return Entry(p, manual, internal, replaced, found, (), False, (), listed)
    flags = cov._procedure_flags(p, found, catalog, part.last_review, part.quiet)
    if replaced is not None:
        flags.append(cov.Flag(p.code, p.title, p.office, cov.REASON_REPLACED_LAW, (), replaced))
    for finding in conf.check(found, catalog, p.steps, p.citations, p.since, settings.conformity):
        flags.append(cov.Flag(p.code, p.title, p.office, finding.reason, finding.tthc, finding.detail))
    unlinked = not any(c in catalog and catalog[c].status != STATUS_ABOLISHED for c in found)
    return Entry(p, manual, internal, replaced, found, tuple(flags), unlinked, (), listed)


def _with_suggestions(made: dict[str, Entry], settings: Settings, part: CatalogPart, memo: _Memo) -> None:
    """Give the new unlinked entries of ``made`` their suggestions (the active TTHC whose names
    resemble their titles), and their findings about a link those suggestions."""
    unlinked = [key for key, e in made.items() if e.unlinked]
    if not unlinked:
        return
    catalog = settings.catalog
    if settings.suggest_limit > 0:
        matches = cov.top_matches([memo.encode(made[k].info.title) for k in unlinked],
                                  [memo.encode(catalog[c].name) for c in part.active],
                                  settings.suggest_limit, settings.suggest_threshold)
    else:
        matches = [[] for _ in unlinked]
    for key, found in zip(unlinked, matches):
        e = made[key]
        p = e.info
        suggestions = [cov.Suggestion(p.code, part.active[j], s, p.title, catalog[part.active[j]].name)
                       for j, s in found]
        for f in e.flags:
            if f.reason in cov.LINK_REASONS:
                f.suggestions = suggestions
        made[key] = Entry(e.info, e.manual, e.internal, e.replaced, e.links, e.flags, True, tuple(suggestions),
                          e.listed)


def coverage_basis(
    catalog: Mapping[str, Tthc],
    procedures: Sequence[cov.ProcedureInfo],
    manual_links: Mapping[str, Iterable[str]],
    internal: Iterable[str],
    *,
    replaced_law: Mapping[str, str] | None = None,
    catalog_scope: cov.CatalogScopeLike | None = None,
    conformity: conf.Settings | None = None,
    suggest_threshold: float = cov.DEFAULT_SUGGEST_THRESHOLD,
    suggest_limit: int = cov.DEFAULT_SUGGEST_LIMIT,
    previous: CoverageBasis | None = None,
) -> CoverageBasis:
    """What every coverage report of these inputs shares (see the module's docstring); with
    ``previous``, computed for what differs from it only. The arguments are those of
    ``core.coverage.compute_coverage``."""
    settings = Settings(catalog, catalog_scope, conformity or conf.Settings(), suggest_threshold, suggest_limit)
    if previous is not None and previous.settings.same_as(settings):
        memo, part, old = previous.memo, previous.part, previous.entries
    else:
        memo = previous.memo if previous is not None else _Memo()
        part, old = _catalog_part(catalog, catalog_scope, memo), {}
    keys = memo.keys
    internal_keys = frozenset(keys.code(k) for k in internal)
    manual = {keys.code(k): v for k, v in manual_links.items()}
    replaced = {keys.code(k): v for k, v in (replaced_law or {}).items()}
    chosen = cov._one_per_code(procedures, keys)
    entries: dict[str, Entry] = {}
    made: dict[str, Entry] = {}
    for key, p in chosen.items():
        mine, is_internal, detail = tuple(manual.get(key, ())), key in internal_keys, replaced.get(key)
        kept = old.get(key)
        if kept is not None and kept.made_of(p, mine, is_internal, detail):
            entries[key] = kept
        else:
            made[key] = _entry(key, p, mine, is_internal, detail, settings, part, memo)
    _with_suggestions(made, settings, part, memo)
    entries.update(made)
    keyed = sorted(chosen.items(), key=lambda kv: natural_key(kv[0]))  # the one code order
    return _assemble(settings, part, entries, keyed, manual, internal_keys, memo, previous)


def _assemble(settings: Settings, part: CatalogPart, entries: dict[str, Entry], keyed: _Keyed,
              manual: dict[str, Iterable[str]], internal_keys: frozenset[str], memo: _Memo,
              previous: CoverageBasis | None) -> CoverageBasis:
    """The basis from its entries: who covers what, the candidates for suggestions and the
    suggestions for every uncovered TTHC of the catalog's scope (those of ``previous`` kept when
    the candidates and the catalog are the same)."""
    covers: dict[str, list[cov.ProcedureInfo]] = {}
    withdrawn: dict[str, list[cov.ProcedureInfo]] = {}
    candidates: list[tuple[str, str]] = []
    current: _Keyed = []
    for key, p in keyed:
        e = entries[key]
        into = covers if p.status == cov.STATUS_CURRENT else withdrawn
        for c in e.links:
            found = into.get(c)
            if found is None:
                into[c] = [p]
            else:
                found.append(p)
        if p.status == cov.STATUS_CURRENT:
            current.append((key, p))
            if not e.internal:
                candidates.append((p.code, p.title))
    uncovered = [c for c in part.active if c in part.ours and c not in covers]
    reuse = (previous is not None and previous.part is part and previous.candidates == candidates)
    kept = previous.uncovered_suggestions if reuse and previous is not None else {}
    suggestions = {c: kept[c] for c in uncovered if c in kept}
    missing = [c for c in uncovered if c not in suggestions]
    suggestions.update(_uncovered_suggestions(missing, candidates, settings, memo))
    return CoverageBasis(settings, part, entries, keyed, {p.code: i for i, (_, p) in enumerate(keyed)}, covers,
                         withdrawn, _tthc_warnings(covers, withdrawn, previous), current, candidates, suggestions, tuple(sorted(manual.keys() - entries.keys())), manual,
                         internal_keys, memo)


def _tthc_warnings(covers: dict[str, list[cov.ProcedureInfo]], withdrawn: dict[str, list[cov.ProcedureInfo]],
                   previous: CoverageBasis | None) -> dict[str, cov.CoverageWarning]:
    """TTHC → its warning about who covers it: only withdrawn procedures, or several current ones
    (those of ``previous`` kept where the same procedures cover it)."""
    old = previous.tthc_warnings if previous is not None else {}
    before = (previous.covers, previous.withdrawn_covers) if previous is not None else ({}, {})
    out: dict[str, cov.CoverageWarning] = {}
    for c, ps in covers.items():
        if len(ps) > 1:
            kept = old.get(c)
            out[c] = kept if kept is not None and before[0].get(c) == ps else cov.tthc_warning(cov.WARN_MULTIPLE, c, ps)
    for c, gone in withdrawn.items():
        if c not in covers:
            kept = old.get(c)
            same = c not in before[0] and before[1].get(c) == gone
            out[c] = kept if kept is not None and same else cov.tthc_warning(cov.WARN_WITHDRAWN_ONLY, c, gone)
    return out


def _uncovered_suggestions(codes: list[str], candidates: list[tuple[str, str]], settings: Settings, memo: _Memo
                           ) -> dict[str, list[cov.Suggestion]]:
    """TTHC code → the current procedures whose titles resemble its name."""
    catalog = settings.catalog
    if settings.suggest_limit > 0 and codes and candidates:
        matches = cov.top_matches([memo.encode(catalog[c].name) for c in codes],
                                  [memo.encode(title) for _, title in candidates],
                                  settings.suggest_limit, settings.suggest_threshold)
    else:
        matches = [[] for _ in codes]
    return {c: [cov.Suggestion(candidates[j][0], c, s, candidates[j][1], catalog[c].name) for j, s in found]
            for c, found in zip(codes, matches)}


# --- one report from a basis ----------------------------------------------------------------------


def report_of(basis: CoverageBasis, field_offices: Mapping[str, str], office: str | None = None,
              field: str | None = None, offices: Sequence[str] = ()) -> cov.CoverageReport:
    """The coverage report of ``basis`` for one office or field (None: all), the offices listed in
    the configuration's order (``offices``). One pass over the basis; see
    ``core.coverage.compute_coverage`` for what the report says."""
    keys, catalog, part = basis.memo.keys, basis.settings.catalog, basis.part
    scope = cov._Scope(keys.office(office) if office else None, keys.words(field) if field else None,
                       {keys.words(k): v for k, v in field_offices.items()}, keys, tuple(offices))
    in_scope = [c for c in part.active if c in part.ours and scope.holds_tthc(catalog[c])]
    scope_set = frozenset(in_scope)
    whole = scope.office is None and scope.field is None
    scoped = basis.current if whole else [(k, p) for k, p in basis.current if cov._procedure_in_scope(
        p, basis.entries[k].links, catalog, scope)]
    covers = {c: basis.covers[c] for c in in_scope if c in basis.covers}
    covered_codes = [c for c in in_scope if c in covers]
    uncovered_codes = [c for c in in_scope if c not in covers]
    by_office, by_field = _tallies(in_scope, catalog, covers, scope)
    uncovered = [cov.Uncovered(c, catalog[c].name, catalog[c].field, scope.tthc_office(catalog[c]),
                               list(basis.uncovered_suggestions[c])) for c in uncovered_codes]
    uncovered.sort(key=lambda u: (scope.office_rank(u.office), keys.words(u.field), natural_key(u.code)))
    flagged, by_procedure, internal, internal_cited = _of_procedures(basis, scoped)
    reason_order = {r: i for i, r in enumerate(cov.REASONS)}
    flagged.sort(key=lambda f: (scope.office_rank(f.office), basis.order_of[f.code], reason_order[f.reason]))
    tw = basis.tthc_warnings
    warnings = cov._warnings(
        per_tthc=[tw[c] for c in uncovered_codes if c in tw] + [tw[c] for c in covered_codes if c in tw],
        manual={k: basis.manual[k] for k in basis.manual_unknown}, chosen={}, tk=keys.tthc,
        unassigned=[] if scope.office is not None else [(catalog[c].field, c) for c in in_scope
                                                        if not scope.tthc_office(catalog[c])],
        internal_cited=internal_cited, empty=not in_scope, wk=keys.words,
    )
    return cov.CoverageReport(
        total=len(in_scope),
        covered=len(covered_codes),
        percent=cov._percent(len(covered_codes), len(in_scope)),
        by_office=by_office,
        by_field=by_field,
        uncovered=uncovered,
        flagged=flagged,
        links=_listed(basis, scoped, scope_set, whole),
        suggestions=_every_suggestion(by_procedure, uncovered, basis.order_of),
        warnings=warnings,
        internal=internal,
        decisions=list(part.decisions),
        office=office,
        field=field,
        catalog_scope=(basis.settings.catalog_scope.describe() if basis.settings.catalog_scope is not None
                       else ("", "")),
        outside_scope=part.outside_scope,
    )


def _of_procedures(basis: CoverageBasis, scoped: _Keyed) -> tuple[
        list[cov.Flag], list[list[cov.Suggestion]], list[cov.InternalProcedure], list[tuple[str, tuple[str, ...]]]]:
    """Of the procedures in scope, in one pass: their flags, the suggestions of the unlinked ones,
    the internal ones, and the internal ones linked to TTHC after all."""
    flagged: list[cov.Flag] = []
    by_procedure: list[list[cov.Suggestion]] = []
    internal: list[cov.InternalProcedure] = []
    internal_cited: list[tuple[str, tuple[str, ...]]] = []
    entries = basis.entries
    for k, p in scoped:
        e = entries[k]
        if e.internal:
            internal.append(cov.InternalProcedure(p.code, p.title, p.office))
            if e.links:
                internal_cited.append((p.code, tuple(e.links)))
        elif e.flags:
            flagged.extend(e.flags)
        if e.unlinked:
            by_procedure.append(list(e.suggestions))
    return flagged, by_procedure, internal, internal_cited


def _listed(basis: CoverageBasis, scoped: _Keyed, scope_set: frozenset[str], whole: bool) -> list[cov.Link]:
    """The links of current procedures where the procedure or the TTHC is in scope."""
    entries = basis.entries
    if whole:
        return [link for k, _ in basis.current for link in entries[k].listed]
    scoped_keys = {k for k, _ in scoped}
    return [link for k, _ in basis.current for link in entries[k].listed if k in scoped_keys or link.tthc in scope_set]


def _every_suggestion(by_procedure: list[list[cov.Suggestion]], uncovered: list[cov.Uncovered],
                      order_of: Mapping[str, int]) -> list[cov.Suggestion]:
    """Every suggestion once (the procedure's own first), by procedure, best score, TTHC."""
    found: dict[tuple[str, str], cov.Suggestion] = {}
    for group in [*by_procedure, *(u.suggestions for u in uncovered)]:
        for sg in group:
            found.setdefault((sg.procedure, sg.tthc), sg)
    return sorted(found.values(), key=lambda sg: (order_of[sg.procedure], -sg.score, sg.tthc))


def _tallies(in_scope: list[str], catalog: Mapping[str, Tthc], covers: Mapping[str, object], scope: cov._Scope
             ) -> tuple[dict[str, cov.Tally], dict[str, cov.Tally]]:
    """(by office, by field): how many TTHC in scope, how many covered, the percentage."""
    office_groups: dict[str, list[str]] = {}
    field_groups: dict[str, list[str]] = {}
    field_names: dict[str, str] = {}
    for c in in_scope:
        t = catalog[c]
        office_groups.setdefault(scope.tthc_office(t), []).append(c)
        fk = scope.keys.words(t.field)
        field_groups.setdefault(fk, []).append(c)
        field_names.setdefault(fk, t.field)

    def tally(codes: list[str]) -> cov.Tally:
        n = sum(1 for c in codes if c in covers)
        return cov.Tally(len(codes), n, cov._percent(n, len(codes)))

    by_office = {k: tally(office_groups[k]) for k in sorted(office_groups, key=scope.office_rank)}
    by_field = {field_names[k]: tally(v) for k, v in sorted(field_groups.items())}
    return by_office, by_field
