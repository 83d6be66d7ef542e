"""The yearly report as a .docx laid out under Nghị định 30/2020/NĐ-CP, Phụ lục I; rendered to
PDF and PNG where LibreOffice and pdftoppm are installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from support.workspace import run

FONT = "Times New Roman"


@pytest.fixture(scope="module")
def report_docx(story: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "bao-cao-iso-2024.docx"
    result = run(story, "report", "--year", "2024", "--date", "2024-11-05", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def runs_of(paragraph: docx.text.paragraph.Paragraph) -> list[docx.text.run.Run]:
    return [r for r in paragraph.runs if r.text.strip()]


def size(run: docx.text.run.Run) -> float:
    assert run.font.size is not None, run.text
    return run.font.size.pt


def test_page_fonts_and_margins(report_docx: Path) -> None:
    document = docx.Document(str(report_docx))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # A4 portrait
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == FONT and 13 <= normal.font.size.pt <= 14
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{a}") for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {FONT}
    every_run = [r for p in document.paragraphs for r in runs_of(p)]
    every_run += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
                  for r in runs_of(p)]
    assert every_run and all(r.font.name == FONT for r in every_run)
    body = [r for p in document.paragraphs for r in runs_of(p)]
    assert all(13 <= size(r) <= 14 for r in body if not r.text.startswith("_"))


def test_the_heading_block(report_docx: Path) -> None:
    document = docx.Document(str(report_docx))
    left, right = document.tables[0].rows[0].cells
    parent, agency, number = [p for p in left.paragraphs if p.text.strip()]
    assert parent.text == "UBND TỈNH LẠNG SƠN" and 12 <= size(parent.runs[0]) <= 13
    assert agency.text == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert agency.runs[0].bold and agency.runs[0].underline and 12 <= size(agency.runs[0]) <= 13
    assert number.text == "Số: 125/BC-SLĐTBXH"
    quoc_hieu, tieu_ngu, place = [p for p in right.paragraphs if p.text.strip()]
    assert quoc_hieu.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert quoc_hieu.runs[0].bold and 12 <= size(quoc_hieu.runs[0]) <= 13
    assert tieu_ngu.text == "Độc lập - Tự do - Hạnh phúc"
    assert tieu_ngu.runs[0].bold and tieu_ngu.runs[0].underline and 13 <= size(tieu_ngu.runs[0]) <= 14
    assert place.text == "Lạng Sơn, ngày 05 tháng 11 năm 2024"
    assert place.runs[0].italic and 13 <= size(place.runs[0]) <= 14
    for p in (parent, agency, number, quoc_hieu, tieu_ngu, place):
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_title_sections_and_marked_places(report_docx: Path) -> None:
    document = docx.Document(str(report_docx))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    title = next(i for i, p in enumerate(paragraphs) if p.text == "BÁO CÁO")
    assert paragraphs[title].runs[0].bold and paragraphs[title].alignment == WD_ALIGN_PARAGRAPH.CENTER
    subject = paragraphs[title + 1]
    assert subject.text == "Tình hình thực hiện Hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001:2015 năm 2024"
    assert subject.runs[0].bold and subject.alignment == WD_ALIGN_PARAGRAPH.CENTER
    sections = [p.text for p in paragraphs if p.runs and p.runs[0].bold and p.text[:4] in ("I. K", "II. ", "III.")]
    assert sections == ["I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ", "III. PHƯƠNG HƯỚNG, ĐỀ XUẤT"]
    numbered = [p.text.split(".")[0] for p in paragraphs if p.runs and p.runs[0].bold and p.text[:2] in
                ("1.", "2.", "3.", "4.", "5.", "6.", "7.")]
    assert numbered == ["1", "2", "3", "4", "5", "6", "7"]
    marked = [r for p in paragraphs for r in p.runs if r.text.startswith("[CẦN BỔ SUNG")]
    assert len(marked) == 5 and all(r.italic and r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in marked)
    text = "\n".join(p.text for p in paragraphs)
    assert "có 3 quy trình ISO đang áp dụng" in text and "{{" not in text


def test_the_tables_hold_the_figures(report_docx: Path) -> None:
    document = docx.Document(str(report_docx))
    grids = {t.rows[0].cells[1].text: t for t in document.tables[1:-1]}
    in_force = grids["Phòng, đơn vị"]
    # issue 16: a cell's lines are broken at spaces by doccontrol (never after a code's hyphen or slash)
    assert [[" ".join(c.text.split()) for c in row.cells] for row in in_force.rows[1:]] == [
        ["1", "Phòng Lao động - Việc làm (LDVL)", "2", "QT-01/LĐTBXH, QT-02/LĐTBXH"],
        ["2", "Phòng Người có công (NCC)", "1", "QT-05/NCC"],
        ["", "Tổng cộng", "3", ""]]
    assert in_force.style.name == "Table Grid"
    assert [row.cells[2].text for row in grids["Nội dung"].rows[1:]] == ["QT-02/LĐTBXH", "QT-01/LĐTBXH", "QT-09/BTXH"]
    assert [row.cells[1].text for row in grids["Mã TTHC"].rows[1:]] == ["1.001978"]
    coverage = next(t for t in document.tables if t.rows[0].cells[0].text == "Phòng, đơn vị")
    assert [[c.text for c in row.cells] for row in coverage.rows[1:]] == [
        ["Phòng Lao động - Việc làm (LDVL)", "1/2 (50,00 %)", "2/3 (66,66 %)"],
        ["Phòng Người có công (NCC)", "1/1 (100,00 %)", "1/1 (100,00 %)"],
        ["Tổng cộng", "2/3 (66,66 %)", "3/4 (75,00 %)"]]


def test_signature_and_recipients(report_docx: Path) -> None:
    document = docx.Document(str(report_docx))
    left, right = document.tables[-1].rows[0].cells
    lines = [p for p in left.paragraphs if p.text.strip()]
    assert lines[0].text == "Nơi nhận:" and lines[0].runs[0].bold and lines[0].runs[0].italic
    assert size(lines[0].runs[0]) == 12
    recipients = [p.text for p in lines[1:]]
    assert recipients == ["- Sở Khoa học và Công nghệ (b/c);", "- Lãnh đạo Sở;", "- Lưu: VT, VP."]
    assert all(size(p.runs[0]) == 11 for p in lines[1:])
    signature = [p for p in right.paragraphs if p.text.strip()]
    assert [p.text for p in signature] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]
    assert all(p.runs[0].bold and p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in signature)


def _tools() -> tuple[str, str, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm, pdftotext = shutil.which("pdftoppm"), shutil.which("pdftotext")
    if not soffice or not pdftoppm or not pdftotext:
        pytest.skip("LibreOffice (soffice) or poppler's pdftoppm/pdftotext is not installed")
    return soffice, pdftoppm, pdftotext


@pytest.mark.slow  # LibreOffice
def test_renders_to_pdf_and_png(report_docx: Path, tmp_path: Path) -> None:
    soffice, pdftoppm, pdftotext = _tools()
    from PIL import Image
    from pypdf import PdfReader

    # A profile of its own, named by a real file URL: a path pasted after "file://" is not one
    # when it holds a space, '#' or '%' (soffice.bin then aborts and its launcher never returns).
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(report_docx)],
                   check=True, capture_output=True, timeout=180, stdin=subprocess.DEVNULL)
    pdf = tmp_path / "bao-cao-iso-2024.pdf"
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 portrait, in points
    first = " ".join(subprocess.run([pdftotext, "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True,
                                    text=True, timeout=60).stdout.split())
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Lạng Sơn, ngày 05 tháng 11 năm 2024",
                   "QT-01/LĐTBXH"):
        assert needle in first, needle
    subprocess.run([pdftoppm, "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=60)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = image.size
    assert 1.35 < height / width < 1.48  # A4 portrait
    pixels = image.load()
    # the title: dark pixels in the band under the heading block, centred
    title_band = [pixels[x, y] < 128 for y in range(int(height * 0.17), int(height * 0.24))
                  for x in range(int(width * 0.4), int(width * 0.6))]
    assert sum(title_band) > 20
    # the tables: horizontal rules (long runs of dark pixels) below the title
    rules = [y for y in range(int(height * 0.3), height)
             if sum(pixels[x, y] < 160 for x in range(width)) > width * 0.5]
    groups = [y for i, y in enumerate(rules) if i == 0 or y - rules[i - 1] > 2]
    assert len(groups) >= 4, groups
