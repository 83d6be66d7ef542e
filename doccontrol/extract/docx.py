"""Text of a .docx in reading order: page headers, body, page footers.

The package is read with ``zipfile`` and only the parts that carry the text are parsed, each once,
with a parser that never resolves entities or loads a DTD: the main document, the headers and
footers its sections reference, and the core properties. (python-docx would parse every XML part
of the package, styles, numbering and theme included; this is several times faster and needs
none of its object model.) Every part's bytes are checked for a DOCTYPE/ENTITY declaration before
it is parsed.

Reading rules (what a clerk sees in Word, once):
- body paragraphs and tables in document order, nested tables in place;
- a table row is one line, its cells joined by `` | `` (a cell's paragraphs joined by a space);
- content controls (``w:sdt``, block, row, cell and inline) are read through;
- text boxes (``w:txbxContent``) once: of ``mc:AlternateContent`` only the first ``mc:Choice``
  is read (Word writes the box again as a VML fallback); their lines follow their paragraph;
- tracked insertions and move destinations are read, deletions and move sources are not;
- ``w:tab`` gives a tab, ``w:br``/``w:cr`` a line break; field instructions are skipped;
- headers of all sections (default, first, even), deduplicated, come first; footers last.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from doccontrol.extract.docx_fonts import LegacyFonts, mentions_legacy_font
from doccontrol.extract.validate import SAFE_XML_PARSER, Limits, refusal, xml_declares_dtd
from doccontrol.core import legacy_fonts
from doccontrol.core.model import DocProperties, Extracted, Refused, Stage
from doccontrol.core.text import clean

_W_NS = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO 29500 Strict
)
_R_NS = {
    _W_NS[0]: "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    _W_NS[1]: "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CORE_REL_SUFFIX = "/metadata/core-properties"
_DOC_REL_SUFFIX = "/officedocument"
_HDR_ORDER = ("default", "first", "even")
_PART_MAX = Limits().max_uncompressed

# Inline elements whose subtree is never text a reader sees.
_INLINE_SKIP = (
    "pPr", "rPr", "sdtPr", "sdtEndPr", "del", "moveFrom", "delText", "instrText", "delInstrText",
    "fldChar", "rt", "footnoteReference", "endnoteReference", "commentReference", "sectPr",
    "tblPr", "trPr", "tcPr", "tblGrid", "customXmlPr", "smartTagPr", "fldData",
)
# Block-level containers that are read through.
_BLOCK_THROUGH = ("customXml", "ins", "moveTo", "smartTag")


def _damaged(detail: str) -> Refused:
    return refusal(Stage.EXTRACT, "damaged", kind="docx", detail=detail)


class _Package:
    """The parts of an open zip, found by OPC part name (case-insensitive, as OPC says)."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf
        self._infos = {info.filename.lower(): info for info in zf.infolist()}

    def has(self, name: str) -> bool:
        return name.lower() in self._infos

    def raw(self, name: str) -> bytes | None:
        """The bytes of part ``name``; None when the package has no such part."""
        info = self._infos.get(name.lower())
        if info is None:
            return None
        if info.file_size > _PART_MAX:  # sniff refuses such files; this guards direct callers
            raise refusal(Stage.EXTRACT, "zip_bomb", detail_vi=f"{name} quá lớn",
                          detail_en=f"{name} of {info.file_size} bytes")
        try:
            return self._zf.read(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
                EOFError) as exc:
            raise _damaged(f"{name}: {exc}") from None

    def xml(self, name: str, data: bytes | None = None) -> etree._Element | None:
        """Parse part ``name`` (no leading slash; ``data``: its bytes, if already read); None
        when the package has no such part."""
        if data is None:
            data = self.raw(name)
        if data is None:
            return None
        declared = xml_declares_dtd(data)
        if declared:
            raise refusal(Stage.EXTRACT, "xxe", detail=f"{declared} in {name}")
        try:
            return etree.fromstring(data, SAFE_XML_PARSER)
        except etree.XMLSyntaxError as exc:
            raise _damaged(f"{name}: {exc}") from None

    def rels(self, source: str) -> dict[str, tuple[str, str]]:
        """Relationships of part ``source`` ("" = the package): id -> (type, target part name)."""
        base, leaf = posixpath.split(source)
        root = self.xml(posixpath.join(base, "_rels", f"{leaf}.rels"))
        found: dict[str, tuple[str, str]] = {}
        if root is None:
            return found
        for rel in root.iter(_REL):
            if rel.get("TargetMode", "Internal") != "Internal":
                continue
            target = unquote(rel.get("Target", ""))
            if not target:
                continue
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = posixpath.normpath(posixpath.join(base, target))
            found[rel.get("Id", "")] = (rel.get("Type", "").lower(), part)
        return found


class _Reader:
    """Walks WordprocessingML trees of one namespace (Transitional or Strict) into lines."""

    def __init__(self, w_ns: str) -> None:
        w = "{" + w_ns + "}"
        self.r_id = "{" + _R_NS[w_ns] + "}id"
        self.w_type = w + "type"
        self.P, self.TBL, self.TR, self.TC = w + "p", w + "tbl", w + "tr", w + "tc"
        self.SDT, self.SDT_CONTENT = w + "sdt", w + "sdtContent"
        self.TXBX = w + "txbxContent"
        self.BODY, self.SECT_PR = w + "body", w + "sectPr"
        self.HDR_REF, self.FTR_REF = w + "headerReference", w + "footerReference"
        self.TR_PR, self.DEL = w + "trPr", w + "del"
        self.text_tags = frozenset({w + "t", _M + "t"})
        self.tab_tags = frozenset({w + "tab", w + "ptab"})
        self.break_tags = frozenset({w + "br", w + "cr"})
        self.hyphen_tags = frozenset({w + "noBreakHyphen"})
        self.skip_tags = frozenset(w + name for name in _INLINE_SKIP)
        self.through_tags = frozenset(w + name for name in _BLOCK_THROUGH)
        self.ALT, self.CHOICE, self.FALLBACK = _MC + "AlternateContent", _MC + "Choice", _MC + "Fallback"
        self.R, self.SOFT_HYPHEN = w + "r", w + "softHyphen"
        # Legacy fonts (TCVN3, VNI): set by ``use_legacy_fonts`` when the document names one.
        self.fonts: LegacyFonts | None = None
        self.legacy_found: set[str] = set()
        self._paragraph_fonts: list[str | None] = []
        self._in_legacy_run = False

    def use_legacy_fonts(self, fonts: LegacyFonts) -> None:
        self.fonts = fonts

    # -- blocks ------------------------------------------------------------------------------

    def blocks(self, parent: etree._Element, out: list[str]) -> None:
        """Append the lines of the block-level content of ``parent`` (body, cell, header, box)."""
        for child in parent:
            tag = child.tag
            if tag == self.P:
                self.paragraph(child, out)
            elif tag == self.TBL:
                self.table(child, out)
            elif tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    self.blocks(content, out)
            elif tag in self.through_tags:
                self.blocks(child, out)
            elif tag == self.ALT:
                chosen = self._alternative(child)
                if chosen is not None:
                    self.blocks(chosen, out)

    def paragraph(self, p: etree._Element, out: list[str]) -> None:
        buf: list[str] = []
        boxes: list[str] = []
        if self.fonts is None:
            self.inline(p, buf, boxes)
        else:
            self._paragraph_fonts.append(self.fonts.paragraph_font(p))
            try:
                self.inline(p, buf, boxes)
            finally:
                self._paragraph_fonts.pop()
        line = "".join(buf)
        if line.strip():
            out.append(line)
        out.extend(boxes)

    def inline(self, parent: etree._Element, buf: list[str], boxes: list[str]) -> None:
        for child in parent:
            tag = child.tag
            if tag in self.text_tags:
                if child.text:
                    buf.append(child.text)
            elif tag in self.skip_tags:
                continue
            elif tag in self.tab_tags:
                buf.append("\t")
            elif tag in self.break_tags:
                buf.append("\n")
            elif tag in self.hyphen_tags:
                buf.append("-")
            elif tag == self.TXBX:
                self.blocks(child, boxes)
            elif tag == self.R and self.fonts is not None and not self._in_legacy_run:
                self.run(child, buf, boxes)
            elif tag == self.SOFT_HYPHEN and self._in_legacy_run:
                buf.append("\u00ad")  # TCVN3's letter ư, as LibreOffice's .doc → .docx writes it
            elif tag == self.ALT:
                chosen = self._alternative(child)
                if chosen is not None:
                    self.inline(chosen, buf, boxes)
            elif isinstance(tag, str):
                # runs, hyperlinks, insertions, fields, inline content controls, drawings, VML...
                self.inline(child, buf, boxes)

    def run(self, r: etree._Element, buf: list[str], boxes: list[str]) -> None:
        """A run, decoded from TCVN3 or VNI when its font is one of those (and its text can be)."""
        assert self.fonts is not None
        found = self.fonts.run_encoding(r, self._paragraph_fonts[-1] if self._paragraph_fonts else None)
        if found is None:
            self.inline(r, buf, boxes)
            return
        part: list[str] = []
        self._in_legacy_run = True
        try:
            self.inline(r, part, boxes)
        finally:
            self._in_legacy_run = False
        text = "".join(part)
        if legacy_fonts.could_be_legacy(text):
            encoding, capitals = found
            decoded = legacy_fonts.decode(text, encoding, capitals)
            if decoded != text:
                self.legacy_found.add(encoding)
            text = decoded
        buf.append(text)

    def table(self, tbl: etree._Element, out: list[str]) -> None:
        for tr in self._children(tbl, self.TR):
            tr_pr = tr.find(self.TR_PR)
            if tr_pr is not None and tr_pr.find(self.DEL) is not None:
                continue  # a tracked row deletion
            cells: list[str] = []
            for tc in self._children(tr, self.TC):
                lines: list[str] = []
                self.blocks(tc, lines)
                cells.append(" ".join(" ".join(line.split("\n")).strip() for line in lines))
            if any(cells):
                out.append(" | ".join(cells))

    def _children(self, parent: etree._Element, tag: str) -> Iterator[etree._Element]:
        """Children ``tag`` of ``parent``, read through content controls and custom XML."""
        for child in parent:
            if child.tag == tag:
                yield child
            elif child.tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    yield from self._children(content, tag)
            elif child.tag in self.through_tags:
                yield from self._children(child, tag)

    def _alternative(self, alt: etree._Element) -> etree._Element | None:
        """One branch of ``mc:AlternateContent``: the first Choice, else the Fallback."""
        chosen = alt.find(self.CHOICE)
        return chosen if chosen is not None else alt.find(self.FALLBACK)

    # -- sections ----------------------------------------------------------------------------

    def section_parts(self, body: etree._Element, rels: dict[str, tuple[str, str]],
                      ref_tag: str) -> list[str]:
        """Part names of the headers (or footers) the sections reference, in section order."""
        parts: list[str] = []
        for sect in body.iter(self.SECT_PR):
            parent = sect.getparent()
            if parent is not None and parent.tag.endswith("Change"):
                continue  # the old properties of a tracked change
            refs = {ref.get(self.w_type, "default"): ref.get(self.r_id, "") for ref in
                    sect.iter(ref_tag)}
            for kind in _HDR_ORDER:
                rel = rels.get(refs.get(kind, ""))
                if rel is not None and rel[1] not in parts:
                    parts.append(rel[1])
        return parts


def _main_part(pkg: _Package, package_rels: dict[str, tuple[str, str]]) -> str:
    for rel_type, part in package_rels.values():
        if rel_type.endswith(_DOC_REL_SUFFIX) and pkg.has(part):
            return part
    return "word/document.xml"


def _properties(pkg: _Package, package_rels: dict[str, tuple[str, str]]) -> DocProperties:
    part = next((p for t, p in package_rels.values() if t.endswith(_CORE_REL_SUFFIX)),
                "docProps/core.xml")
    root = pkg.xml(part) if pkg.has(part) else None
    if root is None:
        return DocProperties()

    def value(name: str) -> str:
        el = root.find(_DC + name)
        return el.text if el is not None and el.text else ""

    return DocProperties(title=value("title"), subject=value("subject"), author=value("creator"))


def _styles_part(pkg: _Package, doc_rels: dict[str, tuple[str, str]]) -> str:
    for rel_type, part in doc_rels.values():
        if rel_type.endswith("/styles") and pkg.has(part):
            return part
    return "word/styles.xml"


def _section_lines(pkg: _Package, reader: _Reader, parts: list[str]) -> list[str]:
    lines: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for part in parts:
        root = pkg.xml(part)
        if root is None:
            continue
        block: list[str] = []
        reader.blocks(root, block)
        key = tuple(block)
        if block and key not in seen:
            seen.add(key)
            lines.extend(block)
    return lines


def extract_docx(path: Path) -> Extracted:
    """Text and properties of the Word document at ``path``; raises ``Refused`` (extract stage)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _damaged(f"bad zip: {exc}") from None
    with zf:
        pkg = _Package(zf)
        package_rels = pkg.rels("")
        main = _main_part(pkg, package_rels)
        main_bytes = pkg.raw(main)
        root = pkg.xml(main, main_bytes)
        if root is None:
            raise _damaged(f"no main document part ({main})")
        ns = etree.QName(root).namespace or ""
        if ns not in _W_NS:
            raise _damaged(f"main part {main} is not WordprocessingML ({ns or 'no namespace'})")
        reader = _Reader(ns)
        body = root.find(reader.BODY)
        if body is None:
            raise _damaged(f"no w:body in {main}")
        doc_rels = pkg.rels(main)
        styles_part = _styles_part(pkg, doc_rels)
        styles_bytes = pkg.raw(styles_part) if pkg.has(styles_part) else None
        if mentions_legacy_font(main_bytes or b"", styles_bytes or b""):
            reader.use_legacy_fonts(LegacyFonts(ns, pkg.xml(styles_part, styles_bytes) if styles_bytes else None))
        lines = _section_lines(pkg, reader, reader.section_parts(body, doc_rels, reader.HDR_REF))
        reader.blocks(body, lines)
        lines.extend(_section_lines(pkg, reader,
                                    reader.section_parts(body, doc_rels, reader.FTR_REF)))
        properties = _properties(pkg, package_rels)
    # Runs without a font name may still be typed in TCVN3 or VNI: judged by the text, before
    # clean() (which drops U+00AD, TCVN3's ư).
    text, by_text = legacy_fonts.repair_text("\n".join(lines))
    found = reader.legacy_found | ({by_text} if by_text else set())
    return Extracted(kind="docx", text=clean(text), properties=properties,
                     legacy_encoding=",".join(sorted(found)))
