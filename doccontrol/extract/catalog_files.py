"""Reading a TTHC catalog file (.xlsx, .csv) into grids of cells for ``core.catalog`` (the shell).

A catalog is a few hundred rows; a file can claim (or hold) far more. Everything here is
bounded by what the file *actually* holds, never by what it claims:

- the file's size, and for a workbook the zip's entry count and declared uncompressed sizes,
  are checked before anything is parsed;
- a worksheet is streamed (openpyxl's read-only mode, its ``<dimension>`` ignored): only the
  cells present are kept, each row cut after its last value; reading stops with a refusal past
  :data:`MAX_ROWS` rows, :data:`MAX_CELLS` cells or :data:`MAX_SLOTS` row positions;
- a CSV field over 128 KB, a NUL byte or a broken quote is a refusal, not a crash;
- a formula cell is read as the value Excel saved with it; one saved without a value (written
  by a program that does not compute formulas) is reported and its row left out, never read as
  an empty name.

Refusals are :class:`~doccontrol.core.catalog.CatalogError` (Vietnamese and English).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from doccontrol.core.catalog import CatalogError, ParsedCatalog, decode_text, parse_catalog_rows

MAX_FILE_BYTES = 50 * 2**20
MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED = 200 * 2**20  # declared, summed over the workbook's zip entries
MAX_ROWS = 100_000  # per sheet, empty rows included
MAX_CELLS = 500_000  # cells holding a value, per file
MAX_SLOTS = 5_000_000  # row positions read (a row reaching column XFD costs 16,384)
MAX_MERGES = 20_000
CSV_FIELD_LIMIT = 128 * 1024

Grid = list[list[str]]


def _too_big(what_vi: str, what_en: str, name: str) -> CatalogError:
    return CatalogError(
        f"tệp {name} quá lớn để là một danh mục TTHC ({what_vi}); hãy kiểm tra lại tệp",
        f"{name} is too large to be a TTHC catalog ({what_en}): check the file",
    )


def _xlsx_value(value: object) -> str:
    """A cell value as text. A float that looks like a TTHC code keeps its six decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        if 1 <= value < 10 and round(value, 6) == value:
            return f"{value:.6f}"  # 1.00123 typed as a number is the code 1.001230
        return repr(value)
    return str(value)


@dataclass
class _Budget:
    """What has been read so far from one file, against the hard limits."""

    name: str
    cells: int = 0
    slots: int = 0

    def row(self, index: int, width: int, values: int) -> None:
        self.cells += values
        self.slots += width
        if index > MAX_ROWS:
            raise _too_big(f"hơn {MAX_ROWS:,} dòng".replace(",", "."), f"more than {MAX_ROWS:,} rows", self.name)
        if self.cells > MAX_CELLS or self.slots > MAX_SLOTS:
            raise _too_big(f"hơn {MAX_CELLS:,} ô".replace(",", "."), f"more than {MAX_CELLS:,} cells", self.name)


@dataclass
class _Sheet:
    title: str
    grid: Grid = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → formula


def _check_zip(path: Path) -> None:
    """Entry count and declared sizes, before openpyxl parses anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CatalogError(
            f"không mở được tệp Excel {path.name} (tệp .xlsx hỏng hoặc không phải .xlsx)",
            f"cannot open {path.name} as an .xlsx workbook: {exc}",
        ) from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _too_big(f"{len(infos)} phần trong tệp nén", f"{len(infos)} zip entries", path.name)
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise _too_big("nội dung giải nén quá lớn", "its uncompressed content is too large", path.name)


def _open_workbook(path: Path, data_only: bool) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, KeyError, OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CatalogError(
            f"không mở được tệp Excel {path.name} (tệp .xlsx hỏng hoặc không phải .xlsx)",
            f"cannot open {path.name} as an .xlsx workbook: {exc}",
        ) from exc


def _rows(ws: Any, budget: _Budget) -> Iterator[tuple[int, list[Any]]]:
    """(row number, the cells present) of a read-only sheet, its claimed dimension ignored."""
    ws.reset_dimensions()
    for index, row in enumerate(ws.iter_rows(), start=1):
        present = [c for c in row if getattr(c, "value", None) is not None]
        budget.row(index, len(row), len(present))
        yield index, present


def _values(ws: Any, budget: _Budget) -> Grid:
    grid: Grid = []
    for _, present in _rows(ws, budget):
        width = max((c.column for c in present), default=0)
        values = [""] * width
        for cell in present:
            values[cell.column - 1] = _xlsx_value(cell.value)
        grid.append(values)
    return grid


def _formulas(ws: Any, budget: _Budget) -> dict[tuple[int, int], str]:
    return {(index, c.column): str(c.value) for index, present in _rows(ws, budget)
            for c in present if getattr(c, "data_type", "") == "f"}


def _merged_ranges(path: Path, member: str | None, name: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of the sheet's merged ranges, streamed from its XML
    (openpyxl's read-only mode does not read them)."""
    from openpyxl.utils.cell import range_boundaries

    if member is None:
        return []
    found: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as source:
        for _, element in ElementTree.iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and element.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                found.append((int(min_row), int(min_col), int(max_row), int(max_col)))
                if len(found) > MAX_MERGES:
                    raise _too_big("quá nhiều ô gộp", "too many merged ranges", name)
            if tag in ("row", "mergeCell"):
                element.clear()
    return found


def _fill_merged(grid: Grid, ranges: list[tuple[int, int, int, int]]) -> None:
    """A range over several rows repeats its value down its first column (a field written once
    beside several TTHC); a range one row high keeps it in its first cell (a title)."""
    for min_row, min_col, max_row, _ in ranges:
        if max_row == min_row or min_row > len(grid):
            continue
        top = grid[min_row - 1][min_col - 1] if min_col <= len(grid[min_row - 1]) else ""
        for r in range(min_row, min(max_row, len(grid)) + 1):
            row = grid[r - 1]
            row.extend([""] * (min_col - len(row)))
            row[min_col - 1] = top


def read_xlsx_sheets(path: Path) -> list[_Sheet]:
    """Every worksheet as a grid of text (row 1 first, merged cells filled in) and its formulas."""
    _check_zip(path)
    budget = _Budget(path.name)
    values_wb, formulas_wb = _open_workbook(path, data_only=True), _open_workbook(path, data_only=False)
    try:
        sheets = []
        for ws, raw in zip(values_wb.worksheets, formulas_wb.worksheets):
            sheet = _Sheet(ws.title, _values(ws, budget), _formulas(raw, budget))
            _fill_merged(sheet.grid, _merged_ranges(path, getattr(ws, "_worksheet_path", None), path.name))
            sheets.append(sheet)
        return sheets
    except (KeyError, ValueError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise CatalogError(f"tệp Excel {path.name} bị hỏng", f"{path.name} is a damaged workbook: {exc}") from exc
    finally:
        values_wb.close()
        formulas_wb.close()


def _uncomputed_formulas(sheet: _Sheet) -> list[str]:
    """Rows whose formula cells carry no saved value: reported, and the rows left out."""
    problems = []
    where = f"Trang tính «{sheet.title}», " if sheet.title else ""
    for (row, column), formula in sorted(sheet.formulas.items()):
        cells = sheet.grid[row - 1] if row <= len(sheet.grid) else []
        if column <= len(cells) and cells[column - 1]:
            continue  # the value Excel saved with the formula is read
        if any(cells):
            problems.append(
                f"{where}dòng {row}: ô cột {column} là công thức chưa có giá trị tính sẵn ({formula[:60]}); "
                f"dòng bị bỏ qua — mở tệp bằng Excel, lưu lại rồi nhập lại / row {row}: the cell in column "
                f"{column} is a formula saved without its value; the row is left out — open the file in "
                "Excel, save it and import it again"
            )
        sheet.grid[row - 1] = []
    return problems


def _parse_sheets(sheets: list[_Sheet]) -> ParsedCatalog:
    merged = ParsedCatalog(rows=[], problems=[], titles=[], decisions=[])
    several = len(sheets) > 1
    for sheet in sheets:
        problems = _uncomputed_formulas(sheet)
        part = parse_catalog_rows(sheet.grid, sheet=sheet.title if several else "")
        merged.rows.extend(part.rows)
        merged.problems.extend(problems + part.problems)
        merged.titles.extend(t for t in part.titles if t not in merged.titles)
        merged.decisions.extend(d for d in part.decisions if d not in merged.decisions)
    return merged


def read_csv_rows(data: bytes, name: str = "tệp CSV") -> Grid:
    """CSV bytes → rows of strings (delimiter ``,`` ``;`` or tab sniffed), within the limits."""
    text = decode_text(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    budget = _Budget(name)
    rows: Grid = []
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        for row in reader:
            budget.row(len(rows) + 1, len(row), sum(1 for c in row if c))
            rows.append(list(row))
    except csv.Error as exc:
        raise CatalogError(
            f"không đọc được {name} ở dòng {reader.line_num}: một ô dài hơn 128 KB, có ký tự NUL hoặc "
            "dấu ngoặc kép không đóng",
            f"cannot read {name} at line {reader.line_num}: a field over 128 KB, a NUL character or an "
            f"unclosed quote ({exc})",
        ) from exc
    finally:
        csv.field_size_limit(previous)
    return rows


def parse_catalog_file(path: Path) -> ParsedCatalog:
    """Read an ``.xlsx``/``.xlsm`` or ``.csv``/``.txt``/``.tsv`` catalog file.

    Raises :class:`CatalogError` for a file that cannot be read at all or is beyond the limits;
    row-level trouble is in ``problems``. In a workbook with several non-empty sheets each is
    read and its rows are tagged with the sheet title.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise CatalogError(
            f"tệp {path.name} là Excel 97-2003 (.xls): hãy lưu lại dưới dạng .xlsx",
            f"{path.name} is an Excel 97-2003 file: save it as .xlsx",
        )
    if suffix not in {".xlsx", ".xlsm", ".csv", ".txt", ".tsv"}:
        raise CatalogError(
            f"không hỗ trợ loại tệp {suffix or '(không có đuôi)'}: dùng .xlsx hoặc .csv",
            f"unsupported file type {suffix or '(none)'}: use .xlsx or .csv",
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise CatalogError(f"không đọc được tệp {path.name}", f"cannot read {path}: {exc}") from exc
    if size > MAX_FILE_BYTES:
        raise _too_big(f"{size / 2**20:.0f} MB", f"{size / 2**20:.0f} MB", path.name)
    if suffix in {".xlsx", ".xlsm"}:
        sheets = [s for s in read_xlsx_sheets(path) if any(any(c for c in r) for r in s.grid)]
        return _parse_sheets(sheets)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"không đọc được tệp {path.name}", f"cannot read {path}: {exc}") from exc
    return parse_catalog_rows(read_csv_rows(data, path.name))
