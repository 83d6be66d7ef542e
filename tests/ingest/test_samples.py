"""The sample-document builder (doccontrol.samples): realistic content, every metadata layout
read back by doccontrol.metadata from real .docx and .pdf files, deterministic output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
import unicodedata
from pathlib import Path

import pytest

from doccontrol.core.citations import citation_refs
from doccontrol.core.metadata import read_metadata, tthc_key
from doccontrol.core.model import DocProperties, Metadata
from doccontrol.core.steps import StepTable
from doccontrol.demo.samples import (
    LAYOUTS,
    ProcedureSpec,
    build_docx,
    build_file,
    build_pdf,
    demo_specs,
    generated_specs,
    sample_filename,
    spec_steps,
    spec_text,
)
from doccontrol.core.text import code_key

D = dt.date


# ------------------------------------------------------------------------------------------
# Text extraction: the project's extractor when it is there, else python-docx / pypdf directly.


def _docx_text(path: Path) -> tuple[str, DocProperties]:
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    lines: list[str] = []

    def blocks(container) -> None:  # type: ignore[no-untyped-def]
        for item in container.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    cells, seen = [], set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        cells.append(" ".join(p.text for p in cell.paragraphs))
                    lines.append(" | ".join(cells))
            else:
                lines.append(item.text)

    for section in document.sections:
        blocks(section.header)
    blocks(document)
    for section in document.sections:
        blocks(section.footer)
    props = document.core_properties
    return "\n".join(lines), DocProperties(props.title or "", props.subject or "", props.author or "")


def _pdf_text(path: Path) -> tuple[str, DocProperties]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    info = reader.metadata or {}
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return unicodedata.normalize("NFC", text), DocProperties(title=str(info.get("/Title", "") or ""))


def extract(path: Path) -> tuple[str, DocProperties]:
    kind = path.suffix.lstrip(".")
    try:
        from doccontrol.extract import extract_file
    except ImportError:
        extract_file = None
    if extract_file is not None:
        extracted = extract_file(path, kind)
        return extracted.text, extracted.properties
    return (_docx_text if kind == "docx" else _pdf_text)(path)


def expected_metadata(spec: ProcedureSpec) -> Metadata:
    return Metadata(
        code=spec.code, code_key=code_key(spec.code), title=spec.title, revision=spec.revision,
        revision_stated=True, issued=spec.issued, effective=spec.effective, tthc=spec.tthc,
        citations=citation_refs(spec_text(spec)),  # the legal documents the sample cites, read from its source text
    )


def read_back(text: str, props: DocProperties, spec: ProcedureSpec) -> Metadata:
    """What the metadata reader finds, its steps checked against the spec's (every step, its time
    as written: from a Word table's cells, or from the lines a PDF's table comes as), then left
    out for the comparison with :func:`expected_metadata`."""
    found = read_metadata(text, props)
    assert [s.time for s in found.steps.steps] == [s.duration for s in spec_steps(spec)], spec.code
    return dataclasses.replace(found, steps=StepTable())


# ------------------------------------------------------------------------------------------
# Round trips through real files, every layout, both formats


LONG_TITLE = ("Cấp giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập thuộc "
              "thẩm quyền của Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn")


def layout_spec(layout: str) -> ProcedureSpec:
    return ProcedureSpec(
        code="QT-LĐVL-07", title=LONG_TITLE, office="LDVL", revision=4, issued=D(2024, 3, 5),
        effective=D(2024, 4, 1), tthc=("1.001776", "2.000286"), field="Bảo trợ xã hội",
        metadata_layout=layout,
        # enough text for a second page, so the page header shows up more than once
        body_paragraphs=tuple(
            f"Đoạn hướng dẫn số {i}: công chức tiếp nhận có trách nhiệm kiểm tra tính đầy đủ, "
            f"hợp lệ của thành phần hồ sơ và cập nhật tình trạng giải quyết trên Hệ thống thông "
            f"tin giải quyết thủ tục hành chính của tỉnh theo đúng thời hạn quy định."
            for i in range(1, 25)
        ),
    )


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_round_trip(tmp_path: Path, layout: str, kind: str) -> None:
    spec = layout_spec(layout)
    path = build_file(spec, tmp_path / f"doc.{kind}")
    text, props = extract(path)
    assert read_back(text, props, spec) == expected_metadata(spec)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_round_trip_without_dates_and_tthc(tmp_path: Path, kind: str) -> None:
    spec = ProcedureSpec(code="QT 05/VP", title="Kiểm soát hồ sơ", office="VP", revision=1,
                         metadata_layout="split_cells")
    path = build_file(spec, tmp_path / f"doc.{kind}")
    assert read_back(*extract(path), spec) == expected_metadata(spec)


def test_pdf_wrapped_title_with_bracket(tmp_path: Path) -> None:
    """A title too long for one PDF line, wrapped before its bracketed qualifier."""
    spec = ProcedureSpec(
        code="QT.NCC.31", office="NCC", revision=2, issued=D(2023, 5, 2), tthc=("1.002519",),
        title="Giải quyết chế độ điều dưỡng phục hồi sức khỏe đối với người có công với cách "
        "mạng (thực hiện qua dịch vụ công trực tuyến toàn trình)", metadata_layout="paragraphs",
    )
    path = build_pdf(spec, tmp_path / "wrapped.pdf")
    text, props = extract(path)
    assert spec.title not in text  # really wrapped over two lines
    assert read_back(text, props, spec) == expected_metadata(spec)


def test_demo_set_round_trip(tmp_path: Path) -> None:
    """Every demo procedure, alternately as .docx and .pdf, reads back as specified."""
    for number, spec in enumerate(demo_specs()):
        kind = "pdf" if number % 2 else "docx"
        path = build_file(spec, tmp_path / f"{number:02d}.{kind}")
        assert read_back(*extract(path), spec) == expected_metadata(spec), (number, spec.code, kind)


def test_spec_text_round_trip() -> None:
    """The plain text (as the extractor gives it) reads back for the demo set and a generated
    set that covers every layout and code style."""
    specs = demo_specs() + generated_specs(120, seed=11, offices=("VP", "LDVL", "NCC", "BTXH", "TE"))
    assert {s.metadata_layout for s in specs} == set(LAYOUTS)
    for spec in specs:
        assert read_back(spec_text(spec), DocProperties(), spec) == expected_metadata(spec), spec


# ------------------------------------------------------------------------------------------
# Page header layout: really in the header


def test_page_header_docx_is_in_the_section_header(tmp_path: Path) -> None:
    import docx

    spec = layout_spec("page_header")
    document = docx.Document(str(build_docx(spec, tmp_path / "h.docx")))
    header_cells = [c.text for t in document.sections[0].header.tables for c in t.rows[0].cells]
    assert f"Mã hiệu: {spec.code}" in header_cells
    body = "\n".join(p.text for p in document.paragraphs)
    body += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Mã hiệu: " not in body and "Lần ban hành" not in body


def test_page_header_pdf_is_on_every_page(tmp_path: Path) -> None:
    from pypdf import PdfReader

    spec = layout_spec("page_header")
    reader = PdfReader(str(build_pdf(spec, tmp_path / "h.pdf")))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        first_line = (page.extract_text() or "").splitlines()[0]
        assert first_line.startswith(f"Mã hiệu: {spec.code}")
        assert "Lần ban hành: 04" in first_line


# ------------------------------------------------------------------------------------------
# Content


def test_document_has_the_iso_procedure_structure() -> None:
    spec = demo_specs()[5]  # Cấp giấy phép lao động (LĐVL)
    text = spec_text(spec)
    lines = text.splitlines()
    assert lines[0].startswith("UBND TỈNH LẠNG SƠN SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI | "
                               "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc")
    assert lines[1:3] == ["QUY TRÌNH", spec.title]
    for heading in ("1. MỤC ĐÍCH", "2. PHẠM VI ÁP DỤNG", "3. TÀI LIỆU VIỆN DẪN",
                    "4. ĐỊNH NGHĨA, TỪ VIẾT TẮT", "5. NỘI DUNG QUY TRÌNH", "6. BIỂU MẪU",
                    "7. HỒ SƠ CẦN LƯU"):
        assert heading in lines
    assert " | Người soạn thảo | Người kiểm tra | Người phê duyệt" in lines
    assert "Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả" in lines
    assert any(line.startswith("B1 | Tiếp nhận hồ sơ") for line in lines)
    assert "Mã TTHC: 1.000105" in lines
    assert "Nghị định số 152/2020/NĐ-CP" in text and "Bộ luật Lao động số 45/2019/QH14" in text
    for part in ("5.2. Thành phần hồ sơ", "5.3. Thời hạn giải quyết", "5.5. Lệ phí"):
        assert part in lines
    assert "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ." in lines
    assert unicodedata.is_normalized("NFC", text)


def test_pdf_text_is_nfc_vietnamese(tmp_path: Path) -> None:
    spec = demo_specs()[9]  # trợ cấp thờ cúng liệt sĩ
    from pypdf import PdfReader

    path = build_pdf(spec, tmp_path / "v.pdf")
    raw = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert unicodedata.is_normalized("NFC", raw)  # as drawn, not normalised afterwards
    text, props = _pdf_text(path)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Pháp lệnh Ưu đãi người có công"):
        assert phrase in text
    assert "\ufffd" not in text
    assert props.title == spec.title
    assert "- Trang 1" in text and "{nb}" not in text


def test_pdf_with_characters_outside_vietnamese_uses_the_whole_font(tmp_path: Path) -> None:
    spec = ProcedureSpec(code="QT-20/VP", title="Kiểm soát tài liệu Ω (Ωmega)", office="VP")
    text, _ = _pdf_text(build_pdf(spec, tmp_path / "greek.pdf"))
    assert "Kiểm soát tài liệu Ω (Ωmega)" in text


def test_docx_properties(tmp_path: Path) -> None:
    import docx

    spec = demo_specs()[6]
    props = docx.Document(str(build_docx(spec, tmp_path / "p.docx"))).core_properties
    assert props.title == spec.title
    assert props.subject == spec.field
    assert props.author and spec.code in props.keywords


def test_revision_two_changes_the_steps() -> None:
    specs = demo_specs()
    first = next(s for s in specs if s.code == "QT-01/VP" and s.revision == 1)
    second = next(s for s in specs if s.code == "QT-01/VP" and s.revision == 2)
    assert specs[-1] is second
    assert first.steps != second.steps
    old, new = spec_text(first), spec_text(second)
    assert "Lấy ý kiến góp ý" in new and "Lấy ý kiến góp ý" not in old
    assert second.issued is not None and first.issued is not None and second.issued > first.issued


def test_demo_specs() -> None:
    specs = demo_specs()
    assert len(specs) >= 12
    offices = {s.office for s in specs}
    assert {"VP", "LDVL", "NCC", "BTXH"} <= offices
    assert {s.metadata_layout for s in specs} == set(LAYOUTS)
    titles = {s.title for s in specs}
    assert {"Kiểm soát tài liệu", "Đánh giá nội bộ", "Hành động khắc phục"} <= titles
    keys = [(code_key(s.code), s.revision) for s in specs]
    assert len(keys) == len(set(keys))
    assert len({code_key(s.code) for s in specs}) == len(specs) - 1  # one code has two revisions
    for spec in specs:
        assert all(tthc_key(c) == c for c in spec.tthc)
        assert unicodedata.is_normalized("NFC", spec.title)
    assert any(s.tthc for s in specs) and any(not s.tthc for s in specs)


# ------------------------------------------------------------------------------------------
# Generated sets


def test_generated_specs_are_deterministic_and_vary() -> None:
    a = generated_specs(60, seed=1)
    assert a == generated_specs(60, seed=1)
    assert a != generated_specs(60, seed=2)
    assert len({s.title for s in a}) > 20
    assert len({s.revision for s in a}) > 1 and len({s.issued for s in a}) > 30
    assert {s.metadata_layout for s in a} == set(LAYOUTS)


def test_generated_codes_are_unique_per_office_style() -> None:
    specs = generated_specs(4000, seed=3, offices=("VP", "LDVL", "NCC", "BTXH", "VP"))
    assert len(specs) == 4000
    assert len({code_key(s.code) for s in specs}) == 4000
    assert {s.office for s in specs} == {"VP", "LDVL", "NCC", "BTXH"}
    shapes = {(s.office, re.sub(r"[^\W_]+", "a", s.code)) for s in specs}  # QT-01/VP -> a-a/a
    assert len(shapes) == 4 and len({shape for _, shape in shapes}) == 4  # one style per office


def test_generated_target_bytes() -> None:
    for spec in generated_specs(12, seed=4, target_bytes=8000):
        size = len(spec_text(spec).encode("utf-8"))
        assert 8000 <= size < 8000 + 1600, size
    assert generated_specs(3, seed=4, target_bytes=0) == generated_specs(3, seed=4)


def test_generated_unknown_office_gets_generic_procedures() -> None:
    specs = generated_specs(5, seed=0, offices=("PCTNXH",))
    assert all(s.office == "PCTNXH" and s.tthc for s in specs)
    assert all(read_metadata(spec_text(s), DocProperties()).code == s.code for s in specs)


# ------------------------------------------------------------------------------------------
# Files


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_same_spec_same_bytes(tmp_path: Path, kind: str) -> None:
    spec = demo_specs()[2]
    first = build_file(spec, tmp_path / "a" / f"x.{kind}")
    second = build_file(spec, tmp_path / "b" / f"x.{kind}")
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    changed = build_file(dataclasses.replace(spec, revision=3), tmp_path / "c" / f"x.{kind}")
    assert changed.read_bytes() != first.read_bytes()


def test_docx_fallback_zip_rewrite_is_stable(tmp_path: Path) -> None:
    """The fallback used should python-docx's writer internals change: same parts, fixed times."""
    import zipfile

    from doccontrol.demo.samples import _normalised_zip

    data = build_docx(demo_specs()[1], tmp_path / "z.docx").read_bytes()
    rewritten = _normalised_zip(data)
    assert _normalised_zip(rewritten) == rewritten
    with zipfile.ZipFile(tmp_path / "z.docx") as a, zipfile.ZipFile(io.BytesIO(rewritten)) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        assert all(a.read(n) == b.read(n) for n in a.namelist())
        assert {i.date_time for i in b.infolist()} == {(2020, 1, 1, 0, 0, 0)}


def test_files_are_small(tmp_path: Path) -> None:
    spec = layout_spec("header_table")
    assert build_pdf(spec, tmp_path / "s.pdf").stat().st_size < 80_000
    assert build_docx(spec, tmp_path / "s.docx").stat().st_size < 80_000


def test_build_file_and_names(tmp_path: Path) -> None:
    spec = demo_specs()[5]
    assert sample_filename(spec, "pdf") == "qt-ldvl-01_lan-03.pdf"
    assert build_file(spec, tmp_path / "deep" / "x.docx").read_bytes()[:2] == b"PK"
    assert build_file(spec, tmp_path / "x.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError):
        build_file(spec, tmp_path / "x.odt")


@pytest.mark.parametrize("kwargs", [
    {"metadata_layout": "sideways"},
    {"revision": 0},
    {"code": " "},
    {"title": ""},
])
def test_spec_validation(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"code": "QT-01/VP", "title": "Kiểm soát tài liệu", "office": "VP"}
    with pytest.raises(ValueError):
        ProcedureSpec(**{**base, **kwargs})  # type: ignore[arg-type]
