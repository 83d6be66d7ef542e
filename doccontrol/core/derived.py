"""The derived state of a repository, as plain data: what the master list, ``status`` and the web's
list and status pages need of every procedure, computed from the repository at one commit.

Pure: the rows come from procedure states (:func:`row_of`), the links from the rows, the manual
links and the catalog (:func:`linked_tthc`, the master list's rule), and the whole serialises to
and from JSON (:func:`to_json`, :func:`from_json`) with a format version. Keeping it beside the
repository, and keeping it in step with the commits, is ``doccontrol.repo.derived``'s job.

Light on purpose: this module imports no other rules at start-up (the coverage rules only when
links by name are computed), so ``list`` and ``status`` load little.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

FORMAT = 1  # bump whenever what is kept, or how it is computed, changes: an older file is rebuilt
CURRENT = "current"  # ProcedureStatus values (core.model, not imported here: it is not light)
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Row:
    """One procedure as the master list and the status need it (its current revision)."""

    folder: str  # OFFICE/slug: where its files are
    code: str
    code_key: str
    title: str
    office: str
    revision: int
    status: str
    issued: str | None  # days as ISO 8601 (read as dates where shown: a province's 20,000 rows load fast)
    effective: str | None  # when the revision took effect (core.dates.effective_of)
    effective_source: str  # "document" | "ingest"
    ingested: str | None  # ngày đưa vào kho
    tthc: tuple[str, ...]  # the TTHC codes its document cites
    ocr_confidence: float | None  # its text was read from a scan by OCR, with this confidence


_ROW_FIELDS = tuple(f.name for f in fields(Row))


def day(value: str | None) -> dt.date | None:
    """A row's day as a date."""
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class DerivedState:
    """The repository at ``commit`` as the master list and the status read it."""

    commit: str
    date: dt.datetime  # the commit's date
    rows: tuple[Row, ...]  # every procedure, current and withdrawn, by folder
    links: Mapping[str, tuple[str, ...]]  # code key → the TTHC it is linked to (:func:`linked_tthc`)
    entered: Mapping[str, dt.datetime] = field(default_factory=dict)  # code key → when its revision was committed
    has_catalog: bool = False  # a TTHC catalog was imported (links then follow the coverage rules)
    format: int = FORMAT

    def counts(self) -> tuple[int, int]:
        """(current, withdrawn) procedures."""
        current = sum(1 for r in self.rows if r.status == CURRENT)
        return current, sum(1 for r in self.rows if r.status == WITHDRAWN)

    def current_offices(self) -> list[str]:
        return [r.office for r in self.rows if r.status == CURRENT]


def folder_order(folder: str) -> str:
    """The rows' order: their ``meta.json`` paths' (as ``git ls-tree`` lists them)."""
    return f"{folder}/meta.json"


def row_of(state: Any) -> Row:
    """The row of a ``core.model.ProcedureState``."""
    from doccontrol.core.dates import effective_of, ingested_day

    effective, source = effective_of(state)
    return Row(
        folder=f"{state.office}/{state.slug}", code=state.code, code_key=state.code_key, title=state.title,
        office=state.office, revision=state.revision, status=str(state.status), issued=_iso(state.issued),
        effective=_iso(effective), effective_source=source, ingested=_iso(ingested_day(state)), tthc=tuple(state.tthc),
        ocr_confidence=state.ocr_confidence if state.text_source == "ocr" else None,
    )


# --- links ------------------------------------------------------------------------------------------


def needs_catalog_names(rows: Iterable[Row], manual: Mapping[str, Iterable[str]]) -> bool:
    """Some current procedure cites no TTHC and has no manual link: it may be linked by its title."""
    return any(r.status == CURRENT and not r.tthc and not manual.get(r.code_key) for r in rows)


def linked_tthc(rows: Iterable[Row], manual: Mapping[str, Iterable[str]], catalog: Mapping[str, Any] | None,
                catalog_scope: Any = None) -> dict[str, tuple[str, ...]]:
    """Code key → the TTHC a procedure is linked to: the codes in its document, manual links and,
    with a catalog, the links the coverage check makes (``core.coverage.procedure_links``: the
    codes in their normal form, a title equal to a TTHC's name). ``catalog`` may be a catalog
    without entries when no procedure needs names (:func:`needs_catalog_names`): the normal forms
    need none."""
    chosen = list(rows)
    out: dict[str, list[str]] = {}
    for row in chosen:
        codes = list(row.tthc)
        for code in sorted(manual.get(row.code_key, ())):
            if code not in codes:
                codes.append(code)
        out[row.code_key] = codes
    if catalog is not None:
        from doccontrol.core.coverage import ProcedureInfo, procedure_links

        infos = [ProcedureInfo(code=r.code, code_key=r.code_key, title=r.title, office=r.office, revision=r.revision,
                               status=r.status, tthc=r.tthc) for r in chosen]
        for key, codes in procedure_links(catalog, infos, manual, catalog_scope).items():
            if key in out:
                out[key].extend(code for code in codes if code not in out[key])
    return {key: tuple(codes) for key, codes in out.items()}


# --- serialisation ----------------------------------------------------------------------------------


def _row_json(r: Row) -> list[object]:
    """A row as a list in :class:`Row`'s field order (checked by :func:`from_json`'s ``fields``)."""
    return [r.folder, r.code, r.code_key, r.title, r.office, r.revision, r.status, r.issued, r.effective,
            r.effective_source, r.ingested, list(r.tthc), r.ocr_confidence]


def _row_from(v: list[Any]) -> Row:
    if len(v) != len(_ROW_FIELDS):
        raise TypeError(f"a row of {len(v)} values")
    return Row(v[0], v[1], v[2], v[3], v[4], int(v[5]), v[6], v[7], v[8], v[9], v[10], tuple(v[11]), v[12])


def to_json(state: DerivedState) -> str:
    """The derived state as compact JSON (rows as lists, in :class:`Row`'s field order)."""
    return json.dumps({
        "format": state.format, "commit": state.commit, "date": state.date.isoformat(),
        "has_catalog": state.has_catalog, "fields": list(_ROW_FIELDS),
        "rows": [_row_json(r) for r in state.rows],
        "links": {k: list(v) for k, v in sorted(state.links.items())},
        "entered": {k: v.isoformat() for k, v in sorted(state.entered.items())},
    }, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str | bytes) -> DerivedState:
    """The derived state a file holds; ValueError when it is not one of this format."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("fields") != list(_ROW_FIELDS):
            raise ValueError(f"derived state of another format: {data.get('format')!r}")
        return DerivedState(
            commit=str(data["commit"]), date=dt.datetime.fromisoformat(data["date"]),
            rows=tuple(_row_from(values) for values in data["rows"]),
            links={k: tuple(v) for k, v in data["links"].items()},
            entered={k: dt.datetime.fromisoformat(v) for k, v in data["entered"].items()},
            has_catalog=bool(data["has_catalog"]), format=FORMAT,
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"unreadable derived state: {type(exc).__name__}: {exc}") from exc


# --- comparing (verify) ------------------------------------------------------------------------------


def differences(kept: DerivedState, rebuilt: DerivedState) -> list[str]:
    """What differs between a kept derived state and one rebuilt from git, one line each (English
    identifiers: the caller words them for people); empty when they agree."""
    out: list[str] = []
    if kept.commit != rebuilt.commit:
        out.append(f"commit {kept.commit[:12]} != {rebuilt.commit[:12]}")
    if kept.date != rebuilt.date or kept.has_catalog != rebuilt.has_catalog:
        out.append("commit date or catalog flag")
    mine = {r.folder: r for r in kept.rows}
    theirs = {r.folder: r for r in rebuilt.rows}
    for folder in sorted(mine.keys() | theirs.keys()):
        if mine.get(folder) != theirs.get(folder):
            out.append(f"procedure {folder}")
    for key in sorted(kept.links.keys() | rebuilt.links.keys()):
        if tuple(kept.links.get(key, ())) != tuple(rebuilt.links.get(key, ())):
            out.append(f"links of {key}")
    for key in sorted(kept.entered.keys() | rebuilt.entered.keys()):
        if kept.entered.get(key) != rebuilt.entered.get(key):
            out.append(f"history of {key}")
    return out


def with_rows(state: DerivedState, changed: Mapping[str, Row | None], entered: Mapping[str, dt.datetime],
              commit: str, date: dt.datetime, has_catalog: bool,
              recompute: Callable[[list[Row]], Mapping[str, tuple[str, ...]]]) -> DerivedState:
    """``state`` moved to ``commit``: the rows of ``changed`` folders replaced (None: gone) and the
    links of their code keys recomputed by ``recompute`` over every row with those keys (a
    withdrawn and a current procedure may share one); ``entered``: revisions committed since."""
    rows = {r.folder: r for r in state.rows}
    rows_before = rows.keys() & changed.keys()
    keys = {rows[folder].code_key for folder in rows_before}
    for folder, row in changed.items():
        if row is None:
            rows.pop(folder, None)
        else:
            rows[folder] = row
            keys.add(row.code_key)
    if all(row is not None and folder in rows_before for folder, row in changed.items()):
        ordered = tuple(rows[r.folder] for r in state.rows)  # the same folders: their order stands
    else:
        ordered = tuple(rows[k] for k in sorted(rows, key=folder_order))
    links = {key: codes for key, codes in state.links.items() if key not in keys}
    links.update(recompute([r for r in ordered if r.code_key in keys]) if keys else {})
    return replace(state, commit=commit, date=date, rows=ordered, links=links,
                   entered={**state.entered, **entered}, has_catalog=has_catalog)


def with_links(state: DerivedState, recompute: Callable[[list[Row]], Mapping[str, tuple[str, ...]]]) -> DerivedState:
    """``state`` with every link recomputed (the catalog, the manual links or the scope changed)."""
    return replace(state, links=dict(recompute(list(state.rows))))
