"""Pure helpers that turn the library's data into what the templates show. No I/O, no Flask.

The templates escape every value they print; nothing here builds HTML.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from doccontrol.core.labels import date_vi as date_vi  # re-exported for the templates
from doccontrol.core.labels import natural_key
from doccontrol.core.labels import timestamp_vi as timestamp_vi  # re-exported for the templates
from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.core.names import export_name
from doccontrol.core.text import fold_lower, nfc
from doccontrol.core.config import office_order
from doccontrol.reports.masterlist import ALL, MasterEntry, OfficeGroup
from doccontrol.search import SearchRequest

# --- search ---------------------------------------------------------------------------------------

SCOPES = (ProcedureStatus.CURRENT.value, ProcedureStatus.WITHDRAWN.value, ALL)  # the search page's status filter
PAGE = 20
MAX_LIMIT = 200
MAX_QUERY = 500  # characters kept from the query box


@dataclass(frozen=True)
class SearchForm:
    """The search page's query string, validated: what the form shows and the request it makes."""

    query: str = ""
    office: str = ""
    scope: str = ProcedureStatus.CURRENT.value
    limit: int = PAGE

    @property
    def request(self) -> SearchRequest:
        return SearchRequest(
            query=self.query,
            office=self.office or None,
            all_revisions=self.scope == "all",
            include_withdrawn=self.scope in (ProcedureStatus.WITHDRAWN, ALL),
            limit=self.limit,
        )

    def args(self, **changes: object) -> dict[str, str]:
        """The query-string arguments of this form (defaults left out), with ``changes``."""
        values = {"q": self.query, "office": self.office, "status": self.scope, "limit": str(self.limit)}
        values.update({k: str(v) for k, v in changes.items()})
        defaults = {"office": "", "status": ProcedureStatus.CURRENT.value, "limit": str(PAGE)}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}


def search_form(args: Mapping[str, str], offices: Iterable[str]) -> SearchForm:
    """Read ``q``, ``office``, ``status`` and ``limit``; unknown values fall back to the defaults."""
    query = " ".join(nfc(args.get("q", "")).split())[:MAX_QUERY]
    office = args.get("office", "")
    office = office if office in set(offices) else ""
    scope = args.get("status", ProcedureStatus.CURRENT.value)
    scope = scope if scope in SCOPES else ProcedureStatus.CURRENT.value
    try:
        limit = int(args.get("limit", PAGE))
    except ValueError:
        limit = PAGE
    return SearchForm(query=query, office=office, scope=scope, limit=min(max(limit, 1), MAX_LIMIT))


# --- diffs --------------------------------------------------------------------------------------


@dataclass
class DiffLine:
    kind: str  # "ctx" | "del" | "add"
    old: int | None  # line number in the older text
    new: int | None  # line number in the newer text
    segments: list[tuple[str, bool]]  # (text, changed) — changed words of a paired line are marked


@dataclass
class DiffHunk:
    header: str
    lines: list[DiffLine] = field(default_factory=list)


_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_TOKENS = re.compile(r"\s+|[^\s]+")


def word_segments(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """The two lines split into (text, changed) pieces, word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            left.append(("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            right.append(("".join(b[j1:j2]), tag != "equal"))
    return _merge(left), _merge(right)


def _merge(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for text, changed in pieces:
        if out and out[-1][1] == changed:
            out[-1] = (out[-1][0] + text, changed)
        else:
            out.append((text, changed))
    return out


def _pair_block(dels: list[DiffLine], adds: list[DiffLine]) -> None:
    """Mark the changed words of removed/added lines that are edits of each other (in order)."""
    for old, new in zip(dels, adds):
        a, b = old.segments[0][0], new.segments[0][0]
        if difflib.SequenceMatcher(None, a, b, autojunk=False).quick_ratio() < 0.5:
            continue
        old.segments, new.segments = word_segments(a, b)


def diff_hunks(unified: str) -> list[DiffHunk]:
    """A unified diff (as :func:`doccontrol.service.diff` returns it) as hunks of numbered lines."""
    hunks: list[DiffHunk] = []
    old_no = new_no = 0
    dels: list[DiffLine] = []
    adds: list[DiffLine] = []

    def flush() -> None:
        _pair_block(dels, adds)
        dels.clear()
        adds.clear()

    for raw in unified.splitlines():
        if raw.startswith(("--- ", "+++ ")) and not hunks:
            continue
        match = _HUNK.match(raw)
        if match:
            flush()
            old_no, new_no = int(match.group(1)), int(match.group(2))
            hunks.append(DiffHunk(header=raw))
            continue
        if not hunks or raw.startswith("\\"):
            continue
        sign, body = raw[:1], raw[1:]
        if sign == "-":
            if adds:
                flush()
            line = DiffLine("del", old_no, None, [(body, True)])
            dels.append(line)
            old_no += 1
        elif sign == "+":
            line = DiffLine("add", None, new_no, [(body, True)])
            adds.append(line)
            new_no += 1
        else:
            flush()
            line = DiffLine("ctx", old_no, new_no, [(body, False)])
            old_no += 1
            new_no += 1
        hunks[-1].lines.append(line)
    flush()
    return hunks


def diff_counts(hunks: Sequence[DiffHunk]) -> tuple[int, int]:
    """(lines removed, lines added)."""
    dels = sum(1 for h in hunks for line in h.lines if line.kind == "del")
    adds = sum(1 for h in hunks for line in h.lines if line.kind == "add")
    return dels, adds


# --- the master list ------------------------------------------------------------------------------

SORT_KEYS = ("code", "title", "revision", "issued")
LIST_STATUSES = SCOPES

class Listed(Protocol):
    """What the master-list page sorts: a :class:`~doccontrol.reports.masterlist.MasterEntry`
    (or a :class:`~doccontrol.core.model.ProcedureState`)."""

    @property
    def code_key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def revision(self) -> int: ...
    @property
    def issued(self) -> dt.date | None: ...


L = TypeVar("L", bound=Listed)


def sort_states(states: Iterable[L], key: str, descending: bool = False) -> list[L]:
    """Procedures in the order the master-list page shows them when a column is chosen (by code,
    ascending, is the master list's own order); undated ones last in either order."""
    items = list(states)
    if key == "title":
        items.sort(key=lambda s: (fold_lower(s.title), s.title, natural_key(s.code_key)), reverse=descending)
    elif key == "revision":
        items.sort(key=lambda s: (s.revision, natural_key(s.code_key)), reverse=descending)
    elif key == "issued":
        dated = sorted((s for s in items if s.issued), key=lambda s: (s.issued, natural_key(s.code_key)),
                       reverse=descending)
        return dated + sorted((s for s in items if not s.issued), key=lambda s: natural_key(s.code_key))
    else:
        items.sort(key=lambda s: natural_key(s.code_key), reverse=descending)
    return items


def group_by_office(states: Iterable[ProcedureState], offices: Sequence[str]) -> list[tuple[str, list[ProcedureState]]]:
    """(office, its procedures in the given order) in the master list's office order."""
    groups: dict[str, list[ProcedureState]] = {}
    for state in states:
        groups.setdefault(state.office, []).append(state)
    return [(office, groups[office]) for office in office_order(groups, offices)]


def list_groups(groups: Iterable[OfficeGroup], key: str, descending: bool) -> list[tuple[OfficeGroup, list[MasterEntry]]]:
    """The master list's office groups, each with its rows in the order the page was asked for
    (by code, ascending: the order they come in, ``masterlist.group_entries``)."""
    if key == "code" and not descending:
        return [(group, list(group.entries)) for group in groups]
    return [(group, sort_states(group.entries, key, descending)) for group in groups]


LIST_PAGE = 500  # rows of the master list per page: a department's whole list fits in one, a province's does not


@dataclass(frozen=True)
class ListPage:
    """One page of the master list: its office groups (each with its rows on this page and the
    number of the first, counted in its office), which page of how many."""

    groups: list[tuple[OfficeGroup, list[MasterEntry], int]]
    number: int  # 1-based
    pages: int

    @property
    def pager(self) -> list[int | None]:
        """The page numbers to link: the first, the last and those near this one (None: a gap)."""
        near = {1, self.pages, *range(max(1, self.number - 2), min(self.pages, self.number + 2) + 1)}
        out: list[int | None] = []
        for n in sorted(near):
            if out and out[-1] is not None and n > out[-1] + 1:
                out.append(None)
            out.append(n)
        return out


def list_page(groups: Sequence[tuple[OfficeGroup, list[MasterEntry]]], number: int, size: int = LIST_PAGE) -> ListPage:
    """Page ``number`` (1-based; clamped to the pages there are) of the sorted office groups."""
    total = sum(len(rows) for _, rows in groups)
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    start, end = (number - 1) * size, number * size
    shown: list[tuple[OfficeGroup, list[MasterEntry], int]] = []
    seen = 0
    for group, rows in groups:
        lo, hi = max(start - seen, 0), min(end - seen, len(rows))
        if lo < hi:
            shown.append((group, rows[lo:hi], lo))
        seen += len(rows)
    return ListPage(shown, number, pages)


COVERAGE_PAGE = 500  # rows of one part of the coverage page (uncovered TTHC, warnings, …) per page


@dataclass(frozen=True)
class PartPage:
    """One page of a part of the coverage page: its rows ``start`` to ``end`` (excluded) of ``total``."""

    number: int  # 1-based
    pages: int
    start: int
    end: int
    total: int

    @property
    def pager(self) -> list[int | None]:
        """The page numbers to link, as the master list's pager links them."""
        return ListPage([], self.number, self.pages).pager


def part_page(total: int, number: int, size: int | None = None) -> PartPage:
    """Page ``number`` (1-based; clamped to the pages there are) of a part of ``total`` rows
    (``size`` rows a page, :data:`COVERAGE_PAGE` unless told)."""
    size = size or COVERAGE_PAGE
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    return PartPage(number, pages, (number - 1) * size, min(total, number * size), total)


# --- downloads ------------------------------------------------------------------------------------

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def content_type(ext: str) -> str:
    return CONTENT_TYPES.get(ext.lower(), "application/octet-stream")


def download_name(state: ProcedureState) -> str:
    """The file name a revision downloads under: the one ``export`` writes, ``<code-slug>_r<N>.<ext>``
    (never the dropped name, which could be anything)."""
    return export_name(state.slug, state.revision, state.ext)


# --- dates (date_vi and timestamp_vi: the shared ones of core/labels) -----------------------------


def size_vi(size: int) -> str:
    """``39961`` → ``39 KB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


# --- status ---------------------------------------------------------------------------------------


def index_state(index: Mapping[str, object]) -> str:
    """``current`` | ``behind`` | ``unavailable`` as ``status`` reports the index (its one freshness
    check), or ``unknown`` when that check itself failed (``error``)."""
    state = str(index.get("state", "unknown"))
    return state if state in ("current", "behind", "unavailable") else "unknown"


def reason_summary(reason: str) -> str:
    """The line a clerk needs from a quarantine reason file: its ``Lý do:`` line, else its first line."""
    lines = [line.strip() for line in reason.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Lý do:"):
            return line.removeprefix("Lý do:").strip()
    return lines[0] if lines else ""
