"""Which runs of a .docx are typed in a legacy Vietnamese font (TCVN3 ``.VnTime``, VNI ``VNI-Times``).

A run's font is, first found: its own ``w:rFonts`` (``w:hAnsi``, the font Word uses for the
characters above ASCII that these encodings use, else ``w:ascii``), its character style's, its
paragraph style's (following ``w:basedOn``), the document defaults'. Theme fonts are never
legacy fonts. The encodings themselves are :mod:`doccontrol.core.legacy_fonts`.
"""

from __future__ import annotations

import re

from lxml import etree

from doccontrol.core import legacy_fonts

# A cheap look at a part's bytes before any work: no legacy font named, nothing to resolve.
_MENTIONS_LEGACY = re.compile(rb"w:(?:ascii|hAnsi)=\"(?:\.vn|vni[-_ ])", re.IGNORECASE)
_MAX_STYLE_DEPTH = 20


def mentions_legacy_font(*parts: bytes) -> bool:
    """Whether any of these XML parts names a TCVN3 or VNI font at all."""
    return any(_MENTIONS_LEGACY.search(part) for part in parts if part)


class LegacyFonts:
    """Resolves the legacy encoding of runs in one WordprocessingML namespace."""

    def __init__(self, w_ns: str, styles: etree._Element | None) -> None:
        w = "{" + w_ns + "}"
        self._w = w
        self.RPR, self.RFONTS, self.PPR = w + "rPr", w + "rFonts", w + "pPr"
        self.PSTYLE, self.RSTYLE = w + "pStyle", w + "rStyle"
        self._val = w + "val"
        self._styles: dict[str, tuple[str | None, str | None]] = {}  # id -> (font, basedOn)
        self._default_paragraph: str | None = None
        self._default_font: str | None = None
        if styles is not None:
            self._read_styles(styles)

    def _font_of(self, rpr: etree._Element | None) -> str | None:
        if rpr is None:
            return None
        fonts = rpr.find(self.RFONTS)
        if fonts is None:
            return None
        return fonts.get(self._w + "hAnsi") or fonts.get(self._w + "ascii")

    def _read_styles(self, styles: etree._Element) -> None:
        w = self._w
        defaults = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")
        self._default_font = self._font_of(defaults)
        for style in styles.iter(w + "style"):
            style_id = style.get(w + "styleId")
            if not style_id:
                continue
            based = style.find(w + "basedOn")
            self._styles[style_id] = (self._font_of(style.find(self.RPR)),
                                      based.get(self._val) if based is not None else None)
            if style.get(w + "type") == "paragraph" and style.get(w + "default") in ("1", "true"):
                self._default_paragraph = style_id

    def style_font(self, style_id: str | None) -> str | None:
        """The font a style sets, through its ``basedOn`` chain (bounded), else None."""
        depth = 0
        while style_id and depth < _MAX_STYLE_DEPTH:
            font, based = self._styles.get(style_id, (None, None))
            if font:
                return font
            style_id, depth = based, depth + 1
        return None

    def paragraph_font(self, paragraph: etree._Element) -> str | None:
        """The font a paragraph's runs inherit: its style's, else the defaults'."""
        ppr = paragraph.find(self.PPR)
        style = None
        if ppr is not None:
            pstyle = ppr.find(self.PSTYLE)
            style = pstyle.get(self._val) if pstyle is not None else None
        return (self.style_font(style or self._default_paragraph) or self._default_font)

    def run_encoding(self, run: etree._Element, paragraph_font: str | None) -> tuple[str, bool] | None:
        """``(encoding, capitals)`` of a run typed in a legacy font, else None."""
        rpr = run.find(self.RPR)
        font = self._font_of(rpr)
        if font is None and rpr is not None:
            rstyle = rpr.find(self.RSTYLE)
            if rstyle is not None:
                font = self.style_font(rstyle.get(self._val))
        font = font or paragraph_font
        encoding = legacy_fonts.encoding_of_font(font)
        if encoding is None:
            return None
        return encoding, legacy_fonts.is_capitals_font(font)
