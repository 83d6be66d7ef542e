"""Issue 16: a test that looks. Where LibreOffice and poppler are installed, every kind of
document doccontrol prints (the yearly report, the master list in .docx and .xlsx, the coverage
table in .xlsx) is converted to PDF and checked by machine: every page A4, the page count within
bounds, no word of a table cell broken across lines (the PDF's words against the source's);
PNGs of the first pages are written for a person to look at (``DOCCONTROL_LOOK_DIR``, else a
temporary folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import printed
from support.paper_builders import big_coverage, big_master_list
from support.workspace import run

from doccontrol.reports import masterlist

KINDS = {  # stem: (what it is, fewest pages, most pages, orientation of the first page)
    "bao-cao-nam": ("yearly report (.docx)", 2, 8, "portrait"),
    "danh-muc": ("master list (.docx)", 1, 2, "landscape"),
    "danh-muc-xlsx": ("master list (.xlsx)", 1, 2, "landscape"),
    "do-phu-tthc": ("coverage table (.xlsx)", 2, 12, None),
    # A department's real size: 150 procedures with long codes, a catalog of 300 TTHC.
    "danh-muc-lon": ("master list of 150 procedures (.docx)", 8, 20, "landscape"),
    "danh-muc-lon-xlsx": ("master list of 150 procedures (.xlsx)", 4, 20, "landscape"),
    "do-phu-lon": ("coverage table of 300 TTHC (.xlsx)", 6, 36, None),
}
XLSX = ("danh-muc-xlsx", "do-phu-tthc", "danh-muc-lon-xlsx", "do-phu-lon")
@pytest.fixture(scope="module")
def pdfs(story: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if printed.tools() is None:
        pytest.skip("LibreOffice (soffice) or poppler's pdftoppm/pdftotext/pdfinfo is not installed")
    if not printed.calc_installed():
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed: the workbooks cannot be printed")
    out = tmp_path_factory.mktemp("printed")
    files = printed.write_reports(story, out, run)
    big = big_master_list()
    files["danh-muc-lon"] = out / "danh-muc-lon.docx"
    files["danh-muc-lon"].write_bytes(masterlist.render_docx(big))
    files["danh-muc-lon-xlsx"] = out / "danh-muc-lon-xlsx.xlsx"
    files["danh-muc-lon-xlsx"].write_bytes(masterlist.render_xlsx(big))
    files["do-phu-lon"] = out / "do-phu-lon.xlsx"
    files["do-phu-lon"].write_bytes(big_coverage())
    assert all(f.exists() for f in files.values()), sorted(p.name for p in out.iterdir())
    printed.to_pdf(files.values(), out, out / "lo-profile")
    return out


@pytest.mark.slow  # LibreOffice
@pytest.mark.parametrize("stem", list(KINDS))
def test_every_page_is_a4_and_the_pages_are_few(pdfs: Path, stem: str) -> None:
    what, fewest, most, orientation = KINDS[stem]
    sizes = printed.page_sizes(pdfs / f"{stem}.pdf")
    assert fewest <= len(sizes) <= most, (what, len(sizes))
    assert all(printed.is_a4(s) for s in sizes), (what, sizes)
    if orientation:
        width, height = sizes[0]
        assert (width > height) == (orientation == "landscape"), (what, sizes[0])


@pytest.mark.slow  # LibreOffice
@pytest.mark.parametrize("stem", list(KINDS))
def test_no_word_of_a_table_is_broken(pdfs: Path, stem: str) -> None:
    source = pdfs / f"{stem}{'.xlsx' if stem in XLSX else '.docx'}"
    words, cells = (printed.xlsx_words if source.suffix == ".xlsx" else printed.docx_words)(source)
    assert len(cells) > 20
    assert printed.broken_words(words, cells, pdfs / f"{stem}.pdf") == []


@pytest.mark.slow  # LibreOffice
def test_first_pages_as_pictures_for_a_person(pdfs: Path, tmp_path: Path) -> None:
    target = Path(os.environ.get("DOCCONTROL_LOOK_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    for stem in KINDS:
        (png,) = printed.first_pages_png(pdfs / f"{stem}.pdf", target, stem)
        assert png.stat().st_size > 5_000, png  # a page with something on it
