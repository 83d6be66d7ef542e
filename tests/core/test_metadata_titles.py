"""Every real TTHC name, used as a procedure's title, is read back whole (issues 13.5, 14).

The names come from the two national exports (``../shared/data/tthc-exports/*.xlsx``) and the
TTHC records (``../shared/data/tthc-records/tthc-records.jsonl``): up to 590 characters, with
``;``, ``( )``, dates, law numbers, line breaks and label words ("mã số") inside. Each is put
into the head of a sample procedure (``doccontrol.demo.samples.spec_text``: agency header,
``QUY TRÌNH``, the title, the issuing note, the metadata in its layout, the sign-off table) and
read back, as Word text and as a PDF's text layer gives it (the title wrapped over lines, table
cells on one line separated by spaces), in capitals too, and without the issuing note (so that
the metadata or the sign-off table ends the title). Plain text, no files: a few seconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import textwrap
from pathlib import Path

import pytest

from doccontrol.core.metadata import prepare, read_metadata
from doccontrol.core.metadata_title import read_title
from doccontrol.core.model import DocProperties
from doccontrol.core.text import clean, squash_spaces
from doccontrol.demo.samples import LAYOUTS, ProcedureSpec, spec_text

NO_PROPS = DocProperties()
PLACEHOLDER = "Tiêu đề giữ chỗ của quy trình"
CODE = "QT 01 LĐTBXH"
ISSUED, EFFECTIVE = dt.date(2024, 3, 5), dt.date(2024, 3, 15)
PDF_WIDTH = 88  # characters on a line of the samples' PDF title (12 pt bold on A4)
PDF_CAPS_WIDTH = 70


@functools.lru_cache(maxsize=None)
def tthc_names(shared: Path) -> tuple[str, ...]:
    """Every TTHC name of the two exports and the records, as written there."""
    from openpyxl import load_workbook

    names: list[str] = []
    for path in sorted((shared / "data" / "tthc-exports").glob("*.xlsx")):
        workbook = load_workbook(path, read_only=True)
        rows = workbook.active.iter_rows(values_only=True)
        column = None
        for row in rows:
            if column is None:
                column = next((i for i, cell in enumerate(row) if cell == "Tên"), None)
            elif isinstance(row[column], str) and row[column].strip():
                names.append(row[column])
        workbook.close()
    records = shared / "data" / "tthc-records" / "tthc-records.jsonl"
    with records.open(encoding="utf-8") as lines:
        names.extend(json.loads(line)["ten_thu_tuc"] for line in lines if line.strip())
    return tuple(names)


@functools.lru_cache(maxsize=None)
def head(layout: str) -> str:
    """A sample procedure's text up to its first section, the title a placeholder."""
    spec = ProcedureSpec(code=CODE, title=PLACEHOLDER, office="NCC", revision=2, issued=ISSUED,
                         effective=EFFECTIVE, metadata_layout=layout)
    text = spec_text(spec)
    return text[: text.index("1. MỤC ĐÍCH")]


def as_pdf(text: str, title: str, width: int, note: bool) -> str:
    """``text`` as a PDF's text layer gives it: the title wrapped at ``width`` characters, a
    table row's cells on one line separated by spaces; without the issuing note if asked."""
    out: list[str] = []
    for line in text.split("\n"):
        if line == PLACEHOLDER:
            for paragraph in title.split("\n"):
                out.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False))
        elif note or not line.startswith("(Ban hành kèm theo"):
            out.append(line.replace(" | ", " "))
    return "\n".join(out)


def variant_text(variant: str, layout: str, name: str) -> tuple[str, str]:
    """(the text, the title expected back) of ``name`` in one variant and layout."""
    expected = squash_spaces(clean(name))
    if variant == "word":
        return head(layout).replace(PLACEHOLDER, name), expected
    if variant == "pdf":  # the note kept in two layouts, dropped in the two others
        note = layout in ("header_table", "paragraphs")
        return as_pdf(head(layout), name, PDF_WIDTH, note), expected
    return as_pdf(head(layout), name.upper(), PDF_CAPS_WIDTH, note=False), expected.upper()


VARIANTS = [(variant, layout) for variant in ("word", "pdf") for layout in LAYOUTS]
VARIANTS += [("pdf-caps", "header_table"), ("pdf-caps", "page_header")]


@pytest.mark.parametrize("variant,layout", VARIANTS, ids=[f"{v}-{lay}" for v, lay in VARIANTS])
def test_every_tthc_name_is_read_back_as_the_title(shared_dir: Path, variant: str, layout: str) -> None:
    names = tthc_names(shared_dir)
    assert len(names) > 1000 and max(len(n) for n in names) > 500
    wrong = []
    for name in names:
        text, expected = variant_text(variant, layout, name)
        title = read_title(prepare(text), NO_PROPS)
        if title != expected:
            wrong.append((expected, title))
    assert not wrong, f"{len(wrong)} of {len(names)} names read wrong, e.g. {wrong[:2]}"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_longest_names_read_with_the_rest_of_the_metadata(shared_dir: Path, layout: str) -> None:
    """The whole reader, on the longest names: title, code, revision and dates together."""
    for name in sorted(tthc_names(shared_dir), key=len)[-30:]:
        for variant in ("word", "pdf"):
            text, expected = variant_text(variant, layout, name)
            result = read_metadata(text, NO_PROPS)
            assert (result.title, result.code, result.revision, result.issued, result.effective,
                    result.problems) == (expected, CODE, 2, ISSUED, EFFECTIVE, ()), (variant, name)


@pytest.mark.slow
def test_longest_names_through_real_pdfs(shared_dir: Path, tmp_path: Path) -> None:
    """Real PDFs of the samples (fpdf2, extracted with pypdf in this process): the longest names
    in every layout, read without the document properties (the text alone)."""
    from doccontrol.demo.samples import build_pdf
    from doccontrol.extract import extract_file

    for number, name in enumerate(sorted(tthc_names(shared_dir), key=len)[-3:]):
        expected = squash_spaces(clean(name))
        for layout in LAYOUTS:
            spec = ProcedureSpec(code=CODE, title=expected, office="NCC", revision=2, issued=ISSUED,
                                 effective=EFFECTIVE, metadata_layout=layout)
            extracted = extract_file(build_pdf(spec, tmp_path / f"{number}-{layout}.pdf"), "pdf")
            result = read_metadata(extracted.text, NO_PROPS)
            assert (result.title, result.code, result.revision, result.issued, result.effective) == (
                expected, CODE, 2, ISSUED, EFFECTIVE), (layout, name)
