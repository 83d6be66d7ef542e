"""DOCX extraction: reading order, tables, content controls, text boxes, tracked changes."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from docx.enum.section import WD_SECTION
from support.extract_builders import (
    append_body,
    new_document,
    patch_declared_size,
    rewrite_zip,
    save_docx,
    text_box_paragraph,
)

from doccontrol.extract import extract_file
from doccontrol.extract.validate import Limits, sniff
from doccontrol.core.model import Extracted, Refused, Stage


def extract(path: Path) -> Extracted:
    assert sniff(path, Limits()) == "docx"
    return extract_file(path, "docx")


def lines_of(path: Path) -> list[str]:
    return extract(path).text.split("\n")


def test_headers_first_body_then_footers(tmp_path: Path) -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Mã hiệu: QT-01/SLĐ"
    section.footer.paragraphs[0].text = "Trang chân"
    document.add_paragraph("Thân văn bản")
    lines = lines_of(save_docx(document, tmp_path / "a.docx"))
    assert lines == ["Mã hiệu: QT-01/SLĐ", "Thân văn bản", "Trang chân"]


def test_headers_of_all_sections_deduplicated_default_first_even(tmp_path: Path) -> None:
    document = new_document()
    document.settings.odd_and_even_pages_header_footer = True
    first = document.sections[0]
    first.different_first_page_header_footer = True
    first.header.paragraphs[0].text = "Đầu trang chung"
    first.first_page_header.paragraphs[0].text = "Đầu trang đầu tiên"
    first.even_page_header.paragraphs[0].text = "Đầu trang chẵn"
    document.add_paragraph("Phần một")
    second = document.add_section(WD_SECTION.NEW_PAGE)
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Đầu trang chung"  # same text, its own part
    second.first_page_header.is_linked_to_previous = False
    second.first_page_header.paragraphs[0].text = "Đầu trang mục hai"
    document.add_paragraph("Phần hai")
    lines = lines_of(save_docx(document, tmp_path / "sections.docx"))
    assert lines == ["Đầu trang chung", "Đầu trang đầu tiên", "Đầu trang chẵn",
                     "Đầu trang mục hai", "Phần một", "Phần hai"]


def test_table_rows_are_one_line_and_nested_tables_stay_in_place(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Mã hiệu"
    table.cell(0, 1).text = "QT-01"
    table.cell(0, 2).text = "Lần ban hành: 02"
    cell = table.cell(1, 0)
    cell.text = "Dòng một"
    cell.add_paragraph("dòng hai")
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "trong"
    inner.cell(0, 1).text = "bảng con"
    table.cell(1, 2).text = "cuối"
    document.add_paragraph("Sau bảng")
    lines = lines_of(save_docx(document, tmp_path / "t.docx"))
    assert lines == [
        "Trước bảng",
        "Mã hiệu | QT-01 | Lần ban hành: 02",
        "Dòng một dòng hai | trong | bảng con | cuối",
        "Sau bảng",
    ]


def test_content_controls_block_and_inline(tmp_path: Path) -> None:
    document = new_document()
    append_body(
        document,
        "<w:sdt><w:sdtPr><w:alias w:val='Mã'/><w:tag w:val='code'/></w:sdtPr><w:sdtContent>"
        "<w:p><w:r><w:t>Khối điều khiển</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        "<w:p><w:r><w:t xml:space='preserve'>Mã hiệu: </w:t></w:r><w:sdt><w:sdtPr>"
        "<w:placeholder><w:docPart w:val='X'/></w:placeholder></w:sdtPr><w:sdtContent>"
        "<w:r><w:t>QT-07</w:t></w:r></w:sdtContent></w:sdt></w:p>",
    )
    assert lines_of(save_docx(document, tmp_path / "sdt.docx")) == [
        "Khối điều khiển", "Mã hiệu: QT-07"]


def test_text_box_read_once_from_alternate_content(tmp_path: Path) -> None:
    document = new_document()
    append_body(document, text_box_paragraph("Neo", "Trong hộp văn bản"))
    text = extract(save_docx(document, tmp_path / "box.docx")).text
    assert text.split("\n") == ["Neo", "Trong hộp văn bản"]
    assert text.count("Trong hộp văn bản") == 1


def test_vml_only_text_box_is_read(tmp_path: Path) -> None:
    document = new_document()
    append_body(document, "<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>"
                          "<w:t>Hộp kiểu cũ</w:t></w:r></w:p></w:txbxContent></v:textbox>"
                          "</v:shape></w:pict></w:r></w:p>")
    assert lines_of(save_docx(document, tmp_path / "vml.docx")) == ["Hộp kiểu cũ"]


def test_tracked_insertions_in_deletions_out(tmp_path: Path) -> None:
    document = new_document()
    append_body(
        document,
        "<w:p><w:r><w:t xml:space='preserve'>Lần ban hành: </w:t></w:r>"
        "<w:del w:id='1' w:author='A'><w:r><w:delText>01</w:delText></w:r></w:del>"
        "<w:ins w:id='2' w:author='A'><w:r><w:t>02</w:t></w:r></w:ins>"
        "<w:moveFrom w:id='3' w:author='A'><w:r><w:t>cũ</w:t></w:r></w:moveFrom>"
        "<w:moveTo w:id='4' w:author='A'><w:r><w:t xml:space='preserve'> mới</w:t></w:r></w:moveTo>"
        "</w:p>",
    )
    assert lines_of(save_docx(document, tmp_path / "track.docx")) == ["Lần ban hành: 02 mới"]


def test_tabs_breaks_and_field_instructions(tmp_path: Path) -> None:
    document = new_document()
    append_body(
        document,
        "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"
        "<w:r><w:t>Cột</w:t><w:tab/><w:t>một</w:t><w:br/><w:t>dòng sau</w:t><w:cr/><w:t>nữa</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>3</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>",
    )
    # w:tab becomes a tab, which doccontrol.text.clean turns into a plain space.
    assert lines_of(save_docx(document, tmp_path / "tabs.docx")) == [
        "Cột một", "dòng sau", "nữa3"]


def test_nfd_text_comes_out_nfc(tmp_path: Path) -> None:
    document = new_document()
    nfd = unicodedata.normalize("NFD", "Quy trình cấp Giấy phép lao động")
    document.add_paragraph(nfd)
    text = extract(save_docx(document, tmp_path / "nfd.docx")).text
    assert text == "Quy trình cấp Giấy phép lao động"
    assert unicodedata.is_normalized("NFC", text)


def test_core_properties_title(tmp_path: Path) -> None:
    document = new_document()
    document.core_properties.title = unicodedata.normalize("NFD", "Quy trình tiếp nhận")
    document.core_properties.subject = "ISO 9001"
    document.core_properties.author = "Văn phòng"
    document.add_paragraph("x")
    props = extract(save_docx(document, tmp_path / "props.docx")).properties
    assert (props.title, props.subject, props.author) == ("Quy trình tiếp nhận", "ISO 9001",
                                                          "Văn phòng")


def test_missing_core_properties_part(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("Không có thuộc tính")
    src = save_docx(document, tmp_path / "src.docx")

    def drop_core(name: str, data: bytes) -> bytes | None:
        if name == "docProps/core.xml":
            return None
        if name in ("_rels/.rels", "[Content_Types].xml"):
            return data.replace(b"docProps/core.xml", b"docProps/absent.xml")
        return data

    result = extract(rewrite_zip(src, tmp_path / "nocore.docx", drop_core))
    assert result.text == "Không có thuộc tính"
    assert result.properties.title == ""


def test_strict_ooxml_namespace(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("Bản Strict")
    src = save_docx(document, tmp_path / "src.docx")

    def to_strict(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                                b"http://purl.oclc.org/ooxml/wordprocessingml/main")
        return data

    assert extract(rewrite_zip(src, tmp_path / "strict.docx", to_strict)).text == "Bản Strict"


@pytest.mark.parametrize("part", ["word/document.xml", "word/header1.xml"])
def test_doctype_in_a_part_is_refused_as_xxe(tmp_path: Path, part: str) -> None:
    document = new_document()
    document.sections[0].header.paragraphs[0].text = "Đầu trang"
    document.add_paragraph("x")
    src = save_docx(document, tmp_path / "src.docx")
    names = []

    def add_doctype(name: str, data: bytes) -> bytes:
        names.append(name)
        if name == part:
            head, sep, rest = data.partition(b"?>")
            return head + sep + b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + rest
        return data

    xxe = rewrite_zip(src, tmp_path / "xxe.docx", add_doctype)
    assert part in names
    with pytest.raises(Refused) as info:
        extract(xxe)
    assert info.value.reason.cause == "xxe"
    assert info.value.reason.stage is Stage.EXTRACT
    assert "passwd" not in info.value.reason.message_en


def test_malformed_xml_is_damaged(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("x")
    src = save_docx(document, tmp_path / "src.docx")

    def break_xml(name: str, data: bytes) -> bytes:
        return data[: len(data) // 2] if name == "word/document.xml" else data

    with pytest.raises(Refused) as info:
        extract(rewrite_zip(src, tmp_path / "broken.docx", break_xml))
    reason = info.value.reason
    assert (reason.cause, reason.stage) == ("damaged", Stage.EXTRACT)
    assert "word/document.xml" in reason.message_en


def test_deleted_table_row_and_empty_rows_are_skipped(tmp_path: Path) -> None:
    document = new_document()
    append_body(
        document,
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>giữ</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:trPr><w:del w:id='9' w:author='A'/></w:trPr><w:tc><w:p><w:del w:id='8' "
        "w:author='A'><w:r><w:delText>bỏ</w:delText></w:r></w:del></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"
        "<w:sdt><w:sdtContent><w:tr><w:tc><w:p><w:r><w:t>hàng trong điều khiển</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:sdtContent></w:sdt></w:tbl>",
    )
    assert lines_of(save_docx(document, tmp_path / "rows.docx")) == [
        "giữ", "hàng trong điều khiển"]


def test_a_part_declared_huge_is_refused_before_it_is_read(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("x")
    lying = patch_declared_size(save_docx(document, tmp_path / "lying.docx"),
                                "word/document.xml", 300 * 1024 * 1024)
    with pytest.raises(Refused) as at_validate:
        sniff(lying, Limits())
    assert at_validate.value.reason.cause == "zip_bomb"
    with pytest.raises(Refused) as at_extract:  # a caller that skipped sniff
        extract_file(lying, "docx")
    assert (at_extract.value.reason.cause, at_extract.value.reason.stage) == ("zip_bomb",
                                                                             Stage.EXTRACT)
