"""The master list (danh mục tài liệu): the controlled procedures by office, ready to print and post.

:func:`build_master_list` is pure (a :class:`~doccontrol.repo.snapshot.Snapshot` and the
configuration in, a :class:`MasterList` out); the writers turn it into text, json, csv, xlsx,
html or docx (``str`` or ``bytes``, no I/O). Every format says which agency the list belongs to,
when it was produced, the moment it reflects (``--as-of``) and the repository commit it was read
from, so a posted list can be traced and reproduced.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from doccontrol.core.config import Config
from doccontrol.core.dates import effective_of, in_zone, ingested_day
from doccontrol.core.derived import day
from doccontrol.core.labels import date_vi, datetime_vi, effective_vi, natural_key, ocr_mark, status_vi
from doccontrol.core.model import EFFECTIVE_DOCUMENT, ProcedureStatus

if TYPE_CHECKING:
    from doccontrol.core.model import ProcedureState
    from doccontrol.core.derived import DerivedState, Row
    from doccontrol.repo.snapshot import Snapshot

FORMATS = ("text", "json", "csv", "xlsx", "html", "docx")
BINARY_FORMATS = frozenset({"xlsx", "docx"})
TITLE_VI = "DANH MỤC TÀI LIỆU HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG"
SUBTITLE_VI = "Các quy trình ISO đang áp dụng (TCVN ISO 9001:2015)"
TITLE_EN = "Master list of controlled procedures"
ALL = "all"  # the list of current and withdrawn procedures together
EFFECTIVE_NOTE = ("theo văn bản (ngày hiệu lực, nếu không có thì ngày ban hành); văn bản không ghi ngày thì lấy "
                  "ngày đưa vào kho, có ghi chú / as the document states it, else the day it was loaded (marked)")
STATUSES = (ProcedureStatus.CURRENT.value, ProcedureStatus.WITHDRAWN.value, ALL)
STATUS_TITLE_VI = {ProcedureStatus.CURRENT.value: "đang áp dụng", ProcedureStatus.WITHDRAWN.value: "đã bãi bỏ",
                   ALL: "hiện hành và đã bãi bỏ"}
HEADINGS = ["TT", "Mã hiệu (code)", "Tên quy trình (title)", "Lần BH (rev.)", "Ngày hiệu lực (effective)",
            "Mã TTHC (linked TTHC)"]


# The list's records are named tuples, not dataclasses: read-only values with nothing a dataclass
# adds, and a frozen dataclass costs milliseconds to create at import, in every `list`.
class MasterEntry(NamedTuple):
    code: str
    code_key: str
    title: str
    office: str
    revision: int
    issued: dt.date | None
    effective: dt.date | None  # when the revision took effect (the document's date, else the day it was loaded)
    status: str
    tthc: tuple[str, ...]
    effective_source: str = EFFECTIVE_DOCUMENT  # where ``effective`` comes from: "document" | "ingest"
    ingested: dt.date | None = None  # ngày đưa vào kho
    ocr_confidence: float | None = None  # the text was read from a scan by OCR, with this confidence


class OfficeGroup(NamedTuple):
    office: str
    name: str
    entries: tuple[MasterEntry, ...]


class MasterList(NamedTuple):
    agency: str
    parent_agency: str
    generated: dt.datetime
    as_of: dt.datetime | None  # None: the repository as it is now
    commit: str | None
    commit_date: dt.datetime | None
    status: str  # a ProcedureStatus value or ALL
    groups: tuple[OfficeGroup, ...]

    @property
    def total(self) -> int:
        return sum(len(g.entries) for g in self.groups)


def linked_tthc(snapshot: Snapshot, field_offices: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """Code key → the TTHC a procedure is linked to: the codes in its document, manual links and,
    with a catalog, a title equal to a TTHC's name (as the coverage check links them; one rule,
    ``core.derived.linked_tthc``, which the repository's derived state keeps). ``field_offices``
    is not needed (links do not depend on offices); kept for the callers that pass it."""
    from doccontrol.core import derived

    rows = [derived.row_of(s) for s in snapshot.states]
    return derived.linked_tthc(rows, snapshot.links, snapshot.catalog, snapshot.scope)


def select_states(states: Iterable[ProcedureState], office: str | None = None,
                  status: str = ProcedureStatus.CURRENT) -> list[ProcedureState]:
    """The procedures a list shows: one office's (or every office's), current, withdrawn or ALL."""
    return [s for s in states if (office is None or s.office == office) and (status == ALL or s.status == status)]


def master_entry(state: ProcedureState, tthc: tuple[str, ...] | None = None) -> MasterEntry:
    """One row of the list; ``tthc``: the TTHC it is linked to (default: the codes in its document)."""
    effective, source = effective_of(state)
    return MasterEntry(state.code, state.code_key, state.title, state.office, state.revision, state.issued,
                       effective, state.status, state.tthc if tthc is None else tthc, source, ingested_day(state),
                       state.ocr_confidence if state.text_source == "ocr" else None)


def entry_of_row(row: Row, tthc: tuple[str, ...] | None = None) -> MasterEntry:
    """One row of the list from the repository's derived state (``core.derived.Row``): the same
    entry :func:`master_entry` makes of the procedure's state."""
    return MasterEntry(row.code, row.code_key, row.title, row.office, row.revision, day(row.issued),
                       day(row.effective), row.status, row.tthc if tthc is None else tthc, row.effective_source,
                       day(row.ingested), row.ocr_confidence)


def group_entries(entries: Iterable[MasterEntry], config: Config) -> tuple[OfficeGroup, ...]:
    """The entries by office in the one order: offices in the configuration's order (others after,
    by code), procedures by code (numbers in numeric order)."""
    by_office: dict[str, list[MasterEntry]] = {}
    for entry in entries:  # one pass: a province's 20,000 entries are grouped at every commit the web follows
        by_office.setdefault(entry.office, []).append(entry)
    groups = []
    for code in config.office_order(by_office):
        entries_of = sorted(by_office[code], key=lambda e: natural_key(e.code_key))
        groups.append(OfficeGroup(code, config.office_name(code), tuple(entries_of)))
    return tuple(groups)


def master_groups(
    states: Iterable[ProcedureState],
    config: Config,
    office: str | None = None,
    status: str = ProcedureStatus.CURRENT,
    links: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[OfficeGroup, ...]:
    """The rows of the master list and their order, for every face (:func:`group_entries`).

    ``links``: code key → linked TTHC (:func:`linked_tthc`); without it, the codes in each document.
    """
    found = links or {}
    return group_entries((master_entry(s, found.get(s.code_key)) for s in select_states(states, office, status)),
                         config)


def row_groups(rows: Iterable[Row], config: Config, office: str | None = None, status: str = ProcedureStatus.CURRENT,
               links: Mapping[str, tuple[str, ...]] | None = None) -> tuple[OfficeGroup, ...]:
    """:func:`master_groups` over the rows of the repository's derived state (their entries made
    once per row by this process: :data:`ENTRIES`)."""
    return group_entries(select_states(ENTRIES.entries(rows, links or {}), office, status),  # type: ignore[arg-type]
                         config)  # an entry has the office and status a selection reads


class EntryMemo:
    """The entries a long-running reader (the web server) made of the derived state's rows, kept by
    the rows' identity: the derived state brought to a new commit keeps the row objects of the
    procedures the commit did not change (``core.derived.with_rows``), so a master list after a
    commit makes only the changed rows' entries again. An entry is reused only for the very row
    object it was made of, with the same links: never a stale one."""

    def __init__(self, max_entries: int = 50_000) -> None:
        self._lock = threading.Lock()
        self._made: dict[int, tuple[Row, tuple[str, ...] | None, MasterEntry]] = {}  # id(row) → (row, links, entry)
        self._max = max_entries

    def entries(self, rows: Iterable[Row], links: Mapping[str, tuple[str, ...]]) -> list[MasterEntry]:
        """:func:`entry_of_row` of each row, in order, with its links (``links``: code key → TTHC)."""
        with self._lock:
            known = self._made
        made: dict[int, tuple[Row, tuple[str, ...] | None, MasterEntry]] = {}
        out = []
        for row in rows:
            tthc = links.get(row.code_key)
            kept = known.get(id(row))
            if kept is None or kept[0] is not row or kept[1] != tthc:  # the row holds its id: never reused
                kept = (row, tthc, entry_of_row(row, tthc))
            made[id(row)] = kept
            out.append(kept[2])
        with self._lock:
            merged = {**self._made, **made}
            # rows no longer asked for go once there are too many: those asked last stay
            self._made = merged if len(merged) <= max(self._max, 2 * len(made)) else made
        return out


ENTRIES = EntryMemo()  # the process's (the web server's threads share it)


def master_list_of_rows(state: DerivedState, config: Config, generated: dt.datetime, office: str | None = None,
                        status: str = ProcedureStatus.CURRENT, zone: dt.tzinfo | None = None) -> MasterList:
    """The master list of the repository now, from its derived state (the same list
    :func:`build_master_list` makes of a snapshot at HEAD, without reading every procedure)."""
    return MasterList(
        agency=config.agency, parent_agency=config.parent_agency, generated=in_zone(generated, zone), as_of=None,
        commit=state.commit, commit_date=in_zone(state.date, zone), status=status,
        groups=row_groups(state.rows, config, office, status, state.links),
    )


def build_master_list(
    snapshot: Snapshot,
    config: Config,
    generated: dt.datetime,
    as_of: dt.datetime | None = None,
    office: str | None = None,
    status: str = ProcedureStatus.CURRENT,
    zone: dt.tzinfo | None = None,
) -> MasterList:
    """The master list of ``snapshot``, with the TTHC each procedure is linked to (see
    :func:`master_groups` for the rows and their order); its moments in ``zone`` (the
    workspace's time zone) when given."""
    links = linked_tthc(snapshot, config.field_offices)
    return MasterList(
        agency=config.agency,
        parent_agency=config.parent_agency,
        generated=in_zone(generated, zone),
        as_of=as_of,  # the end of a day: shown as it is (23:59)
        commit=snapshot.commit,
        commit_date=in_zone(snapshot.date, zone) if snapshot.date else None,
        status=status,
        groups=master_groups(snapshot.states, config, office, status, links),
    )


# --------------------------------------------------------------------------------------------
# Shared formatting


def office_title(group: OfficeGroup) -> str:
    return f"{group.name} ({group.office})" if group.name and group.name != group.office else group.office


SHORT_COMMIT = 12  # characters of a commit id on paper: enough to find it (git accepts it), short to read


def _iso_minute(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""


def header_lines(ml: MasterList, printed: bool = False, iso: bool = False) -> list[tuple[str, str]]:
    """What the list is: agency, status, moment, commit... ``printed`` (docx, xlsx, html): the
    commit id shortened to :data:`SHORT_COMMIT` characters (the text, CSV and JSON keep it whole);
    ``iso`` (the CSV): moments as ISO 8601 with their offset."""
    commit = (ml.commit or "")[:SHORT_COMMIT] if printed else ml.commit
    when = _iso_minute if iso else datetime_vi
    return [
        ("Cơ quan (agency)", ml.agency),
        ("Tình trạng (status)", STATUS_TITLE_VI.get(ml.status, ml.status)),
        ("Tại thời điểm (as of)", when(ml.as_of) if ml.as_of else "hiện tại (now)"),
        ("Ngày lập (produced)", when(ml.generated)),
        ("Phiên bản kho (repository commit)",
         f"{commit} ({when(ml.commit_date)})" if ml.commit else "(kho trống / empty repository)"),
        ("Tổng số quy trình (procedures)", str(ml.total)),
        ("Ngày hiệu lực (effective)", EFFECTIVE_NOTE),
    ]


def row_values(index: int, entry: MasterEntry, with_status: bool, iso: bool = False) -> list[str]:
    """One row; ``iso``: the effective date as ISO 8601 (``2024-03-11``, the CSV's: see
    ``core.cells``), else as people write it (``11/03/2024``)."""
    mark = ocr_mark(entry.ocr_confidence)
    title = f"{entry.title} [{mark[0]} / {mark[1]}]" if mark else entry.title
    effective = effective_vi(entry.effective, entry.effective_source)
    if iso and entry.effective:
        effective = effective.replace(date_vi(entry.effective), entry.effective.isoformat(), 1)
    values = [str(index), entry.code, title, str(entry.revision), effective, ", ".join(entry.tthc)]
    if with_status:
        values.append(status_vi(entry.status))
    return values


def shows_status(ml: MasterList) -> bool:
    """A list of current procedures only needs no status column."""
    return ml.status != ProcedureStatus.CURRENT


def headings(ml: MasterList) -> list[str]:
    """The column headings of every layout of ``ml``."""
    return HEADINGS + (["Trạng thái (status)"] if shows_status(ml) else [])


def rows(group: OfficeGroup, ml: MasterList, iso: bool = False) -> list[list[str]]:
    """The rows of one office's table, numbered from 1, in every layout of ``ml`` (``iso``: the CSV's dates)."""
    return [row_values(i, e, shows_status(ml), iso) for i, e in enumerate(group.entries, start=1)]


def group_title(group: OfficeGroup) -> str:
    """``Phòng Người có công (NCC): 1 quy trình``."""
    return f"{office_title(group)}: {len(group.entries)} quy trình"


# --------------------------------------------------------------------------------------------
# text


def _text_table(headings: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    import textwrap  # for the printable text only

    wrapped = [[textwrap.wrap(" ".join(c.split()), w) or [""] for c, w in zip(row, widths)]
               for row in [headings, *rows]]
    real = [max(len(line) for row in wrapped for line in row[i]) for i in range(len(headings))]
    sep = "+" + "+".join("-" * (w + 2) for w in real) + "+"
    out = [sep]
    for n, row in enumerate(wrapped):
        for k in range(max(len(c) for c in row)):
            out.append("| " + " | ".join((c[k] if k < len(c) else "").ljust(w) for c, w in zip(row, real)) + " |")
        if n == 0:
            out.append(sep.replace("-", "="))
    out.append(sep)
    return out


def render_text(ml: MasterList) -> str:
    lines = [ml.agency.upper(), "", TITLE_VI, f"{SUBTITLE_VI} / {TITLE_EN}", ""]
    lines += [f"{label}: {value}" for label, value in header_lines(ml)]
    widths = [4, 18, 50, 6, 14, 24, 10]
    for group in ml.groups:
        lines += ["", group_title(group)]
        lines += _text_table(headings(ml), rows(group, ml), widths[: len(headings(ml))])
    if not ml.groups:
        lines += ["", "(Không có quy trình nào / no procedures)"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# json


def to_dict(ml: MasterList) -> dict[str, object]:
    return {
        "title": TITLE_VI,
        "agency": ml.agency,
        "parent_agency": ml.parent_agency,
        "status": ml.status,
        "as_of": ml.as_of.isoformat(timespec="seconds") if ml.as_of else None,
        "generated": ml.generated.isoformat(timespec="seconds"),
        "commit": ml.commit,
        "commit_date": ml.commit_date.isoformat(timespec="seconds") if ml.commit_date else None,
        "total": ml.total,
        "offices": [
            {
                "office": g.office,
                "name": g.name,
                "count": len(g.entries),
                "procedures": [
                    {"code": e.code, "title": e.title, "revision": e.revision,
                     "issued": e.issued.isoformat() if e.issued else None,
                     "effective": e.effective.isoformat() if e.effective else None,
                     "effective_source": e.effective_source,
                     "ingested": e.ingested.isoformat() if e.ingested else None,
                     "status": e.status, "tthc": list(e.tthc),
                     **({"ocr_confidence": e.ocr_confidence} if e.ocr_confidence is not None else {})}
                    for e in g.entries
                ],
            }
            for g in ml.groups
        ],
    }


def render_json(ml: MasterList) -> str:
    return json.dumps(to_dict(ml), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# csv


def render_csv(ml: MasterList) -> bytes:
    """A few lines saying what the list is, a blank line, then one row per procedure.
    UTF-8 with a BOM (Excel reads the Vietnamese), CRLF; dates ISO 8601, codes a spreadsheet
    would misread kept as text (``core.cells.csv_cell``)."""
    from doccontrol.reports import sheets  # the writers' helpers: not for the terminal's list

    buf = io.StringIO(newline="")
    w = sheets.CsvRows(buf)
    w.writerow([TITLE_VI])
    for label, value in header_lines(ml, iso=True):
        w.writerow([label, value])
    w.writerow([])
    w.writerow(["Phòng (office)", "Tên phòng (office name)", *headings(ml)])
    for group in ml.groups:
        for row in rows(group, ml, iso=True):
            w.writerow([group.office, group.name, *row])
    return buf.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------------------------
# xlsx


class _XlsxStyle(NamedTuple):
    """The fonts, borders and alignments of the printed sheet (Times New Roman 12, thin boxes)."""

    bold: Any
    plain: Any
    title: Any
    wrap: Any
    centred: Any
    fill: Any
    box: Any


def _xlsx_style() -> _XlsxStyle:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="666666")
    return _XlsxStyle(
        bold=Font(name="Times New Roman", bold=True, size=12),
        plain=Font(name="Times New Roman", size=12),
        title=Font(name="Times New Roman", bold=True, size=14),
        wrap=Alignment(wrap_text=True, vertical="top"),
        centred=Alignment(wrap_text=True, horizontal="center", vertical="center"),
        fill=PatternFill("solid", fgColor="DDEBF7"),
        box=Border(left=thin, right=thin, top=thin, bottom=thin),
    )


XLSX_SIZE = 12  # Times New Roman, points: the sheet's text (the title: 14)


def _xlsx_title_block(ws: Any, ml: MasterList, style: _XlsxStyle, last: str) -> None:
    """The agency, the list's title across the page (its row tall enough for the tone marks
    above the capitals), then what the list reflects."""
    from openpyxl.styles import Alignment

    from doccontrol.reports import layout, sheets

    sheets.append(ws, [ml.agency.upper()])
    ws["A1"].font = style.bold
    sheets.append(ws, [TITLE_VI])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].font = style.title
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[2].height = layout.row_height_pt([TITLE_VI], [sheets.LANDSCAPE_TEXT_MM], 14, bold=True)
    for label, value in header_lines(ml, printed=True):
        line = f"{label}: {value}"
        sheets.append(ws, [layout.cell_text(line, sheets.LANDSCAPE_TEXT_MM, XLSX_SIZE)])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        ws.cell(ws.max_row, 1).font = style.plain
        ws.cell(ws.max_row, 1).alignment = style.wrap
        ws.row_dimensions[ws.max_row].height = layout.row_height_pt([line], [sheets.LANDSCAPE_TEXT_MM], XLSX_SIZE)
    sheets.append(ws, [])


def _xlsx_heading_row(ws: Any, columns: list[str], style: _XlsxStyle, widths: list[float]) -> int:
    """The column headings (repeated on every printed page), their row as tall as their
    wrapped words (``widths`` in mm); returns their row number."""
    from doccontrol.reports import layout, sheets

    sheets.append(ws, [layout.cell_text(c, w, XLSX_SIZE, bold=True) for c, w in zip(columns, widths)])
    head_row: int = ws.max_row
    ws.row_dimensions[head_row].height = layout.row_height_pt(columns, widths, XLSX_SIZE, bold=True)
    for j in range(1, len(columns) + 1):
        cell = ws.cell(head_row, j)
        cell.font = style.bold
        cell.alignment = style.centred
        cell.fill = style.fill
        cell.border = style.box
    return head_row


def _xlsx_groups(ws: Any, ml: MasterList, style: _XlsxStyle, widths: list[float], last: str) -> None:
    """Each office's title across the page, then its rows (numbers as numbers), boxed, each
    row as tall as its most wrapped cell (``widths`` in mm)."""
    from doccontrol.reports import layout, sheets

    width = len(widths)
    for group in ml.groups:
        sheets.append(ws, [group_title(group)])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        ws.cell(ws.max_row, 1).font = style.bold
        for row in rows(group, ml):
            texts = [layout.cell_text(v, w, XLSX_SIZE) for v, w in zip(row, widths)]
            sheets.append(ws, [int(row[0]), texts[1], texts[2], int(row[3]), *texts[4:]])
            ws.row_dimensions[ws.max_row].height = layout.row_height_pt(row, widths, XLSX_SIZE)
            for j in range(1, width + 1):
                cell = ws.cell(ws.max_row, j)
                cell.font = style.plain
                cell.alignment = style.wrap
                cell.border = style.box


def render_xlsx(ml: MasterList) -> bytes:
    """One sheet, landscape A4, fitted to the page width, headings repeated on every page."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from doccontrol.reports import layout, sheets

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    columns = headings(ml)
    every_row = [r for g in ml.groups for r in rows(g, ml)]
    widths = layout.sheet_widths(columns, every_row, sheets.LANDSCAPE_TEXT_MM, XLSX_SIZE)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = layout.excel_width(width)
    style = _xlsx_style()
    last = get_column_letter(len(columns))
    _xlsx_title_block(ws, ml, style, last)
    head_row = _xlsx_heading_row(ws, columns, style, widths)
    _xlsx_groups(ws, ml, style, widths, last)
    sheets.a4_page_setup(ws, head_row)
    wb.properties.title = TITLE_VI
    wb.properties.creator = "doccontrol"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# html

_CSS = """
@page{size:A4 landscape;margin:15mm 15mm 15mm 20mm}
body{font-family:"Times New Roman",Times,serif;font-size:13pt;margin:1.5em;color:#000}
.agency{font-weight:bold;text-transform:uppercase}
h1{font-size:15pt;text-align:center;margin:.6em 0 0}
p.sub{text-align:center;font-style:italic;margin:.2em 0 1em}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:11pt}
dt{font-weight:bold}
h2{font-size:13pt;margin:1.2em 0 .3em}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #444;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#e8eef7}
td.n{text-align:center;white-space:nowrap}
@media print{body{margin:0}thead{display:table-header-group}tr{page-break-inside:avoid}}
"""


def render_html(ml: MasterList) -> str:
    """A standalone printable page: inline CSS, no scripts, every value escaped."""
    from html import escape  # not at start-up: only this writer escapes

    def _e(value: object) -> str:
        return escape(str(value), quote=True)

    body = [f'<p class="agency">{_e(ml.agency)}</p>', f"<h1>{_e(TITLE_VI)}</h1>",
            f'<p class="sub">{_e(SUBTITLE_VI)} / {_e(TITLE_EN)}</p>', "<dl>"]
    body += [f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in header_lines(ml, printed=True)]
    body.append("</dl>")
    numeric = {0, 3, 4}
    for group in ml.groups:
        body.append(f"<h2>{_e(office_title(group))}: {len(group.entries)} quy trình</h2>")
        body.append("<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headings(ml))
                    + "</tr></thead><tbody>")
        for row in rows(group, ml):
            body.append("<tr>" + "".join(f'<td class="n">{_e(v)}</td>' if j in numeric else f"<td>{_e(v)}</td>"
                                         for j, v in enumerate(row)) + "</tr>")
        body.append("</tbody></table>")
    if not ml.groups:
        body.append("<p>(Không có quy trình nào / no procedures)</p>")
    return ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f"<title>{_e(TITLE_VI)}</title><style>{_CSS}</style></head><body>\n" + "\n".join(body)
            + "\n</body></html>\n")


# --------------------------------------------------------------------------------------------
# docx


def render_docx(ml: MasterList) -> bytes:
    """A landscape A4 document in the decree's fonts and margins: the agency at the top left, the
    Quốc hiệu at the top right, the title, what the list reflects, a table per office."""
    from doccontrol.reports import nd30

    doc = nd30.new_document(landscape=True)
    left, right = nd30.two_columns(doc, 0.40)
    p = left.paragraphs[0]
    nd30._center(p)
    if ml.parent_agency:
        nd30.run(p, ml.parent_agency.upper(), nd30.SIZE_AGENCY)
        p = nd30._center(left.add_paragraph())
    nd30.run(p, ml.agency.upper(), nd30.SIZE_AGENCY, bold=True, underline=True)
    q = nd30._center(right.paragraphs[0])
    nd30.run(q, nd30.QUOC_HIEU, nd30.SIZE_QUOC_HIEU, bold=True)
    q = nd30._center(right.add_paragraph())
    nd30.run(q, nd30.TIEU_NGU, nd30.SIZE_TIEU_NGU, bold=True, underline=True)
    nd30.title_block(doc, TITLE_VI, [SUBTITLE_VI])
    for label, value in header_lines(ml, printed=True):
        para = doc.add_paragraph()
        nd30.run(para, f"{label}: ", 12, bold=True)
        nd30.run(para, value, 12)
    shares = [0.5, 1.6, 5.0, 0.7, 1.1, 2.0, 1.0][: len(headings(ml))]
    every_row = [row for group in ml.groups for row in rows(group, ml)]  # the offices' tables line up
    for group in ml.groups:
        para = doc.add_paragraph()
        para.paragraph_format.space_before = nd30._pt(8)
        nd30.run(para, group_title(group), 13, bold=True)
        nd30.data_table(doc, headings(ml), rows(group, ml), shares, numeric=(0, 3, 4), sized_by=every_row)
    if not ml.groups:
        nd30.body_paragraph(doc, "(Không có quy trình nào / no procedures)")
    nd30.page_numbers(doc)
    doc.core_properties.title = TITLE_VI
    doc.core_properties.author = "doccontrol"
    doc.core_properties.language = "vi-VN"
    return nd30.to_bytes(doc)


_WRITERS: dict[str, Callable[[MasterList], str | bytes]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "xlsx": render_xlsx,
    "html": render_html,
    "docx": render_docx,
}


def render(ml: MasterList, fmt: str) -> str | bytes:
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return writer(ml)


def format_for(path: str, default: str = "text") -> str:
    """The format a file name asks for (``danh-muc.xlsx`` → ``xlsx``), else ``default``."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    aliases: Mapping[str, str] = {"txt": "text", "htm": "html", "md": "text"}
    suffix = aliases.get(suffix, suffix)
    return suffix if suffix in FORMATS else default


__all__: Sequence[str] = ["ALL", "FORMATS", "STATUSES", "MasterList", "MasterEntry", "OfficeGroup", "build_master_list",
                          "format_for", "group_title", "headings", "linked_tthc", "master_groups", "natural_key",
                          "render", "rows", "select_states", "to_dict"]
