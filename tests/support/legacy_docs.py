"""Procedures typed in the legacy Vietnamese fonts: TCVN3 (ABC, ``.VnTime``) and VNI (``VNI-Times``).

``legacy_docx`` rewrites a sample procedure's text into the legacy encoding, as Word keeps a
document typed with those fonts (each character the Windows-1252 character of its byte) and
names the fonts as such a document does: the body font in the ``Normal`` style, capitals lines
in the capitals-only font ``.VnTimeH`` at the run. The encoders are the decoders of
``doccontrol.core.legacy_fonts`` run backwards over every candidate character (the decoders are
checked letter by letter on their own in tests/core/test_legacy_fonts.py).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from doccontrol.core import legacy_fonts as lf

_CANDIDATES = [chr(c) for c in range(0x20, 0x100)] + sorted(
    set(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")))


@cache
def _tcvn3_encoder() -> dict[str, str]:
    table: dict[str, str] = {}
    for ch in _CANDIDATES:
        letter = lf.decode_tcvn3(ch)
        if letter != ch and len(letter) == 1 and ord(ch) >= 0xA0:
            table.setdefault(letter, ch)
    return table


@cache
def _vni_encoder() -> dict[str, str]:
    table: dict[str, str] = {}
    bases = "aeiouyAEIOUYôöÔÖ"
    for first in _CANDIDATES:
        letter = lf.decode_vni(first)
        if letter != first and len(letter) == 1:
            table.setdefault(letter, first)
    for base in bases:
        for mark in _CANDIDATES:
            if ord(mark) < 0xC0:
                continue
            letter = lf.decode_vni(base + mark)
            if len(letter) == 1:
                table.setdefault(letter, base + mark)
    return table


def to_tcvn3(text: str) -> tuple[str, bool]:
    """``(TCVN3 text, capitals)``: a line in capitals is typed in small letters for a capitals
    font; a capital with a tone that has no slot of its own is typed as its small letter."""
    text = unicodedata.normalize("NFC", text)
    letters = [ch for ch in text if ch.isalpha()]
    capitals = len(letters) >= 3 and all(ch.isupper() for ch in letters)
    source = text.lower() if capitals else text
    table = _tcvn3_encoder()
    return "".join(table.get(ch) or table.get(ch.lower()) or ch for ch in source), capitals


def to_vni(text: str) -> str:
    table = _vni_encoder()
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


_RUN = re.compile(r"<w:r>(<w:rPr>(.*?)</w:rPr>)?<w:t( [^>]*)?>(.*?)</w:t></w:r>", re.S)


def _rewrite_part(xml: str, encoding: str) -> str:
    def run(match: re.Match[str]) -> str:
        props, attrs, text = match.group(2) or "", match.group(3) or "", unescape(match.group(4))
        if encoding == lf.TCVN3:
            legacy, capitals = to_tcvn3(text)
            if capitals:
                props = '<w:rFonts w:ascii=".VnTimeH" w:hAnsi=".VnTimeH"/>' + props
        else:
            legacy = to_vni(text)
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        return f"<w:r>{rpr}<w:t{attrs}>{escape(legacy)}</w:t></w:r>"

    return _RUN.sub(run, xml)


def _font_in_styles(xml: str, font: str) -> str:
    return re.sub(r'(<w:rFonts\b[^>]*?)w:ascii="[^"]*"', rf'\1w:ascii="{font}"',
                  re.sub(r'w:hAnsi="[^"]*"', f'w:hAnsi="{font}"', xml))


def legacy_docx(src: Path, dst: Path, encoding: str) -> Path:
    """``src`` (a sample .docx with Times New Roman) retyped in ``encoding`` at ``dst``."""
    font = ".VnTime" if encoding == lf.TCVN3 else "VNI-Times"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", info.filename):
                data = _rewrite_part(data.decode("utf-8"), encoding).encode("utf-8")
            elif info.filename == "word/styles.xml":
                data = _font_in_styles(data.decode("utf-8"), font).encode("utf-8")
            zout.writestr(info, data)
    return dst
