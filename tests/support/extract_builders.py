"""Builders of real test files for the validate and extract tests: DOCX, PDF, OLE, odd zips."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import docx
import font_roboto
from fpdf import FPDF
from lxml import etree
from pypdf import PdfReader, PdfWriter

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


# --- DOCX --------------------------------------------------------------------------------------

def xml_el(fragment: str) -> etree._Element:
    """An element from a WordprocessingML fragment written with the w:, mc:, wps:... prefixes."""
    match = re.match(r"\s*<([\w:]+)", fragment)
    assert match, fragment
    tag = match.group(1)
    rest = fragment.strip()[len(tag) + 1:]
    return etree.fromstring(f"<{tag} {NSDECL}{rest}")


def new_document() -> docx.document.Document:
    return docx.Document()


def append_body(document: docx.document.Document, *fragments: str) -> None:
    """Append raw block-level XML to the body, before its final w:sectPr."""
    body = document.element.body
    sect = body.find(f"{{{W_NS}}}sectPr")
    for fragment in fragments:
        el = xml_el(fragment)
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)


def save_docx(document: docx.document.Document, path: Path) -> Path:
    document.save(str(path))
    return path


def rewrite_zip(src: Path, dst: Path,
                edit: Callable[[str, bytes], bytes | None] | None = None,
                add: Iterable[tuple[str, bytes]] = ()) -> Path:
    """Copy zip ``src`` to ``dst``; ``edit(name, data)`` returns new bytes or None to drop."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if edit is not None:
                edited = edit(info.filename, data)
                if edited is None:
                    continue
                data = edited
            zout.writestr(info.filename, data)
        for name, data in add:
            zout.writestr(name, data)
    dst.write_bytes(out.getvalue())
    return dst


def text_box_paragraph(before: str, box_text: str) -> str:
    """A paragraph with a text box written as Word does: DrawingML Choice + VML Fallback."""
    box = f"<w:txbxContent><w:p><w:r><w:t>{box_text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f"<w:p><w:r><w:t>{before}</w:t></w:r><w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp>"
        f"</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        f"</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )


# --- zips that are not Word documents -------------------------------------------------------------

def content_types(*overrides: tuple[str, str]) -> bytes:
    items = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{items}</Types>"
    ).encode()


def write_zip(path: Path, members: Iterable[tuple[str, bytes]],
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def mark_zip_encrypted(path: Path) -> Path:
    """Set the 'encrypted' flag of every member, in local headers and central directory."""
    data = bytearray(path.read_bytes())
    for sig, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (pos := data.find(sig, start)) >= 0:
            (flags,) = struct.unpack_from("<H", data, pos + flag_offset)
            struct.pack_into("<H", data, pos + flag_offset, flags | 0x1)
            start = pos + 4
    path.write_bytes(bytes(data))
    return path


# --- OLE compound files ---------------------------------------------------------------------------

def ole_file(path: Path, stream_names: Iterable[str]) -> Path:
    """A minimal valid [MS-CFB] v3 file whose directory lists ``stream_names`` (empty streams)."""
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = ["Root Entry", *stream_names]
    assert len(names) <= 4, "one directory sector holds four entries"
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)  # 1 FAT sector, dir at sector 1
    struct.pack_into("<IIII", header, 0x3C, end, 0, end, 0)  # no mini FAT, no DIFAT sectors
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", fatsect, end, *([free] * 126))
    directory = bytearray(512)
    for i, name in enumerate(names):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[:len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if i == 0 else 2, 1)
        left, right, child = free, (i + 1 if 0 < i < len(names) - 1 else free), free
        if i == 0 and len(names) > 1:
            child = 1
        struct.pack_into("<III", entry, 68, left, right, child)
        struct.pack_into("<II", entry, 116, end, 0)
        directory[i * 128:(i + 1) * 128] = entry
    path.write_bytes(bytes(header) + fat + bytes(directory))
    return path


# --- PDF ------------------------------------------------------------------------------------------

def pdf_file(path: Path, pages: Iterable[str], title: str | None = None) -> Path:
    """A PDF with a real text layer in Roboto, one page per item of ``pages``."""
    pdf = FPDF()
    pdf.add_font("Roboto", fname=font_roboto.font_files["Roboto"])
    pdf.set_font("Roboto", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    if title is not None:
        pdf.set_title(title)
    pdf.output(str(path))
    return path


def image_only_pdf(path: Path) -> Path:
    """A 'scanned' PDF: one page holding only an image, no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).rectangle((20, 20, 380, 180), outline=0, width=4)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    pdf.output(str(path))
    return path


def encrypt_pdf(src: Path, dst: Path, user_password: str, owner_password: str,
                algorithm: str = "AES-128") -> Path:
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    with dst.open("wb") as fh:
        writer.write(fh)
    return dst


def patch_declared_size(path: Path, member: str, size: int) -> Path:
    """Make the central directory claim ``member`` inflates to ``size`` bytes (a lying zip)."""
    data = bytearray(path.read_bytes())
    start = 0
    while (pos := data.find(b"PK\x01\x02", start)) >= 0:
        (name_len,) = struct.unpack_from("<H", data, pos + 28)
        if data[pos + 46:pos + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, pos + 24, size)
            path.write_bytes(bytes(data))
            return path
        start = pos + 4
    raise KeyError(member)
